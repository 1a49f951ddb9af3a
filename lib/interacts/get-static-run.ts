import "server-only";
import { ZJupyterMessage, type TJupyterMessage } from "@/lib/exec/protocol";
import { z } from "zod";
import { getDb } from "@/lib/db/client";

import { findSnippetRefOrThrow } from "@/lib/snippets/internal";

export type TStaticRun = {
  rev: string;
  /** The main file's cell: its msg_id and file, and the messages of its run. */
  cell: { msgId: string; file: string };
  messages: TJupyterMessage[];
  /** The interacts whose controls play stored frames (the others need Run). */
  interacts: { id: string; name: string; frames: number }[];
  createdAt: Date;
};

const ZStored = z.object({ cell: z.object({ msgId: z.string(), file: z.string() }), messages: z.array(ZJupyterMessage) });
const ZInteracts = z.array(z.object({ id: z.string(), name: z.string(), frames: z.number().int() }));

/**
 * The precomputed run of `owner/slug` at `rev` (static interacts, precompute-interacts.ts), or
 * null when its owner has not precomputed that revision. Anyone who can read the snippet can.
 */
export async function getStaticRun(options: { owner: string; slug: string; rev: string }): Promise<TStaticRun | null> {
  const ref = await findSnippetRefOrThrow(options.owner, options.slug);
  const row = await getDb().staticRun.findUnique({ where: { snippetId_rev: { snippetId: ref.id, rev: options.rev } } });
  if (!row) return null;
  const stored = ZStored.parse(row.messages);
  return { rev: row.rev, cell: stored.cell, messages: stored.messages, interacts: ZInteracts.parse(row.interacts), createdAt: row.createdAt };
}
