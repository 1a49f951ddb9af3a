/** The service's resource settings from the environment: EXEC_CPUS and EXEC_MEMORY_TOTAL_MB. */
import { describe, expect, it } from "vitest";
import { EnvError } from "@/lib/env-error";
import { parseExecEnv } from "@/lib/exec/config";
import { configFromEnv } from "@/lib/exec/service/service";

const problemOf = (env: Record<string, string>) => {
  try {
    parseExecEnv({ EXEC_SAGE: "0", ...env });
  } catch (e) {
    if (e instanceof EnvError) return e.message;
    throw e;
  }
  return undefined;
};

describe("resource settings", () => {
  it("gives each session one core unless EXEC_CPUS says otherwise, fractions too", () => {
    expect(configFromEnv(parseExecEnv({ EXEC_SAGE: "0" })).limits.cpus).toBe(1);
    expect(configFromEnv(parseExecEnv({ EXEC_SAGE: "0", EXEC_CPUS: "0.5" })).limits.cpus).toBe(0.5);
    expect(configFromEnv(parseExecEnv({ EXEC_SAGE: "0", EXEC_CPUS: "2" })).limits.cpus).toBe(2);
  });

  it("refuses an EXEC_CPUS that is not a number of cores, naming it", () => {
    for (const bad of ["0", "-1", "one", "1e3", "0.001"]) {
      expect(problemOf({ EXEC_CPUS: bad })).toContain(`EXEC_CPUS must be a number of cores between 0.01 and 1024, e.g. 1 or 0.5 (got "${bad}")`);
    }
  });

  it("leaves the memory of all sessions to the service's default unless EXEC_MEMORY_TOTAL_MB is set", () => {
    expect(configFromEnv(parseExecEnv({ EXEC_SAGE: "0" })).cgroups?.memoryTotalBytes).toBeUndefined();
    expect(configFromEnv(parseExecEnv({ EXEC_SAGE: "0", EXEC_MEMORY_TOTAL_MB: "4096" })).cgroups?.memoryTotalBytes).toBe(4096 * 1024 * 1024);
    expect(problemOf({ EXEC_MEMORY_TOTAL_MB: "lots" })).toContain("EXEC_MEMORY_TOTAL_MB must be a whole number");
  });
});
