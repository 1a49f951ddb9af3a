import "server-only";
import { ZJupyterMessage, type TJupyterMessage } from "@/lib/exec/protocol";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

import { findSnippetRefOrThrow } from "@/lib/snippets/internal";

/**
 * One precomputed combination of an interact (`key`, static-grid.ts): the messages of the update
 * that ran it, and that update's msg_id (their parent). A 404 when the revision was not
 * precomputed or the combination is not one of its frames.
 */
export async function getStaticFrame(options: {
  owner: string;
  slug: string;
  rev: string;
  interact: string;
  key: string;
}): Promise<{ msgId: string; messages: TJupyterMessage[] }> {
  const ref = await findSnippetRefOrThrow(options.owner, options.slug);
  const frame = await getDb().staticFrame.findFirst({
    where: { interact: options.interact, key: options.key, run: { snippetId: ref.id, rev: options.rev } },
    select: { msgId: true, messages: true },
  });
  if (!frame) throw new AppError("NOT_FOUND", "These values were not precomputed. Press Run to run the interact live.");
  return { msgId: frame.msgId, messages: z.array(ZJupyterMessage).parse(frame.messages) };
}
