/**
 * Kernel descriptions: what a zygote runs inside the sandbox. The default `python` kernel is
 * Debian's interpreter with numpy and matplotlib preloaded; `sage` is the same runner with
 * SageMath preloaded (lib/exec/python/cellar_kernel/sage_kernel.py), offered when Debian's Sage is
 * installed (EXEC_SAGE). More kernels are added by configuration: a JSON file named by
 * EXEC_KERNELS holding an array of descriptions, which are added to (or replace, by name) these.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";

export const ZKernel = z.object({
  /** The name clients ask for in `POST /sessions` (`"python"`). */
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "a kernel name is lower-case letters, digits, - or _"),
  /** The command run inside the sandbox; `/cellar` is lib/exec/python, bound read-only. */
  argv: z.array(z.string().min(1)).min(1),
  /** Modules imported once by the zygote so that every session starts with them loaded. */
  preload: z.array(z.string().regex(/^[A-Za-z_][\w.]*$/, "a module name")).default([]),
  /** Extra environment inside the sandbox (on top of HOME, MPLBACKEND, MPLCONFIGDIR, LANG, PATH). */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  /** Extra read-only binds, e.g. a Sage installation outside /usr. */
  binds: z.array(z.object({ src: z.string().startsWith("/"), dest: z.string().startsWith("/") })).default([]),
});
export type TKernel = z.infer<typeof ZKernel>;

/** The default kernel: the sandbox's Python 3 with numpy and matplotlib already imported. */
export const PYTHON_KERNEL: TKernel = {
  name: "python",
  argv: ["/usr/bin/python3", "-u", "/cellar/runner.py"],
  preload: ["numpy", "matplotlib", "matplotlib.pyplot"],
  env: {},
  binds: [],
};

/**
 * The SageMath kernel: Debian's Sage (`apt-get install sagemath`, in /usr, which every sandbox
 * sees) imported once by the zygote, with Maxima, which symbolic calculus starts on first use.
 * Sage needs PATH (Singular reads it at start) and a writable DOT_SAGE; GC_MARKERS=1 keeps ECL's
 * garbage collector from starting a thread in the zygote (sessions are cloned from one thread).
 */
export const SAGE_KERNEL: TKernel = {
  name: "sage",
  argv: ["/usr/bin/python3", "-u", "/cellar/runner.py"],
  preload: ["sage.all", "sage.interfaces.maxima_lib", "matplotlib.pyplot"],
  env: { DOT_SAGE: "/tmp/.sage", GC_MARKERS: "1", SAGE_BANNER: "no" },
  binds: [],
};

/** A file Debian's Sage installs: its presence means the `sage` kernel can start. */
export const SAGE_PROBE = "/usr/lib/python3/dist-packages/sage/all.py";

/** Whether to offer `sage`: `auto` when it is installed, `on` always (a start without it fails), `off` never. */
export type TSageSetting = "auto" | "on" | "off";

/** Whether this machine has the SageMath the `sage` kernel runs. */
export function sageInstalled(): boolean {
  return existsSync(SAGE_PROBE);
}

/**
 * The kernels this service offers: the default `python`, `sage` as `sage` says, plus (or
 * overridden by) those in the JSON file `file` when given. Throws with a message naming the file
 * and the problem, or saying Sage is missing when `sage` is `on`.
 */
export function loadKernels(file: string | undefined, sage: TSageSetting = "off"): Map<string, TKernel> {
  const kernels = new Map<string, TKernel>([[PYTHON_KERNEL.name, PYTHON_KERNEL]]);
  if (sage === "on" && !sageInstalled()) {
    throw new Error(`EXEC_SAGE=1 but SageMath is not installed (${SAGE_PROBE} is missing): apt-get install sagemath, or unset EXEC_SAGE`);
  }
  if (sage === "on" || (sage === "auto" && sageInstalled())) kernels.set(SAGE_KERNEL.name, SAGE_KERNEL);
  if (file === undefined) return kernels;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`EXEC_KERNELS: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = z.array(ZKernel).safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`EXEC_KERNELS: ${file} is not an array of kernels: ${first?.path.join(".")}: ${first?.message}`);
  }
  for (const kernel of parsed.data) kernels.set(kernel.name, kernel);
  return kernels;
}

/** The environment variables that pass a kernel's preload list to the runner. */
export function kernelEnv(kernel: TKernel): Record<string, string> {
  return { ...kernel.env, CELLAR_KERNEL: kernel.name, CELLAR_PRELOAD: kernel.preload.join(",") };
}
