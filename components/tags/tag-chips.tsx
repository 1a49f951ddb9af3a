import Link from "@/components/link";
import type { TTagCount } from "@/lib/tags/count-tags";
import { tagHref, tagLeaf } from "@/lib/tags/tag-path";
import "./tags.css";

/**
 * Tags as links with their snippet counts. `leaf` shows only the last part of each path (for a
 * tag's children, whose parent the page already names).
 */
export function TagChips({ tags, label, leaf = false }: { tags: readonly TTagCount[]; label: string; leaf?: boolean }) {
  return (
    <ul className="tags tag-chips" aria-label={label}>
      {tags.map((t) => (
        <li key={t.name}>
          <Link href={tagHref(t.name)} className="tag tag-chip">
            <span>{leaf ? tagLeaf(t.name) : t.name}</span>
            <span className="tag-chip__count" aria-label={`${t.count} ${t.count === 1 ? "snippet" : "snippets"}`}>
              {t.count}
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
