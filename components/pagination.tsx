import Link from "@/components/link";

/** Props of {@link Pagination}. */
export type PaginationProps = {
  /** Current page, 1-based. */
  page: number;
  hasNext: boolean;
  /** URL of a page, e.g. `(p) => \`/?page=${p}\``. */
  hrefFor: (page: number) => string;
};

/** Previous / Next links under a list. Renders nothing when everything fits on one page. */
export function Pagination({ page, hasNext, hrefFor }: PaginationProps) {
  const hasPrevious = page > 1;
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav className="pagination" aria-label="Pagination">
      {hasPrevious ? (
        <Link href={hrefFor(page - 1)} rel="prev" className="button">
          ← Previous
        </Link>
      ) : (
        // Kept for layout (Next stays on the right); hidden from screen readers, as it does nothing.
        <span className="button" aria-disabled="true" aria-hidden="true">
          ← Previous
        </span>
      )}
      <span className="pagination__page">Page {page}</span>
      {hasNext ? (
        <Link href={hrefFor(page + 1)} rel="next" className="button">
          Next →
        </Link>
      ) : (
        <span className="button" aria-disabled="true" aria-hidden="true">
          Next →
        </span>
      )}
    </nav>
  );
}
