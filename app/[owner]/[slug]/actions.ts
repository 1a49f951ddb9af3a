"use server";

import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { consume } from "@/lib/auth/rate-limit";
import { toPublicError } from "@/lib/errors";
import { readRawFile } from "@/lib/snippets/read-raw-file";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import { deleteSnippet } from "@/lib/snippets/delete-snippet";
import { readSnippetForm, type TSnippetFormState } from "@/app/_forms/snippet-form-data";

function field(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
}

/** Saves an edit as a new revision on top of `base`; a stale base comes back as a message. */
export async function updateSnippetAction(_prev: TSnippetFormState, form: FormData): Promise<TSnippetFormState> {
  const owner = field(form, "owner");
  const slug = field(form, "slug");
  const base = field(form, "base");
  const actor = await getCurrentUser();
  if (!actor) redirect(`/signin?callbackUrl=${encodeURIComponent(`/${owner}/${slug}/edit`)}`);
  let values: TSnippetFormState["values"] = null;
  try {
    await consume("write", actor.id);
    const parsed = await readSnippetForm(form, async (path) => (await readRawFile({ owner, slug, rev: base, path })).content);
    values = parsed.values;
    await updateSnippet({
      actor,
      owner,
      slug,
      base,
      files: parsed.files,
      title: parsed.values.title,
      description: parsed.values.description,
      tags: parsed.tags,
      visibility: parsed.values.visibility,
      ...(parsed.values.license ? { license: parsed.values.license } : {}),
      kernel: parsed.values.kernel ?? "auto",
      relatedSnippets: (parsed.values.relatedSnippets ?? "").split("\n"),
      relatedTags: (parsed.values.relatedTags ?? "")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
      ...(parsed.values.message.trim() ? { message: parsed.values.message } : {}),
    });
  } catch (e) {
    return { error: toPublicError(e).message, values };
  }
  redirect(`/${owner}/${slug}`);
}

/** What the Fork button shows after a refused fork (over the storage quota, a name clash...). */
export type TForkState = { error: string | null };

/** Forks `owner/slug` for the signed-in user and opens the fork; a refusal comes back as a message. */
export async function forkSnippetAction(_prev: TForkState, form: FormData): Promise<TForkState> {
  const owner = field(form, "owner");
  const slug = field(form, "slug");
  const actor = await getCurrentUser();
  if (!actor) redirect(`/signin?callbackUrl=${encodeURIComponent(`/${owner}/${slug}`)}`);
  let url: string;
  try {
    await consume("write", actor.id);
    url = (await forkSnippet({ actor, owner, slug })).url;
  } catch (e) {
    // Not a redirect with ?error=: the snippet page is cached and the same for everyone.
    return { error: toPublicError(e).message };
  }
  redirect(url);
}

/** Deletes a snippet after the owner confirmed it. */
export async function deleteSnippetAction(form: FormData): Promise<void> {
  const owner = field(form, "owner");
  const slug = field(form, "slug");
  const actor = await getCurrentUser();
  if (!actor) redirect(`/signin?callbackUrl=${encodeURIComponent(`/${owner}/${slug}`)}`);
  try {
    await deleteSnippet({ actor, owner, slug });
  } catch (e) {
    redirect(`/${owner}/${slug}/edit?error=${encodeURIComponent(toPublicError(e).message)}`);
  }
  redirect(`/${actor.username}?deleted=${encodeURIComponent(slug)}`);
}
