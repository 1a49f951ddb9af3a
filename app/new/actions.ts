"use server";

import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { consume } from "@/lib/auth/rate-limit";
import { toPublicError } from "@/lib/errors";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { readSnippetForm, type TSnippetFormState } from "@/app/_forms/snippet-form-data";

/** Publishes a snippet from the form; on a refusal, returns the message and what was typed. */
export async function createSnippetAction(_prev: TSnippetFormState, form: FormData): Promise<TSnippetFormState> {
  const actor = await getCurrentUser();
  if (!actor) redirect("/signin?callbackUrl=/new");
  let url: string;
  let values: TSnippetFormState["values"] = null;
  try {
    await consume("write", actor.id);
    const parsed = await readSnippetForm(form, async () => new Uint8Array());
    values = parsed.values;
    const created = await createSnippet({
      actor,
      title: parsed.values.title,
      description: parsed.values.description,
      tags: parsed.tags,
      visibility: parsed.values.visibility,
      ...(parsed.values.license ? { license: parsed.values.license } : {}),
      kernel: parsed.values.kernel ?? "auto",
      files: parsed.files,
      ...(parsed.values.message.trim() ? { message: parsed.values.message } : {}),
    });
    url = created.url;
  } catch (e) {
    return { error: toPublicError(e).message, values };
  }
  redirect(url);
}
