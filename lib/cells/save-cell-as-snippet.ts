import "server-only";
import { AppError } from "@/lib/errors";
import { createSnippet, type TCreatedSnippet } from "@/lib/snippets/create-snippet";
import { ZKernelName } from "@/lib/snippets/kernel";
import type { TActor } from "@/lib/snippets/schema";

/**
 * Publishes code from the /cell page as a new public snippet of one file, `main.py` or
 * `main.sage` by kernel, so it runs in the same kernel (its kernel follows the main file).
 * An empty title becomes "Untitled cell"; empty code or an unknown kernel is a 422.
 */
export async function saveCellAsSnippet(options: { actor: TActor | null; title: string; code: string; kernel: string }): Promise<TCreatedSnippet> {
  const kernel = ZKernelName.safeParse(options.kernel);
  if (!kernel.success) throw new AppError("INVALID", 'kernel must be "python" or "sage".');
  if (!options.code.trim()) throw new AppError("INVALID", "There is no code to save: type some first.");
  const path = kernel.data === "sage" ? "main.sage" : "main.py";
  return createSnippet({
    actor: options.actor,
    title: options.title.trim() || "Untitled cell",
    files: [{ path, content: options.code.endsWith("\n") ? options.code : `${options.code}\n` }],
    kernel: "auto",
  });
}
