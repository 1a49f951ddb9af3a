import type { Metadata } from "next";
import Link from "@/components/link";
import { ActivityList } from "@/components/activity/activity-list";
import { Pagination } from "@/components/pagination";
import { listNetworkActivity } from "@/lib/activity/list-network-activity";
import { orNotFound } from "../../_view/load";

type Props = { params: Promise<{ owner: string; slug: string }>; searchParams: Promise<{ page?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `Activity in the fork network of ${p.owner}/${p.slug}`, robots: { index: false } };
}

/** Every new snippet, revision and fork in a fork network, newest first, a page at a time. */
export default async function NetworkActivityPage({ params, searchParams }: Props) {
  const p = await params;
  const q = await searchParams;
  const raw = Array.isArray(q.page) ? q.page[0] : q.page;
  const base = `/${p.owner}/${p.slug}`;
  const activity = await orNotFound(() => listNetworkActivity({ owner: p.owner, slug: p.slug, page: raw, perPage: 30 }));
  return (
    <article className="snippet">
      <header className="snippet-head">
        <p className="snippet-path">
          <Link href={`/${p.owner}`}>{p.owner}</Link> / <Link href={base}>{p.slug}</Link> / <Link href={`${base}/forks`}>forks</Link>
        </p>
        <h1>Activity in the fork network</h1>
      </header>
      {activity.items.length === 0 ? (
        <p className="muted">Nothing on this page.</p>
      ) : (
        <ActivityList items={activity.items} label="Activity in this fork network" />
      )}
      <Pagination page={activity.page} hasNext={activity.hasNext} hrefFor={(n) => `${base}/forks/activity?page=${n}`} />
    </article>
  );
}
