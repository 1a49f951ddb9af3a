/**
 * The sandbox command line of docs/exec.md section 1: every zygote runs as host uid 65534 under
 * bubblewrap with no network, a read-only system, an /etc of a few allowed files, a seccomp
 * filter and a clean environment. Also writes the filters and the generated /etc files into
 * EXEC_DIR, builds the matplotlib cache once (so zygotes never rebuild the font list) and checks
 * the host can sandbox.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  accessSync,
  chownSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { kernelEnv, type TKernel } from "@/lib/exec/kernels";

export const BWRAP = "/usr/bin/bwrap";
export const SETPRIV = "/usr/bin/setpriv";
/** The unprivileged host user that runs all sandboxed code (`nobody`). */
export const SANDBOX_UID = 65534;

/** lib/exec/python in this checkout, bound read-only at /cellar. */
export const RUNNER_DIR = fileURLToPath(new URL("../python", import.meta.url));

/** What the service's directories look like on the host. */
export type TSandboxPaths = { execDir: string; runnerDir: string };

export const sessionsDir = (execDir: string) => path.join(execDir, "sessions");
export const mplconfigDir = (execDir: string) => path.join(execDir, "mplconfig");
/** The compiled seccomp filters (`session.bpf`, `zygote.bpf`), written at every start. */
export const seccompDir = (execDir: string) => path.join(execDir, "seccomp");
/** The /etc files the service generates for the sandbox (passwd, group, hosts, ...). */
export const etcDir = (execDir: string) => path.join(execDir, "etc");

/** The script that compiles the filters (libseccomp's Python binding, python3-seccomp). */
const FILTER_SCRIPT = path.join(RUNNER_DIR, "cellar_kernel", "syscall_filter.py");
/** The fd bwrap reads its filter from: the fourth entry of the spawn's stdio. */
const SECCOMP_FD = 3;

/**
 * What the sandbox's /etc holds of the host's (read-only; symlinks copied as symlinks), found
 * with `strace -f -e trace=%file` over zygote starts and representative cells of both kernels
 * (numpy/BLAS through /etc/alternatives, matplotlib and its fonts, subprocesses, locale, time
 * zones, mimetypes, pwd, localhost sockets, Sage's plots, 3D, Maxima, GAP, PARI, animate).
 * Nothing else: no shadow, ssh, ssl keys, machine-id, hostname or resolv.conf of the host.
 */
export const ETC_ALLOWED = [
  "alternatives",
  "fonts",
  "host.conf",
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "locale.alias",
  "localtime",
  "matplotlibrc",
  "mime.types",
  "mtab",
  "os-release",
  "timezone",
] as const;

/** The generated /etc files: the sandbox user's own passwd and group entries only, localhost. */
export const ETC_GENERATED: Record<string, string> = {
  passwd: `nobody:x:${SANDBOX_UID}:${SANDBOX_UID}:nobody:/tmp:/usr/sbin/nologin\n`,
  group: `nogroup:x:${SANDBOX_UID}:\n`,
  hosts: "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
  "nsswitch.conf": "passwd: files\ngroup: files\nshadow: files\nhosts: files\nnetworks: files\nprotocols: files\nservices: files\n",
  hostname: "cellar\n",
};

/** A sandbox's command line and the seccomp filter file its bwrap reads (on fd SECCOMP_FD). */
export type TSandboxCommand = { argv: string[]; env: NodeJS.ProcessEnv; seccomp: string };

/** The only environment setpriv and bwrap get: the service's own (secrets included) never reaches them. */
// (Next's types make NODE_ENV required in ProcessEnv; these programs do not read it.)
const LAUNCH_ENV = { PATH: "/usr/bin:/bin", LANG: "C.UTF-8" } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv;

/** /etc: the allowed host entries that exist here, then the generated files. */
function etcArgs(execDir: string): string[] {
  const args = ["--dir", "/etc"];
  for (const name of ETC_ALLOWED) {
    const src = `/etc/${name}`;
    let link: boolean;
    try {
      link = lstatSync(src).isSymbolicLink();
    } catch {
      continue; // not on this host
    }
    if (link) args.push("--symlink", readlinkSync(src), src);
    else args.push("--ro-bind", src, src);
  }
  for (const name of Object.keys(ETC_GENERATED)) args.push("--ro-bind", path.join(etcDir(execDir), name), `/etc/${name}`);
  return args;
}

/** Base bwrap arguments shared by zygotes, the mplconfig build and the cold baseline. */
function baseArgs(kernel: TKernel, execDir: string): string[] {
  const args = [
    // --unshare-all minus the pid namespace: the zygote must report host pids (section 1).
    "--unshare-user",
    "--unshare-ipc",
    "--unshare-net",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--die-with-parent",
    "--new-session",
    "--add-seccomp-fd",
    String(SECCOMP_FD),
    "--ro-bind",
    "/usr",
    "/usr",
  ];
  for (const dir of ["lib", "lib64", "bin", "sbin"]) {
    // Debian's merged /usr: these are symlinks into /usr; mirror whichever exist.
    if (existsSync(`/${dir}`)) args.push("--symlink", `usr/${dir}`, `/${dir}`);
  }
  args.push(...etcArgs(execDir), "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  for (const bind of kernel.binds) args.push("--ro-bind", bind.src, bind.dest);
  return args;
}

function sandboxEnv(kernel: TKernel): string[] {
  const env: Record<string, string> = {
    HOME: "/tmp",
    MPLBACKEND: "Agg",
    MPLCONFIGDIR: "/mplconfig",
    PYTHONDONTWRITEBYTECODE: "1",
    LANG: "C.UTF-8",
    PATH: "/usr/bin:/bin",
    ...kernelEnv(kernel),
  };
  return ["--clearenv", ...Object.entries(env).flatMap(([k, v]) => ["--setenv", k, v])];
}

const setpriv = [SETPRIV, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, "--clear-groups", BWRAP];

/**
 * setpriv + bwrap: the base sandbox, then `mounts` (bwrap options, one entry per option with its
 * arguments), the read-only root, `after` (options that need the finished tree), the clean
 * environment, and `program`, under the seccomp filter `filter` (compiled by prepareExecDir).
 */
function sandboxCommand(
  kernel: TKernel,
  paths: TSandboxPaths,
  o: { mounts: string[][]; after?: string[]; program: string[]; filter: "zygote" | "session" },
): TSandboxCommand {
  const argv = [
    ...setpriv,
    ...baseArgs(kernel, paths.execDir),
    ...o.mounts.flat(),
    "--remount-ro",
    "/",
    ...(o.after ?? []),
    ...sandboxEnv(kernel),
    "--",
    ...o.program,
  ];
  return { argv, env: LAUNCH_ENV, seccomp: path.join(seccompDir(paths.execDir), `${o.filter}.bpf`) };
}

/** The command of a zygote for `kernel` (under the zygote's filter: G's set-up still mounts). */
export function zygoteCommand(kernel: TKernel, paths: TSandboxPaths): TSandboxCommand {
  return sandboxCommand(kernel, paths, {
    mounts: [
      ["--ro-bind", paths.runnerDir, "/cellar"],
      ["--bind", sessionsDir(paths.execDir), "/sessions"],
      ["--ro-bind", mplconfigDir(paths.execDir), "/mplconfig"],
    ],
    program: kernel.argv,
    filter: "zygote",
  });
}

/**
 * The command of a one-off sandboxed program with a private writable /work (the cold baseline of
 * the benchmark; no zygote, no fork): `python3 -c code` in a fresh bwrap, under the session filter.
 */
export function coldCommand(kernel: TKernel, paths: TSandboxPaths, workDir: string, code: string): TSandboxCommand {
  return sandboxCommand(kernel, paths, {
    mounts: [["--unshare-pid"], ["--bind", workDir, "/work"], ["--ro-bind", mplconfigDir(paths.execDir), "/mplconfig"]],
    after: ["--chdir", "/work"],
    program: ["/usr/bin/python3", "-c", code],
    filter: "session",
  });
}

/**
 * Starts `command` with `stdio` for fds 0-2 and its seccomp filter file open on fd SECCOMP_FD,
 * where setpriv passes it on to bwrap.
 */
export function spawnSandboxed(command: TSandboxCommand, stdio: ["pipe" | "ignore", "pipe" | "ignore", "pipe" | "ignore"]): ChildProcess {
  const [program, ...args] = command.argv as [string, ...string[]];
  const filter = openSync(command.seccomp, "r");
  try {
    return spawn(program, args, { env: command.env, stdio: [...stdio, filter] });
  } finally {
    closeSync(filter); // the child has its own copy
  }
}

/** Writes `text` to `file` through a temporary name, so a reader never sees half of it. */
function writeWhole(file: string, text: string | Buffer, mode: number): void {
  writeFileSync(`${file}.tmp`, text, { mode });
  renameSync(`${file}.tmp`, file);
}

/**
 * Creates EXEC_DIR's layout (sessions/, mplconfig/, seccomp/, etc/), compiles the seccomp
 * filters and writes the generated /etc files (at every start: the code may have changed), and
 * fills the matplotlib cache by importing pyplot once in the sandbox with mplconfig writable.
 * Zygotes then bind it read-only.
 */
export async function prepareExecDir(kernel: TKernel, paths: TSandboxPaths): Promise<void> {
  mkdirSync(sessionsDir(paths.execDir), { recursive: true, mode: 0o711 });
  mkdirSync(mplconfigDir(paths.execDir), { recursive: true, mode: 0o755 });
  chownSync(mplconfigDir(paths.execDir), SANDBOX_UID, SANDBOX_UID);
  mkdirSync(seccompDir(paths.execDir), { recursive: true, mode: 0o755 });
  const compiled = spawnSync("/usr/bin/python3", [FILTER_SCRIPT, seccompDir(paths.execDir)], { env: LAUNCH_ENV, encoding: "utf8" });
  if (compiled.status !== 0) {
    const why = (compiled.stderr || compiled.error?.message || "").trim();
    const hint = why.includes("No module named 'seccomp'") ? " (apt-get install python3-seccomp)" : "";
    throw new Error(`compiling the sandbox's seccomp filters failed${hint}: ${why.slice(-500)}`);
  }
  mkdirSync(etcDir(paths.execDir), { recursive: true, mode: 0o755 });
  for (const [name, text] of Object.entries(ETC_GENERATED)) writeWhole(path.join(etcDir(paths.execDir), name), text, 0o644);
  if (readdirSync(mplconfigDir(paths.execDir)).some((f) => f.startsWith("fontlist"))) return;
  const build = sandboxCommand(kernel, paths, {
    mounts: [["--bind", mplconfigDir(paths.execDir), "/mplconfig"]],
    program: ["/usr/bin/python3", "-c", "import matplotlib.pyplot"],
    filter: "session",
  });
  await new Promise<void>((resolve, reject) => {
    const child = spawnSandboxed(build, ["ignore", "ignore", "pipe"]);
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`building the matplotlib cache failed (exit ${code}): ${stderr.trim().slice(-500)}`)),
    );
  });
}

/**
 * What stops this host from sandboxing, one plain sentence each (empty when all is well):
 * bwrap/setpriv missing, user namespaces off, a folder uid 65534 cannot reach, or no
 * python3-seccomp.
 */
export function sandboxProblems(paths: TSandboxPaths): string[] {
  const problems: string[] = [];
  for (const [file, pkg] of [
    [BWRAP, "bubblewrap"],
    [SETPRIV, "util-linux"],
  ] as const) {
    try {
      accessSync(file, constants.X_OK);
    } catch {
      problems.push(`${file} is missing: install ${pkg} (apt-get install ${pkg})`);
    }
  }
  if (problems.length > 0) return problems;
  if (process.getuid?.() !== 0) problems.push("the execution service must run as root (it runs code as uid 65534 and manages cgroups)");
  // bwrap binds EXEC_DIR and lib/exec/python as uid 65534, which must be able to walk to them.
  for (const dir of [paths.execDir, paths.runnerDir]) {
    const blocked = unreachableAncestor(dir);
    if (blocked) problems.push(`${blocked} is not searchable by other users, so the sandbox (uid ${SANDBOX_UID}) cannot reach ${dir}: chmod o+x ${blocked}`);
  }
  if (problems.length > 0) return problems;
  const probe = spawnSync(SETPRIV, [...setpriv.slice(1), "--unshare-user", "--unshare-net", "--ro-bind", "/", "/", "/bin/true"], {
    env: LAUNCH_ENV,
    encoding: "utf8",
  });
  if (probe.status !== 0) problems.push(`bwrap cannot create a sandbox here: ${(probe.stderr || probe.error?.message || "").trim()}`);
  // The seccomp filters are built with libseccomp's binding, in the zygote and at start.
  if (spawnSync("/usr/bin/python3", ["-c", "import seccomp"], { env: LAUNCH_ENV }).status !== 0) {
    problems.push("libseccomp's Python binding is missing, so the sandbox cannot filter system calls: apt-get install python3-seccomp");
  }
  return problems;
}

/** The first existing ancestor of `dir` (or itself) that others cannot search, if any. */
function unreachableAncestor(dir: string): string | undefined {
  let current = path.resolve(dir);
  const chain: string[] = [];
  while (true) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of chain) {
    let mode: number;
    try {
      mode = statSync(d).mode;
    } catch {
      return undefined; // not created yet: created by us with o+x
    }
    if ((mode & 0o001) === 0) return d;
  }
  return undefined;
}
