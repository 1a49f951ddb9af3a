import "server-only";
import { AppError } from "@/lib/errors";
import type { TFileInput } from "@/lib/snippets/schema";

/** What the snippet form shows again after a refused submit, so nothing typed is lost. */
export type TSnippetFormValues = {
  title: string;
  description: string;
  tags: string;
  visibility: "public" | "unlisted";
  message: string;
  files: { path: string; content: string; binary?: boolean }[];
  /** A license id (licenses.ts); empty: the default, or unchanged when editing. */
  license?: string;
  /** Why the license cannot change (a fork under a share-alike license), shown instead of the choice. */
  licenseLocked?: string | null;
  /** "auto" (from the main file), "python" or "sage"; checked by the lib (kernel.ts). */
  kernel?: string;
  /** One related snippet per line; related tags comma-separated (edits only). */
  relatedSnippets?: string;
  relatedTags?: string;
};

export type TSnippetFormState = { error: string | null; values: TSnippetFormValues | null };

const MAX_UPLOADS = 50;

/**
 * Reads the snippet form: `files[i][path]`, `files[i][content]`, and for binary files kept
 * from the base revision `files[i][keep]=1` with `files[i][from]` (the path they had there).
 * Uploaded files (`uploads`) are added as they are. Comma- or newline-separated tags.
 */
export async function readSnippetForm(
  form: FormData,
  readKept: (origPath: string) => Promise<Uint8Array>,
): Promise<{ values: TSnippetFormValues; files: TFileInput[]; tags: string[] }> {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const indexes = new Set<number>();
  for (const key of form.keys()) {
    const m = /^files\[(\d+)\]\[/.exec(key);
    if (m?.[1]) indexes.add(Number(m[1]));
  }
  const values: TSnippetFormValues = {
    title: text("title"),
    description: text("description"),
    tags: text("tags"),
    visibility: text("visibility") === "unlisted" ? "unlisted" : "public",
    message: text("message"),
    files: [],
    license: text("license"),
    kernel: text("kernel") || "auto",
    licenseLocked: text("licenseLocked") || null,
    relatedSnippets: text("relatedSnippets"),
    relatedTags: text("relatedTags"),
  };
  const files: TFileInput[] = [];
  for (const i of [...indexes].sort((a, b) => a - b)) {
    const path = text(`files[${i}][path]`).trim();
    const keep = text(`files[${i}][keep]`) === "1";
    const orig = text(`files[${i}][from]`);
    if (keep) {
      values.files.push({ path, content: "", binary: true });
      // An empty row (no name, nothing typed) is ignored rather than refused.
      files.push({ path, content: await readKept(orig || path) });
    } else {
      const content = text(`files[${i}][content]`).replace(/\r\n/g, "\n");
      if (!path && !content) continue;
      values.files.push({ path, content });
      files.push({ path, content });
    }
  }
  const uploads = form.getAll("uploads").filter((u): u is File => typeof u !== "string" && u.size > 0);
  if (uploads.length > MAX_UPLOADS) throw new AppError("INVALID", `At most ${MAX_UPLOADS} files can be uploaded at once.`);
  for (const u of uploads) {
    if (u.size > 1024 * 1024) throw new AppError("TOO_LARGE", `The file "${u.name}" is larger than 1 MB.`);
    files.push({ path: u.name, content: new Uint8Array(await u.arrayBuffer()) });
  }
  const tags = values.tags
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter(Boolean);
  return { values, files, tags };
}
