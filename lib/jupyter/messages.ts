/**
 * The Jupyter messaging protocol (v5.3) as the kernel WebSocket speaks it: the JSON form without
 * a subprotocol, one message per text frame with its `channel` (Jupyter Server's default for
 * clients that do not ask for `v1.kernel.websocket.jupyter.org`). Every frame a client sends is
 * parsed here before anything acts on it; the replies are built here.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const PROTOCOL_VERSION = "5.3";

/** Largest frame a client may send: a cell is at most 100,000 characters (lib/runs/run-cell.ts), JSON-escaped up to 6× that. */
export const MAX_FRAME_BYTES = 1024 * 1024;

const ZText = (max: number) => z.string().max(max);

export const ZClientHeader = z.object({
  msg_id: z.string().min(1, "header.msg_id is required").max(200),
  msg_type: z.string().min(1, "header.msg_type is required").max(100),
  session: ZText(200),
  username: ZText(200).optional(),
  date: ZText(100).optional(),
  version: ZText(20).optional(),
});
export type TClientHeader = z.infer<typeof ZClientHeader>;

/** A frame from a client: a message on the shell, control or stdin channel. */
export const ZClientFrame = z.object({
  channel: z.enum(["shell", "control", "stdin"], { error: "channel must be shell, control or stdin" }),
  header: ZClientHeader,
  parent_header: z.record(z.string(), z.unknown()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  content: z.record(z.string(), z.unknown(), { error: "content must be an object" }),
  buffers: z.array(z.unknown()).max(0, "binary buffers are not supported").optional(),
});
export type TClientFrame = z.infer<typeof ZClientFrame>;

/** Content of the requests this kernel answers; other message types are ignored, as a Jupyter kernel does. */
export const ZRequestContent = {
  execute_request: z.object({
    code: z.string({ error: "content.code must be a string" }),
    silent: z.boolean().default(false),
    store_history: z.boolean().default(true),
    user_expressions: z.record(z.string(), z.unknown()).default({}),
    allow_stdin: z.boolean().default(false),
    stop_on_error: z.boolean().default(true),
  }),
  complete_request: z.object({ code: z.string(), cursor_pos: z.number().int().nonnegative() }),
  inspect_request: z.object({ code: z.string(), cursor_pos: z.number().int().nonnegative(), detail_level: z.number().int().optional() }),
  is_complete_request: z.object({ code: z.string() }),
  kernel_info_request: z.object({}).loose(),
  interrupt_request: z.object({}).loose(),
  shutdown_request: z.object({ restart: z.boolean().default(false) }),
  history_request: z.object({}).loose(),
  comm_info_request: z.object({ target_name: z.string().optional() }).loose(),
} as const;
export type TRequestType = keyof typeof ZRequestContent;

export function isRequestType(type: string): type is TRequestType {
  return Object.hasOwn(ZRequestContent, type);
}

export type TOutgoing = {
  channel: "shell" | "control" | "iopub" | "stdin";
  header: { msg_id: string; msg_type: string; session: string; username: string; date: string; version: string };
  parent_header: TClientHeader | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: [];
};

/** A message from the kernel: `session` is the kernel's own (it changes on restart), `parent` the request it answers. */
export function kernelMessage(o: {
  channel: TOutgoing["channel"];
  type: string;
  session: string;
  parent: TClientHeader | null;
  content: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}): TOutgoing {
  return {
    channel: o.channel,
    header: { msg_id: randomUUID(), msg_type: o.type, session: o.session, username: "cellar", date: new Date().toISOString(), version: PROTOCOL_VERSION },
    parent_header: o.parent ?? {},
    metadata: o.metadata ?? {},
    content: o.content,
    buffers: [],
  };
}

/** Why a frame was refused, in words fit for a WebSocket close reason (at most 123 bytes). */
export function frameProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return closeReason(`malformed message: ${where}${issue?.message ?? "invalid"}`);
}

/** A close reason cut to the 123 bytes a close frame allows. */
export function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}

/** `kernel_info_reply` content for one of our kernels (Python, or Sage, which is Python with a preparser). */
export function kernelInfo(kernel: string): Record<string, unknown> {
  const sage = kernel === "sage";
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "cellar",
    implementation_version: "1.0",
    language_info: sage
      ? {
          name: "sage",
          version: "",
          mimetype: "text/x-sage",
          file_extension: ".sage",
          codemirror_mode: { name: "ipython", version: 3 },
          pygments_lexer: "ipython3",
        }
      : {
          name: "python",
          version: "3",
          mimetype: "text/x-python",
          file_extension: ".py",
          codemirror_mode: { name: "ipython", version: 3 },
          pygments_lexer: "ipython3",
          nbconvert_exporter: "python",
        },
    banner: `Cellar ${sage ? "SageMath" : "Python"} kernel: each kernel is one sandboxed session with the site's limits.`,
    help_links: [],
  };
}

/**
 * `is_complete_reply` content, decided here without running anything in the sandbox (a request
 * sent there would queue behind a running cell): a cell whose brackets or string are still open,
 * that ends with a backslash or a colon, or whose last line is indented is `incomplete`; otherwise
 * `complete`. Python's own `codeop` would also find syntax errors (`invalid`); a client sending
 * such a cell gets the SyntaxError when it runs.
 */
export function isComplete(code: string): { status: "complete" | "incomplete"; indent?: string } {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (code.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = null;
      } else if (quote.length === 1 && c === "\n") quote = null; // an unterminated one-line string is a syntax error, not "more to come"
      continue;
    }
    if (c === "#") {
      const end = code.indexOf("\n", i);
      i = end < 0 ? code.length : end;
    } else if (c === '"' || c === "'") quote = code.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth = Math.max(0, depth - 1);
  }
  const lines = code.replace(/\s+$/, "").split("\n");
  const last = lines.at(-1) ?? "";
  const indent = /^\s*/.exec(last)?.[0] ?? "";
  if ((quote && quote.length === 3) || depth > 0 || /\\$/.test(last)) return { status: "incomplete", indent };
  if (/:\s*(#.*)?$/.test(last)) return { status: "incomplete", indent: indent + "    " };
  // A block continues until an empty line ends it, as in the Python console.
  if (lines.length > 1 && indent.length > 0 && !code.endsWith("\n\n")) return { status: "incomplete", indent };
  return { status: "complete" };
}
