import "server-only";
import { execClient, type TExecClient, type TExecHostInfo } from "@/lib/exec/client";
import { fromExecError } from "./exec-client";

export type { TExecHostInfo };

/**
 * The execution hosts taking runs now (`GET /api/v1/exec/hosts`): with NATS, every host heard
 * from in the last 3 seconds; without, the one embedded host. Each with its id, kernels, room
 * and last heartbeat; never an address. Anyone may ask (it says no more than a run's `host`).
 */
export async function listExecHosts(options: { client?: TExecClient | undefined } = {}): Promise<TExecHostInfo[]> {
  try {
    return await (options.client ?? execClient()).hosts();
  } catch (e) {
    throw fromExecError(e);
  }
}
