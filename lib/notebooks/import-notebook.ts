import "server-only";
import { AppError } from "@/lib/errors";
import { createSnippet, type TCreatedSnippet, type TCreateSnippetOptions } from "@/lib/snippets/create-snippet";
import { autoKernelOf } from "@/lib/snippets/kernel";
import type { TActor } from "@/lib/snippets/schema";
import { notebookToSnippet } from "./notebook-to-snippet";

export type TImportNotebookOptions = Omit<TCreateSnippetOptions, "files" | "title" | "actor"> & {
  actor: TActor | null;
  /** The notebook's file name (`analysis.ipynb`): the title when the notebook has none. */
  fileName: string;
  /** The notebook: its JSON text, or its bytes (UTF-8). */
  notebook: string | Uint8Array;
  /** Overrides the title found in the notebook. */
  title?: string;
};

/**
 * Publishes a new snippet made from a Jupyter notebook (see notebook-to-snippet.ts for what
 * becomes what). Nothing is stored when the notebook is refused: the conversion runs before
 * createSnippet, which keeps its own all-or-nothing promise. The given description, kernel and
 * title win over what the notebook says.
 */
export async function importNotebook(options: TImportNotebookOptions): Promise<TCreatedSnippet & { notes: string[] }> {
  const { actor, fileName, notebook, title, description, kernel, message, ...rest } = options;
  if (!actor) throw new AppError("UNAUTHORIZED", "Sign in to publish a snippet.");
  let text: string;
  try {
    text = typeof notebook === "string" ? notebook : new TextDecoder("utf-8", { fatal: true }).decode(notebook);
  } catch {
    throw new AppError("INVALID", "This notebook cannot be imported: it is not UTF-8 text.");
  }
  const name = fileName.split(/[\\/]/).pop() ?? "notebook.ipynb";
  const converted = notebookToSnippet(text, name);
  const created = await createSnippet({
    ...rest,
    actor,
    title: title?.trim() || converted.title || name.replace(/\.ipynb$/i, "").trim() || "Imported notebook",
    description: description ?? converted.description,
    // Automatic when the main file's extension already says it (main.sage), as for any new snippet.
    kernel: kernel !== undefined ? kernel : converted.kernel === autoKernelOf(converted.mainFile) ? null : converted.kernel,
    files: converted.files,
    message: message?.trim() || `Import ${name}`,
  });
  return { ...created, notes: converted.notes };
}
