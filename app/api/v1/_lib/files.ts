import { z } from "zod";
import type { TFileInput } from "@/lib/snippets/schema";
import type { TSnippetFileBytes } from "@/lib/snippets/read-snippet-files";

/*
 * Files as they travel in JSON: text as a plain string, binary as `{"base64": "..."}`.
 * Sizes, paths and counts are checked by the store (lib/repos), which owns those rules.
 */

const ZBase64Content = z.strictObject({
  base64: z.base64("base64 must be standard base64 (A–Z, a–z, 0–9, '+', '/', '=' padding)."),
});

export const ZFileBody = z.strictObject({
  path: z.string({ error: "path is required: the file's name, e.g. main.py or data/points.csv." }),
  content: z.union([z.string(), ZBase64Content], {
    error: 'content must be the text of the file, or {"base64": "..."} for a binary file.',
  }),
});

export const ZFilesBody = z.array(ZFileBody, { error: "files must be a list of {path, content}." });

export type TFileBody = z.infer<typeof ZFileBody>;

/** JSON files → the lib's inputs (binary decoded to bytes). */
export function toFileInputs(files: TFileBody[]): TFileInput[] {
  return files.map((f) => ({
    path: f.path,
    content: typeof f.content === "string" ? f.content : new Uint8Array(Buffer.from(f.content.base64, "base64")),
  }));
}

const utf8 = new TextDecoder("utf-8");

/** A stored file → JSON, the inverse of {@link toFileInputs}. */
export function toFileBody(file: TSnippetFileBytes): { path: string; size: number; binary: boolean; content: string | { base64: string } } {
  return {
    path: file.path,
    size: file.size,
    binary: file.binary,
    content: file.binary ? { base64: Buffer.from(file.content).toString("base64") } : utf8.decode(file.content),
  };
}
