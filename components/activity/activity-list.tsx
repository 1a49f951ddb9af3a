import Link from "@/components/link";
import type { TActivityItem } from "@/lib/activity/internal";
import { formatDate, formatDateTime } from "@/lib/render/format";
import "./activity.css";

function SnippetLink({ s }: { s: TActivityItem["snippet"] }) {
  return (
    <Link href={`/${s.owner}/${s.slug}`}>
      {s.owner}/{s.slug}
    </Link>
  );
}

/** What happened, as a sentence; user text (titles, messages) is React text, never markup. */
function Sentence({ a, showActor }: { a: TActivityItem; showActor: boolean }) {
  const actor = showActor ? (
    <>
      <Link href={`/${a.actor.username}`}>{a.actor.username}</Link>{" "}
    </>
  ) : null;
  const at = a.rev ? (
    <>
      {" "}
      <Link href={`/${a.snippet.owner}/${a.snippet.slug}/rev/${a.rev}`} className="activity__rev">
        <code>{a.rev.slice(0, 7)}</code>
      </Link>
    </>
  ) : null;
  switch (a.kind) {
    case "CREATE":
      return (
        <>
          {actor}created <SnippetLink s={a.snippet} />
          {at}
        </>
      );
    case "COMMIT":
      return (
        <>
          {actor}committed <q className="activity__summary">{a.summary || "Edit"}</q> to <SnippetLink s={a.snippet} />
          {at}
        </>
      );
    case "FORK":
      return (
        <>
          {actor}forked {a.summary ? <Link href={`/${a.summary}`}>{a.summary}</Link> : "a snippet"} as <SnippetLink s={a.snippet} />
        </>
      );
    case "COMMENT":
      return (
        <>
          {actor}commented on <SnippetLink s={a.snippet} />
          {a.summary ? (
            <>
              : <q className="activity__summary">{a.summary}</q>
            </>
          ) : null}
        </>
      );
    case "RATE":
      return (
        <>
          {actor}rated <SnippetLink s={a.snippet} />
          {a.summary ? <span className="activity__summary"> {a.summary}</span> : null}
        </>
      );
  }
}

const KIND_LABEL: Record<TActivityItem["kind"], string> = { CREATE: "New", COMMIT: "Commit", FORK: "Fork", COMMENT: "Comment", RATE: "Rating" };

/**
 * A list of activity, newest first. Dates are absolute: these lists sit on cached pages, where
 * "5 minutes ago" would go stale.
 */
export function ActivityList({ items, showActor = true, label }: { items: TActivityItem[]; showActor?: boolean; label: string }) {
  return (
    <ol className="activity" aria-label={label}>
      {items.map((a) => (
        <li key={a.id} className={`activity__item activity__item--${a.kind.toLowerCase()}`}>
          <span className="activity__kind">{KIND_LABEL[a.kind]}</span>
          <span className="activity__text">
            <Sentence a={a} showActor={showActor} />
          </span>
          <time className="activity__time" dateTime={a.createdAt.toISOString()} title={formatDateTime(a.createdAt)}>
            {formatDate(a.createdAt)}
          </time>
        </li>
      ))}
    </ol>
  );
}
