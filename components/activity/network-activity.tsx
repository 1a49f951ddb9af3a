import Link from "@/components/link";
import { listNetworkActivity } from "@/lib/activity/list-network-activity";
import { ActivityList } from "./activity-list";

const SHOWN = 6;

/** The latest new snippets, revisions and forks across a snippet's fork network, for its page. */
export async function NetworkActivity({ owner, slug }: { owner: string; slug: string }) {
  const { items } = await listNetworkActivity({ owner, slug, perPage: SHOWN });
  if (items.length === 0) return null;
  return (
    <section className="network-activity" aria-labelledby="network-activity">
      <h2 id="network-activity">Network activity</h2>
      <ActivityList items={items} label="Recent activity in this fork network" />
      <p className="network-activity__more">
        <Link href={`/${owner}/${slug}/forks`}>Fork network</Link> · <Link href={`/${owner}/${slug}/forks/activity`}>All activity in the network →</Link>
      </p>
    </section>
  );
}
