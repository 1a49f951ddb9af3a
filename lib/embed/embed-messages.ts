/**
 * The messages between an embedded cell's frame (/embed/cell, components/embed/embed-cell.tsx)
 * and the page that embeds it (public/embed.js), by postMessage. Everything the host page sends
 * is untrusted: the frame parses it with these schemas and only ever treats it as data (code
 * to show in the editor, options); nothing received is evaluated. Client-safe (no server-only).
 */
import { z } from "zod";
import { KERNELS } from "@/lib/snippets/kernel";

/** What a cell may hide (docs/api.md, "Embeds"). */
export const HIDEABLE = ["editor", "evalButton", "permalink", "output", "files"] as const;
export const EDITORS = ["codemirror", "codemirror-readonly", "textarea", "textarea-readonly"] as const;

/** Longest code an embed takes: what a cell of the run API takes. */
export const MAX_EMBED_CODE = 100_000;

const ZSession = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
/** A cell's message id (a UUID from the execution service). */
const ZMsgId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/);

/** The host's first message: the cell to show. */
export const ZEmbedInit = z.object({
  cellar: z.literal("init"),
  code: z.string().max(MAX_EMBED_CODE),
  kernel: z.enum(KERNELS),
  autoeval: z.boolean(),
  evalButtonText: z.string().trim().min(1).max(60),
  editor: z.enum(EDITORS),
  hide: z.array(z.enum(HIDEABLE)).max(HIDEABLE.length),
  /** The cell's link group (linked cells share a session), or null for a cell of its own. */
  group: z.string().min(1).max(200).nullable(),
  /** The group's live session, when one is known already. */
  session: ZSession.nullable(),
  replaceOutput: z.boolean(),
  /**
   * The output shows in a frame of its own (`outputLocation`, /embed/output): this frame shows
   * none and tells the host page about each run instead (TFrameMessage "run").
   */
  outputElsewhere: z.boolean(),
});
export type TEmbedInit = z.infer<typeof ZEmbedInit>;

/** Later: another cell of the group started a session. */
export const ZEmbedSession = z.object({ cellar: z.literal("session"), session: ZSession });

/** The output frame asked for the cell to run again (an ended interact's Restart). */
export const ZEmbedRerun = z.object({ cellar: z.literal("rerun") });

export const ZHostMessage = z.discriminatedUnion("cellar", [ZEmbedInit, ZEmbedSession, ZEmbedRerun]);
export type THostMessage = z.infer<typeof ZHostMessage>;

/**
 * A run of the cell, for its output frame: the session to follow and the message id of the cell
 * whose output to show (null: everything the session prints). The session id is the capability.
 */
export const ZEmbedRun = z.object({ cellar: z.literal("run"), session: ZSession, msgId: ZMsgId.nullable() });
export type TEmbedRun = z.infer<typeof ZEmbedRun>;

/** The host's first message to an output frame (/embed/output): how to show, and the cell's latest run if any. */
export const ZEmbedOutputInit = z.object({
  cellar: z.literal("output"),
  replaceOutput: z.boolean(),
  hideFiles: z.boolean(),
  run: ZEmbedRun.nullable(),
});
export type TEmbedOutputInit = z.infer<typeof ZEmbedOutputInit>;

export const ZOutputHostMessage = z.discriminatedUnion("cellar", [ZEmbedOutputInit, ZEmbedRun]);

/** What the frames tell the host page. */
export type TFrameMessage =
  { cellar: "ready" } | { cellar: "height"; height: number } | { cellar: "session"; session: string } | { cellar: "rerun" } | TEmbedRun;
