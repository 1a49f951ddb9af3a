import Link from "@/components/link";

import { formatDateTime, formatRelativeDate } from "@/lib/render/format";
import { markdownExcerpt } from "@/lib/render/markdown";
import { tagHref as tagPage } from "@/lib/tags/tag-path";
import { RatingStars } from "./rating-stars";
import "./community.css";

/**
 * Props of {@link SnippetCard}. Field names match the snippet summaries from `lib/snippets`, so
 * `<SnippetCard {...summary} />` works.
 */
export type SnippetCardProps = {
  /** Link to the snippet, e.g. "/ada/newton". */
  url: string;
  title: string;
  /** Owner's username. */
  owner: string;
  /** Markdown description; the card shows a short plain-text excerpt. */
  description?: string;
  tags: readonly string[];
  /** Omit when unknown; it is then not shown. */
  fileCount?: number;
  forkCount?: number;
  forkedFrom?: { owner: string; slug: string; deleted?: boolean } | null;
  visibility?: "public" | "unlisted";
  /** Time of the latest revision. */
  updatedAt: Date;
  /** "Now" for the relative date; pass one value for a whole list so cards agree. */
  now?: Date;
  /** Where a tag links to; defaults to the tag's page. */
  tagHref?: (tag: string) => string;
  /** The thumbnail's address (the first image of a run), or null for none. */
  thumbnailUrl?: string | null;
  /** Plain average (null before the first rating) and the number of ratings. */
  rating?: { average: number | null; count: number };
  viewCount?: number;
  runCount?: number;
};

/** A snippet in a list: title, owner, excerpt, tags and a few facts. */
export function SnippetCard({
  url,
  title,
  owner,
  description = "",
  tags,
  fileCount,
  forkCount,
  forkedFrom,
  visibility,
  updatedAt,
  now,
  tagHref = tagPage,
  thumbnailUrl,
  rating,
  viewCount,
  runCount,
}: SnippetCardProps) {
  const excerpt = markdownExcerpt(description, 180);
  return (
    <article className={thumbnailUrl ? "card snippet-card snippet-card--thumb" : "card snippet-card"}>
      {thumbnailUrl ? (
        // Decorative: the title link names the snippet.
        <Link href={url} className="snippet-card__thumb" tabIndex={-1} aria-hidden="true">
          {/* eslint-disable-next-line @next/next/no-img-element -- our own route, cached per revision; next/image would only re-encode it */}
          <img src={thumbnailUrl} alt="" loading="lazy" decoding="async" width={160} height={100} />
        </Link>
      ) : null}
      <h3 className="snippet-card__title">
        <Link href={`/${encodeURIComponent(owner)}`} className="snippet-card__owner">
          {owner}
        </Link>
        <span aria-hidden="true"> / </span>
        <Link href={url} className="snippet-card__name">
          {title}
        </Link>
        {visibility === "unlisted" ? <span className="badge">Unlisted</span> : null}
      </h3>
      {forkedFrom ? (
        <p className="snippet-card__fork">
          forked from{" "}
          {forkedFrom.deleted ? (
            <span>
              {forkedFrom.owner}/{forkedFrom.slug} (deleted)
            </span>
          ) : (
            <Link href={`/${encodeURIComponent(forkedFrom.owner)}/${encodeURIComponent(forkedFrom.slug)}`}>
              {forkedFrom.owner}/{forkedFrom.slug}
            </Link>
          )}
        </p>
      ) : null}
      {excerpt ? <p className="snippet-card__excerpt">{excerpt}</p> : null}
      <TagList tags={tags} href={tagHref} />
      <p className="snippet-card__facts">
        {fileCount !== undefined ? <span>{fileCount === 1 ? "1 file" : `${fileCount} files`}</span> : null}
        {rating ? <RatingStars {...rating} /> : null}
        {runCount ? <span>{runCount === 1 ? "1 run" : `${runCount.toLocaleString("en")} runs`}</span> : null}
        {viewCount ? <span>{viewCount === 1 ? "1 view" : `${viewCount.toLocaleString("en")} views`}</span> : null}
        {forkCount ? <span>{forkCount === 1 ? "1 fork" : `${forkCount} forks`}</span> : null}
        <span>
          Updated{" "}
          <time dateTime={updatedAt.toISOString()} title={formatDateTime(updatedAt)}>
            {formatRelativeDate(updatedAt, now)}
          </time>
        </span>
      </p>
    </article>
  );
}

/** Tags as pills, each a link to `href(tag)` (a tag's page by default); nothing when there are none. */
export function TagList({ tags, label = "Tags", href = tagPage }: { tags: readonly string[]; label?: string; href?: (tag: string) => string }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tags" aria-label={label}>
      {tags.map((tag) => (
        <li key={tag}>
          <Link href={href(tag)} className="tag">
            {tag}
          </Link>
        </li>
      ))}
    </ul>
  );
}
