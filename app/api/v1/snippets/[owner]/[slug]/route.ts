import { NextResponse } from "next/server";
import { z } from "zod";
import { deleteSnippet } from "@/lib/snippets/delete-snippet";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import { ZDescription, ZTags, ZTitle, ZVisibility } from "@/lib/snippets/schema";
import { ZKernelChoice } from "@/lib/snippets/kernel";
import { ZFilesBody, toFileInputs } from "../../../_lib/files";
import { spendWrite } from "../../../_lib/limits";
import { api, readJson } from "../../../_lib/respond";
import { snippetJson } from "../../../_lib/snippet-json";
import { absoluteUrl, rawFileUrl } from "../../../_lib/urls";

type TParams = { owner: string; slug: string };

const ZPatchBody = z.strictObject({
  /** The full new set of files; files left out are deleted. */
  files: ZFilesBody.optional(),
  base: z.string().optional(),
  message: z.string().optional(),
  title: ZTitle.optional(),
  description: ZDescription.optional(),
  tags: ZTags.optional(),
  visibility: ZVisibility.optional(),
  license: z.string().optional(),
  kernel: ZKernelChoice.optional(),
  relatedSnippets: z.array(z.string()).optional(),
  relatedTags: z.array(z.string()).optional(),
});

/** Metadata and the file list at the latest revision (contents: see `files`). */
export const GET = api<TParams>(async (request, { params }) => {
  const { snippet, head, files } = await getSnippet({ owner: params.owner, slug: params.slug });
  return NextResponse.json({
    ...snippetJson(request, snippet),
    files: files.map((f) => ({
      path: f.path,
      size: f.size,
      binary: f.binary,
      raw_url: rawFileUrl(request, snippet.owner, snippet.slug, head, f.path),
    })),
  });
});

/** A new revision (when `files` is given, against `base`) and/or new title, tags, visibility, kernel. */
export const PATCH = api<TParams>(async (request, { params, actor }) => {
  await spendWrite(actor);
  const body = await readJson(request, ZPatchBody);
  const { files, ...rest } = body;
  const result = await updateSnippet({
    actor,
    owner: params.owner,
    slug: params.slug,
    ...rest,
    ...(files ? { files: toFileInputs(files) } : {}),
  });
  return NextResponse.json({
    owner: params.owner.toLowerCase(),
    slug: params.slug.toLowerCase(),
    head: result.head,
    changed: result.changed,
    url: absoluteUrl(request, `/${params.owner.toLowerCase()}/${params.slug.toLowerCase()}`),
  });
});

export const DELETE = api<TParams>(async (_request, { params, actor }) => {
  await spendWrite(actor);
  await deleteSnippet({ actor, owner: params.owner, slug: params.slug });
  return new Response(null, { status: 204 });
});
