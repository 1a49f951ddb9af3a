import type { Metadata } from "next";
import { Pagination } from "@/components/pagination";
import { TagTree } from "@/components/tags/tag-tree";
import { buildTagTree } from "@/lib/tags/build-tag-tree";
import { cachedTagCounts } from "@/lib/tags/cached-tag-counts";

export const metadata: Metadata = { title: "Tags" };

/** Top-level tags a page; each shows its children, so a page stays readable. */
const PER_PAGE = 30;

type Props = { searchParams: Promise<{ page?: string }> };

/** The tag hierarchy: every top-level tag with its count and its children, alphabetically. */
export default async function TagsPage({ searchParams }: Props) {
  const page = Math.max(1, Number.parseInt((await searchParams).page ?? "1", 10) || 1);
  const counts = await cachedTagCounts();
  const tree = buildTagTree(counts);
  const nodes = tree.slice((page - 1) * PER_PAGE, page * PER_PAGE);
  return (
    <div className="tags-page">
      <header className="page-header">
        <h1>Tags</h1>
        <p className="muted">
          Tags are paths, like <code>calculus/derivatives</code>: a tag lists its own snippets and those of every tag below it.
        </p>
      </header>
      {tree.length === 0 ? (
        <p className="muted">No tagged snippets yet.</p>
      ) : nodes.length === 0 ? (
        <p className="muted">There is no page {page}.</p>
      ) : (
        <TagTree nodes={nodes} />
      )}
      <Pagination page={page} hasNext={tree.length > page * PER_PAGE} hrefFor={(n) => (n === 1 ? "/tags" : `/tags?page=${n}`)} />
    </div>
  );
}
