import "server-only";
import { getDb } from "@/lib/db/client";
import type { ActivityKind } from "@/lib/db/generated/enums";
import { revalidateNetwork } from "./revalidate-network";

export type TActivityKind = ActivityKind;

/** Kinds shown in a fork network's activity (on every snippet page of the network). */
export const NETWORK_KINDS: readonly TActivityKind[] = ["CREATE", "COMMIT", "FORK"];

const MAX_SUMMARY = 200;

export type TRecordActivityOptions = {
  kind: TActivityKind;
  actorId: string;
  snippetId: string;
  /** The snippet's fork network; looked up from the snippet when absent. */
  networkId?: string | null;
  /** The revision made (CREATE, COMMIT, FORK) or commented on. */
  rev?: string | null;
  /** Shown in lists: a commit message, the name forked from, a rating's stars… (first line, trimmed). */
  summary?: string;
};

/**
 * Writes one Activity row for something that already happened (a snippet created, a revision
 * committed, a fork, a comment, a rating). Call it after the write it describes has succeeded:
 * activity is a record of writes, not part of them, so a failure here is logged and swallowed
 * (the snippet, comment or rating stays; only its line in the activity lists is missing).
 * New snippets, revisions and forks also drop the cached pages of the whole fork network,
 * which show the network's activity and each fork's standing.
 */
export async function recordActivity(options: TRecordActivityOptions): Promise<void> {
  try {
    const db = getDb();
    const networkId =
      options.networkId ??
      (await db.snippet
        .findUnique({ where: { id: options.snippetId }, select: { networkId: true, id: true } })
        .then((s) => (s ? (s.networkId ?? s.id) : null)));
    const summary = (options.summary ?? "").trim().split("\n")[0]?.slice(0, MAX_SUMMARY) ?? "";
    await db.activity.create({
      data: { kind: options.kind, actorId: options.actorId, snippetId: options.snippetId, networkId, rev: options.rev ?? null, summary },
    });
    if (networkId && NETWORK_KINDS.includes(options.kind)) await revalidateNetwork(networkId);
  } catch (e) {
    console.error(`Recording ${options.kind} activity of snippet ${options.snippetId} failed`, e);
  }
}
