import "server-only";
import { execConfig } from "@/lib/exec/config";
import { loadKernels } from "@/lib/exec/kernels";
import { KERNELS, type TKernelName } from "@/lib/snippets/kernel";

let cached: TKernelName[] | undefined;

/**
 * The kernels to offer on the /cell page: those the execution service is configured with
 * (EXEC_SAGE, EXEC_KERNELS: the same settings the service reads at start; lib/exec/kernels.ts)
 * that a run may ask for. Read from the configuration rather than asked of the service, so the
 * page renders while the service is down; a host elsewhere (on NATS) configured otherwise
 * still answers a Run in a kernel it lacks with a 422 naming those it has, which the page shows.
 */
export function offeredKernels(): TKernelName[] {
  if (cached) return cached;
  let names: string[];
  try {
    const env = execConfig();
    names = [...loadKernels(env.kernelsFile, env.sage).keys()];
  } catch {
    names = ["python"];
  }
  cached = KERNELS.filter((k) => names.includes(k));
  if (cached.length === 0) cached = ["python"];
  return cached;
}
