import { z } from "zod";
import "@/lib/zod-no-eval";
import { AppError } from "@/lib/errors";
import { LIMITS } from "@/lib/repos/validate";
import type { TKernelName } from "@/lib/snippets/kernel";
import { joinLines } from "./nbformat";

/*
 * A Jupyter notebook (nbformat 4) as the files of a new snippet. Pure: the caller creates it.
 *  - Code cells are joined, in order, into `main.py` (`main.sage` when the kernel is Sage).
 *  - The first markdown cell before any code is the blurb (its leading `# heading` the title when
 *    none is given); later markdown and raw cells become comments where they stood.
 *  - IPython syntax that is not Python (`%magic`, `!shell`, `x = !cmd`, `obj?`, cell magics) is
 *    commented out with a note saying so, so the file runs; `%%writefile path` cells become
 *    that file (that is also how our own export carries a snippet's other files).
 *  - Images attached to markdown cells are kept as files under `images/` while they fit the
 *    store's limits. Outputs (plots included) are not kept: they are results, which Run makes
 *    again, and would be stale copies of what the code draws.
 *  - A notebook our export wrote (cells marked `metadata.cellar`) comes back as it went out:
 *    its title, blurb and the main file's name; its header and folder-making cells are skipped.
 * A notebook that is not one (not JSON, nbformat 3 or older, cells not a list, too large) is
 * refused with a 422 that says why.
 */

/** Largest notebook imported (its JSON text), in bytes: the size of a whole snippet. */
export const MAX_NOTEBOOK_BYTES = LIMITS.maxTotalBytes;
/** Most cells read from a notebook. */
export const MAX_NOTEBOOK_CELLS = 5000;

export type TNotebookImport = {
  title: string | null;
  description: string;
  kernel: TKernelName;
  mainFile: string;
  files: { path: string; content: string | Uint8Array }[];
  /** What the import changed or left out, said to the user (also in comments of the main file). */
  notes: string[];
};

const ZSource = z.union([z.string(), z.array(z.string())], { error: "its source must be text or a list of lines." });
const ZCellar = z
  .object({ role: z.string().optional(), path: z.string().optional(), paths: z.array(z.string()).optional() })
  .loose()
  .optional()
  .catch(undefined);
const ZCell = z
  .object({
    cell_type: z.string({ error: "it has no cell_type." }),
    source: ZSource,
    metadata: z.object({ cellar: ZCellar }).loose().optional().catch(undefined),
    attachments: z.record(z.string(), z.record(z.string(), z.unknown())).optional().catch(undefined),
  })
  .loose();
const ZMetadata = z
  .object({
    title: z.string().optional().catch(undefined),
    kernelspec: z.object({ name: z.string().optional(), language: z.string().optional() }).loose().optional().catch(undefined),
    language_info: z.object({ name: z.string().optional() }).loose().optional().catch(undefined),
    cellar: z.object({ description: z.string().optional(), mainFile: z.string().nullable().optional() }).loose().optional().catch(undefined),
  })
  .loose()
  .optional()
  .catch(undefined);

function refuse(why: string): never {
  throw new AppError("INVALID", `This notebook cannot be imported: ${why}`);
}

/** Parses and checks a notebook's text; the reason for a refusal names what is wrong. */
export function parseNotebook(text: string): { metadata: z.infer<typeof ZMetadata>; cells: z.infer<typeof ZCell>[] } {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_NOTEBOOK_BYTES) refuse(`it is ${(bytes / 1_000_000).toFixed(1)} MB, more than the ${MAX_NOTEBOOK_BYTES / 1_000_000} MB a snippet may hold.`);
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    refuse(`it is not JSON (${e instanceof SyntaxError ? e.message : "unreadable"}).`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) refuse("it is not a JSON object.");
  const top = json as Record<string, unknown>;
  if (top.nbformat === undefined) refuse("it has no nbformat version (is it a Jupyter notebook?).");
  if (top.nbformat !== 4)
    refuse(`it is nbformat ${JSON.stringify(top.nbformat)}; only nbformat 4 notebooks can be imported (open and save it in a recent Jupyter to convert it).`);
  if (!Array.isArray(top.cells)) refuse("its cells are not a list.");
  if (top.cells.length > MAX_NOTEBOOK_CELLS) refuse(`it has ${top.cells.length} cells, more than ${MAX_NOTEBOOK_CELLS}.`);
  const cells = top.cells.map((c, i) => {
    const parsed = ZCell.safeParse(c);
    if (!parsed.success) refuse(`cell ${i + 1} is not a notebook cell: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    return parsed.data;
  });
  return { metadata: ZMetadata.parse(top.metadata), cells };
}

/** Cell magics whose body is Python: only their first line is commented out. */
const PYTHON_BODY_CELL_MAGICS = new Set(["time", "timeit", "capture", "prun", "debug", "memit"]);
const NOTE = "(IPython, not Python: commented out on import)";

/** `names = !cmd` or `name = %magic`: plain names before the first `=`, then `!` or `%`. */
function isMagicAssignment(line: string): boolean {
  const eq = line.indexOf("=");
  if (eq <= 0 || !/^[\w.[\], ]+$/.test(line.slice(0, eq))) return false;
  return /^ *[!%]/.test(line.slice(eq + 1)) && line[eq + 1] !== "=";
}

/** One line of a code cell with IPython-only syntax commented out (kept indented: `pass` keeps a block valid). */
function commentIPythonLine(line: string): { line: string; changed: boolean } {
  const m = /^(\s*)(.*)$/.exec(line);
  const indent = m?.[1] ?? "";
  const rest = m?.[2] ?? "";
  // No backtracking patterns: a line is the notebook's, and may be a megabyte long.
  const ipython =
    /^(%{1,2}[A-Za-z_]|!)/.test(rest) || // %magic, %%magic, !shell
    isMagicAssignment(rest) || // x = !ls, t = %timeit -o f()
    /^[\w.]+\?{1,2}$/.test(rest); // obj? help
  if (!ipython) return { line, changed: false };
  return { line: indent ? `${indent}pass  # ${rest} ${NOTE}` : `# ${rest}  ${NOTE}`, changed: true };
}

/** A code cell's source as Python (or Sage), with what was commented out counted. */
function codeOfCell(source: string): { code: string; magics: number } {
  const lines = source.split("\n");
  const first = /^%%(\w+)/.exec(lines[0] ?? "");
  if (first?.[1] && !PYTHON_BODY_CELL_MAGICS.has(first[1])) {
    // %%bash, %%html, %%javascript…: the body is not Python either.
    return {
      code: [`# The cell below used %%${first[1]}, which is not Python: commented out on import.`, ...lines.map((l) => (l ? `# ${l}` : "#"))].join("\n"),
      magics: 1,
    };
  }
  let magics = 0;
  const out = lines.map((l) => {
    const r = commentIPythonLine(l);
    if (r.changed) magics++;
    return r.line;
  });
  return { code: out.join("\n"), magics };
}

/** Markdown (or raw) text as Python comments. */
function asComments(text: string): string {
  return text
    .trim()
    .split("\n")
    .map((l) => (l.trim() ? `# ${l}` : "#"))
    .join("\n");
}

/** `%%writefile [-a] path` → the path and whether it appends; null for any other cell. */
function writefileTarget(source: string): { path: string; append: boolean; body: string } | null {
  const nl = source.indexOf("\n");
  const head = nl < 0 ? source : source.slice(0, nl);
  const m = /^%%(?:writefile|file)\s+(?:(-a|--append)\s+)?(\S.*)$/.exec(head.trimEnd());
  if (!m?.[2]) return null;
  let path = m[2];
  const quoted = /^(["'])(.*)\1$/.exec(path);
  if (quoted?.[2] !== undefined) path = quoted[2];
  return { path: path.replace(/^\.\//, ""), append: Boolean(m[1]), body: nl < 0 ? "" : source.slice(nl + 1) };
}

// Bitmaps only: Jupyter keeps them in base64. (An SVG attachment is markup and could carry script.)
const IMAGE_EXT: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif" };

/** A safe file name from an attachment's name (its last part, letters, digits, `._-`), with the right extension. */
function attachmentName(name: string, ext: string): string {
  const base =
    (name.split(/[\\/]/).pop() ?? "")
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .replace(/^[._]+/, "")
      .slice(0, 80) || "image";
  return base.toLowerCase().endsWith(`.${ext}`) ? base : `${base.replace(/\.[A-Za-z0-9]{1,5}$/, "")}.${ext}`;
}

/** The first `# heading` of markdown and the text without it. */
function splitHeading(markdown: string): { heading: string | null; rest: string } {
  const text = markdown.trimStart();
  const nl = text.indexOf("\n");
  const line = (nl < 0 ? text : text.slice(0, nl)).trimEnd();
  if (!/^#[ \t]/.test(line)) return { heading: null, rest: markdown.trim() };
  // "# Title #" closes with #s, which are not part of it.
  let end = line.length;
  while (end > 0 && line[end - 1] === "#") end--;
  const heading = line.slice(2, end).trim().replace(/\\(.)/g, "$1");
  return heading ? { heading, rest: nl < 0 ? "" : text.slice(nl + 1).trim() } : { heading: null, rest: markdown.trim() };
}

/** The snippet a notebook makes (see the top of this file). `name` is the notebook's file name, for the fallback title. */
export function notebookToSnippet(text: string, name: string): TNotebookImport {
  const { metadata, cells } = parseNotebook(text);
  const kernelNames = [metadata?.kernelspec?.name, metadata?.kernelspec?.language, metadata?.language_info?.name].map((s) => (s ?? "").toLowerCase());
  const kernel: TKernelName = kernelNames.some((s) => s.includes("sage")) ? "sage" : "python";

  const fromCellar = cells.some((c) => c.metadata?.cellar?.role === "header");
  let title: string | null = fromCellar && metadata?.title ? metadata.title : null;
  let description: string | null = fromCellar ? (metadata?.cellar?.description ?? "") : null;
  const chunks: string[] = [];
  const files = new Map<string, string | Uint8Array>();
  const notes: string[] = [];
  let magics = 0;
  let sawCode = false;
  let mainFile: string | null = null;
  const images: { key: string; path: string; bytes: Uint8Array }[] = [];

  for (const [i, cell] of cells.entries()) {
    const source = joinLines(cell.source);
    const role = cell.metadata?.cellar?.role;
    if (cell.cell_type === "markdown" && cell.attachments) {
      const wanted = role === "images" ? (cell.metadata?.cellar?.paths ?? []) : [];
      Object.entries(cell.attachments).forEach(([key, bundle], j) => {
        const type = Object.keys(bundle).find((t) => t in IMAGE_EXT);
        const data = type ? bundle[type] : undefined;
        const b64 = typeof data === "string" ? data : Array.isArray(data) ? data.join("") : null;
        if (!type || b64 === null || !/^[A-Za-z0-9+/=\s]*$/.test(b64))
          return notes.push(`The attachment "${key}" of cell ${i + 1} is not an image we keep; it was left out.`);
        const bytes = new Uint8Array(Buffer.from(b64, "base64"));
        images.push({ key, path: wanted[j] ?? `images/${attachmentName(key, IMAGE_EXT[type] ?? "png")}`, bytes });
      });
    }
    if (role === "header" || role === "images" || role === "folders") continue;
    if (cell.cell_type === "code") {
      const target = writefileTarget(source);
      if (target) {
        const before = files.get(target.path);
        files.set(target.path, target.append && typeof before === "string" ? before + target.body : target.body);
        continue;
      }
      if (!source.trim()) continue;
      const { code, magics: n } = codeOfCell(source);
      magics += n;
      chunks.push(code.trimEnd());
      sawCode = true;
      if (role === "main" && cell.metadata?.cellar?.path) mainFile = cell.metadata.cellar.path;
    } else if (cell.cell_type === "markdown" && !sawCode && description === null) {
      const { heading, rest } = splitHeading(source);
      if (heading && title === null) title = heading;
      description = heading ? rest : source.trim();
    } else if (source.trim()) {
      chunks.push(asComments(source));
    }
  }

  const ext = kernel === "sage" ? "sage" : "py";
  const main =
    mainFile && !files.has(mainFile)
      ? mainFile
      : ([`main.${ext}`, `notebook.${ext}`, `notebook-main.${ext}`].find((p) => !files.has(p)) ?? `main-${Date.now()}.${ext}`);
  if (magics > 0)
    notes.push(`${magics} line${magics === 1 ? "" : "s"} of IPython syntax (magics, shell commands) ${magics === 1 ? "was" : "were"} commented out.`);

  const kept = new Map<string, string>();
  // Images last, while they fit: the code matters more than the pictures.
  let total = [...files.values(), chunks.join("\n\n")].reduce((sum, c) => sum + (typeof c === "string" ? Buffer.byteLength(c) : c.byteLength), 0);
  for (const image of images) {
    let path = image.path;
    for (let n = 2; files.has(path) || path === main; n++) path = image.path.replace(/(\.\w+)?$/, `-${n}$1`);
    if (image.bytes.byteLength > LIMITS.maxFileBytes || total + image.bytes.byteLength > LIMITS.maxTotalBytes || files.size + 2 > LIMITS.maxFiles) {
      notes.push(`The attached image ${path} was left out: it does not fit the limits of a snippet.`);
      continue;
    }
    files.set(path, image.bytes);
    kept.set(image.key, path);
    total += image.bytes.byteLength;
  }

  if (chunks.length === 0 && files.size === 0) refuse("it has no code cells.");
  const header = notes.length > 0 ? `# Imported from the notebook ${name.replace(/\s+/g, " ")}.\n${notes.map((n) => `# ${n}`).join("\n")}\n\n` : "";
  // Markdown's `![x](attachment:name)` now names the file (split/join: no pattern built from the notebook's text).
  const relink = (text: string) => [...kept].reduce((t, [key, path]) => t.split(`(attachment:${key})`).join(`(${path})`), text);
  const body = relink(chunks.join("\n\n"));
  const mainText = header + body + (body ? "\n" : "");
  return {
    title: title?.slice(0, 200).trim() || null,
    description: relink(description ?? ""),
    kernel,
    mainFile: main,
    files:
      chunks.length > 0 || header
        ? [{ path: main, content: mainText }, ...[...files].map(([path, content]) => ({ path, content }))]
        : [...files].map(([path, content]) => ({ path, content })),
    notes,
  };
}
