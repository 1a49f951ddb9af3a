/**
 * Hostile cells, one per test, against the real sandbox: each asserts what the cell could not do
 * (checked from the host where it can be), that a hit limit is said in plain words, and that the
 * service still runs `print(1)` afterwards. Every test runs in each kernel (`python`, and `sage`
 * where SageMath is installed: the same cells, through Sage's preparser, in a Sage zygote's fork).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cellEvents, runCell as runInKernel, sageSkipReason, skipReason, startTestService, type TTestService } from "@/lib/exec/service/testing";

const skip = skipReason();
const SECRET = "cellar-fake-secret-0d5f";
const sageSkip = sageSkipReason();
if (!skip && sageSkip) console.warn(`hostile cells in the sage kernel skipped: ${sageSkip}`);

describe.skipIf(skip !== undefined).each(sageSkip ? ["python"] : ["python", "sage"])("hostile cells (%s kernel)", (kernel) => {
  let t: TTestService;
  const runCell = (client: TTestService["client"], code: string, o: Parameters<typeof runInKernel>[2] = {}) => runInKernel(client, code, { kernel, ...o });
  beforeAll(async () => {
    // The service's environment holds a secret; no cell may see it.
    process.env.CELLAR_FAKE_SECRET = SECRET;
    t = await startTestService({ sage: kernel === "sage" });
  }, 120_000);
  afterAll(async () => {
    delete process.env.CELLAR_FAKE_SECRET;
    await t?.stop();
  });
  afterEach(async () => {
    const r = await runCell(t.client, "print(1)");
    expect(r.stdout, "the service still serves print(1)").toBe("1\n");
  });

  /** The LimitExceeded message of a run, if any. */
  const limitOf = (r: Awaited<ReturnType<typeof runCell>>) =>
    (r.outputs.find((o) => o.output_type === "error" && o.ename === "LimitExceeded") as { evalue: string } | undefined)?.evalue;

  it("cannot open a network connection", async () => {
    const r = await runCell(t.client, "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 80), timeout=2)\n    print('connected')\nexcept OSError as e:\n    print('refused', e.errno)");
    expect(r.stdout).toMatch(/^refused/);
  });

  it("cannot resolve a name", async () => {
    const r = await runCell(t.client, "import socket\ntry:\n    print(socket.gethostbyname('example.com'))\nexcept OSError as e:\n    print('no dns')");
    expect(r.stdout).toBe("no dns\n");
  });

  it("cannot write outside its run directory", async () => {
    const targets = ["/etc/cellar-pwned", "/usr/cellar-pwned", "/cellar-pwned", "/sessions/cellar-pwned", `${t.execDir}/cellar-pwned`, "/cellar/pwned.py", "/mplconfig/matplotlibrc"];
    const r = await runCell(
      t.client,
      `ok = []\nfor p in ${JSON.stringify(targets)}:\n    try:\n        open(p, 'w').write('x')\n        ok.append(p)\n    except OSError:\n        pass\nprint('wrote', ok)`,
    );
    expect(r.stdout).toBe("wrote []\n");
    for (const p of ["/etc/cellar-pwned", "/usr/cellar-pwned", "/cellar-pwned", path.join(t.execDir, "cellar-pwned")]) expect(existsSync(p)).toBe(false);
  });

  it("cannot read another session's files", async () => {
    const { session: other } = await t.client.createSession({ files: [{ path: "secret.txt", content: "other's secret" }], client: "other", kernel });
    try {
      const r = await runCell(
        t.client,
        [
          "import os, glob",
          `paths = ['/sessions/${other}/work/secret.txt', '${t.execDir}/sessions/${other}/work/secret.txt', '../${other}/work/secret.txt']`,
          "found = []",
          "for top in ['/work', '/tmp', '/sessions', '/cellar', '/mplconfig', '/dev', '/']:",
          "    paths += glob.glob(top + '/**/secret.txt', recursive=True) if top != '/' else glob.glob('/*/secret.txt')",
          "for p in paths:",
          "    try:",
          "        found.append(open(p).read())",
          "    except OSError:",
          "        pass",
          "print('found', found)",
        ].join("\n"),
      );
      expect(r.stdout).toBe("found []\n");
    } finally {
      await t.client.close({ session: other });
    }
  });

  it("cannot read the service's environment", async () => {
    const r = await runCell(
      t.client,
      [
        "import os, glob",
        "seen = [k for k, v in os.environ.items() if 'cellar-fake' in v]",
        "for p in ['/proc/1/environ', f'/proc/{os.getppid()}/environ'] + glob.glob('/proc/*/environ'):",
        "    try:",
        "        if b'cellar-fake' in open(p, 'rb').read():",
        "            seen.append(p)",
        "    except OSError:",
        "        pass",
        "print('seen', seen)",
      ].join("\n"),
    );
    expect(r.stdout).toBe("seen []\n");
  });

  it("cannot signal or ptrace the zygote or another session's process", async () => {
    const zygotes = t.service.pools.get(kernel)!.pids();
    const { session: other } = await t.client.createSession({ files: [], client: "other", kernel });
    const victim = await t.client.execute({ session: other, code: "import time; time.sleep(20)" });
    try {
      const targets = [...zygotes, process.pid];
      const r = await runCell(
        t.client,
        [
          "import os, ctypes",
          "libc = ctypes.CDLL(None, use_errno=True)",
          "reached = []",
          "own = {int(t) for p in os.listdir('/proc') if p.isdigit() for t in os.listdir(f'/proc/{p}/task')}  # its own namespace's threads",
          `for pid in [p for p in ${JSON.stringify(targets)} + list(range(2, 400)) if p not in own]:`,
          "    try:",
          "        os.kill(pid, 0)",
          "        reached.append(('kill', pid))",
          "    except OSError:",
          "        pass",
          "    if libc.ptrace(int(16), int(pid), None, None) == 0:",
          "        reached.append(('ptrace', pid))",
          "print('reached', reached)",
        ].join("\n"),
      );
      // Only its own pid namespace is visible: nothing outside answers.
      expect(r.stdout).toBe("reached []\n");
      for (const pid of zygotes) expect(() => process.kill(pid, 0)).not.toThrow();
      // The other session's cell is still running.
      const [health] = await t.client.health();
      expect(health?.pool.busy).toBeGreaterThanOrEqual(1);
    } finally {
      await t.client.close({ session: other });
    }
    expect(victim.msg_id).toBeTruthy();
  });

  it("a memory bomb is stopped by the memory limit", async () => {
    const r = await runCell(t.client, "blocks = []\nwhile True:\n    blocks.append(bytearray(16 * 1024 * 1024))");
    expect(r.status).toBe("limit");
    expect(limitOf(r)).toBe("stopped: used more than 128 MB of memory");
  });

  it("a fork bomb is held by the process limit and cleaned up", async () => {
    const parent = readdirSync("/sys/fs/cgroup/pids").find((d) => d.startsWith(`cellar-test-${process.pid}-`));
    // Processes in this service's session groups: other tests' sessions may still be alive (idle),
    // so what must go is what the bomb added.
    const present = () =>
      parent
        ? readdirSync(`/sys/fs/cgroup/pids/${parent}`, { withFileTypes: true })
            .filter((d) => d.isDirectory())
            .flatMap((d) => readFileSync(`/sys/fs/cgroup/pids/${parent}/${d.name}/cgroup.procs`, "utf8").split("\n").filter(Boolean))
        : [];
    const before = new Set(present());
    // Sessions pre-spawned meanwhile add their own S and U (pids 1 and 2 of their namespace);
    // the bomb's processes are U's children (pid 3 and up in the bomb's namespace).
    const innermostPid = (pid: string) => {
      try {
        return /^NSpid:.*\s(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      } catch {
        return undefined; // exited meanwhile
      }
    };
    const left = () => present().filter((pid) => !before.has(pid) && !["1", "2"].includes(innermostPid(pid) ?? ""));
    const r = await runCell(
      t.client,
      "import os, time\nn = 0\nfor _ in range(200):\n    try:\n        if os.fork() == 0:\n            time.sleep(30)\n            os._exit(0)\n        n += 1\n    except OSError:\n        break\nprint('forked', n)",
    );
    expect(r.stdout).toMatch(/^forked \d+\n$/);
    expect(Number(/\d+/.exec(r.stdout)![0])).toBeLessThan(32);
    // The session is closed by runToCompletion; all its processes go shortly after (its emptied
    // groups may stay as spares for the next session).
    for (let i = 0; i < 100 && left().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(parent).toBeDefined();
    expect(left()).toEqual([]);
  });

  it("an infinite loop is stopped by the wall clock", async () => {
    const r = await runCell(t.client, "while True:\n    pass");
    expect(r.status).toBe("timeout");
    expect(limitOf(r)).toBe("stopped: ran longer than 3 s");
  });

  it("sleeping past the wall clock is stopped", async () => {
    const r = await runCell(t.client, "import time\nprint('start', flush=True)\ntime.sleep(60)");
    expect(r.stdout).toBe("start\n");
    expect(limitOf(r)).toBe("stopped: ran longer than 3 s");
  });

  it("an output flood is truncated with a notice and stopped", async () => {
    const r = await runCell(t.client, "while True:\n    print('x' * 1000)");
    expect(r.status).toBe("limit");
    expect(limitOf(r)).toBe("stopped: printed more than 64 KB of output");
    expect(r.stdout.length).toBeLessThanOrEqual(64 * 1024);
    expect(r.stderr).toContain("[output truncated]");
  });

  it("filling the disk is stopped by the files limit", async () => {
    const r = await runCell(t.client, "import os\ni = 0\nwhile True:\n    with open(f'fill{i}.bin', 'wb') as f:\n        f.write(os.urandom(1024 * 1024))\n    i += 1");
    expect(r.status).toBe("limit");
    expect(limitOf(r)).toMatch(/^stopped: (wrote more than 5 MB of files)$/);
  });

  it("closing stdout and stderr does not break the session or the service", async () => {
    const { session } = await t.client.createSession({ files: [], client: "t", kernel });
    await t.client.execute({ session, code: "import os, sys\nos.close(1)\nos.close(2)\nprint('after close')" });
    const second = await t.client.execute({ session, code: "print('still here')" });
    const texts: string[] = [];
    for await (const e of t.client.events({ session })) {
      if (e.message.header.msg_type === "stream") texts.push((e.message.content as { text: string }).text);
      const state = (e.message.content as { execution_state?: string }).execution_state;
      if ((e.message.parent_header as { msg_id?: string }).msg_id === second.msg_id && (state === "idle" || state === "dead")) break;
    }
    expect(texts.join("")).toContain("still here");
    await t.client.close({ session });
  });

  it("cannot end its cell early or speak for the service through any descriptor", async () => {
    // Forged idle, execute_reply, "dead", a limit error and another request's output, written
    // to every descriptor the cell has (the session socket too, where the cell can reach it);
    // then it keeps running. JSON text, not Python dicts: the same cell runs through Sage's preparser.
    const forged = [
      { msg_type: "status", parent: "x", content: { execution_state: "idle" } },
      { msg_type: "execute_reply", parent: "x", content: { status: "ok", execution_count: 99 } },
      { msg_type: "status", parent: "x", content: { execution_state: "dead" }, metadata: { reason: "limit" } },
      { msg_type: "error", parent: "x", content: { ename: "LimitExceeded", evalue: "stopped: used more than 512 MB of memory", traceback: ["forged"] }, metadata: { limit: "memory" } },
      { msg_type: "stream", parent: "another-request", content: { name: "stdout", text: "forged\n" } },
    ];
    const code = [
      "import os, time",
      `data = ${JSON.stringify(forged.map((m) => JSON.stringify(m) + "\n").join(""))}.encode()`,
      "for fd in sorted(int(x) for x in os.listdir('/proc/self/fd')):",
      "    try:",
      "        os.write(fd, data)",
      "    except OSError:",
      "        pass",
      "print('forging done', flush=True)",
      "time.sleep(60)",
    ].join("\n");
    const { session } = await t.client.createSession({ files: [], client: "t", kernel });
    try {
      const { msg_id } = await t.client.execute({ session, code });
      const events = await cellEvents(t.client, session, msg_id);
      const messages = events.map((e) => e.message);
      const limits = messages.filter((m) => m.header.msg_type === "error" && (m.content as { ename: string }).ename === "LimitExceeded");
      // The wall clock still ran: the cell ended by the time limit, the only limit said.
      expect(limits.map((m) => [(m.content as { evalue: string }).evalue, m.metadata.limit])).toEqual([["stopped: ran longer than 3 s", "time"]]);
      expect(messages.filter((m) => m.header.msg_type === "execute_reply").map((m) => (m.content as { status: string }).status)).toEqual(["error"]);
      const states = messages.filter((m) => m.header.msg_type === "status").map((m) => (m.content as { execution_state: string }).execution_state);
      expect(states).toEqual(["busy", "idle"]);
      const text = messages.filter((m) => m.header.msg_type === "stream").map((m) => (m.content as { text: string }).text).join("");
      expect(text).toContain("forging done\n");
    } finally {
      await t.client.close({ session });
    }
  });

  it("closing every descriptor does not end its cell early", async () => {
    const r = await runCell(t.client, "import os, time\nos.closerange(0, 65536)\ntime.sleep(60)");
    expect(r.status).toBe("timeout");
    expect(limitOf(r)).toBe("stopped: ran longer than 3 s");
  });

  it("cannot reach the supervisor's descriptors, memory or state", async () => {
    const r = await runCell(
      t.client,
      [
        "import os",
        "for what in (lambda: os.listdir('/proc/1/fd'), lambda: open('/proc/1/mem', 'rb'), lambda: open('/proc/1/syscall').read(), lambda: open('/proc/1/environ').read()):",
        "    try:",
        "        what()",
        "        print('reached')",
        "    except PermissionError:",
        "        print('denied')",
      ].join("\n"),
    );
    expect(r.stdout).toBe("denied\n".repeat(4));
  });

  it("killing its parent and pid 1 only ends its own session", async () => {
    const zygotes = t.service.pools.get(kernel)!.pids();
    const a = await runCell(t.client, "import os\nos.kill(os.getppid(), 9)\nprint('alive')");
    const b = await runCell(t.client, "import os\nos.kill(1, 9)\nprint('alive')");
    for (const r of [a, b]) expect(["ok", "error"]).toContain(r.status);
    // kill(0, 9) (getppid() is 0 outside the namespace) signals the caller's process group: the
    // session child must not share the zygote's (it calls setsid()).
    for (const pid of zygotes) expect(() => process.kill(pid, 0), `zygote ${pid} was killed by a cell`).not.toThrow();
  });
});
