import { Pagination } from "@/components/pagination";
import { listUserActivity } from "@/lib/activity/list-user-activity";
import type { TActor } from "@/lib/snippets/schema";
import { ActivityList } from "./activity-list";

/** A user's recent activity on their profile page, paginated by `?activity=N`. */
export async function UserActivity({ username, actor, page }: { username: string; actor: TActor | null; page: string | undefined }) {
  const activity = await listUserActivity({ username, actor, page, perPage: 15 });
  return (
    <section className="user-activity" aria-labelledby="activity">
      <h2 id="activity">Recent activity</h2>
      {activity.items.length === 0 ? (
        <p className="muted">No activity {activity.page > 1 ? "on this page" : "yet"}.</p>
      ) : (
        <ActivityList items={activity.items} showActor={false} label={`Recent activity of ${username}`} />
      )}
      <Pagination page={activity.page} hasNext={activity.hasNext} hrefFor={(n) => `/${username}?activity=${n}#activity`} />
    </section>
  );
}
