import type { TEncodedValue, TSharedKind } from "./value";

/**
 * Where a snippet's shared values live: one interface, two stores (lib/shared/db-store.ts, the
 * embedded default; lib/shared/nats-store.ts, a JetStream key-value bucket when NATS_URL is set).
 * Stores take values already checked by encodeSharedValue and keys by checkSharedKey, and know
 * nothing of users or permissions (lib/shared/handle-shared-request.ts decides those).
 *
 * Revisions: every write of any key takes a number greater than every earlier write's in the same
 * store (a database sequence; the stream sequence in NATS). Compare the revisions of one key only.
 */

export type TSharedInfo = {
  key: string;
  kind: TSharedKind;
  /** UTF-8 bytes of the value's JSON text. */
  size: number;
  revision: number;
  updatedAt: Date;
  /** User id of the writer; null for an anonymous reader. */
  writer: string | null;
};

export type TSharedEntry = TSharedInfo & { text: string };

/** A change seen by watch: a new value (`entry`) or its deletion (`entry: null`). */
export type TSharedChange = { key: string; entry: TSharedEntry | null };

/** A watch that is in place: changes after it started, until `stop()` (or the signal given to watch). */
export type TSharedWatch = AsyncIterable<TSharedChange> & { stop(): void };

export interface SharedStore {
  /** The current value of `key`, or null. */
  get(snippetId: string, key: string): Promise<TSharedEntry | null>;
  /**
   * Writes `key` (last writer wins) and returns the new revision. A key that does not exist yet
   * is refused (AppError TOO_LARGE) when the snippet already has `maxKeys` keys. The value is
   * replaced whole or not at all.
   */
  set(snippetId: string, key: string, value: TEncodedValue, options: { writer: string | null; maxKeys: number }): Promise<number>;
  /** Deletes `key`; false when it did not exist. */
  delete(snippetId: string, key: string): Promise<boolean>;
  /** Every key of the snippet, without values, sorted by key. */
  list(snippetId: string): Promise<TSharedInfo[]>;
  /** Deletes every key of the snippet; returns how many there were. */
  clear(snippetId: string): Promise<number>;
  /**
   * Watches one key: resolves once the watch is in place, so a write that completes after the
   * promise resolves is always seen. Yields each later change (several quick writes may come as
   * the last of them in the database store, which polls).
   */
  watch(snippetId: string, key: string, signal?: AbortSignal): Promise<TSharedWatch>;
  /** Releases connections; the store may not be used afterwards. */
  close(): Promise<void>;
}

/** Turns a push-style source into a TSharedWatch: `push` queues changes, `stop` ends iteration. */
export function changeQueue(onStop: () => void, signal?: AbortSignal): { watch: TSharedWatch; push(change: TSharedChange): void; end(): void } {
  const queued: TSharedChange[] = [];
  let waiting: ((r: IteratorResult<TSharedChange>) => void) | undefined;
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    onStop();
    waiting?.({ done: true, value: undefined });
    waiting = undefined;
  };
  signal?.addEventListener("abort", end, { once: true });
  if (signal?.aborted) end();
  const watch: TSharedWatch = {
    stop: end,
    [Symbol.asyncIterator]() {
      return {
        next: () => {
          const change = queued.shift();
          if (change) return Promise.resolve({ done: false, value: change });
          if (done) return Promise.resolve({ done: true, value: undefined });
          return new Promise<IteratorResult<TSharedChange>>((resolve) => (waiting = resolve));
        },
        return: () => {
          end();
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
  return {
    watch,
    push(change) {
      if (done) return;
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w({ done: false, value: change });
      } else queued.push(change);
    },
    end,
  };
}
