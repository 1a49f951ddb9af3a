/**
 * Message shapes of the execution service (docs/exec.md): the zygote's JSON lines (section 1),
 * the session child's JSON lines (section 2), the Jupyter envelope the HTTP API streams
 * (section 3) and nbformat v4 outputs (section 4). Everything crossing a process boundary is
 * parsed with these; nothing from the sandbox is trusted.
 */
import { z } from "zod";
import "@/lib/zod-no-eval";

/**
 * A session id: also a directory and cgroup name, so kept to a safe alphabet. A host with an id
 * (one of several, `EXEC_HOST_ID`) starts its session ids with it and a dash (`b-Xy…`).
 */
export const ZSessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "a session id is 8–64 letters, digits, - or _");
export type TSessionId = z.infer<typeof ZSessionId>;

/**
 * The id of the host holding a session, for a site with hosts on NATS (each with an id, which
 * has no dash): what comes before the first dash.
 */
export function hostOfSession(session: string): string {
  const dash = session.indexOf("-");
  return dash < 0 ? "" : session.slice(0, dash);
}

// ── Section 1: zygote ↔ service ────────────────────────────────────────────────────────────

export const ZZygoteReady = z.object({
  op: z.literal("ready"),
  pid: z.number().int().positive(),
  kernel: z.string(),
  preloaded: z.array(z.string()),
});
export const ZZygoteSpawned = z.object({
  op: z.literal("spawned"),
  session: z.string(),
  /** G's host pid: the session process, cloned by the zygote straight into its namespaces. */
  pid: z.number().int().positive(),
  /** The same pid (an alias from when an intermediate process stood between). */
  child_pid: z.number().int().positive().optional(),
});
export const ZZygoteSpawnFailed = z.object({ op: z.literal("spawn_failed"), session: z.string(), error: z.string() });
/** What a zygote may write on its stdout. */
export const ZZygoteMessage = z.discriminatedUnion("op", [ZZygoteReady, ZZygoteSpawned, ZZygoteSpawnFailed]);
export type TZygoteMessage = z.infer<typeof ZZygoteMessage>;

/** service → zygote. */
export type TSpawnRequest = {
  op: "spawn";
  session: string;
  dir: string;
  limits: { cpu_seconds: number; file_bytes: number; nofile: number; output_bytes: number };
};

// ── Section 2: session child ↔ service ─────────────────────────────────────────────────────

export const ZHello = z.object({ op: z.literal("hello"), session: z.string() });

/** service → session child. */
export type TExecuteRequest = {
  op: "execute";
  msg_id: string;
  code: string;
  filename: string | null;
  cpu_seconds: number;
};

/** service → session child: re-run interact `interact` with control values (untrusted; G constrains them). */
export type TInteractRequest = {
  op: "interact";
  msg_id: string;
  interact: string;
  values: Record<string, unknown>;
  cpu_seconds: number;
};

/**
 * service → session child: complete or inspect (help) at `cursor_pos` (Unicode code points) in
 * `code`, answered from the session's namespace between cells (docs/exec.md, "Completion and help").
 */
export type TQueryRequest = {
  op: "complete" | "inspect";
  msg_id: string;
  code: string;
  cursor_pos: number;
  detail_level?: 0 | 1;
  cpu_seconds: number;
};

/** An interact's id, as the kernel makes them ("i7"); also what the browser sends back. */
export const ZInteractId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "an interact id is 1–64 letters, digits, '.', ':', '_' or '-'");

/**
 * Metadata G puts on a message: `interact` names the interact whose function was running when
 * the message was made (its output area in the page). Anything else is dropped.
 */
export const ZChildMetadata = z.object({ interact: ZInteractId.optional() }).optional().catch(undefined);

/** A MIME bundle: `text/plain`, `image/png` (base64), `text/html`, ... */
export const ZMimeBundle = z.record(z.string(), z.unknown());

export const ZStatusContent = z.object({ execution_state: z.enum(["busy", "idle", "starting", "dead"]) });
export const ZStreamContent = z.object({ name: z.enum(["stdout", "stderr"]), text: z.string() });
export const ZDisplayDataContent = z.object({
  data: ZMimeBundle,
  metadata: z.record(z.string(), z.unknown()).default({}),
  transient: z.record(z.string(), z.unknown()).optional(),
});
export const ZExecuteResultContent = ZDisplayDataContent.extend({ execution_count: z.number().int().nullable() });
export const ZErrorContent = z.object({ ename: z.string(), evalue: z.string(), traceback: z.array(z.string()) });
export const ZExecuteReplyContent = z
  .object({ status: z.enum(["ok", "error", "aborted"]), execution_count: z.number().int().nullable().default(null) })
  .loose();

/** The most matches a completion returns, and the longest help text (the relay caps them too). */
export const MAX_COMPLETIONS = 200;
export const MAX_HELP_CHARS = 64 * 1024 + 64;
export const ZCompleteReplyContent = z.object({
  status: z.literal("ok"),
  matches: z.array(z.string().min(1).max(200)).max(MAX_COMPLETIONS),
  cursor_start: z.number().int().nonnegative(),
  cursor_end: z.number().int().nonnegative(),
  metadata: z.object({}).default({}),
});
export type TCompleteReplyContent = z.infer<typeof ZCompleteReplyContent>;
export const ZInspectReplyContent = z.object({
  status: z.literal("ok"),
  found: z.boolean(),
  data: z.object({ "text/plain": z.string().max(MAX_HELP_CHARS).optional() }),
  metadata: z.object({}).default({}),
});
export type TInspectReplyContent = z.infer<typeof ZInspectReplyContent>;

/**
 * A message from the relay R on behalf of G (docs/exec.md section 2): Jupyter content without
 * the envelope, framed by R (`parent` is the running request), or `dropped`: bytes the cell wrote
 * that R could not read as a message, counted against the output limit and never shown.
 */
const child = <T extends string, C extends z.ZodType>(msgType: T, content: C) =>
  z.object({ msg_type: z.literal(msgType), parent: z.string(), content, metadata: ZChildMetadata });
export const ZChildMessage = z.discriminatedUnion("msg_type", [
  child("status", ZStatusContent),
  child("stream", ZStreamContent),
  child("display_data", ZDisplayDataContent),
  child("execute_result", ZExecuteResultContent),
  child("error", ZErrorContent),
  child("execute_reply", ZExecuteReplyContent),
  child("complete_reply", ZCompleteReplyContent),
  child("inspect_reply", ZInspectReplyContent),
  child("dropped", z.object({ bytes: z.number().int().nonnegative() })),
]);
export type TChildMessage = z.infer<typeof ZChildMessage>;

// ── Section 3: the Jupyter envelope served over SSE ────────────────────────────────────────

export const ZHeader = z.object({
  msg_id: z.string(),
  msg_type: z.string(),
  session: z.string(),
  date: z.string(),
  version: z.string(),
  username: z.string().optional(),
});

/** The request a message answers: empty for the session's own messages (its final `dead` status). */
export const ZParentHeader = ZHeader.partial();

/** Which limit stopped a cell, on the `metadata.limit` of a `LimitExceeded` error. */
export const ZLimitKind = z.enum(["time", "cpu", "memory", "output", "files", "processes"]);
export type TLimitKind = z.infer<typeof ZLimitKind>;

const envelope = <T extends string, C extends z.ZodType>(msgType: T, content: C) =>
  z.object({
    header: ZHeader.extend({ msg_type: z.literal(msgType) }),
    parent_header: ZParentHeader,
    /**
     * `interact`: the interact whose function made the message; on an `error` LimitExceeded,
     * `limit`; on the final `dead` status, `reason` (and `seconds`, or the site's `message`).
     */
    metadata: z.record(z.string(), z.unknown()),
    content,
  });

/**
 * The Jupyter messages the service sends (docs/exec.md section 3), by `header.msg_type`: the one
 * definition of their shapes, for the service, the site and the page. What R sends that is not
 * one of these (`dropped`, query replies) never leaves the service.
 */
const ENVELOPES = {
  status: envelope("status", ZStatusContent),
  stream: envelope("stream", ZStreamContent),
  display_data: envelope("display_data", ZDisplayDataContent),
  execute_result: envelope("execute_result", ZExecuteResultContent),
  error: envelope("error", ZErrorContent),
  execute_reply: envelope("execute_reply", ZExecuteReplyContent),
};
export type TMsgType = keyof typeof ENVELOPES;
export const MSG_TYPES = Object.keys(ENVELOPES) as TMsgType[];

type TMessages = { [T in TMsgType]: z.infer<(typeof ENVELOPES)[T]> };
/** A Jupyter message as the browser (and lib/runs) sees it; narrow it with `isMsgType`. */
export type TJupyterMessage = TMessages[TMsgType];
/** The message of one `msg_type`. */
export type TMessageOf<T extends TMsgType> = TMessages[T];
/** The content of one `msg_type`'s message (`TContentOf<"status">` is `{ execution_state: ... }`). */
export type TContentOf<T extends TMsgType> = { [K in TMsgType]: TMessages[K]["content"] }[T];

/**
 * Whether `message` is a `msgType` message, narrowing it (and its `content`) to that type.
 * TypeScript narrows a union by a property of its own only, not by `header.msg_type`: this does.
 */
export function isMsgType<T extends TMsgType>(message: TJupyterMessage, msgType: T): message is TMessageOf<T> {
  return message.header.msg_type === msgType;
}

/** Whether `message` is the session's final `dead` status (nothing comes after it). */
export function isDeadStatus(message: TJupyterMessage): message is TMessageOf<"status"> {
  return isMsgType(message, "status") && message.content.execution_state === "dead";
}

function isKnownMsgType(msgType: unknown): msgType is TMsgType {
  return typeof msgType === "string" && Object.hasOwn(ENVELOPES, msgType);
}

/**
 * A Jupyter message, a union discriminated by `header.msg_type` (zod's discriminatedUnion reads
 * a top-level key only, so the dispatch is here): a message of a type not in `MSG_TYPES` is
 * refused (`unknown msg_type "x"`), as is one whose content does not fit its type, with the
 * path of what is wrong (`content.execution_state: ...`). Unknown keys are dropped, except in
 * `execute_reply`'s content.
 */
export const ZJupyterMessage = z
  .object({ header: z.object({ msg_type: z.string("header.msg_type is required") }).loose() }, "a Jupyter message is an object with a header")
  .loose()
  .transform((message, ctx): TJupyterMessage => {
    const msgType = message.header.msg_type;
    if (!isKnownMsgType(msgType)) {
      ctx.issues.push({
        code: "custom",
        input: msgType,
        path: ["header", "msg_type"],
        message: `unknown msg_type "${msgType.slice(0, 100)}" (known: ${MSG_TYPES.join(", ")})`,
      });
      return z.NEVER;
    }
    const parsed = ENVELOPES[msgType].safeParse(message);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      ctx.issues.push({ code: "custom", input: message, path: issue.path, message: `${msgType}: ${issue.message}` });
    }
    return z.NEVER;
  });

/**
 * A message of `msgType` with its envelope: the service's own (`Session.emit`), and the site's
 * in the service's place (`lostServiceEnd`). TypeScript checks that the content fits the type.
 */
export function jupyterMessage<T extends TMsgType>(o: {
  msgType: T;
  msgId: string;
  session: string;
  date?: string;
  parent: z.infer<typeof ZParentHeader>;
  content: TContentOf<T>;
  metadata?: Record<string, unknown>;
}): TMessageOf<T> {
  return {
    header: { msg_id: o.msgId, msg_type: o.msgType, session: o.session, date: o.date ?? new Date().toISOString(), version: "5.3" },
    parent_header: o.parent,
    metadata: o.metadata ?? {},
    content: o.content,
  } as TMessageOf<T>;
}

/** A message with its position in the session's log (the SSE `id`, used to resume). */
export type TSessionEvent = { seq: number; message: TJupyterMessage };

/** Files of a session: as sent to `POST /sessions`. */
export const ZInputFile = z.object({
  path: z
    .string()
    .min(1)
    .max(1024)
    .refine(
      // eslint-disable-next-line no-control-regex -- control characters are what it refuses.
      (p) => !p.startsWith("/") && !p.split("/").some((s) => s === "" || s === "." || s === "..") && !/[\0-\x1f]/.test(p),
      "a file path is relative, without empty, '.' or '..' parts or control characters",
    ),
  base64: z.string(),
});
export type TInputFile = z.infer<typeof ZInputFile>;

export const ZExecuteHttpRequest = z.object({
  code: z.string().max(10_000_000),
  filename: z.string().min(1).max(1024).nullable().optional(),
  /** Wall-clock seconds for this cell; at most the service's EXEC_WALL_SECONDS. */
  timeout: z.number().positive().optional(),
});
export const ZExecuteHttpResponse = z.object({ msg_id: z.string() });

/** `POST /sessions/<id>/interact`: an interact's new control values (docs/exec.md section 3). */
export const ZInteractHttpRequest = z.object({
  interact: ZInteractId,
  /** Wire values by control name; bounded here, constrained to each control by the kernel. */
  values: z
    .record(z.string().max(200), z.unknown(), {
      // zod's own words ("Invalid key in record", "expected record") say neither which field nor why.
      error: (issue) => (issue.code === "invalid_key" ? "a control's name is at most 200 characters" : "values must be an object of control values by name"),
    })
    .refine((v) => Object.keys(v).length <= 200, "at most 200 values"),
  timeout: z.number().positive().optional(),
});
export type TInteractHttpRequest = z.infer<typeof ZInteractHttpRequest>;

/** Code a completion or help request reads: a cell's worth (the site's cells are at most 64 KB). */
export const MAX_QUERY_CODE_CHARS = 1_000_000;
/**
 * `POST /sessions/<id>/complete` and `/inspect` (docs/exec.md section 3): the cursor is a
 * position in Unicode code points, as in Jupyter's protocol 5.2+.
 */
export const ZQueryHttpRequest = z
  .object({
    code: z.string().max(MAX_QUERY_CODE_CHARS, `code is at most ${MAX_QUERY_CODE_CHARS} characters`),
    cursor_pos: z.number().int("cursor_pos is a whole number").nonnegative("cursor_pos is a position in the code"),
    detail_level: z.union([z.literal(0), z.literal(1)]).default(0),
  })
  .refine((q) => q.cursor_pos <= [...q.code].length, { message: "cursor_pos is past the end of the code", path: ["cursor_pos"] });
export type TQueryHttpRequest = z.infer<typeof ZQueryHttpRequest>;
/** The kernel's reply content, and `busy`: a cell was running, so nothing was asked (an empty answer). */
export const ZCompleteHttpResponse = ZCompleteReplyContent.extend({ busy: z.boolean() });
export type TCompleteHttpResponse = z.infer<typeof ZCompleteHttpResponse>;
export const ZInspectHttpResponse = ZInspectReplyContent.extend({ busy: z.boolean() });
export type TInspectHttpResponse = z.infer<typeof ZInspectHttpResponse>;

/** Why a session ended, on the `metadata.reason` of its final `dead` status. */
export const ZEndReason = z.enum(["idle", "lifetime", "closed", "replaced", "limit", "exited", "shutdown", "failed"]);
export type TEndReason = z.infer<typeof ZEndReason>;

/**
 * Whose shared values a session's `shared` reads and writes (docs/exec.md section 5), as the site
 * resolved it (lib/shared/resolve-shared-scope.ts) when it created the session; the service
 * keeps it with the session and never takes a scope from a cell.
 */
export const ZSharedScope = z.object({
  snippetId: z.string().min(1).max(100),
  forkOf: z.string().min(1).max(100).nullable(),
  actor: z.string().min(1).max(100).nullable(),
  canWrite: z.boolean(),
});
export type TSharedScope = z.infer<typeof ZSharedScope>;

export const ZCreateSessionRequest = z.object({
  kernel: z.string().default("python"),
  files: z.array(ZInputFile).max(1000).default([]),
  client: z.string().max(200).default("anonymous"),
  /** A first cell, queued as by `POST /sessions/<id>/execute`: one round trip instead of two. */
  execute: ZExecuteHttpRequest.optional(),
  /** The snippet's shared-values scope; absent or null (code without a snippet): `shared` refuses. */
  shared: ZSharedScope.nullable().optional(),
});
/** `msg_id` is the first cell's, when the request had one. */
export const ZCreateSessionResponse = z.object({ session: ZSessionId, msg_id: z.string().optional() });

export const ZFileEntry = z.object({ name: z.string(), size: z.number().int().nonnegative() });
export type TFileEntry = z.infer<typeof ZFileEntry>;
export const ZFileList = z.array(ZFileEntry);

/** The service's errors; `kernels` (the kernels it has) comes with UNKNOWN_KERNEL. */
export const ZErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), kernels: z.array(z.string()).optional() }) });

export const ZHealth = z.object({
  ok: z.boolean(),
  pool: z.object({ ready: z.number(), busy: z.number() }),
  queue: z.number(),
  sessions: z.number().optional(),
  /** The kernels the service offers (`python`, `sage`, ...); absent from services older than the Jupyter API. */
  kernels: z.array(z.string()).optional(),
});
export type THealth = z.infer<typeof ZHealth>;

// ── Section 4: nbformat v4 outputs ─────────────────────────────────────────────────────────

export const ZNbOutput = z.discriminatedUnion("output_type", [
  z.object({ output_type: z.literal("stream"), name: z.enum(["stdout", "stderr"]), text: z.string() }),
  z.object({ output_type: z.literal("display_data"), data: ZMimeBundle, metadata: z.record(z.string(), z.unknown()) }),
  z.object({
    output_type: z.literal("execute_result"),
    execution_count: z.number().int().nullable(),
    data: ZMimeBundle,
    metadata: z.record(z.string(), z.unknown()),
  }),
  z.object({ output_type: z.literal("error"), ename: z.string(), evalue: z.string(), traceback: z.array(z.string()) }),
]);
export type TNbOutput = z.infer<typeof ZNbOutput>;

/**
 * The nbformat v4 output of a message, or null for messages that are not output (status, reply).
 * Consecutive stream chunks are not merged here; `appendOutput` does that.
 */
export function toNbOutput(message: TJupyterMessage): TNbOutput | null {
  if (isMsgType(message, "stream")) return { output_type: "stream", name: message.content.name, text: message.content.text };
  if (isMsgType(message, "display_data")) return { output_type: "display_data", data: message.content.data, metadata: message.content.metadata };
  if (isMsgType(message, "execute_result")) {
    const c = message.content;
    return { output_type: "execute_result", execution_count: c.execution_count, data: c.data, metadata: c.metadata };
  }
  if (isMsgType(message, "error"))
    return { output_type: "error", ename: message.content.ename, evalue: message.content.evalue, traceback: message.content.traceback };
  return null;
}

/**
 * Appends an output, merging it into the previous one when both are the same stream (as Jupyter
 * does); a scatter job's progress (`application/vnd.cellar.job+json`) replaces its earlier one.
 */
export function appendOutput(outputs: TNbOutput[], output: TNbOutput): void {
  const job = output.output_type === "display_data" ? jobOf(output.data) : undefined;
  const earlier = job === undefined ? -1 : outputs.findIndex((o) => o.output_type === "display_data" && jobOf(o.data) === job);
  if (earlier >= 0) {
    outputs[earlier] = output;
    return;
  }
  const last = outputs.at(-1);
  if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
    last.text += output.text;
    return;
  }
  outputs.push(output);
}

/** The MIME type of a scatter job's progress (a `display_data` the service sends, again as it goes: the latest replaces the earlier). */
export const JOB_MIME = "application/vnd.cellar.job+json";

/** The job id of a scatter job's progress bundle, else undefined. */
function jobOf(data: Record<string, unknown>): string | undefined {
  const job = data[JOB_MIME] as { job?: unknown } | undefined;
  return typeof job?.job === "string" ? job.job : undefined;
}
