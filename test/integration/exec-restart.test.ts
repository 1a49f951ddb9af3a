/**
 * The execution service dies during a run (killed outright, as a crash would): the launcher's
 * supervisor (lib/exec/supervise.ts, as scripts/start.ts uses it) starts it again, the reader
 * of the lost run is told so in plain words instead of the stream just breaking off, and the
 * next run works.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statusLine } from "@/components/run/run-status";
import { superviseService, type TSupervisor } from "@/lib/exec/supervise";
import { SERVICE_LOST_MESSAGE, runEvents } from "@/lib/runs/run-events";
import { ZJupyterMessage } from "@/lib/exec/protocol";
import { EMPTY_LOG, applyMessage } from "@/lib/runs/run-log";
import { execClient } from "@/lib/exec/client";
import { freePort } from "@/test/e2e/support/free-port";

const why = existsSync("/usr/bin/bwrap") ? null : "bubblewrap (/usr/bin/bwrap) is not installed";
if (why) console.warn(`exec-restart.test.ts: skipped: ${why}`);

let supervisor: TSupervisor | undefined;
let execDir: string | undefined;

beforeAll(async () => {
  if (why) return;
  const port = await freePort();
  execDir = mkdtempSync(path.join(tmpdir(), "cellar-exec-"));
  process.env.EXEC_URL = `http://127.0.0.1:${port}`;
  supervisor = await superviseService({
    healthUrl: `${process.env.EXEC_URL}/health`,
    log: (line) => console.log(`[supervisor] ${line}`),
    minDelayMs: 200,
    // One process (tsx as a loader, not its CLI's child), so its pid is the service's.
    spawn: () =>
      spawn(process.execPath, ["--import", "tsx", "lib/exec/service/main.ts"], {
        env: { ...process.env, EXEC_DIR: execDir, EXEC_POOL_SIZE: "1", EXEC_SAGE: "0" },
        stdio: ["ignore", "inherit", "inherit"],
      }),
  });
  expect(supervisor.started, "the execution service did not start").toBe(true);
}, 120_000);

afterAll(async () => {
  const pid = supervisor?.pid();
  supervisor?.stop();
  // The service unmounts its run directories as it shuts down: wait for it before removing them.
  for (let i = 0; pid !== undefined && i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (execDir) rmSync(execDir, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(why)("the execution service dies during a run", () => {
  it("ends the run with a clear message, comes back by itself, and runs the next one", async () => {
    const first = supervisor!.pid();
    const { session } = await execClient().createSession({
      files: [],
      client: "restart-test",
      execute: { code: "import time\nprint('started', flush=True)\ntime.sleep(60)" },
    });
    const abort = new AbortController();
    const reader = (await runEvents({ session, after: undefined, signal: abort.signal })).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("started")) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the stream ended before the cell printed: ${text}`);
      text += decoder.decode(value, { stream: true });
    }

    const back = supervisor!.nextHealthy();
    process.kill(first!, "SIGKILL");
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }

    // What the page makes of the stream: the cell ended, and the status line says why.
    let log = EMPTY_LOG;
    for (const event of text.split("\n\n")) {
      const id = /^id: (\d+)$/m.exec(event)?.[1];
      const data = /^data: (.*)$/m.exec(event)?.[1];
      if (id !== undefined && data !== undefined) log = applyMessage(log, Number(id), ZJupyterMessage.parse(JSON.parse(data)), Date.now());
    }
    expect(log.dead, `the stream: ${text}`).toBe(true);
    expect(log.end?.reason).toBe("lost");
    expect(log.cells.at(-1)?.state).toBe("aborted");
    expect(statusLine("open", log)).toBe(SERVICE_LOST_MESSAGE);
    // API clients read the same words on the final status.
    expect(text).toContain(`"message":"${SERVICE_LOST_MESSAGE}"`);

    await back;
    expect(supervisor!.pid()).not.toBe(first);
    const result = await execClient().runToCompletion({ files: [], code: "print(6 * 7)", client: "restart-test" });
    expect(result.status).toBe("ok");
    expect(JSON.stringify(result.outputs)).toContain("42");
  }, 120_000);
});
