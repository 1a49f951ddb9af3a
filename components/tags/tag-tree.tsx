import Link from "@/components/link";
import type { TTagNode } from "@/lib/tags/build-tag-tree";
import { tagHref, tagLeaf } from "@/lib/tags/tag-path";
import { TagChips } from "./tag-chips";
import "./tags.css";

/** How many children a top-level tag shows before "N more". */
const CHILDREN_SHOWN = 12;

/**
 * The top of the tag hierarchy: each tag with its count and its children (with theirs); deeper
 * levels are one click away on the child's own page.
 */
export function TagTree({ nodes }: { nodes: readonly TTagNode[] }) {
  return (
    <ul className="tag-tree">
      {nodes.map((node) => {
        const shown = [...node.children].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)).slice(0, CHILDREN_SHOWN);
        const more = node.children.length - shown.length;
        return (
          <li key={node.name} className="card tag-tree__node">
            <h2 className="tag-tree__name">
              <Link href={tagHref(node.name)}>{tagLeaf(node.name)}</Link>{" "}
              <span className="muted tag-tree__count">
                {node.count} {node.count === 1 ? "snippet" : "snippets"}
              </span>
            </h2>
            {shown.length > 0 ? <TagChips tags={shown} label={`Tags under ${node.name}`} leaf /> : null}
            {more > 0 ? (
              <p className="tag-tree__more">
                <Link href={tagHref(node.name)}>
                  {more} more under {tagLeaf(node.name)}
                </Link>
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
