import "../community.css";
import type { TSnippetSummary } from "@/lib/snippets/internal";
import { RatingWidget } from "./rating-widget";
import { ViewBeacon } from "./view-beacon";

/**
 * Under a snippet's title: its rating (and the reader's own stars), how often it was viewed and
 * run, and its license with what that lets a reader do. Counts are as of the page's last render.
 */
export function SnippetMeta({ snippet }: { snippet: TSnippetSummary }) {
  return (
    <div className="snippet-meta">
      <RatingWidget owner={snippet.owner} slug={snippet.slug} average={snippet.rating.average} count={snippet.rating.count} />
      <span className="snippet-meta__counts">
        {snippet.viewCount.toLocaleString("en")} {snippet.viewCount === 1 ? "view" : "views"} · {snippet.runCount.toLocaleString("en")}{" "}
        {snippet.runCount === 1 ? "run" : "runs"}
      </span>
      <span className="snippet-meta__license">
        License:{" "}
        {snippet.license.url ? (
          <a href={snippet.license.url} rel="license noopener" target="_blank">
            {snippet.license.name}
          </a>
        ) : (
          <strong>{snippet.license.name}</strong>
        )}
        <span className="muted"> — {snippet.license.summary}</span>
      </span>
      <ViewBeacon owner={snippet.owner} slug={snippet.slug} />
    </div>
  );
}
