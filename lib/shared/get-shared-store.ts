import "server-only";
import { execConfig } from "@/lib/exec/config";
import { DbSharedStore } from "./db-store";
import { NatsSharedStore } from "./nats-store";
import type { SharedStore } from "./store";

// One per process (whichever bundle loads this module), like the database client.
const globalForStore = globalThis as typeof globalThis & { __cellarSharedStore?: SharedStore };

/** The process's shared-values store: the NATS bucket when NATS_URL is set, else the database. */
export function getSharedStore(): SharedStore {
  if (!globalForStore.__cellarSharedStore) {
    // The same NATS settings (and credentials) as the execution hosts' (NATS_*, lib/exec/config.ts).
    const nats = execConfig().nats;
    globalForStore.__cellarSharedStore = nats ? new NatsSharedStore({ nats }) : new DbSharedStore();
  }
  return globalForStore.__cellarSharedStore;
}

/** Closes the process's store (its NATS connection); a later getSharedStore opens a new one. */
export async function closeSharedStore(): Promise<void> {
  const store = globalForStore.__cellarSharedStore;
  delete globalForStore.__cellarSharedStore;
  await store?.close();
}
