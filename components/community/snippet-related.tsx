import "../community.css";
import Link from "@/components/link";
import { publicOrigin } from "@/lib/env";
import type { TSnippetSummary } from "@/lib/snippets/internal";
import { listRelated } from "@/lib/snippets/related";
import { TagList } from "@/components/snippet-card";
import { ShareLinks } from "./share-links";

/** After a snippet's files: the related snippets and tags its owner linked, and ways to share it. */
export async function SnippetRelated({ snippet }: { snippet: TSnippetSummary }) {
  const related = await listRelated({ owner: snippet.owner, slug: snippet.slug });
  return (
    <aside className="snippet-related">
      {related.length > 0 || snippet.relatedTags.length > 0 ? (
        <section aria-labelledby="related-title">
          <h2 id="related-title">Related</h2>
          {related.length > 0 ? (
            <ul className="related-list">
              {related.map((r) => (
                <li key={r.url}>
                  <Link href={r.url}>{r.title}</Link> <span className="muted">{`${r.owner}/${r.slug}`}</span>
                </li>
              ))}
            </ul>
          ) : null}
          <TagList tags={snippet.relatedTags} label="Related tags" />
        </section>
      ) : null}
      <ShareLinks url={`${publicOrigin()}/${snippet.owner}/${snippet.slug}`} title={snippet.title} />
    </aside>
  );
}
