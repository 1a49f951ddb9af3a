import type { Metadata } from "next";
import Link from "@/components/link";
import { DiffView } from "@/components/diff-view";
import { isAppError } from "@/lib/errors";
import { formatDate, formatDateTime } from "@/lib/render/format";
import { compareWithFork, type TForkComparison } from "@/lib/snippets/compare-with-fork";
import { orNotFound } from "../../../../_view/load";

// Both sides move independently and a diff is cheap next to a network-wide revalidation: always fresh.
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ owner: string; slug: string; otherOwner: string; otherSlug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `Compare ${p.owner}/${p.slug} with ${p.otherOwner}/${p.otherSlug}`, robots: { index: false } };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function Summary({ c }: { c: TForkComparison }) {
  const self = `${c.snippet.owner}/${c.snippet.slug}`;
  const other = `${c.other.owner}/${c.other.slug}`;
  const standing =
    c.aheadCount === 0 && c.behindCount === 0
      ? `${other} is even with ${self}.`
      : `${other} is ${[c.aheadCount > 0 ? `${plural(c.aheadCount, "commit")} ahead` : "", c.behindCount > 0 ? `${plural(c.behindCount, "commit")} behind` : ""].filter(Boolean).join(" and ")} of ${self}.`;
  return (
    <p className="compare-summary" role="status">
      <strong>{standing}</strong>{" "}
      {c.mergeBase ? (
        <>
          They share history up to{" "}
          <Link href={`/${self}/rev/${c.mergeBase}`}>
            <code>{c.mergeBase.slice(0, 7)}</code>
          </Link>
          .
        </>
      ) : (
        "They share no history."
      )}
    </p>
  );
}

/** This snippet's latest files against another snippet of its fork network: standing, its own commits, and the diff. */
export default async function ComparePage({ params }: Props) {
  const p = await params;
  const base = `/${p.owner}/${p.slug}`;
  let c: TForkComparison;
  try {
    c = await orNotFound(() => compareWithFork({ owner: p.owner, slug: p.slug, otherOwner: p.otherOwner, otherSlug: p.otherSlug }));
  } catch (e) {
    if (!isAppError(e) || e.code !== "INVALID") throw e;
    return (
      <article className="snippet">
        <h1>Cannot compare</h1>
        <p role="alert">{e.message}</p>
        <p>
          <Link href={`${base}/forks`}>Back to the fork network</Link>
        </p>
      </article>
    );
  }
  const self = `${c.snippet.owner}/${c.snippet.slug}`;
  const other = `${c.other.owner}/${c.other.slug}`;
  return (
    <article className="snippet">
      <header className="snippet-head">
        <p className="snippet-path">
          <Link href={`/${c.snippet.owner}`}>{c.snippet.owner}</Link> / <Link href={c.snippet.url}>{c.snippet.slug}</Link> /{" "}
          <Link href={`${c.snippet.url}/forks`}>forks</Link>
        </p>
        <h1>
          Compare {self} with {other}
        </h1>
      </header>
      <Summary c={c} />
      <p>
        <Link href={`/${other}/forks/compare/${self}`}>Compare the other way</Link> · <Link href={`${c.snippet.url}/forks`}>Back to the fork network</Link>
      </p>

      {c.ahead.length > 0 ? (
        <section aria-labelledby="ahead">
          <h2 id="ahead">
            {plural(c.aheadCount, "commit")} only in {other}
          </h2>
          <ol className="revisions">
            {c.ahead.map((r) => (
              <li key={r.oid} className="revision">
                <div className="revision-head">
                  <strong className="revision-message">{r.message || "(no message)"}</strong>
                  <span className="revision-meta">
                    {r.author.username ? <Link href={`/${r.author.username}`}>{r.author.username}</Link> : r.author.name} ·{" "}
                    <time dateTime={r.date.toISOString()} title={formatDateTime(r.date)}>
                      {formatDate(r.date)}
                    </time>{" "}
                    ·{" "}
                    <Link href={`/${other}/rev/${r.oid}`}>
                      <code>{r.oid.slice(0, 7)}</code>
                    </Link>
                  </span>
                </div>
              </li>
            ))}
          </ol>
          {c.aheadCount > c.ahead.length ? (
            <p className="muted">
              The {c.ahead.length} newest are listed; see the full history of {other}.
            </p>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="diff">
        <h2 id="diff">
          Changes from {self} <code>{c.base.slice(0, 7)}</code> to {other} <code>{c.head.slice(0, 7)}</code>
        </h2>
        {c.files.length === 0 ? (
          <p>Both have the same files.</p>
        ) : (
          <DiffView files={c.files} versions={{ before: `/${self}/raw/${c.base}`, after: `/${other}/raw/${c.head}` }} />
        )}
      </section>
    </article>
  );
}
