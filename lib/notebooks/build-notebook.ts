import type { TKernelName } from "@/lib/snippets/kernel";
import { toLines, type TNbCell, type TNotebook } from "./nbformat";

/*
 * A snippet as a Jupyter notebook (nbformat 4.5). Layout, in order:
 *   1. a markdown cell: title, blurb, credits, license, and where it came from;
 *   2. for a snippet of several files, a code cell per other text file, as `%%writefile path`
 *      (preceded by one cell making their folders when some are nested);
 *   3. the main file as a code cell.
 * `%%writefile` rather than `# file: name` comments: Run All in Jupyter then writes the files
 * the main code imports or opens before it runs, as Run does on Cellar, and an import reads
 * them back as separate files, so export → import keeps every file where it was. They come
 * before the main cell for the same reason. Binary files cannot be written by a cell: images
 * are attached to a markdown cell (shown in Jupyter), others are linked to their raw URL.
 * Cell ids are fixed per role and file, so a revision's notebook is the same bytes every time.
 */

export type TNotebookFile = {
  path: string;
  /** UTF-8 text, or null for a binary file. */
  text: string | null;
  /** For an image: its bytes in base64, to attach; else absent. */
  imageBase64?: string;
};

export type TNotebookSource = {
  title: string;
  description: string;
  /** The snippet's page (absolute). */
  url: string;
  rev: string;
  license: { name: string; url: string | null };
  /** Primary author first, then contributors (usernames, or names when unknown). */
  credits: string[];
  kernel: TKernelName;
  mainFile: string | null;
  files: TNotebookFile[];
  /** Raw URL of a file at this revision (absolute), for binary files the notebook links to. */
  rawUrl: (path: string) => string;
};

/** Marks Cellar's cells for a later import: `{ cellar: { role, path? } }` in the cell's metadata. */
export type TCellarCellRole = "header" | "folders" | "file" | "main";

const IMAGE_TYPES: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif" };

/** The media type of an image file Jupyter can show as an attachment, or null. */
export function attachableImageType(path: string): string | null {
  return IMAGE_TYPES[path.split(".").pop()?.toLowerCase() ?? ""] ?? null;
}

const KERNELSPECS: Record<TKernelName, { kernelspec: Record<string, string>; language_info: Record<string, unknown> }> = {
  python: {
    kernelspec: { name: "python3", display_name: "Python 3 (ipykernel)", language: "python" },
    language_info: {
      name: "python",
      file_extension: ".py",
      mimetype: "text/x-python",
      codemirror_mode: { name: "ipython", version: 3 },
      pygments_lexer: "ipython3",
      nbconvert_exporter: "python",
    },
  },
  // What SageMath's own Jupyter kernel ("sagemath") writes; its code is Sage, which it preparses.
  sage: {
    kernelspec: { name: "sagemath", display_name: "SageMath", language: "sage" },
    language_info: {
      name: "sage",
      file_extension: ".py",
      mimetype: "text/x-python",
      codemirror_mode: { name: "ipython", version: 3 },
      pygments_lexer: "ipython3",
    },
  },
};

/** Characters that would end or start Markdown constructs in a title or a name. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, "\\$1");
}

/** A cell id (nbformat 4.5: 1–64 of `[a-zA-Z0-9-_]`), stable for a file's path. */
function fileCellId(index: number, path: string): string {
  const slug = path
    .replace(/[^a-zA-Z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `file-${index}${slug ? `-${slug}` : ""}`;
}

export function buildNotebook(source: TNotebookSource): TNotebook {
  const main = source.mainFile;
  const others = source.files.filter((f) => f.path !== main);
  const texts = others.filter((f) => f.text !== null);
  const images = others.filter((f) => f.text === null && f.imageBase64 !== undefined && attachableImageType(f.path));
  const linked = others.filter((f) => f.text === null && !images.includes(f));

  const header: string[] = [`# ${escapeMarkdown(source.title)}`, ""];
  if (source.description.trim()) header.push(source.description.trim(), "");
  if (source.credits.length > 0) header.push(`By ${source.credits.map(escapeMarkdown).join(", ")}.`, "");
  const license = source.license.url ? `[${source.license.name}](${source.license.url})` : source.license.name;
  header.push(`License: ${license}. From Cellar: <${source.url}> (revision \`${source.rev.slice(0, 12)}\`).`);
  if (linked.length > 0) {
    header.push("", "Other files of this snippet (binary, not part of this notebook):", "");
    for (const f of linked) header.push(`- [${escapeMarkdown(f.path)}](${source.rawUrl(f.path)})`);
  }

  const cells: TNbCell[] = [{ cell_type: "markdown", id: "cellar-header", metadata: { cellar: { role: "header" } }, source: toLines(header.join("\n")) }];

  if (images.length > 0) {
    const attachments: Record<string, Record<string, string>> = {};
    const lines: string[] = [];
    images.forEach((f, i) => {
      // Attachment names are keys, not paths: keep the path readable but unique.
      const key = `${i + 1}-${f.path.split("/").pop() ?? "image"}`.replace(/[()\s[\]]/g, "_");
      attachments[key] = { [attachableImageType(f.path) ?? "image/png"]: f.imageBase64 ?? "" };
      lines.push(`**${escapeMarkdown(f.path)}**`, "", `![${escapeMarkdown(f.path)}](attachment:${key})`, "");
    });
    cells.push({
      cell_type: "markdown",
      id: "cellar-images",
      metadata: { cellar: { role: "images", paths: images.map((f) => f.path) } },
      source: toLines(lines.join("\n").trimEnd()),
      attachments,
    });
  }

  const folders = [...new Set(texts.flatMap((f) => (f.path.includes("/") ? [f.path.slice(0, f.path.lastIndexOf("/"))] : [])))].sort();
  if (folders.length > 0) {
    // %%writefile does not make folders.
    const code = `import os\n\nfor folder in ${JSON.stringify(folders)}:\n    os.makedirs(folder, exist_ok=True)`;
    cells.push({
      cell_type: "code",
      id: "cellar-folders",
      metadata: { cellar: { role: "folders" } },
      execution_count: null,
      source: toLines(code),
      outputs: [],
    });
  }
  texts.forEach((f, i) => {
    // IPython splits the magic's line like a shell: quote a path with spaces.
    const name = /[\s'"]/.test(f.path) ? JSON.stringify(f.path) : f.path;
    cells.push({
      cell_type: "code",
      id: fileCellId(i + 1, f.path),
      metadata: { cellar: { role: "file", path: f.path } },
      execution_count: null,
      source: toLines(`%%writefile ${name}\n${f.text ?? ""}`),
      outputs: [],
    });
  });

  const mainText = source.files.find((f) => f.path === main)?.text;
  if (main !== null && mainText !== undefined && mainText !== null) {
    cells.push({
      cell_type: "code",
      id: "cellar-main",
      metadata: { cellar: { role: "main", path: main } },
      execution_count: null,
      source: toLines(mainText),
      outputs: [],
    });
  }

  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      ...KERNELSPECS[source.kernel],
      title: source.title,
      cellar: { url: source.url, rev: source.rev, description: source.description, mainFile: main },
    },
    cells,
  };
}

/**
 * The /cell page's code as a notebook: one code cell (marked as the main file, so importing it
 * makes a snippet of `main.py` or `main.sage`) in the kernel it ran in. The Run panel adds the
 * run's outputs (run-outputs.ts).
 */
export function buildCellNotebook(source: { code: string; kernel: TKernelName }): TNotebook {
  const main = source.kernel === "sage" ? "main.sage" : "main.py";
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { ...KERNELSPECS[source.kernel] },
    cells: [
      {
        cell_type: "code",
        id: "cellar-main",
        metadata: { cellar: { role: "main", path: main } },
        execution_count: null,
        source: toLines(source.code),
        outputs: [],
      },
    ],
  };
}
