/**
 * The Jupyter kernel API (lib/jupyter, served by scripts/web-server.ts) driven by a Jupyter client
 * written by others, @jupyterlab/services, against the real web server on a free port with the
 * real execution service (bubblewrap, Python) behind it; `ws` is the client's WebSocket in Node.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { KernelManager, ServerConnection, SessionManager, type Kernel, type KernelMessage } from "@jupyterlab/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createToken } from "@/lib/tokens/create-token";
import { createUser } from "@/lib/users/create-user";
import { freePort } from "@/test/e2e/support/free-port";
import { stopProcessGroup } from "@/test/e2e/support/process-group";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";

closeDbAfterAll();

// The cell interrupted below sleeps for 30 s: the service's wall clock must not end it first.
process.env.EXEC_WALL_SECONDS = "90";
const why = useExecService("jupyter.test.ts");

const ALLOWED = "http://notebooks.example";
let server: ChildProcess | undefined;
let site = "";
let wsBase = "";
let manager: KernelManager;

/** Starts scripts/web-server.ts (development mode: no build needed, and /jupyter/ never reaches Next). */
async function startSite(): Promise<void> {
  const port = await freePort();
  site = `http://127.0.0.1:${port}`;
  wsBase = `ws://127.0.0.1:${port}/jupyter/`;
  // Not vitest's NODE_ENV=test: the server is a development server.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", PORT: String(port), JUPYTER_ALLOW_ORIGINS: ALLOWED, RATE_LIMIT_SCALE: "20" };
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/web-server.ts", "--dev"], {
    env,
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  server = child;
  let exited: string | null = null;
  child.on("exit", (code, signal) => (exited = signal ?? `code ${code}`));
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (exited) throw new Error(`the web server exited (${exited})`);
    const ok = await fetch(`${site}/jupyter/api`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error("the web server did not answer /jupyter/api");
}

beforeAll(async () => {
  if (why) return;
  await startSite();
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: `${site}/jupyter/`,
    wsUrl: wsBase,
    // ws's WebSocket is what the client needs in Node; its types differ from the DOM's in details only.
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  manager = new KernelManager({ serverSettings });
  await manager.ready;
}, 150_000);

afterAll(async () => {
  manager?.dispose();
  if (server) await stopProcessGroup(server, 20_000);
});

/** Runs `code` and gathers its iopub messages and its reply. */
async function execute(kernel: Kernel.IKernelConnection, code: string) {
  const iopub: KernelMessage.IIOPubMessage[] = [];
  const future = kernel.requestExecute({ code });
  future.onIOPub = (m) => {
    iopub.push(m);
  };
  const reply = await future.done;
  return { iopub, reply, types: iopub.map((m) => m.header.msg_type) };
}

function stdout(iopub: KernelMessage.IIOPubMessage[]): string {
  return iopub
    .filter((m) => m.header.msg_type === "stream")
    .map((m) => (m.content as { text: string }).text)
    .join("");
}

/** Opens a raw WebSocket; resolves with the close code and reason the server gave, or the refusal's status. */
function rawSocket(url: string, o: { origin?: string; send?: (ws: WebSocket) => void } = {}): Promise<{ code?: number; reason?: string; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, o.origin ? { origin: o.origin } : {});
    ws.on("open", () => o.send?.(ws));
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on("unexpected-response", (_req, res) => {
      resolve({ status: res.statusCode });
      ws.terminate();
    });
    ws.on("error", () => undefined);
  });
}

describe.skipIf(why)("Jupyter kernel API with @jupyterlab/services", () => {
  it("lists the python kernel spec in Jupyter Server's shape", async () => {
    const res = await fetch(`${site}/jupyter/api/kernelspecs`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { default: string; kernelspecs: Record<string, { name: string; spec: { language: string; argv: unknown[] } }> };
    expect(body.default).toBe("python");
    expect(body.kernelspecs.python?.name).toBe("python");
    expect(body.kernelspecs.python?.spec.language).toBe("python");
    expect(body.kernelspecs.python?.spec.argv).toEqual([]);
    // The service runs without Sage here (EXEC_SAGE=0): it is not offered, as its /health says.
    expect(body.kernelspecs.sage).toBeUndefined();
    const health = (await (await fetch(`${process.env.EXEC_URL}/health`)).json()) as { kernels?: string[] };
    expect(health.kernels).toEqual(["python"]);
  });

  it("runs cells: stream output, an error with its ename, a plot as image/png, kernel_info", async () => {
    const kernel = await manager.startNew({ name: "python" });
    try {
      // The client asks for kernel_info itself once connected; a second request goes after it.
      await kernel.info;
      const info = await kernel.requestKernelInfo();
      const content = info?.content as KernelMessage.IInfoReply;
      expect(content.protocol_version).toBe("5.3");
      expect(content.language_info.name).toBe("python");

      const printed = await execute(kernel, "print(1+1)");
      expect(stdout(printed.iopub)).toBe("2\n");
      expect(printed.reply.content.status).toBe("ok");
      expect(printed.reply.content.execution_count).toBe(1);
      expect(printed.types[0]).toBe("status");
      expect(printed.types).toContain("execute_input");
      expect(printed.types.at(-1)).toBe("status");
      expect(printed.reply.parent_header.msg_id).toBe(printed.iopub[0]?.parent_header.msg_id);

      const failed = await execute(kernel, "1/0");
      expect(failed.reply.content.status).toBe("error");
      const error = failed.iopub.find((m) => m.header.msg_type === "error");
      expect((error?.content as KernelMessage.IErrorMsg["content"]).ename).toBe("ZeroDivisionError");
      expect((failed.reply.content as { ename?: string }).ename).toBe("ZeroDivisionError");

      // Same namespace across cells, and the last expression's value as an execute_result.
      await execute(kernel, "x = 20");
      const result = await execute(kernel, "x + 22");
      const value = result.iopub.find((m) => m.header.msg_type === "execute_result");
      expect((value?.content as { data: Record<string, string> }).data["text/plain"]).toBe("42");

      const plot = await execute(kernel, "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()");
      const picture = plot.iopub.find((m) => m.header.msg_type === "display_data");
      const png = (picture?.content as { data: Record<string, string> }).data["image/png"];
      expect(
        Buffer.from(png ?? "", "base64")
          .subarray(1, 4)
          .toString(),
      ).toBe("PNG");
    } finally {
      await kernel.shutdown();
    }
  });

  it("interrupts a sleeping cell with KeyboardInterrupt (interrupt_request on the control channel: the spec says interrupt_mode message), and the kernel goes on", async () => {
    const kernel = await manager.startNew({ name: "python" });
    try {
      const iopub: KernelMessage.IIOPubMessage[] = [];
      const future = kernel.requestExecute({ code: "import time\nprint('sleeping', flush=True)\ntime.sleep(30)" });
      const started = new Promise<void>((resolve) => {
        future.onIOPub = (m) => {
          iopub.push(m);
          if (m.header.msg_type === "stream") resolve();
        };
      });
      await started;
      await kernel.interrupt();
      const reply = await future.done;
      expect(reply.content.status).toBe("error");
      const error = iopub.find((m) => m.header.msg_type === "error");
      expect((error?.content as { ename: string }).ename).toBe("KeyboardInterrupt");
      expect(stdout((await execute(kernel, "print('after')")).iopub)).toBe("after\n");
    } finally {
      await kernel.shutdown();
    }
  });

  it("answers is_complete, complete and inspect requests", async () => {
    const kernel = await manager.startNew({ name: "python" });
    try {
      expect((await kernel.requestIsComplete({ code: "for i in range(3):" })).content.status).toBe("incomplete");
      expect((await kernel.requestIsComplete({ code: "print(1)" })).content.status).toBe("complete");
      await execute(kernel, "import math\nmy_total = 41");
      const completion = await kernel.requestComplete({ code: "x = math.fa", cursor_pos: 11 });
      expect(completion.content).toMatchObject({ status: "ok", matches: ["fabs", "factorial"], cursor_start: 9, cursor_end: 11 });
      expect((await kernel.requestComplete({ code: "my_t", cursor_pos: 4 })).content).toMatchObject({ matches: ["my_total"] });
      // Jupyter counts the cursor in code points: the emoji before it is one.
      expect((await kernel.requestComplete({ code: "'😀'; my_t", cursor_pos: 9 })).content).toMatchObject({ matches: ["my_total"], cursor_start: 5 });
      const inspection = await kernel.requestInspect({ code: "math.factorial(", cursor_pos: 15, detail_level: 0 });
      expect(inspection.content).toMatchObject({ status: "ok", found: true });
      const text = (inspection.content as { data: Record<string, string> }).data["text/plain"];
      expect(text).toContain("Signature: math.factorial(n, /)");
      expect(text).toContain("Find n!");
      expect((await kernel.requestInspect({ code: "no_such_thing", cursor_pos: 3, detail_level: 0 })).content).toMatchObject({ found: false });
    } finally {
      await kernel.shutdown();
    }
  });

  it("forgets a kernel once shut down (404), and answers 404 for unknown ids", async () => {
    const kernel = await manager.startNew({ name: "python" });
    const id = kernel.id;
    expect((await fetch(`${site}/jupyter/api/kernels/${id}`)).status).toBe(200);
    const listed = (await (await fetch(`${site}/jupyter/api/kernels`)).json()) as { id: string }[];
    expect(listed.map((k) => k.id)).toContain(id);
    await kernel.shutdown();
    expect((await fetch(`${site}/jupyter/api/kernels/${id}`)).status).toBe(404);
    const unknown = "00000000-0000-4000-8000-000000000000";
    const res = await fetch(`${site}/jupyter/api/kernels/${unknown}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toContain(unknown);
    expect((await rawSocket(`${wsBase}api/kernels/${unknown}/channels`)).status).toBe(404);
    expect((await fetch(`${site}/jupyter/api/kernels/not-a-kernel-id`)).status).toBe(404);
  });

  it("refuses an unknown kernel name with a 4xx naming the kernels there are", async () => {
    const res = await fetch(`${site}/jupyter/api/kernels`, { method: "POST", body: JSON.stringify({ name: "cobol" }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toMatch(/python/i);
    const bad = await fetch(`${site}/jupyter/api/kernels`, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
  });

  it("closes the socket of a malformed frame with a reason, and the server goes on", async () => {
    const kernel = await manager.startNew({ name: "python" });
    try {
      const url = `${wsBase}api/kernels/${kernel.id}/channels`;
      const notJson = await rawSocket(url, { send: (ws) => ws.send("{oops") });
      expect(notJson.code).toBe(1007);
      expect(notJson.reason).toMatch(/not JSON/);
      const noHeader = await rawSocket(url, { send: (ws) => ws.send(JSON.stringify({ channel: "shell", content: {} })) });
      expect(noHeader.code).toBe(1007);
      expect(noHeader.reason).toMatch(/header/);
      const badCode = await rawSocket(url, {
        send: (ws) => ws.send(JSON.stringify({ channel: "shell", header: { msg_id: "m1", msg_type: "execute_request", session: "s" }, content: { code: 42 } })),
      });
      expect(badCode.code).toBe(1007);
      expect(badCode.reason).toMatch(/content\.code/);
      const binary = await rawSocket(url, { send: (ws) => ws.send(Buffer.from([1, 2, 3])) });
      expect(binary.code).toBe(1003);
      const huge = await rawSocket(url, { send: (ws) => ws.send("x".repeat(2 * 1024 * 1024)) });
      expect(huge.code).toBe(1009);
      // The server and the kernel still work.
      expect(stdout((await execute(kernel, "print('still here')")).iopub)).toBe("still here\n");
    } finally {
      await kernel.shutdown();
    }
  });

  it("refuses a page of another origin unless JUPYTER_ALLOW_ORIGINS lists it, on REST and on the WebSocket", async () => {
    const evil = await fetch(`${site}/jupyter/api/kernels`, { headers: { Origin: "http://evil.example" } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect(evil.headers.get("x-content-type-options")).toBe("nosniff");
    const friend = await fetch(`${site}/jupyter/api/kernels`, { headers: { Origin: ALLOWED } });
    expect(friend.status).toBe(200);
    expect(friend.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    const preflight = await fetch(`${site}/jupyter/api/kernels`, { method: "OPTIONS", headers: { Origin: ALLOWED, "Access-Control-Request-Method": "POST" } });
    expect(preflight.status).toBe(204);

    const kernel = await manager.startNew({ name: "python" });
    try {
      const url = `${wsBase}api/kernels/${kernel.id}/channels`;
      expect((await rawSocket(url, { origin: "http://evil.example" })).status).toBe(403);
      const allowed = await rawSocket(url, { origin: ALLOWED, send: (ws) => ws.close(1000, "bye") });
      expect(allowed.code).toBe(1000);
    } finally {
      await kernel.shutdown();
    }
  });

  it("refuses a bad API token instead of running anonymously", async () => {
    const res = await fetch(`${site}/jupyter/api/kernels`, { method: "POST", headers: { Authorization: "token cellar_nonsense" }, body: "{}" });
    expect(res.status).toBe(401);
  });

  // The token is made in this test process: a PGlite database has a single owning process, so
  // the web server's own process would not see it (tag-counts-across-processes.test.ts likewise).
  it.skipIf(!process.env.DATABASE_URL)("makes a kernel started with an API token the user's: hidden from others, usable with the token", async () => {
    const actor = await createUser({ username: uniqueName("jup"), password: "password1" });
    const { token } = await createToken({ actor, name: "jupyter" });
    const auth = { Authorization: `token ${token}` };
    const started = await fetch(`${site}/jupyter/api/kernels`, { method: "POST", headers: auth, body: JSON.stringify({ name: "python" }) });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    try {
      expect((await fetch(`${site}/jupyter/api/kernels/${id}`)).status).toBe(404);
      const anonymous = (await (await fetch(`${site}/jupyter/api/kernels`)).json()) as { id: string }[];
      expect(anonymous.map((k) => k.id)).not.toContain(id);
      const mine = (await (await fetch(`${site}/jupyter/api/kernels`, { headers: auth })).json()) as { id: string }[];
      expect(mine.map((k) => k.id)).toEqual([id]);
      expect((await rawSocket(`${wsBase}api/kernels/${id}/channels`)).status).toBe(404);
      const withToken = await rawSocket(`${wsBase}api/kernels/${id}/channels?token=${token}`, { send: (ws) => ws.close(1000, "bye") });
      expect(withToken.code).toBe(1000);
    } finally {
      expect((await fetch(`${site}/jupyter/api/kernels/${id}`, { method: "DELETE", headers: auth })).status).toBe(204);
    }
  });

  it("tells a kernel's clients when its session ends (status dead, then a close naming why), and forgets it", async () => {
    const started = await fetch(`${site}/jupyter/api/kernels`, { method: "POST", body: "{}" });
    const { id } = (await started.json()) as { id: string };
    const messages: { channel: string; header: { msg_type: string }; content: { execution_state?: string }; metadata: { reason?: string } }[] = [];
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
      const ws = new WebSocket(`${wsBase}api/kernels/${id}/channels`);
      ws.on("open", () =>
        ws.send(
          JSON.stringify({
            channel: "shell",
            header: { msg_id: "end-1", msg_type: "execute_request", session: "raw", username: "t", date: new Date().toISOString(), version: "5.3" },
            parent_header: {},
            metadata: {},
            content: { code: "import os\nos._exit(3)" },
          }),
        ),
      );
      ws.on("message", (data) => messages.push(JSON.parse(data.toString()) as (typeof messages)[number]));
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    expect(closed.code).toBe(4004);
    expect(closed.reason).toMatch(/kernel ended: its process exited/);
    const dead = messages.find((m) => m.header.msg_type === "status" && m.content.execution_state === "dead");
    expect(dead?.channel).toBe("iopub");
    expect(dead?.metadata.reason).toMatch(/exited/);
    expect((await fetch(`${site}/jupyter/api/kernels/${id}`)).status).toBe(404);
  });

  it("interrupts through REST, and restarts into a fresh namespace under the same id", async () => {
    const kernel = await manager.startNew({ name: "python" });
    try {
      const iopub: KernelMessage.IIOPubMessage[] = [];
      const future = kernel.requestExecute({ code: "import time\nx = 1\nprint('sleeping', flush=True)\ntime.sleep(30)" });
      await new Promise<void>((resolve) => {
        future.onIOPub = (m) => {
          iopub.push(m);
          if (m.header.msg_type === "stream") resolve();
        };
      });
      expect((await fetch(`${site}/jupyter/api/kernels/${kernel.id}/interrupt`, { method: "POST" })).status).toBe(204);
      expect((await future.done).content.status).toBe("error");
      expect(iopub.some((m) => m.header.msg_type === "error" && (m.content as { ename: string }).ename === "KeyboardInterrupt")).toBe(true);
      expect(stdout((await execute(kernel, "print(x)")).iopub)).toBe("1\n");

      const id = kernel.id;
      await kernel.restart();
      expect(kernel.id).toBe(id);
      const after = await execute(kernel, "print(x)");
      expect(after.reply.content.status).toBe("error");
      expect((after.reply.content as { ename?: string }).ename).toBe("NameError");
      expect(after.reply.content.execution_count).toBe(1);
    } finally {
      await kernel.shutdown();
    }
  });

  it("gives back a client's connection slot when a WebSocket handshake is refused", async () => {
    const kernel = await manager.startNew({ name: "python" });
    try {
      const url = new URL(`${site}/jupyter/api/kernels/${kernel.id}/channels`);
      /** An upgrade without Sec-WebSocket-Key: ws answers 400 and never opens a socket. */
      const badHandshake = () =>
        new Promise<number>((resolve, reject) => {
          const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, headers: { Connection: "Upgrade", Upgrade: "websocket" } });
          req.on("response", (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("upgrade", () => reject(new Error("upgraded")));
          req.on("error", reject);
          req.end();
        });
      // More than the 16 open streams a client may hold (× RATE_LIMIT_SCALE 20 here).
      for (let batch = 0; batch < 17; batch++) {
        const statuses = await Promise.all(Array.from({ length: 20 }, badHandshake));
        expect(statuses.every((s) => s === 400)).toBe(true);
      }
      expect(stdout((await execute(kernel, "print('ok')")).iopub)).toBe("ok\n");
      const fresh = await rawSocket(`${wsBase}api/kernels/${kernel.id}/channels`, { send: (ws) => ws.close(1000, "bye") });
      expect(fresh.code).toBe(1000);
    } finally {
      await kernel.shutdown();
    }
  });

  it("serves sessions (what notebooks and Thebe use): a notebook path's kernel runs cells, and ends with its session", async () => {
    const sessions = new SessionManager({ kernelManager: manager, serverSettings: manager.serverSettings });
    try {
      await sessions.ready;
      const session = await sessions.startNew({ path: "demo.ipynb", name: "demo.ipynb", type: "notebook", kernel: { name: "python" } });
      const kernel = session.kernel!;
      expect(stdout((await execute(kernel, "print(6 * 7)")).iopub)).toBe("42\n");
      const again = await fetch(`${site}/jupyter/api/sessions`, {
        method: "POST",
        body: JSON.stringify({ path: "demo.ipynb", type: "notebook", kernel: { name: "python" } }),
      });
      expect(((await again.json()) as { id: string }).id).toBe(session.id);
      await session.setPath("renamed.ipynb");
      const model = (await (await fetch(`${site}/jupyter/api/sessions/${session.id}`)).json()) as { path: string; kernel: { id: string } };
      expect(model.path).toBe("renamed.ipynb");
      expect(model.kernel.id).toBe(kernel.id);
      const kernelId = kernel.id;
      await session.shutdown();
      expect((await fetch(`${site}/jupyter/api/sessions/${session.id}`)).status).toBe(404);
      expect((await fetch(`${site}/jupyter/api/kernels/${kernelId}`)).status).toBe(404);
    } finally {
      sessions.dispose();
    }
  });
});
