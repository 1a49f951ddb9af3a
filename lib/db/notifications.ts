import pg from "pg";
import { getEnv } from "@/lib/env";
import type { PrismaClient } from "@/lib/db/generated/client";

/**
 * PostgreSQL LISTEN/NOTIFY between the processes of one site (several servers, the CLI, the
 * seed script), so a cache kept in one process's memory learns of writes made by another.
 * Only with DATABASE_URL: a PGlite directory is owned by one process (lib/db/pglite-lock.ts),
 * so every write happens in the process that caches, and forgetting in process is enough;
 * here both functions do nothing then.
 *
 * Each process that listens holds one dedicated connection (not one of Prisma's pool, which
 * hands a connection to each query and would drop the LISTEN with it). When that connection
 * drops, notifications sent meanwhile are lost, so every handler runs on each (re)connection
 * as if notified, and again at the drop; reconnection retries with a growing delay. closeDb()
 * closes it.
 */

/** Shown in pg_stat_activity, so operators (and the tests) can tell this connection apart. */
export const LISTENER_APPLICATION_NAME = "cellar-listen";
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 30_000;
/** Channel names go into LISTEN unquoted (they are identifiers, not parameters). */
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

type TListener = {
  url: string;
  /** What to run on a notification, per channel; also run at each (re)connection and drop. */
  handlers: Map<string, () => void>;
  /** The connection being opened or in use; undefined between retries. */
  client: pg.Client | undefined;
  /** The client is connected and LISTENs on every channel in handlers. */
  listening: boolean;
  /** What callers of listenFor wait on until the LISTEN is in place: one, however many call during an outage. */
  pending: { promise: Promise<void>; resolve: () => void } | undefined;
  retry: NodeJS.Timeout | undefined;
  delayMs: number;
  /** A failure was logged and no connection succeeded since: log the recovery, not every retry. */
  failing: boolean;
};

// On globalThis, like the database client: one listener per process, whichever bundle loads this module.
const globalForListener = globalThis as typeof globalThis & { __cellarListener?: TListener };

/**
 * Runs `onChange` whenever some process sends {@link notify} on `channel` (this one included),
 * and whenever notifications may have been missed (the connection opened, dropped or came back).
 * The first call opens the process's listening connection; later calls for the same channel
 * replace the handler. Resolves once the channel is listened to (at once without DATABASE_URL);
 * while the database is unreachable it waits, so callers that serve requests must not await it.
 */
export function listenFor(channel: string, onChange: () => void): Promise<void> {
  const url = getEnv().databaseUrl;
  if (!url) return Promise.resolve();
  if (!CHANNEL_NAME.test(channel)) throw new Error(`Notification channel names are lower-case identifiers; got "${channel}".`);
  let state = globalForListener.__cellarListener;
  if (!state) {
    state = { url, handlers: new Map(), client: undefined, listening: false, pending: undefined, retry: undefined, delayMs: FIRST_RETRY_MS, failing: false };
    globalForListener.__cellarListener = state;
  }
  const known = state.handlers.has(channel);
  state.handlers.set(channel, onChange);
  if (known && state.listening) return Promise.resolve();
  if (!state.pending) {
    let resolve = () => {};
    const promise = new Promise<void>((r) => (resolve = r));
    state.pending = { promise, resolve };
  }
  const ready = state.pending.promise;
  if (state.listening && state.client) {
    // A new channel on a live connection.
    const { client } = state;
    const live = state;
    client.query(`LISTEN ${channel}`).then(
      () => {
        onChange();
        release(live);
      },
      (e: unknown) => lose(live, client, e),
    );
  } else if (!state.client && !state.retry) {
    connect(state);
  }
  // Otherwise a connection is being opened (it LISTENs on every channel known by then) or retried.
  return ready;
}

/**
 * Sends a notification on `channel`. Pass the transaction of the write it announces: PostgreSQL
 * delivers it when that transaction commits (and never if it rolls back), so a listener that
 * hears it reads the write. Does nothing without DATABASE_URL.
 */
export async function notify(db: Pick<PrismaClient, "$executeRaw">, channel: string): Promise<void> {
  if (!getEnv().databaseUrl) return;
  await db.$executeRaw`SELECT pg_notify(${channel}, '')`;
}

/** Closes the listening connection, if any (closeDb() calls this). A later listenFor opens a new one. */
export async function stopListening(): Promise<void> {
  const state = globalForListener.__cellarListener;
  if (!state) return;
  delete globalForListener.__cellarListener;
  clearTimeout(state.retry);
  state.retry = undefined;
  const { client } = state;
  state.client = undefined;
  state.listening = false;
  release(state);
  if (client) await client.end().catch(() => {});
}

function connect(state: TListener): void {
  const client = new pg.Client({
    connectionString: state.url,
    application_name: LISTENER_APPLICATION_NAME,
    connectionTimeoutMillis: 10_000,
    // An idle connection that silently died (a dropped network path) is noticed within a minute or so.
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
  });
  state.client = client;
  client.on("error", (e) => lose(state, client, e));
  client.on("end", () => lose(state, client, new Error("the connection ended")));
  client.on("notification", (message) => {
    if (state.client === client) state.handlers.get(message.channel)?.();
  });
  void (async () => {
    await client.connect();
    // Channels added while this runs are picked up by the loop (a Map iterates what it holds when it gets there).
    for (const channel of state.handlers.keys()) await client.query(`LISTEN ${channel}`);
    if (state.client !== client) return;
    state.listening = true;
    state.delayMs = FIRST_RETRY_MS;
    if (state.failing) console.error("Database notifications: listening again.");
    state.failing = false;
    // Whatever was cached before the LISTEN took effect may have missed a notification.
    for (const handler of state.handlers.values()) handler();
    release(state);
  })().catch((e: unknown) => lose(state, client, e));
}

/** The connection failed or dropped: drop it too, tell the handlers, and retry later (unless closed). */
function lose(state: TListener, client: pg.Client, error: unknown): void {
  if (state.client !== client) return; // Already handled, or closed on purpose.
  state.client = undefined;
  const wasListening = state.listening;
  state.listening = false;
  client.end().catch(() => {});
  if (!state.failing) {
    const why = error instanceof Error ? error.message : String(error);
    console.error(
      `Database notifications: ${wasListening ? "the listening connection dropped" : "cannot listen"} (${why}); retrying, and until then caches rely on their expiry.`,
    );
  }
  state.failing = true;
  // Writes elsewhere go unannounced from now until the next connection.
  if (wasListening) for (const handler of state.handlers.values()) handler();
  state.retry = setTimeout(() => {
    state.retry = undefined;
    if (globalForListener.__cellarListener === state) connect(state);
  }, state.delayMs);
  // The retry alone must not keep a process (a script, a test worker) alive.
  state.retry.unref();
  state.delayMs = Math.min(state.delayMs * 2, MAX_RETRY_MS);
}

function release(state: TListener): void {
  state.pending?.resolve();
  state.pending = undefined;
}
