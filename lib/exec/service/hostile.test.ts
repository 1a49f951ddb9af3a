/**
 * Hostile cells, one per test, against the real sandbox: each asserts what the cell could not do
 * (checked from the host where it can be), that a hit limit is said in plain words, and that the
 * service still runs `print(1)` afterwards. Every test runs in each kernel (`python`, and `sage`
 * where SageMath is installed: the same cells, through Sage's preparser, in a Sage zygote's fork).
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isDeadStatus, isMsgType } from "@/lib/exec/protocol";
import { ETC_ALLOWED, ETC_GENERATED } from "@/lib/exec/service/sandbox";
import { cellEvents, contentsOf, runCell as runInKernel, sageSkipReason, skipReason, startTestService, type TTestService } from "@/lib/exec/service/testing";

const skip = skipReason();
const SECRET = "cellar-fake-secret-0d5f";
const sageSkip = sageSkipReason();
if (!skip && sageSkip) console.warn(`hostile cells in the sage kernel skipped: ${sageSkip}`);
/** Whether `p` is a symlink (existsSync follows it). */
const isLink = (p: string) => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};
// The syscall numbers below are x86_64's.
const syscallSkip = skip ?? (process.arch === "x64" ? undefined : `the raw syscall probes use x86_64 numbers, not ${process.arch}'s`);

/**
 * A cell that makes each call the sandbox's seccomp filter denies, straight through syscall(2)
 * (so no library hides the errno), and prints `name errno-name` per line. Numbers go through
 * int() so the Sage preparser's Integers reach ctypes as ints.
 */
const DENIED_CALLS_CELL = [
  "import ctypes, errno, os",
  "libc = ctypes.CDLL(None, use_errno=True)",
  "libc.syscall.restype = ctypes.c_long",
  "def call(nr, *args):",
  "    ctypes.set_errno(0)",
  "    r = libc.syscall(ctypes.c_long(int(nr)), *[ctypes.c_long(int(a)) for a in args])",
  "    return 'ok' if r >= 0 else errno.errorcode[ctypes.get_errno()]",
  "NEWUSER, NEWNET, NEWNS = int(0x10000000), int(0x40000000), int(0x20000)",
  "calls = [",
  "    ('unshare', 272, NEWUSER | NEWNET), ('unshare-ns', 272, NEWNS), ('clone-newuser', 56, NEWUSER | 17, 0, 0, 0, 0),",
  "    ('clone-newnet', 56, NEWNET | 17, 0, 0, 0, 0), ('clone3', 435, 0, 0), ('setns', 308, 0, 0),",
  "    ('mount', 165, 0, 0, 0, 0, 0), ('umount2', 166, 0, 0), ('pivot_root', 155, 0, 0),",
  "    ('fsopen', 430, 0, 0), ('open_tree', 428, -100, 0, 0), ('move_mount', 429, -1, 0, -1, 0, 0),",
  "    ('io_uring_setup', 425, 1, 0), ('bpf', 321, 0, 0, 0), ('keyctl', 250, 0, 0, 0, 0, 0),",
  "    ('add_key', 248, 0, 0, 0, 0, 0), ('request_key', 249, 0, 0, 0, 0), ('userfaultfd', 323, 1),",
  "    ('perf_event_open', 298, 0, 0, -1, -1, 0), ('process_vm_readv', 310, 1, 0, 0, 0, 0, 0),",
  "    ('process_vm_writev', 311, 1, 0, 0, 0, 0, 0), ('kexec_load', 246, 0, 0, 0, 0),",
  "    ('init_module', 175, 0, 0, 0), ('finit_module', 313, -1, 0, 0), ('delete_module', 176, 0, 0),",
  "    ('personality-no-aslr', 135, 0x0040000), ('open_by_handle_at', 304, -1, 0, 0), ('chroot', 161, 0),",
  "    ('pidfd_getfd', 438, -1, -1, 0), ('syslog', 103, 3, 0, 0), ('acct', 163, 0), ('swapoff', 168, 0),",
  "    ('settimeofday', 164, 0, 0), ('clock_settime', 227, 0, 0), ('iopl', 172, 3), ('vhangup', 153),",
  "]",
  "for name, *args in calls:",
  "    print(name, call(*args))",
  "print('personality-query', call(135, 0xffffffff))",
  "print('personality-linux', call(135, 0))",
  "pid = os.fork()",
  "if pid == 0:",
  "    try:",
  "        libc.ptrace(int(0), int(0), None, None)  # PTRACE_TRACEME, in a child: a success is traced by the cell",
  "    finally:",
  "        os._exit(ctypes.get_errno())",
  "print('ptrace-traceme', errno.errorcode.get(os.waitpid(pid, 0)[1] >> 8, 'ok'))",
].join("\n");

/** What each line of DENIED_CALLS_CELL must say: every call EPERM but clone3 (ENOSYS) and the two personality values allowed. */
const DENIED_CALLS_EXPECTED = (() => {
  const names = [...DENIED_CALLS_CELL.matchAll(/\('([a-z0-9_-]+)', \d+/g)].map((m) => m[1]!);
  const lines = names.map((n) => `${n} ${n === "clone3" ? "ENOSYS" : "EPERM"}`);
  return [...lines, "personality-query ok", "personality-linux ok", "ptrace-traceme EPERM"].join("\n") + "\n";
})();

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

  /**
   * Runs `cells` one after another in one new session and returns what each printed (an error
   * as a last line `ERROR name: value`), so a test can see the session go on after an attack.
   */
  async function inOneSession(cells: string[]): Promise<string[]> {
    const { session } = await t.client.createSession({ files: [], client: "t", kernel });
    try {
      const outs: string[] = [];
      for (const code of cells) {
        const { msg_id } = await t.client.execute({ session, code });
        let out = "";
        for (const e of await cellEvents(t.client, session, msg_id)) {
          const m = e.message;
          if (isMsgType(m, "stream") && m.content.name === "stdout") out += m.content.text;
          if (isMsgType(m, "error")) out += `ERROR ${m.content.ename}: ${m.content.evalue}\n`;
          if (isDeadStatus(m)) out += "DEAD\n";
        }
        outs.push(out);
      }
      return outs;
    } finally {
      await t.client.close({ session });
    }
  }

  /** The LimitExceeded message of a run, if any. */
  const limitOf = (r: Awaited<ReturnType<typeof runCell>>) =>
    (r.outputs.find((o) => o.output_type === "error" && o.ename === "LimitExceeded") as { evalue: string } | undefined)?.evalue;

  it("cannot open a network connection", async () => {
    const r = await runCell(
      t.client,
      "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 80), timeout=2)\n    print('connected')\nexcept OSError as e:\n    print('refused', e.errno)",
    );
    expect(r.stdout).toMatch(/^refused/);
  });

  it("cannot resolve a name", async () => {
    const r = await runCell(t.client, "import socket\ntry:\n    print(socket.gethostbyname('example.com'))\nexcept OSError as e:\n    print('no dns')");
    expect(r.stdout).toBe("no dns\n");
  });

  it("cannot write outside its run directory", async () => {
    const targets = [
      "/etc/cellar-pwned",
      "/usr/cellar-pwned",
      "/cellar-pwned",
      "/sessions/cellar-pwned",
      `${t.execDir}/cellar-pwned`,
      "/cellar/pwned.py",
      "/mplconfig/matplotlibrc",
    ];
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
      // posix_spawn (vfork + exec), not fork: each fork copies the kernel's whole address space
      // (~450 MB in Sage), and 64 of them took longer than the 3 s wall clock on a loaded host.
      // The pids limit is what is tested, and it counts processes however they were made.
      "import os\nn = 0\nfor _ in range(200):\n    try:\n        os.posix_spawn('/bin/sleep', ['sleep', '30'], {})\n        n += 1\n    except OSError:\n        break\nprint('forked', n)",
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
    const r = await runCell(
      t.client,
      "import os\ni = 0\nwhile True:\n    with open(f'fill{i}.bin', 'wb') as f:\n        f.write(os.urandom(1024 * 1024))\n    i += 1",
    );
    expect(r.status).toBe("limit");
    expect(limitOf(r)).toMatch(/^stopped: (wrote more than 5 MB of files)$/);
  });

  it("closing stdout and stderr does not break the session or the service", async () => {
    const { session } = await t.client.createSession({ files: [], client: "t", kernel });
    await t.client.execute({ session, code: "import os, sys\nos.close(1)\nos.close(2)\nprint('after close')" });
    const second = await t.client.execute({ session, code: "print('still here')" });
    const texts: string[] = [];
    for await (const e of t.client.events({ session })) {
      const m = e.message;
      if (isMsgType(m, "stream")) texts.push(m.content.text);
      const state = isMsgType(m, "status") ? m.content.execution_state : undefined;
      if (m.parent_header.msg_id === second.msg_id && (state === "idle" || state === "dead")) break;
    }
    expect(texts.join("")).toContain("still here");
    await t.client.close({ session });
  });

  it("runs under a seccomp filter: namespaces, mounts, io_uring, bpf, keys, ptrace... fail with EPERM, clone3 with ENOSYS, and the session goes on", async ({
    skip,
  }) => {
    if (syscallSkip) skip(syscallSkip);
    const [status, calls, threads, alive] = await inOneSession([
      "print([l for l in open('/proc/self/status').read().splitlines() if l.startswith(('Seccomp:', 'NoNewPrivs:'))])",
      DENIED_CALLS_CELL,
      // clone3's ENOSYS sends glibc's pthread_create back to clone: threads, forks and subprocesses still work.
      "import threading, subprocess, os\nt = threading.Thread(target=print, args=('thread',)); t.start(); t.join()\nprint(subprocess.run(['sh', '-c', 'echo sh'], capture_output=True, text=True).stdout.strip())\npid = os.fork()\nif pid == 0:\n    os._exit(7)\nprint('fork', os.waitpid(pid, 0)[1] >> 8)",
      "print('alive')",
    ]);
    expect(status).toBe("['NoNewPrivs:\\t1', 'Seccomp:\\t2']\n");
    // The zygote runs under its own filter too (bwrap's), seen from the host.
    for (const pid of t.service.pools.get(kernel)!.pids()) expect(readFileSync(`/proc/${pid}/status`, "utf8")).toMatch(/^Seccomp:\t2$/m);
    expect(calls).toBe(DENIED_CALLS_EXPECTED);
    expect(threads).toBe("thread\nsh\nfork 7\n");
    expect(alive).toBe("alive\n");
  });

  it("a syscall through another ABI (x32 numbers) ends the process that made it, not the session", async ({ skip }) => {
    if (syscallSkip) skip(syscallSkip);
    const [x32, alive] = await inOneSession([
      [
        "import ctypes, os, signal",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "pid = os.fork()",
        "if pid == 0:",
        "    try:",
        "        libc.syscall(ctypes.c_long(int(0x40000000) + int(39)))  # x32's getpid",
        "    finally:",
        "        os._exit(0)",
        "status = os.waitpid(pid, 0)[1]",
        "print(signal.Signals(os.WTERMSIG(status)).name if os.WIFSIGNALED(status) else 'returned')",
      ].join("\n"),
      "print('alive')",
    ]);
    expect(x32).toBe("SIGSYS\n");
    expect(alive).toBe("alive\n");
  });

  it("cannot make a user or network namespace, even in a forked child; the namespace limits are 0", async ({ skip }) => {
    if (syscallSkip) skip(syscallSkip);
    const [out] = await inOneSession([
      [
        "import ctypes, errno, os, glob",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "pid = os.fork()",
        "if pid == 0:",
        "    try:",
        "        os._exit(0 if libc.unshare(int(0x10000000) | int(0x40000000)) == 0 else ctypes.get_errno())",
        "    finally:",
        "        os._exit(99)",
        "print('unshare in a child', errno.errorcode.get(os.waitpid(pid, 0)[1] >> 8, 'ok'))",
        "print(sorted({open(p).read().strip() for p in glob.glob('/proc/sys/user/max_*_namespaces')}))",
        "print(open('/proc/sys/user/max_user_namespaces').read().strip())",
      ].join("\n"),
    ]);
    expect(out).toBe("unshare in a child EPERM\n['0']\n0\n");
  });

  it("has its own SysV IPC, network and host name: another session of the same zygote sees none of it", async () => {
    const { session: a } = await t.client.createSession({ files: [], client: "a", kernel });
    try {
      const made = await t.client.execute({
        session: a,
        code: [
          "import ctypes, socket",
          "libc = ctypes.CDLL(None, use_errno=True)",
          "print('shm', libc.shmget(int(0x5ecc0a), int(4096), int(0o1600)) >= 0, 'msg', libc.msgget(int(0x5ecc0a), int(0o1600)) >= 0)",
          "server = socket.socket()",
          "server.bind(('127.0.0.1', int(47913)))",
          "server.listen()",
          "print('listening')",
        ].join("\n"),
      });
      const events = await cellEvents(t.client, a, made.msg_id);
      const stdout = contentsOf(events, "stream")
        .map((c) => c.text)
        .join("");
      expect(stdout).toBe("shm True msg True\nlistening\n");
      const [seen] = await inOneSession([
        [
          "import ctypes, errno, socket",
          "libc = ctypes.CDLL(None, use_errno=True)",
          "def get(fn):",
          "    return 'found' if fn(int(0x5ecc0a), int(0), int(0)) >= 0 else errno.errorcode[ctypes.get_errno()]",
          "print('shm', get(libc.shmget), 'msg', libc.msgget(int(0x5ecc0a), int(0)) >= 0)",
          "print(len(open('/proc/sysvipc/shm').read().splitlines()) - 1, len(open('/proc/sysvipc/msg').read().splitlines()) - 1)",
          "try:",
          "    socket.create_connection(('127.0.0.1', int(47913)), timeout=2)",
          "    print('connected')",
          "except OSError as e:",
          "    print('refused')",
          "print(socket.gethostname())",
        ].join("\n"),
      ]);
      expect(seen).toBe("shm ENOENT msg False\n0 0\nrefused\ncellar\n");
    } finally {
      await t.client.close({ session: a });
    }
  });

  it("has only lo, up: servers and clients on localhost work (multiprocessing managers, http.server)", async () => {
    const [out] = await inOneSession([
      [
        "import threading, urllib.request, http.server",
        "from multiprocessing.managers import SyncManager",
        "print(sorted(l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:]))",
        "server = http.server.HTTPServer(('localhost', 0), http.server.SimpleHTTPRequestHandler)",
        "threading.Thread(target=server.handle_request, daemon=True).start()",
        "print(urllib.request.urlopen(f'http://localhost:{server.server_port}/', timeout=10).status)",
        "m = SyncManager(address=('127.0.0.1', 0), authkey=b'k')",
        "m.start()",
        "d = m.dict()",
        "d['x'] = 1",
        "print(dict(d))",
        "m.shutdown()",
      ].join("\n"),
    ]);
    expect(out).toBe("['lo']\n200\n{'x': 1}\n");
  });

  it("may open at most 1024 files", async () => {
    const [out] = await inOneSession([
      [
        "import resource",
        "print(resource.getrlimit(resource.RLIMIT_NOFILE))",
        "files = []",
        "try:",
        "    for _ in range(int(2000)):",
        "        files.append(open('/dev/null'))",
        "except OSError as e:",
        "    print(e.strerror, len(files) < 1024)",
        "for f in files:",
        "    f.close()",
      ].join("\n"),
    ]);
    expect(out).toBe("(1024, 1024)\nToo many open files True\n");
  });

  it("sees only the allowed /etc: no shadow or host files, its own passwd entry, getpass and pwd work", async () => {
    const allowed = [...ETC_ALLOWED.filter((name) => existsSync(`/etc/${name}`) || isLink(`/etc/${name}`)), ...Object.keys(ETC_GENERATED)].sort();
    const [out] = await inOneSession([
      [
        "import getpass, os, pwd, grp, json",
        "print(json.dumps(sorted(os.listdir('/etc'))))",
        "print(getpass.getuser(), pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name)",
        "print(len(pwd.getpwall()), [os.path.exists(p) for p in ('/etc/shadow', '/etc/machine-id', '/etc/ssh', '/etc/ssl')])",
        "print(open('/etc/hostname').read().strip(), open('/etc/resolv.conf').read() if os.path.exists('/etc/resolv.conf') else 'no resolv.conf')",
      ].join("\n"),
    ]);
    expect(out).toBe(`${JSON.stringify(allowed).replaceAll(",", ", ")}\nnobody nobody nogroup\n1 [False, False, False, False]\ncellar no resolv.conf\n`);
  });

  it("cannot end its cell early or speak for the service through any descriptor", async () => {
    // Forged idle, execute_reply, "dead", a limit error and another request's output, written
    // to every descriptor the cell has (the session socket too, where the cell can reach it);
    // then it keeps running. JSON text, not Python dicts: the same cell runs through Sage's preparser.
    const forged = [
      { msg_type: "status", parent: "x", content: { execution_state: "idle" } },
      { msg_type: "execute_reply", parent: "x", content: { status: "ok", execution_count: 99 } },
      { msg_type: "status", parent: "x", content: { execution_state: "dead" }, metadata: { reason: "limit" } },
      {
        msg_type: "error",
        parent: "x",
        content: { ename: "LimitExceeded", evalue: "stopped: used more than 512 MB of memory", traceback: ["forged"] },
        metadata: { limit: "memory" },
      },
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
      const limits = events.flatMap((e) => (isMsgType(e.message, "error") && e.message.content.ename === "LimitExceeded" ? [e.message] : []));
      // The wall clock still ran: the cell ended by the time limit, the only limit said.
      expect(limits.map((m) => [m.content.evalue, m.metadata.limit])).toEqual([["stopped: ran longer than 3 s", "time"]]);
      expect(contentsOf(events, "execute_reply").map((c) => c.status)).toEqual(["error"]);
      const states = contentsOf(events, "status").map((c) => c.execution_state);
      expect(states).toEqual(["busy", "idle"]);
      const text = contentsOf(events, "stream")
        .map((c) => c.text)
        .join("");
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

  it("cannot see or reach the relay that holds the session socket: its own processes only, pipes only", async () => {
    const r = await runCell(
      t.client,
      [
        "import os",
        "links = []",
        "for fd in os.listdir('/proc/self/fd'):",
        "    try:",
        "        links.append(os.readlink(f'/proc/self/fd/{fd}'))",
        "    except OSError:",
        "        pass",
        "print(sorted(p for p in os.listdir('/proc') if p.isdigit()), os.getpid(), os.getppid())",
        "print([l for l in links if l.startswith('socket:')], 'pipe:' in ''.join(links))",
      ].join("\n"),
    );
    // pid 1 of its namespace, whose parent is outside it; no socket: its only channel is two pipes.
    expect(r.stdout).toBe("['1'] 1 0\n[] True\n");
  });

  it("killing its parent or pid 1 reaches neither the zygote nor its own session", async () => {
    const zygotes = t.service.pools.get(kernel)!.pids();
    expect(zygotes.length, "the pool has its zygote").toBeGreaterThan(0);
    // The cell is pid 1 of the session's pid namespace: SIGKILL from inside it is ignored. Its
    // parent is outside (getppid() is 0).
    expect(await inOneSession(["import os\nos.kill(os.getppid(), 9)\nprint('alive')", "print('after')"])).toEqual(["alive\n", "after\n"]);
    expect(await inOneSession(["import os\nos.kill(1, 9)\nprint('alive')", "print('after')"])).toEqual(["alive\n", "after\n"]);
    // kill(0, 9) (getppid() is 0 outside the namespace) signals the caller's process group: the
    // session child must not share the zygote's (it calls setsid()).
    for (const pid of zygotes) expect(() => process.kill(pid, 0), `zygote ${pid} was killed by a cell`).not.toThrow();
  });
});
