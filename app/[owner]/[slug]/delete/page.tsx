import type { Metadata } from "next";
import Link from "@/components/link";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { deleteSnippetAction } from "../actions";
import { orNotFound } from "../_view/load";

type Props = { params: Promise<{ owner: string; slug: string }> };

export const metadata: Metadata = { title: "Delete snippet" };

/** Asks before deleting: a page of its own, so it works without JavaScript too. */
export default async function DeleteSnippetPage({ params }: Props) {
  const p = await params;
  const owner = p.owner;
  const slug = p.slug;
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/${owner}/${slug}/delete`)}`);
  const { snippet } = await orNotFound(() => getSnippet({ owner, slug }));
  const base = `/${snippet.owner}/${snippet.slug}`;
  if (snippet.owner !== user.username) redirect(base);
  return (
    <div className="page-narrow">
      <h1>Delete “{snippet.title}”?</h1>
      <p>
        This removes{" "}
        <strong>
          {snippet.owner}/{snippet.slug}
        </strong>{" "}
        and all its revisions. Links to it will stop working. This cannot be undone.
        {snippet.forkCount > 0 ? ` Its ${snippet.forkCount === 1 ? "fork stays" : `${snippet.forkCount} forks stay`} with their owners.` : ""}
      </p>
      <form action={deleteSnippetAction} className="form-actions">
        <input type="hidden" name="owner" value={snippet.owner} />
        <input type="hidden" name="slug" value={snippet.slug} />
        <button type="submit" className="button button-danger">
          Yes, delete this snippet
        </button>
        <Link className="button" href={base}>
          Cancel
        </Link>
      </form>
    </div>
  );
}
