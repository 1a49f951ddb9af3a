import type { Metadata } from "next";
import Link from "next/link";
import { formatDateTime } from "@/lib/render/format";
import { getSnippetSummary } from "@/lib/snippets/get-snippet-summary";
import { getForkNetwork, type TForkNode } from "@/lib/snippets/get-fork-network";
import { listSnippetRevisions } from "@/lib/snippets/list-revisions";
import { orNotFound } from "../_view/load";
import { SubpageHeader } from "../_view/subpage-header";

export const revalidate = 3600;
export function generateStaticParams() {
  return [];
}

type Props = { params: Promise<{ owner: string; slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `Forks of ${p.owner}/${p.slug}` };
}

function countForks(node: TForkNode): number {
  return node.forks.reduce((n, f) => n + 1 + countForks(f), 0);
}

function ForkTree({ nodes }: { nodes: TForkNode[] }) {
  return (
    <ul className="fork-tree">
      {nodes.map((n) => (
        <li key={`${n.owner}/${n.slug}`}>
          <Link href={`/${n.owner}/${n.slug}`}>
            {n.owner}/{n.slug}
          </Link>{" "}
          <span className="muted">
            {n.title} · latest revision <time dateTime={n.updatedAt.toISOString()}>{formatDateTime(n.updatedAt)}</time>
          </span>
          {n.forks.length > 0 ? <ForkTree nodes={n.forks} /> : null}
        </li>
      ))}
    </ul>
  );
}

/** The fork network: where this snippet came from, and every fork made from it since. */
export default async function ForksPage({ params }: Props) {
  const p = await params;
  const owner = p.owner;
  const slug = p.slug;
  const [snippet, network, revisions] = await orNotFound(() =>
    Promise.all([getSnippetSummary({ owner, slug }), getForkNetwork({ owner, slug }), listSnippetRevisions({ owner, slug })]),
  );
  const total = countForks(network.tree);
  return (
    <article className="snippet">
      <SubpageHeader snippet={snippet} heading={`Forks of ${snippet.title}`} active="forks" revisionCount={revisions.length} />

      {network.ancestors.length > 0 ? (
        <section aria-labelledby="upstream">
          <h2 id="upstream">Forked from</h2>
          <ol className="fork-chain">
            {network.ancestors.map((a) => (
              <li key={`${a.owner}/${a.slug}`}>
                {a.deleted ? (
                  <span>
                    {a.owner}/{a.slug} <span className="muted">(deleted)</span>
                  </span>
                ) : (
                  <>
                    <Link href={`/${a.owner}/${a.slug}`}>
                      {a.owner}/{a.slug}
                    </Link>{" "}
                    <span className="muted">
                      {a.title} · latest revision <time dateTime={a.updatedAt.toISOString()}>{formatDateTime(a.updatedAt)}</time>
                    </span>
                  </>
                )}
              </li>
            ))}
            <li aria-current="page">
              <strong>
                {snippet.owner}/{snippet.slug}
              </strong>{" "}
              <span className="muted">(this snippet)</span>
            </li>
          </ol>
        </section>
      ) : null}

      <section aria-labelledby="downstream">
        <h2 id="downstream">{total === 0 ? "No forks yet" : total === 1 ? "1 fork" : `${total} forks`}</h2>
        {total === 0 ? <p className="muted">Fork this snippet to make your own version; it will show up here.</p> : <ForkTree nodes={network.tree.forks} />}
      </section>
    </article>
  );
}
