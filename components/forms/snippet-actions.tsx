"use client";

import Link from "@/components/link";
import { useSession } from "next-auth/react";
import { forkSnippetAction } from "@/app/[owner]/[slug]/actions";

/**
 * Edit (owner) and Fork (anyone signed in) for a snippet page. The page itself is cached and
 * the same for everyone, so who is looking is decided here, in the browser.
 * Without JavaScript, Fork still works (the action sends signed-out users to sign in).
 */
export function SnippetActions({ owner, slug }: { owner: string; slug: string }) {
  const { data } = useSession();
  const me = data?.user?.username;
  return (
    <div className="snippet-actions">
      {me === owner ? (
        <Link className="button" href={`/${owner}/${slug}/edit`}>
          Edit
        </Link>
      ) : null}
      <form action={forkSnippetAction}>
        <input type="hidden" name="owner" value={owner} />
        <input type="hidden" name="slug" value={slug} />
        <button type="submit" className="button" title={me ? "Make your own copy of this snippet" : "Sign in to fork"}>
          Fork
        </button>
      </form>
    </div>
  );
}
