import { z } from "zod";

/*
 * Which kernel Run uses for a snippet. The owner may choose one (`Snippet.kernel`); otherwise it
 * follows the main file: `.sage` runs in SageMath, anything else in Python. Pure, so pages, the
 * API and lib/runs agree, and client components can show the same labels.
 */

/** The kernels a snippet can ask for. Whether this server has them is the execution service's word. */
export const KERNELS = ["python", "sage"] as const;
export type TKernelName = (typeof KERNELS)[number];

/** What an owner chooses: a kernel, or "auto" (from the main file). */
export const KERNEL_CHOICES = ["auto", ...KERNELS] as const;
export type TKernelChoice = (typeof KERNEL_CHOICES)[number];

const kernelMessage = 'kernel must be "python" or "sage".';
const choiceMessage = 'kernel must be "auto", "python" or "sage" (null means "auto").';

/** A kernel named in a run request (`POST /api/v1/exec`, `POST /api/v1/runs`). */
export const ZKernelName = z.enum(KERNELS, { error: kernelMessage });

/**
 * The owner's choice on create and edit: "auto" or null → null (automatic), else the kernel.
 * Anything else is refused with a message naming the allowed values.
 */
export const ZKernelChoice = z
  .enum(KERNEL_CHOICES, { error: choiceMessage })
  .nullable()
  .transform((v): TKernelName | null => (v === "auto" || v === null ? null : v));

/** The kernel a main file asks for when the owner chose none: `.sage` → sage, else python. */
export function autoKernelOf(mainFile: string | null): TKernelName {
  return mainFile !== null && /\.sage$/i.test(mainFile) ? "sage" : "python";
}

/** A stored choice, read defensively (the column is free text): unknown values count as automatic. */
export function storedKernel(value: string | null | undefined): TKernelName | null {
  return value === "python" || value === "sage" ? value : null;
}

/** The kernel Run uses: the owner's choice, else the main file's. */
export function effectiveKernel(chosen: string | null | undefined, mainFile: string | null): TKernelName {
  return storedKernel(chosen) ?? autoKernelOf(mainFile);
}

/** How the site names a kernel to people. */
export const KERNEL_LABELS: Readonly<Record<TKernelName, string>> = { python: "Python", sage: "SageMath" };

/** A kernel's name for people; an unknown name as it is. */
export function kernelLabel(kernel: string): string {
  return (KERNEL_LABELS as Record<string, string>)[kernel] ?? kernel;
}

const LANGUAGE_LABELS: Readonly<Record<string, string>> = {
  python: "Python",
  sage: "SageMath",
  r: "R",
  julia: "Julia",
  javascript: "JavaScript",
  typescript: "TypeScript",
  octave: "Octave",
  c: "C",
  cpp: "C++",
  rust: "Rust",
  markdown: "Markdown",
  latex: "LaTeX",
  text: "Text",
};

/** A language filter value ("sage") as a label ("SageMath"); unknown ones as they are. */
export function languageLabel(language: string): string {
  return LANGUAGE_LABELS[language] ?? language;
}

/**
 * The message of a run refused because this server lacks the kernel asked for, naming the
 * kernels it has: "This server runs Python only; it has no SageMath (sage) kernel."
 */
export function missingKernelMessage(wanted: string, available: readonly string[]): string {
  const names = available.map((k) => `${kernelLabel(k)}${kernelLabel(k) === k ? "" : ` (${k})`}`);
  const has =
    names.length === 0
      ? "This server has no kernels"
      : names.length === 1
        ? `This server runs ${names[0]} only`
        : `This server runs ${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  const label = kernelLabel(wanted);
  return `${has}; it has no ${label}${label === wanted ? "" : ` (${wanted})`} kernel.`;
}
