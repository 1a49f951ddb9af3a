"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { toPublicError } from "@/lib/errors";
import { createToken } from "@/lib/tokens/create-token";
import { revokeToken } from "@/lib/tokens/revoke-token";

export type TTokenFormState = { error: string | null; created: { name: string; token: string } | null };

/** Creates a token and hands its secret back once; it is never shown again. */
export async function createTokenAction(_prev: TTokenFormState, form: FormData): Promise<TTokenFormState> {
  const actor = await getCurrentUser();
  if (!actor) redirect("/signin?callbackUrl=/settings/tokens");
  const name = form.get("name");
  try {
    const created = await createToken({ actor, name: typeof name === "string" ? name : "" });
    revalidatePath("/settings/tokens");
    return { error: null, created: { name: created.name, token: created.token } };
  } catch (e) {
    return { error: toPublicError(e).message, created: null };
  }
}

export async function revokeTokenAction(form: FormData): Promise<void> {
  const actor = await getCurrentUser();
  if (!actor) redirect("/signin?callbackUrl=/settings/tokens");
  const id = form.get("id");
  await revokeToken({ actor, id: typeof id === "string" ? id : "" });
  revalidatePath("/settings/tokens");
}
