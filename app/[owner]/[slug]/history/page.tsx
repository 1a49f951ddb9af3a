import type { Metadata } from "next";
import Link from "@/components/link";
import { DiffView } from "@/components/diff-view";
import { Pagination } from "@/components/pagination";
import { formatDateTime } from "@/lib/render/format";
import { getSnippetSummary } from "@/lib/snippets/get-snippet-summary";
import { diffBudget, diffEachRevision, diffSnippet } from "@/lib/snippets/diff-snippet";
import { listSnippetRevisions, type TRevision } from "@/lib/snippets/list-revisions";
import { orNotFound } from "../_view/load";
import { SubpageHeader } from "../_view/subpage-header";

type Props = {
  params: Promise<{ owner: string; slug: string }>;
  searchParams: Promise<{ from?: string | string[]; to?: string | string[]; page?: string | string[] }>;
};

const PER_PAGE = 10;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `History of ${p.owner}/${p.slug}` };
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function shortLabel(r: TRevision): string {
  const msg = r.message.split("\n")[0] ?? "";
  return `${r.oid.slice(0, 7)} · ${msg.length > 50 ? msg.slice(0, 49) + "…" : msg}`;
}

function RevisionSelect({ label, name, revisions, selected }: { label: string; name: string; revisions: TRevision[]; selected: string | undefined }) {
  return (
    <label>
      {label}{" "}
      <select name={name} defaultValue={selected}>
        {revisions.map((r) => (
          <option key={r.oid} value={r.oid}>
            {shortLabel(r)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Revisions with the change each made, and a comparison of any two. */
export default async function HistoryPage({ params, searchParams }: Props) {
  const p = await params;
  const q = await searchParams;
  const owner = p.owner;
  const slug = p.slug;
  const [snippet, revisions] = await orNotFound(() => Promise.all([getSnippetSummary({ owner, slug }), listSnippetRevisions({ owner, slug })]));
  const base = snippet.url;
  const page = Math.max(1, Number.parseInt(one(q.page) ?? "1", 10) || 1);
  const shown = revisions.slice((page - 1) * PER_PAGE, page * PER_PAGE);

  const from = one(q.from);
  const to = one(q.to);
  // One allowance of diffing time for the page: past it, files say they are too large to show.
  const budget = diffBudget();
  const compare = from && to ? await orNotFound(() => diffSnippet({ owner, slug, from, to, budget })) : null;
  const diffs = await diffEachRevision({ owner, slug, revisions: shown, budget });

  return (
    <article className="snippet">
      <SubpageHeader snippet={snippet} heading={`History of ${snippet.title}`} active="history" revisionCount={revisions.length} />

      {revisions.length > 1 ? (
        <form className="compare-form" method="get" action={`${base}/history`}>
          <h2>Compare two revisions</h2>
          <RevisionSelect label="From" name="from" revisions={revisions} selected={from ?? revisions[1]?.oid} />
          <RevisionSelect label="To" name="to" revisions={revisions} selected={to ?? revisions[0]?.oid} />
          <button type="submit" className="button">
            Compare
          </button>
        </form>
      ) : null}

      {compare ? (
        <section aria-labelledby="compare-title" className="compare-result">
          <h2 id="compare-title">
            Changes from <code>{compare.from?.slice(0, 7)}</code> to <code>{compare.to.slice(0, 7)}</code>
          </h2>
          {compare.files.length === 0 ? (
            <p>These revisions have the same files.</p>
          ) : (
            <DiffView files={compare.files} versions={{ before: compare.from && `${base}/raw/${compare.from}`, after: `${base}/raw/${compare.to}` }} />
          )}
        </section>
      ) : null}

      <h2>{revisions.length === 1 ? "1 revision" : `${revisions.length} revisions`}</h2>
      <ol className="revisions">
        {shown.map((r, i) => {
          const diff = diffs[i];
          const who = r.author.username ?? r.author.name;
          return (
            <li key={r.oid} className="revision" id={`rev-${r.oid}`}>
              <div className="revision-head">
                <strong className="revision-message">{r.message || "(no message)"}</strong>
                <span className="revision-meta">
                  {r.author.username ? <Link href={`/${who}`}>{who}</Link> : who} · <time dateTime={r.date.toISOString()}>{formatDateTime(r.date)}</time> ·{" "}
                  <Link href={`${base}/rev/${r.oid}`} title="Permalink to this revision">
                    <code>{r.oid.slice(0, 7)}</code>
                  </Link>
                  {i === 0 && page === 1 ? <span className="badge">Latest</span> : null}
                </span>
              </div>
              {diff ? (
                <details open={i === 0 && page === 1}>
                  <summary>
                    {r.parents.length === 0 ? "Files in the first revision" : "Changes in this revision"} ({diff.files.length} file
                    {diff.files.length === 1 ? "" : "s"})
                  </summary>
                  <DiffView files={diff.files} versions={{ before: diff.from && `${base}/raw/${diff.from}`, after: `${base}/raw/${diff.to}` }} />
                </details>
              ) : null}
            </li>
          );
        })}
      </ol>
      <Pagination page={page} hasNext={page * PER_PAGE < revisions.length} hrefFor={(n) => `${base}/history?page=${n}`} />
    </article>
  );
}
