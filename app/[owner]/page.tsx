import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SnippetCards } from "@/components/snippet-cards";
import { Pagination } from "@/components/pagination";
import { getCurrentUser } from "@/lib/auth/session";
import { getUserByUsername } from "@/lib/users/get-user";
import { listSnippets } from "@/lib/snippets/list-snippets";
import { UserActivity } from "@/components/activity/user-activity";

type Props = { params: Promise<{ owner: string }>; searchParams: Promise<{ page?: string; deleted?: string; activity?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).owner };
}

/** A user's snippets and forks; their own unlisted ones too when they are looking. */
export default async function UserPage({ params, searchParams }: Props) {
  const owner = (await params).owner.toLowerCase();
  const q = await searchParams;
  const [user, actor] = await Promise.all([getUserByUsername({ username: owner }), getCurrentUser()]);
  if (!user) notFound();
  const page = Math.max(1, Number.parseInt(q.page ?? "1", 10) || 1);
  const list = await listSnippets({ owner, actor, page });
  const originals = list.items.filter((s) => !s.forkedFrom);
  const forks = list.items.filter((s) => s.forkedFrom);
  return (
    <div>
      <header className="profile">
        <h1>{user.displayName ?? user.username}</h1>
        <p className="muted">
          @{user.username} · joined <time dateTime={user.createdAt.toISOString()}>{user.createdAt.toISOString().slice(0, 10)}</time>
        </p>
      </header>
      {q.deleted ? (
        <p className="flash" role="status">
          Deleted {user.username}/{q.deleted}.
        </p>
      ) : null}
      <section aria-labelledby="own">
        <h2 id="own">Snippets</h2>
        {originals.length === 0 ? <p className="muted">No snippets on this page.</p> : null}
        <SnippetCards snippets={originals} />
      </section>
      {forks.length > 0 ? (
        <section aria-labelledby="forks">
          <h2 id="forks">Forks</h2>
          <SnippetCards snippets={forks} />
        </section>
      ) : null}
      <Pagination page={page} hasNext={list.hasNext} hrefFor={(n) => `/${owner}?page=${n}`} />
      <UserActivity username={user.username} actor={actor} page={q.activity} />
    </div>
  );
}
