import Link from "@/components/link";
import { Pagination } from "@/components/pagination";
import { formatDate, formatDateTime } from "@/lib/render/format";
import { getSnippetSummary } from "@/lib/snippets/get-snippet-summary";
import { listForkNetwork, type TNetworkNode } from "@/lib/snippets/list-fork-network";
import { listSnippetRevisions } from "@/lib/snippets/list-revisions";
import { orNotFound } from "../../_view/load";
import { SubpageHeader } from "../../_view/subpage-header";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "3 commits ahead, 1 behind" of the snippet the network is seen from. */
function Standing({ node, from }: { node: TNetworkNode; from: string }) {
  if (node.current) return <span className="network__standing">this snippet</span>;
  if (node.ahead === null || node.behind === null) return <span className="network__standing">history unavailable</span>;
  if (node.ahead === 0 && node.behind === 0) return <span className="network__standing">even with {from}</span>;
  return (
    <span className="network__standing">
      {node.ahead > 0 ? <strong>{plural(node.ahead, "commit")} ahead</strong> : null}
      {node.ahead > 0 && node.behind > 0 ? ", " : null}
      {node.behind > 0 ? <>{plural(node.behind, "commit")} behind</> : null} of {from}
    </span>
  );
}

function NodeRow({ node, base, from }: { node: TNetworkNode; base: string; from: string }) {
  const name = `${node.owner}/${node.slug}`;
  return (
    <li
      className={`network__node${node.depth > 0 ? " network__node--child" : ""}${node.current ? " network__node--current" : ""}`}
      style={{ "--depth": node.depth } as React.CSSProperties}
      aria-current={node.current ? "page" : undefined}
      data-snippet={name}
    >
      {node.current ? (
        <strong className="network__name">{name}</strong>
      ) : (
        <Link className="network__name" href={`/${name}`}>
          {name}
        </Link>
      )}
      {node.visibility === "unlisted" ? <span className="badge">Unlisted</span> : null}
      {node.parent ? (
        <span className="visually-hidden">
          , fork of {node.parent.owner}/{node.parent.slug}
          {node.parent.deleted ? " (deleted)" : ""}
        </span>
      ) : null}
      {node.parent?.deleted ? (
        <span className="muted" aria-hidden="true">
          forked from {node.parent.owner}/{node.parent.slug} (deleted)
        </span>
      ) : null}
      <Standing node={node} from={from} />
      {node.current ? null : (
        <Link className="button button-small network__compare" href={`${base}/forks/compare/${node.owner}/${node.slug}`}>
          Compare
        </Link>
      )}
      <span className="network__latest">
        {node.title}
        {node.latest ? (
          <>
            {" · latest commit "}
            <Link href={`/${name}/rev/${node.latest.oid}`}>
              <code>{node.latest.oid.slice(0, 7)}</code>
            </Link>{" "}
            <q>{node.latest.message.split("\n")[0]}</q> by {node.latest.author.username ?? node.latest.author.name} on{" "}
            <time dateTime={node.latest.date.toISOString()} title={formatDateTime(node.latest.date)}>
              {formatDate(node.latest.date)}
            </time>
          </>
        ) : null}
      </span>
    </li>
  );
}

/**
 * The fork network page of a snippet: the whole network as a tree (one page of it), each
 * snippet with its latest commit and how far it is ahead of and behind this one, a Compare
 * link per snippet; the network's activity has its own page (forks/activity).
 */
export async function NetworkView({ owner, slug, page }: { owner: string; slug: string; page?: number }) {
  const [snippet, network, revisions] = await orNotFound(() =>
    Promise.all([getSnippetSummary({ owner, slug }), listForkNetwork({ owner, slug, ...(page ? { page } : {}) }), listSnippetRevisions({ owner, slug })]),
  );
  const base = snippet.url;
  const from = `${snippet.owner}/${snippet.slug}`;
  return (
    <article className="snippet">
      <SubpageHeader snippet={snippet} heading={`Fork network of ${snippet.title}`} active="forks" revisionCount={revisions.length} />

      <section aria-labelledby="network">
        <h2 id="network">{network.forkCount === 0 ? "No forks yet" : `${plural(network.forkCount, "fork")} in this network`}</h2>
        {network.total === 1 ? <p className="muted">Fork this snippet to make your own version; it will show up here.</p> : null}
        <ol className="network" aria-label="Fork network">
          {network.nodes.map((n) => (
            <NodeRow key={`${n.owner}/${n.slug}`} node={n} base={base} from={from} />
          ))}
        </ol>
        <p>
          <Link href={`${base}/forks/activity`}>Activity in this network →</Link>
        </p>
        <Pagination
          page={network.page}
          hasNext={network.page < network.pageCount}
          hrefFor={(n) => (n === network.currentPage ? `${base}/forks` : `${base}/forks/page/${n}`)}
        />
      </section>
    </article>
  );
}
