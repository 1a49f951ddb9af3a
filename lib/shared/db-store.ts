import "server-only";
import { EventEmitter } from "node:events";
import { getDb } from "@/lib/db/client";
import { listenFor, notify } from "@/lib/db/notifications";
import { AppError } from "@/lib/errors";
import { changeQueue, type SharedStore, type TSharedEntry, type TSharedInfo, type TSharedWatch } from "./store";
import type { TEncodedValue, TSharedKind } from "./value";

/**
 * Shared values in the database (the embedded default): one SharedValue row per key, removed with
 * its snippet. A write locks the snippet's row, so the key count cannot pass the limit and
 * concurrent writers of one key end with the last one's value and the highest revision.
 *
 * Watching polls the key every POLL_MS. Writes in this process wake the watchers at once; with
 * DATABASE_URL, PostgreSQL NOTIFY (lib/db/notifications.ts) wakes those of other processes too.
 * PGlite has one process, so the first is enough there.
 */

export const POLL_MS = 500;
const CHANNEL = "cellar_shared";

type TRow = { key: string; kind: string; size: number; revision: bigint; updatedAt: Date; updatedBy: string | null };

const infoOf = (row: TRow): TSharedInfo => ({
  key: row.key,
  kind: row.kind as TSharedKind,
  size: row.size,
  revision: Number(row.revision),
  updatedAt: row.updatedAt,
  writer: row.updatedBy,
});

// One per process (whichever bundle loads this module), like the database client.
const globalForShared = globalThis as typeof globalThis & { __cellarSharedWake?: EventEmitter };
function wakeups(): EventEmitter {
  if (!globalForShared.__cellarSharedWake) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    globalForShared.__cellarSharedWake = emitter;
  }
  return globalForShared.__cellarSharedWake;
}

export class DbSharedStore implements SharedStore {
  private listening = false;

  async get(snippetId: string, key: string): Promise<TSharedEntry | null> {
    const row = await getDb().sharedValue.findUnique({ where: { snippetId_key: { snippetId, key } } });
    return row ? { ...infoOf(row), text: row.value } : null;
  }

  async set(snippetId: string, key: string, value: TEncodedValue, options: { writer: string | null; maxKeys: number }): Promise<number> {
    const revision = await getDb().$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Snippet" WHERE "id" = ${snippetId} FOR UPDATE`;
      if (locked.length === 0) throw new AppError("NOT_FOUND", "This snippet no longer exists.");
      const existing = await tx.sharedValue.findUnique({ where: { snippetId_key: { snippetId, key } }, select: { key: true } });
      if (!existing) {
        const count = await tx.sharedValue.count({ where: { snippetId } });
        if (count >= options.maxKeys) throw tooManyKeys(options.maxKeys);
      }
      // The revision comes from the column's own sequence on insert and on update alike.
      const rows = await tx.$queryRaw<{ revision: bigint }[]>`
        INSERT INTO "SharedValue" ("snippetId", "key", "value", "kind", "size", "updatedAt", "updatedBy")
        VALUES (${snippetId}, ${key}, ${value.text}, ${value.kind}, ${value.size}, now(), ${options.writer})
        ON CONFLICT ("snippetId", "key") DO UPDATE SET
          "value" = EXCLUDED."value", "kind" = EXCLUDED."kind", "size" = EXCLUDED."size",
          "updatedAt" = EXCLUDED."updatedAt", "updatedBy" = EXCLUDED."updatedBy",
          "revision" = nextval(pg_get_serial_sequence('"SharedValue"', 'revision'))
        RETURNING "revision"`;
      await notify(tx, CHANNEL);
      return Number(rows[0]!.revision);
    });
    wakeups().emit("change");
    return revision;
  }

  async delete(snippetId: string, key: string): Promise<boolean> {
    const { count } = await getDb().$transaction(async (tx) => {
      const result = await tx.sharedValue.deleteMany({ where: { snippetId, key } });
      if (result.count) await notify(tx, CHANNEL);
      return result;
    });
    if (count) wakeups().emit("change");
    return count > 0;
  }

  async list(snippetId: string): Promise<TSharedInfo[]> {
    const rows = await getDb().sharedValue.findMany({
      where: { snippetId },
      select: { key: true, kind: true, size: true, revision: true, updatedAt: true, updatedBy: true },
      orderBy: { key: "asc" },
    });
    return rows.map(infoOf);
  }

  async clear(snippetId: string): Promise<number> {
    const { count } = await getDb().$transaction(async (tx) => {
      const result = await tx.sharedValue.deleteMany({ where: { snippetId } });
      if (result.count) await notify(tx, CHANNEL);
      return result;
    });
    if (count) wakeups().emit("change");
    return count;
  }

  async watch(snippetId: string, key: string, signal?: AbortSignal): Promise<TSharedWatch> {
    if (!this.listening) {
      this.listening = true;
      // Not awaited: while the database cannot be reached for LISTEN, polling still works.
      void listenFor(CHANNEL, () => wakeups().emit("change")).catch(() => {});
    }
    let last = (await this.get(snippetId, key))?.revision ?? null;
    let timer: NodeJS.Timeout | undefined;
    let polling = false;
    let again = false;
    const poll = async () => {
      if (polling) {
        again = true;
        return;
      }
      polling = true;
      try {
        do {
          again = false;
          const entry = await this.get(snippetId, key);
          const revision = entry?.revision ?? null;
          if (revision !== last) {
            last = revision;
            queue.push({ key, entry });
          }
        } while (again);
      } catch {
        // A failed poll (a dropped connection) is retried at the next tick.
      } finally {
        polling = false;
      }
    };
    const onWake = () => void poll();
    let stopped = false;
    const queue = changeQueue(() => {
      stopped = true;
      clearInterval(timer);
      wakeups().off("change", onWake);
    }, signal);
    if (!stopped) {
      wakeups().on("change", onWake);
      timer = setInterval(onWake, POLL_MS);
      // A watcher alone must not keep a process alive.
      timer.unref();
    }
    return queue.watch;
  }

  async close(): Promise<void> {
    // The database client belongs to the process (closeDb).
  }
}

export function tooManyKeys(maxKeys: number): AppError {
  return new AppError("TOO_LARGE", `A snippet keeps at most ${maxKeys} shared values; delete one before adding another.`, { details: { limit: maxKeys } });
}
