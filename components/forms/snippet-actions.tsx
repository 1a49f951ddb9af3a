"use client";

import { useActionState } from "react";
import Link from "@/components/link";
import { Flash } from "@/components/flash";
import { useSession } from "next-auth/react";
import { forkSnippetAction } from "@/app/[owner]/[slug]/actions";

/**
 * Edit (owner) and Fork (anyone signed in) for a snippet page. The page itself is cached and
 * the same for everyone, so who is looking is decided here, in the browser.
 * Without JavaScript, Fork still works (the action sends signed-out users to sign in). A refused
 * fork (past the storage quota, say) says why under the buttons.
 */
export function SnippetActions({ owner, slug }: { owner: string; slug: string }) {
  const { data } = useSession();
  const me = data?.user?.username;
  const [state, forkAction, forking] = useActionState(forkSnippetAction, { error: null });
  return (
    <div className="snippet-actions">
      {me === owner ? (
        <Link className="button" href={`/${owner}/${slug}/edit`}>
          Edit
        </Link>
      ) : null}
      <form action={forkAction}>
        <input type="hidden" name="owner" value={owner} />
        <input type="hidden" name="slug" value={slug} />
        <button type="submit" className="button" disabled={forking} title={me ? "Make your own copy of this snippet" : "Sign in to fork"}>
          Fork
        </button>
      </form>
      {state.error ? (
        <Flash kind="error" title="Could not fork">
          {state.error}
        </Flash>
      ) : null}
    </div>
  );
}
