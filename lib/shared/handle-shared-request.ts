import "server-only";
import { z } from "zod";
import { AppError, toPublicError, type TErrorCode } from "@/lib/errors";
import { getSharedStore } from "./get-shared-store";
import type { TSharedScope } from "./resolve-shared-scope";
import type { SharedStore, TSharedEntry, TSharedWatch } from "./store";
import { SHARED_LIMITS, checkSharedKey, decodeSharedValue, encodeSharedValue, type TSharedKind } from "./value";

/**
 * One request of a cell's `shared` object (lib/exec/python/cellar/shared.py), as the execution
 * side passes it on: the scope is the session's (trusted, from resolveSharedScope), everything
 * else comes from the sandbox and is checked here. Never throws: a refusal is a reply with the
 * AppError's code and message, which the Python side turns into KeyError, PermissionError,
 * ValueError... (docs/exec.md, "Shared values").
 */

/** Longest a `wait` holds before answering `changed: false` (the cell then asks again). */
export const MAX_WAIT_MS = 30_000;

const ZKey = z.string({ error: "key must be a string" });
export const ZSharedRequest = z.discriminatedUnion(
  "op",
  [
    z.strictObject({ op: z.literal("get"), key: ZKey }),
    z.strictObject({ op: z.literal("set"), key: ZKey, value: z.unknown().refine((v) => v !== undefined, { message: "value is required" }) }),
    z.strictObject({ op: z.literal("delete"), key: ZKey }),
    z.strictObject({ op: z.literal("keys") }),
    z.strictObject({
      op: z.literal("wait"),
      key: ZKey,
      /** The revision the cell last saw (null: it saw no value); the reply comes when the key's differs. */
      after: z.number().int().nullable(),
      timeout_ms: z.number().int().min(0).max(MAX_WAIT_MS).optional(),
    }),
  ],
  { error: 'op must be one of "get", "set", "delete", "keys", "wait"' },
);
export type TSharedRequest = z.input<typeof ZSharedRequest>;

type TValueReply = { found: true; key: string; value: unknown; kind: TSharedKind; revision: number; readOnly: boolean } | { found: false; key: string };
export type TSharedReply =
  | ({ ok: true } & (
      | TValueReply
      | { revision: number }
      | { deleted: boolean }
      | { keys: { key: string; kind: TSharedKind; size: number; revision: number; readOnly: boolean }[] }
      | ({ changed: true } & TValueReply)
      | { changed: false }
    ))
  | { ok: false; error: { code: TErrorCode; message: string } };

export async function handleSharedRequest(options: { scope: TSharedScope; request: unknown; store?: SharedStore }): Promise<TSharedReply> {
  const { scope } = options;
  try {
    const parsed = ZSharedRequest.safeParse(options.request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError("INVALID", `Bad shared request: ${issue?.path.length ? `${issue.path.join(".")}: ` : ""}${issue?.message ?? "invalid"}`);
    }
    const request = parsed.data;
    const store = options.store ?? getSharedStore();
    switch (request.op) {
      case "get": {
        const key = checkSharedKey(request.key);
        return { ok: true, ...valueReply(key, await read(store, scope, key)) };
      }
      case "set": {
        const key = checkSharedKey(request.key);
        requireWrite(scope);
        const encoded = encodeSharedValue(request.value);
        const revision = await store.set(scope.snippetId, key, encoded, { writer: scope.actor, maxKeys: SHARED_LIMITS.keysPerSnippet });
        return { ok: true, revision };
      }
      case "delete": {
        const key = checkSharedKey(request.key);
        requireWrite(scope);
        if (await store.delete(scope.snippetId, key)) return { ok: true, deleted: true };
        if (scope.forkOf && (await store.get(scope.forkOf, key))) {
          throw new AppError("FORBIDDEN", `"${key}" is a value of the snippet this one was forked from: a fork reads it but cannot change it.`);
        }
        return { ok: true, deleted: false };
      }
      case "keys":
        return { ok: true, keys: await listKeys(store, scope) };
      case "wait":
        return { ok: true, ...(await waitForChange(store, scope, checkSharedKey(request.key), request.after, request.timeout_ms ?? MAX_WAIT_MS)) };
    }
  } catch (e) {
    const { code, message } = toPublicError(e);
    return { ok: false, error: { code, message } };
  }
}

function requireWrite(scope: TSharedScope): void {
  if (!scope.canWrite) {
    throw new AppError("FORBIDDEN", "Sign in to change shared values: the owner of this snippet has not allowed readers who are not signed in to write them.");
  }
}

/** The scope's own value, else (in a fork) its source's, read-only. */
async function read(store: SharedStore, scope: TSharedScope, key: string): Promise<{ entry: TSharedEntry; readOnly: boolean } | null> {
  const own = await store.get(scope.snippetId, key);
  if (own) return { entry: own, readOnly: false };
  const inherited = scope.forkOf ? await store.get(scope.forkOf, key) : null;
  return inherited ? { entry: inherited, readOnly: true } : null;
}

function valueReply(key: string, found: { entry: TSharedEntry; readOnly: boolean } | null): TValueReply {
  if (!found) return { found: false, key };
  const { entry, readOnly } = found;
  return { found: true, key, value: decodeSharedValue(entry.text), kind: entry.kind, revision: entry.revision, readOnly };
}

async function listKeys(store: SharedStore, scope: TSharedScope) {
  const own = await store.list(scope.snippetId);
  const ownKeys = new Set(own.map((i) => i.key));
  const inherited = scope.forkOf ? (await store.list(scope.forkOf)).filter((i) => !ownKeys.has(i.key)) : [];
  return [...own.map((i) => ({ ...i, readOnly: false })), ...inherited.map((i) => ({ ...i, readOnly: true }))]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ key, kind, size, revision, readOnly }) => ({ key, kind, size, revision, readOnly }));
}

/**
 * Answers as soon as the key's value (as `read` sees it) has another revision than `after`, or
 * with `changed: false` after `timeoutMs`. The watches start before the first read, so a write
 * between the two is not missed.
 */
async function waitForChange(store: SharedStore, scope: TSharedScope, key: string, after: number | null, timeoutMs: number) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const watches: TSharedWatch[] = [await store.watch(scope.snippetId, key, controller.signal)];
    if (scope.forkOf) watches.push(await store.watch(scope.forkOf, key, controller.signal));
    const iterators = watches.map((w) => w[Symbol.asyncIterator]());
    const pending = iterators.map((it, i) => it.next().then((r) => ({ i, done: r.done === true })));
    for (;;) {
      const current = await read(store, scope, key);
      if ((current?.entry.revision ?? null) !== after) return { changed: true as const, ...valueReply(key, current) };
      if (controller.signal.aborted) return { changed: false as const };
      const { i, done } = await Promise.race(pending);
      if (done) return { changed: false as const };
      pending[i] = iterators[i]!.next().then((r) => ({ i, done: r.done === true }));
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
