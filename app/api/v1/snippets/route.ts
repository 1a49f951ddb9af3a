import { NextResponse } from "next/server";
import { z } from "zod";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { listSnippets } from "@/lib/snippets/list-snippets";
import { ZDescription, ZSlug, ZTags, ZTitle, ZVisibility } from "@/lib/snippets/schema";
import { ZKernelChoice } from "@/lib/snippets/kernel";
import { ZFileBody, ZFilesBody, toFileInputs } from "../_lib/files";
import { spendWrite } from "../_lib/limits";
import { api, parseBody, readJson } from "../_lib/respond";
import { importNotebook } from "@/lib/notebooks/import-notebook";
import { parseQuery } from "../_lib/query";
import { createdJson, snippetJson } from "../_lib/snippet-json";

const ZCreateBody = z.strictObject({
  title: ZTitle,
  description: ZDescription.optional(),
  tags: ZTags.optional(),
  visibility: ZVisibility.optional(),
  slug: ZSlug.optional(),
  license: z.string().optional(),
  kernel: ZKernelChoice.optional(),
  message: z.string().optional(),
  files: ZFilesBody,
});

/**
 * `import: "notebook"`: `files` holds one Jupyter notebook (`*.ipynb`, its JSON as text or
 * base64) that becomes the snippet (lib/notebooks/notebook-to-snippet.ts); the title is optional.
 */
const ZImportBody = ZCreateBody.extend({
  import: z.literal("notebook", { error: 'import must be "notebook" (the only kind of import there is).' }),
  title: ZTitle.optional(),
  files: z
    .array(ZFileBody, { error: "files must be a list of {path, content}." })
    .length(1, 'files must hold exactly one notebook (a .ipynb file) when import is "notebook".')
    .refine((files) => files.every((f) => /\.ipynb$/i.test(f.path)), 'files must hold a .ipynb file when import is "notebook".'),
});

const ZListQuery = z.object({
  owner: z.string().min(1).optional(),
  /** One tag, or several separated by commas (all must hold); each includes the tags below it. */
  tag: z.string().min(1).optional(),
  language: z.string().min(1).max(40).optional(),
  interacts: z.enum(["true", "false"], { error: 'interacts must be "true" or "false".' }).optional(),
  sort: z.enum(["recent", "popular", "created", "rating", "runs", "views"]).optional(),
  page: z.coerce
    .number({ error: "page must be a whole number from 1." })
    .int("page must be a whole number from 1.")
    .min(1, "page must be a whole number from 1.")
    .optional(),
});

/** Public snippets, 20 a page; with `owner`, that user's (their unlisted ones too, for themselves). */
export const GET = api(async (request, { actor }) => {
  const { tag, interacts, ...query } = parseQuery(request, ZListQuery);
  const page = await listSnippets({
    actor,
    ...query,
    ...(tag ? { tags: tag.split(",") } : {}),
    ...(interacts ? { hasInteracts: interacts === "true" } : {}),
  });
  return NextResponse.json({ items: page.items.map((s) => snippetJson(request, s)), page: page.page, hasNext: page.hasNext });
});

export const POST = api(async (request, { actor }) => {
  await spendWrite(actor);
  const raw = await readJson(request, z.unknown());
  if (typeof raw === "object" && raw !== null && "import" in raw) {
    const body = parseBody(raw, ZImportBody);
    const [file] = toFileInputs(body.files);
    const { import: _kind, files: _files, ...fields } = body;
    const created = await importNotebook({ actor, ...fields, fileName: file?.path ?? "notebook.ipynb", notebook: file?.content ?? "" });
    return NextResponse.json({ ...createdJson(request, created), notes: created.notes }, { status: 201 });
  }
  const body = parseBody(raw, ZCreateBody);
  const created = await createSnippet({ actor, ...body, files: toFileInputs(body.files) });
  return NextResponse.json(createdJson(request, created), { status: 201 });
});
