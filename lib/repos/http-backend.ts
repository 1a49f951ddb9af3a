import { spawn } from "node:child_process";
import { Readable } from "node:stream";

/*
 * git's smart HTTP protocol, served by git itself: `git http-backend` is the CGI program git
 * ships for exactly this (protocol v0 and v2, upload-pack and receive-pack, gzip-encoded request
 * bodies, quarantined pushes with hooks). Re-implementing pkt-line negotiation and pack
 * generation in JavaScript would be a second, less tested git; isomorphic-git has no server side.
 * This file only runs the CGI: which repository, who may push and what is accepted is decided by
 * the caller (lib/snippets/serve-git.ts).
 */

/** The three smart-protocol requests; everything else (dumb protocol files) is not served. */
export type TGitService = "git-upload-pack" | "git-receive-pack";

export type TGitRequest = {
  /** GIT_PROJECT_ROOT: the folder every repository lives under. */
  projectRoot: string;
  /** The repository, relative to `projectRoot` (e.g. `ab/cdef….git`). */
  repoPath: string;
  /** `info/refs`, `git-upload-pack` or `git-receive-pack`. */
  action: "info/refs" | TGitService;
  method: "GET" | "POST";
  /** `service=…` for info/refs, else empty. */
  query: string;
  /** Request headers that matter to git: content type and encoding, Git-Protocol. */
  contentType: string | null;
  contentEncoding: string | null;
  gitProtocol: string | null;
  /** The request body (POST), already capped by the caller. */
  body: ReadableStream<Uint8Array> | null;
  /** REMOTE_USER; git records it in reflogs. */
  remoteUser: string | null;
  /** git configuration for this request only (`-c name=value`). */
  config: Record<string, string>;
  /** Extra environment for git and its hooks. */
  env?: Record<string, string>;
  /** Kill git when the request takes longer than this. */
  timeoutMs: number;
};

export type TGitResponse = {
  status: number;
  headers: Headers;
  /** git's output after the CGI headers; closes when git is done. */
  body: ReadableStream<Uint8Array>;
  /** Settles when git has exited: its exit code, or null when it was killed (timeout). */
  exited: Promise<number | null>;
};

const HEADER_END = /\r?\n\r?\n/;
/** CGI headers bigger than this are not git's: give up rather than buffer. */
const MAX_HEADER_BYTES = 64 * 1024;

/** Runs `git http-backend` for one request and returns its response as soon as git wrote its headers. */
export async function runHttpBackend(req: TGitRequest): Promise<TGitResponse> {
  const configEntries = Object.entries(req.config);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    // No user or system git configuration applies to the store: only what we pass here.
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    HOME: "/nonexistent",
    GIT_PROJECT_ROOT: req.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: `/${req.repoPath}/${req.action}`,
    REQUEST_METHOD: req.method,
    QUERY_STRING: req.query,
    GIT_CONFIG_COUNT: String(configEntries.length),
    ...Object.fromEntries(configEntries.flatMap(([k, v], i) => [[`GIT_CONFIG_KEY_${i}`, k] as const, [`GIT_CONFIG_VALUE_${i}`, v] as const])),
    ...(req.contentType ? { CONTENT_TYPE: req.contentType } : {}),
    ...(req.contentEncoding ? { HTTP_CONTENT_ENCODING: req.contentEncoding } : {}),
    ...(req.gitProtocol ? { GIT_PROTOCOL: req.gitProtocol } : {}),
    ...(req.remoteUser ? { REMOTE_USER: req.remoteUser } : {}),
    ...req.env,
  };
  // A process group of its own: http-backend runs upload-pack or receive-pack (and its hook) as
  // children, and stopping the request must stop them all.
  const child = spawn("git", ["http-backend"], { env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"], detached: true });
  let timedOut = false;
  const stop = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, req.timeoutMs);
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(timedOut ? null : code);
    });
    child.on("error", () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString("utf8");
  });
  void exited.then((code) => {
    if (code !== 0 && stderr.trim()) console.error(`git http-backend ${req.action} (${req.repoPath}) exited with ${code}: ${stderr.trim()}`);
  });

  // Feed the body (or nothing) to git's stdin; a client that stops sending just ends it.
  child.stdin.on("error", () => undefined);
  if (req.body) {
    const body = Readable.fromWeb(req.body as import("node:stream/web").ReadableStream<Uint8Array>);
    body.on("error", () => {
      child.stdin.end();
      stop();
    });
    body.pipe(child.stdin);
  } else {
    child.stdin.end();
  }

  // Read until the blank line after the CGI headers, then hand on the rest as a stream.
  const stdout = child.stdout;
  const head = await new Promise<{ headerText: string; rest: Buffer } | null>((resolve) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const text = buffered.toString("latin1");
      const m = HEADER_END.exec(text);
      if (m) {
        stdout.off("data", onData);
        stdout.off("end", onEnd);
        stdout.pause();
        resolve({ headerText: text.slice(0, m.index), rest: buffered.subarray(m.index + m[0].length) });
      } else if (buffered.length > MAX_HEADER_BYTES) {
        stdout.off("data", onData);
        stdout.off("end", onEnd);
        stop();
        resolve(null);
      }
    };
    const onEnd = () => resolve(null);
    stdout.on("data", onData);
    stdout.on("end", onEnd);
  });
  if (!head) {
    const code = await exited;
    throw new Error(`git http-backend ${req.action} wrote no response (exit ${code}${timedOut ? ", timed out" : ""}): ${stderr.trim().slice(0, 500)}`);
  }

  const headers = new Headers();
  let status = 200;
  for (const line of head.headerText.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers.append(name, value);
  }

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.rest.length > 0) controller.enqueue(new Uint8Array(head.rest));
      stdout.on("data", (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk));
        // Back-pressure: stop reading git while the client is slower than it.
        if ((controller.desiredSize ?? 1) <= 0) stdout.pause();
      });
      stdout.on("end", () => controller.close());
      stdout.on("error", (e) => controller.error(e));
      stdout.resume();
    },
    pull() {
      stdout.resume();
    },
    cancel() {
      stop();
    },
  });
  return { status, headers, body, exited };
}
