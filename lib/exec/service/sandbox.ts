/**
 * The sandbox command line of docs/exec.md section 1: every zygote runs as host uid 65534 under
 * bubblewrap with no network, a read-only system and a clean environment. Also builds the
 * matplotlib cache once (so zygotes never rebuild the font list) and checks the host can sandbox.
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, chownSync, constants, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
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

/** The only environment setpriv and bwrap get: the service's own (secrets included) never reaches them. */
// (Next's types make NODE_ENV required in ProcessEnv; these programs do not read it.)
const LAUNCH_ENV = { PATH: "/usr/bin:/bin", LANG: "C.UTF-8" } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv;

/** Base bwrap arguments shared by zygotes, the mplconfig build and the cold baseline. */
function baseArgs(kernel: TKernel): string[] {
  const args = [
    // --unshare-all minus the pid namespace: the zygote must report host pids (section 1).
    "--unshare-user",
    "--unshare-ipc",
    "--unshare-net",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--die-with-parent",
    "--new-session",
    "--ro-bind", "/usr", "/usr",
  ];
  for (const dir of ["lib", "lib64", "bin", "sbin"]) {
    // Debian's merged /usr: these are symlinks into /usr; mirror whichever exist.
    if (existsSync(`/${dir}`)) args.push("--symlink", `usr/${dir}`, `/${dir}`);
  }
  args.push("--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
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

/** argv (program first) of a zygote for `kernel`. */
export function zygoteCommand(kernel: TKernel, paths: TSandboxPaths): { argv: string[]; env: NodeJS.ProcessEnv } {
  const argv = [
    ...setpriv,
    ...baseArgs(kernel),
    "--ro-bind", paths.runnerDir, "/cellar",
    "--bind", sessionsDir(paths.execDir), "/sessions",
    "--ro-bind", mplconfigDir(paths.execDir), "/mplconfig",
    "--remount-ro", "/",
    ...sandboxEnv(kernel),
    "--",
    ...kernel.argv,
  ];
  return { argv, env: LAUNCH_ENV };
}

/**
 * argv of a one-off sandboxed program with a private writable /work (the cold baseline of the
 * benchmark; no zygote, no fork): `python3 -c code` in a fresh bwrap.
 */
export function coldCommand(kernel: TKernel, paths: TSandboxPaths, workDir: string, code: string): { argv: string[]; env: NodeJS.ProcessEnv } {
  const argv = [
    ...setpriv,
    ...baseArgs(kernel),
    "--unshare-pid",
    "--bind", workDir, "/work",
    "--ro-bind", mplconfigDir(paths.execDir), "/mplconfig",
    "--remount-ro", "/",
    "--chdir", "/work",
    ...sandboxEnv(kernel),
    "--",
    "/usr/bin/python3", "-c", code,
  ];
  return { argv, env: LAUNCH_ENV };
}

/**
 * Creates EXEC_DIR's layout (sessions/ and mplconfig/) and fills the matplotlib cache by importing
 * pyplot once in the sandbox with mplconfig writable. Zygotes then bind it read-only.
 */
export async function prepareExecDir(kernel: TKernel, paths: TSandboxPaths): Promise<void> {
  mkdirSync(sessionsDir(paths.execDir), { recursive: true, mode: 0o711 });
  mkdirSync(mplconfigDir(paths.execDir), { recursive: true, mode: 0o755 });
  chownSync(mplconfigDir(paths.execDir), SANDBOX_UID, SANDBOX_UID);
  if (readdirSync(mplconfigDir(paths.execDir)).some((f) => f.startsWith("fontlist"))) return;
  const argv = [
    ...setpriv,
    ...baseArgs(kernel),
    "--bind", mplconfigDir(paths.execDir), "/mplconfig",
    "--remount-ro", "/",
    ...sandboxEnv(kernel),
    "--",
    "/usr/bin/python3", "-c", "import matplotlib.pyplot",
  ];
  const [program, ...args] = argv as [string, ...string[]];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(program, args, { env: LAUNCH_ENV, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`building the matplotlib cache failed (exit ${code}): ${stderr.trim().slice(-500)}`)),
    );
  });
}

/**
 * What stops this host from sandboxing, one plain sentence each (empty when all is well):
 * bwrap/setpriv missing, user namespaces off, or a folder uid 65534 cannot reach.
 */
export function sandboxProblems(paths: TSandboxPaths): string[] {
  const problems: string[] = [];
  for (const [file, pkg] of [[BWRAP, "bubblewrap"], [SETPRIV, "util-linux"]] as const) {
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
