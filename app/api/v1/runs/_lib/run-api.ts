import { clientAddress } from "@/lib/auth/client-address";
import type { TRunner } from "@/lib/runs/run-client-key";
import type { TActor } from "@/lib/snippets/schema";
import { api } from "../../_lib/respond";

type THandler<P> = (request: Request, ctx: { params: P; actor: TActor | null; runner: TRunner }) => Promise<Response>;

/** `api()` for the Run endpoints: adds who is asking (user, else the client's address) for the Run budget. */
export function runApi<P = Record<string, never>>(handler: THandler<P>) {
  return api<P>((request, ctx) => handler(request, { ...ctx, runner: { actor: ctx.actor, address: clientAddress(request.headers) } }));
}

/** Where a session's file is downloaded from (site-relative). */
export function runFilePath(session: string, name: string): string {
  return `/api/v1/runs/${session}/files/${name.split("/").map(encodeURIComponent).join("/")}`;
}
