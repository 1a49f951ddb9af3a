import "server-only";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { consume } from "@/lib/auth/rate-limit";
import { RepoError } from "@/lib/repos";
import { runHttpBackend, type TGitResponse } from "@/lib/repos/http-backend";
import { readRef } from "@/lib/repos/lock";
import { inspectPush, type TPushedObjects } from "@/lib/repos/receive";
import { authenticateToken } from "@/lib/tokens/authenticate-token";
import { codeTraitsOf } from "./code-traits";
import { afterSnippetChange, chargeSnippet, packInBackground } from "./after-revision";
import { findSnippetOrThrow, readRevision, repoDir, type TSnippetRow } from "./internal";
import type { TActor } from "./schema";

/*
 * `git clone` and `git push` of a snippet over smart HTTP (`/<owner>/<slug>.git`, rewritten by
 * proxy.ts to app/api/git). Reads follow the snippet page's rule: every snippet that exists is
 * readable by its URL (public or unlisted); a deleted or unknown one is a 404. A push needs the
 * owner's handle and one of their API tokens (HTTP basic auth), may only move main forward, and
 * every new revision must hold what the editor would accept; then the site records it exactly as
 * a web edit (after-revision.ts).
 */

/** The largest pack a push may send. One revision holds at most 5 MB of files (uncompressed);
 * a push may carry several, and the storage quota bounds what is kept. */
export const MAX_PUSH_BYTES = 32 * 1024 * 1024;
/** The largest clone or fetch request (the client's wants and haves). */
export const MAX_FETCH_REQUEST_BYTES = 8 * 1024 * 1024;
/** A clone, fetch or push that takes longer than this is cut off. */
export const GIT_REQUEST_TIMEOUT_MS = 5 * 60_000;

/** git runs this folder's pre-receive hook for every push (lib/repos/hooks/pre-receive). */
const HOOKS_DIR = path.join(process.cwd(), "lib", "repos", "hooks");

export type TGitCall = {
  owner: string;
  slug: string;
  /** What follows `<slug>.git/`: `info/refs`, `git-upload-pack` or `git-receive-pack`. */
  action: string;
  method: string;
  /** The `service` query parameter of info/refs. */
  service: string | null;
  contentType: string | null;
  contentEncoding: string | null;
  contentLength: number | null;
  gitProtocol: string | null;
  body: ReadableStream<Uint8Array> | null;
  /** HTTP basic credentials, when sent. */
  credentials: { username: string; password: string } | null;
  /** The client's address (lib/auth/client-address.ts), for the read rate limit. */
  address: string | null;
};

const notFound = () => new AppError("NOT_FOUND", "Not found.");

/** Serves one smart-HTTP request for a snippet's repository. */
export async function serveGit(call: TGitCall): Promise<TGitResponse> {
  const service = call.action === "info/refs" && call.method === "GET" ? call.service : call.method === "POST" ? call.action : null;
  if (service !== "git-upload-pack" && service !== "git-receive-pack") throw notFound();
  if (call.action === "info/refs" ? call.method !== "GET" : call.action !== service) throw notFound();

  if (service === "git-upload-pack") await consume(call.address ? "read" : "read-all", call.address ?? "all");
  const row = await findSnippetOrThrow(call.owner, call.slug);
  const actor = service === "git-receive-pack" ? await pusherOf(row, call.credentials) : null;
  if (actor) await consume("write", actor.id);

  const limit = service === "git-receive-pack" ? MAX_PUSH_BYTES : MAX_FETCH_REQUEST_BYTES;
  if (call.contentLength !== null && call.contentLength > limit) throw new AppError("TOO_LARGE", `The request is larger than ${limit / (1024 * 1024)} MB.`);
  const body = call.method === "POST" && call.body ? call.body.pipeThrough(capped(limit)) : null;

  const base = {
    projectRoot: getEnv().reposDir,
    repoPath: row.repoPath,
    action: call.action as "info/refs" | "git-upload-pack" | "git-receive-pack",
    method: call.method as "GET" | "POST",
    query: call.action === "info/refs" ? `service=${service}` : "",
    contentType: call.contentType,
    contentEncoding: call.contentEncoding,
    gitProtocol: call.gitProtocol,
    body,
    timeoutMs: GIT_REQUEST_TIMEOUT_MS,
  };
  if (!actor) {
    return runHttpBackend({ ...base, remoteUser: null, config: { "http.uploadpack": "true", "http.receivepack": "false" } });
  }
  if (call.action === "info/refs") {
    return runHttpBackend({ ...base, remoteUser: actor.username, config: { "http.uploadpack": "true", "http.receivepack": "true" } });
  }
  return receivePush(row, actor, base);
}

/** The snippet's owner, from basic auth: 401 without valid credentials, 403 for anyone else. */
async function pusherOf(row: TSnippetRow, credentials: TGitCall["credentials"]): Promise<TActor> {
  const refused = () => new AppError("UNAUTHORIZED", "Pushing needs your user name and an API token as the password (create one at /settings/tokens).");
  if (!credentials) throw refused();
  const user = await authenticateToken({ token: credentials.password });
  if (!user || user.username !== credentials.username.trim().toLowerCase()) throw refused();
  if (user.id !== row.ownerId) throw new AppError("FORBIDDEN", "Only the owner can push to this snippet. Fork it to make your own version.");
  return user;
}

/** Passes a body through, failing it once more than `limit` bytes went by. */
function capped(limit: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) controller.error(new AppError("TOO_LARGE", `The request is larger than ${limit / (1024 * 1024)} MB.`));
      else controller.enqueue(chunk);
    },
  });
}

type TAccepted = { old: string; next: string; bytes: number; message: string };

/**
 * Runs git receive-pack with a pre-receive hook that asks us (over a private socket) whether to
 * accept. We charge the storage when accepting; once git has exited we look at the ref: moved to
 * what we accepted, the site records the revision; not moved (git refused it, e.g. a web edit
 * moved main meanwhile), the charge is refunded. The answer goes out only after that, so a
 * client that sees its push succeed finds the site already showing it.
 */
async function receivePush(row: TSnippetRow, actor: TActor, base: Omit<Parameters<typeof runHttpBackend>[0], "remoteUser" | "config">): Promise<TGitResponse> {
  const dir = repoDir(row.repoPath);
  const socketDir = await mkdtemp(path.join(tmpdir(), "cellar-push-"));
  const socketPath = path.join(socketDir, "hook.sock");
  let accepted: TAccepted | null = null;
  // A decision still charging when git is gone (killed at the timeout) is waited for, so its charge is settled too.
  let deciding: Promise<void> = Promise.resolve();
  // allowHalfOpen: the hook ends its side after sending; ours stays open for the answer.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const chunks: Buffer[] = [];
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", () => undefined);
    socket.on("end", () => {
      deciding = decide(Buffer.concat(chunks).toString("utf8")).then((answer) => {
        socket.end(JSON.stringify(answer));
      });
    });
  });
  const decide = async (text: string): Promise<{ ok: boolean; message?: string }> => {
    try {
      if (accepted) return { ok: false, message: "One push at a time." };
      const pushed = JSON.parse(text) as TPushedObjects;
      const inspection = await inspectPush({ dir, pushed });
      await chargeSnippet(row.id, actor.id, inspection.addedBytes);
      accepted = { old: inspection.old, next: inspection.next, bytes: inspection.addedBytes, message: inspection.message };
      return { ok: true };
    } catch (e) {
      if (e instanceof RepoError || e instanceof AppError) return { ok: false, message: `Cellar refused this push: ${e.message}` };
      console.error(`Checking a push to ${row.owner.username}/${row.slug} failed`, e);
      return { ok: false, message: "Cellar could not check this push. Try again." };
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, resolve);
  });
  const cleanUp = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(socketDir, { recursive: true, force: true });
  };

  let response: TGitResponse;
  try {
    response = await runHttpBackend({
      ...base,
      remoteUser: actor.username,
      config: {
        "http.receivepack": "true",
        "http.uploadpack": "false",
        "core.hooksPath": HOOKS_DIR,
        "receive.denyNonFastForwards": "true",
        "receive.denyDeletes": "true",
        "receive.fsckObjects": "true",
        "receive.advertisePushOptions": "false",
      },
      env: {
        CELLAR_PUSH_SOCKET: socketPath,
        // The hook is a node script: the node running the site, whatever PATH says.
        PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      },
    });
  } catch (e) {
    await cleanUp();
    throw e;
  }

  const settle = async () => {
    await response.exited;
    await deciding;
    await cleanUp();
    const taken = accepted as TAccepted | null;
    if (!taken) return;
    const head = await readRef(dir);
    if (head !== taken.next) {
      await chargeSnippet(row.id, actor.id, -taken.bytes);
      return;
    }
    await recordPushedRevision(row, actor, taken);
  };
  // git's answer to a push is short (its status report and the hook's messages): read it whole,
  // record the revision, then answer. Recording inside the request is what lets the cached
  // pages be revalidated (Next drops revalidations made after the handler returned).
  let output: ArrayBuffer;
  try {
    output = await new Response(response.body).arrayBuffer();
  } finally {
    await settle().catch((e: unknown) => console.error(`Recording a push to ${row.owner.username}/${row.slug} failed`, e));
  }
  return { ...response, body: new Response(output).body as ReadableStream<Uint8Array> };
}

/** The site's side of an accepted push: the row's head and code traits, then what a web edit does. */
async function recordPushedRevision(row: TSnippetRow, actor: TActor, taken: TAccepted): Promise<void> {
  packInBackground(row);
  const { files } = await readRevision(row.repoPath, taken.next);
  const traits = codeTraitsOf(files, row.mainFile, row.kernel);
  // Conditional on the head the push started from: a web edit that came after the push and
  // already saved its own (newer) head must not be overwritten by this older one.
  await getDb().snippet.updateMany({ where: { id: row.id, head: taken.old }, data: { head: taken.next, updatedAt: new Date(), ...traits } });
  await afterSnippetChange({
    row,
    actorId: actor.id,
    revision: { head: taken.next, files, message: taken.message.split("\n")[0]?.slice(0, 200) || "Push", kernel: row.kernel },
    listingChanged: false,
  });
}
