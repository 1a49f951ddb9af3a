"use server";

import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { consume } from "@/lib/auth/rate-limit";
import { toPublicError } from "@/lib/errors";
import { saveCellAsSnippet } from "@/lib/cells/save-cell-as-snippet";

/**
 * "Save as snippet" on /cell: publishes the box's code as a new snippet and goes to it. Called
 * with plain values (not the page's form: a form action resets the form, and the editor with it).
 * A refusal comes back as its message.
 */
export async function saveCellAction(input: { title: string; code: string; kernel: string }): Promise<{ error: string }> {
  const actor = await getCurrentUser();
  if (!actor) return { error: "Sign in to save your code as a snippet." };
  let url: string;
  try {
    await consume("write", actor.id);
    ({ url } = await saveCellAsSnippet({ actor, title: input.title, code: input.code, kernel: input.kernel }));
  } catch (e) {
    return { error: toPublicError(e).message };
  }
  redirect(url);
}
