/**
 * Kernel descriptions: what a zygote runs inside the sandbox. The default `python` kernel is
 * Debian's interpreter with numpy and matplotlib preloaded; more kernels (say `sage`) are added by
 * configuration: a JSON file named by EXEC_KERNELS holding an array of descriptions, which are
 * added to (or replace, by name) the defaults.
 */
import { readFileSync } from "node:fs";
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
  binds: z
    .array(z.object({ src: z.string().startsWith("/"), dest: z.string().startsWith("/") }))
    .default([]),
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
 * The kernels this service offers: the default `python`, plus (or overridden by) those in the
 * JSON file `file` when given. Throws with a message naming the file and the problem.
 */
export function loadKernels(file: string | undefined): Map<string, TKernel> {
  const kernels = new Map<string, TKernel>([[PYTHON_KERNEL.name, PYTHON_KERNEL]]);
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
