import Link from "@/components/link";
import { tagAncestors, tagHref, tagLeaf } from "@/lib/tags/tag-path";
import "./tags.css";

/**
 * A tag as a pill whose every part links to that level: in `calculus/derivatives`, "calculus"
 * opens /tags/calculus and "derivatives" /tags/calculus/derivatives. How a snippet's page lets
 * readers climb to broader tags.
 */
export function TagPathLinks({ path }: { path: string }) {
  const levels = tagAncestors(path);
  return (
    <span className="tag tag--path">
      {levels.map((level, i) => (
        <span key={level}>
          {i > 0 ? <span aria-hidden="true">/</span> : null}
          <Link href={tagHref(level)} aria-label={i === levels.length - 1 ? `Tag ${path}` : `Tag ${level}`}>
            {tagLeaf(level)}
          </Link>
        </span>
      ))}
    </span>
  );
}

/** A snippet's tags, each part of each path a link. */
export function TagPathList({ tags, label = "Tags" }: { tags: readonly string[]; label?: string }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tags" aria-label={label}>
      {tags.map((t) => (
        <li key={t}>
          <TagPathLinks path={t} />
        </li>
      ))}
    </ul>
  );
}
