import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { addedBytes, commitFiles } from "@/lib/repos";
import { ZDescription, ZTags, ZTitle, ZVisibility, firstIssue, type TActor, type TFileInput, type TVisibility } from "./schema";
import { ZLicense, licenseChangeRefusal } from "./licenses";
import { codeTraitsOf } from "./code-traits";
import { ZKernelChoice } from "./kernel";
import { ZRelatedNames, ZRelatedTags, resolveRelated, writeRelated } from "./related";
import { notifyTagCounts } from "@/lib/tags/cached-tag-counts";
import { authorFor, checkFiles, findOwnSnippetOrThrow, fromRepoError, readRevision, repoDir, upsertTagIds } from "./internal";
import { afterSnippetChange, chargeSnippet, packInBackground } from "./after-revision";

const ZUpdate = z.object({
  title: ZTitle.optional(),
  description: ZDescription.optional(),
  tags: ZTags.optional(),
  visibility: ZVisibility.optional(),
  license: ZLicense.optional(),
  kernel: ZKernelChoice.optional(),
  relatedSnippets: ZRelatedNames.optional(),
  relatedTags: ZRelatedTags.optional(),
  base: z
    .string()
    .regex(/^[0-9a-f]{40}$/, "base must be the full id (40 hex characters) of the revision the edit started from.")
    .optional(),
  message: z.string().trim().max(2000, "The revision message must be at most 2,000 characters.").optional(),
});

export type TUpdateSnippetOptions = {
  actor: TActor | null;
  owner: string;
  slug: string;
  /** The head the edit started from; required when files change. */
  base?: string;
  /** The full new set of files. */
  files?: TFileInput[];
  message?: string;
  title?: string;
  description?: string;
  tags?: string[];
  visibility?: TVisibility;
  /** A license id (see create-snippet); a fork may change it only when its license allows. */
  license?: string;
  /** "python" or "sage"; "auto" or null: from the main file again. Absent: unchanged. */
  kernel?: string | null;
  /** Related snippets ("owner/slug" or addresses) and tags, replacing the current ones. */
  relatedSnippets?: string[];
  relatedTags?: string[];
};

/**
 * Changes a snippet. New files make a new revision, written only if the snippet's head is still
 * `base` (otherwise 409 with the current head, never a silent overwrite), and only if the new
 * contents fit in the owner's storage quota (otherwise 413). Metadata changes are saved after
 * the revision, so a refused revision changes nothing.
 */
export async function updateSnippet(options: TUpdateSnippetOptions): Promise<{ head: string; changed: boolean }> {
  const row = await findOwnSnippetOrThrow(options.actor, options.owner, options.slug);
  const actor = options.actor as TActor;
  const parsed = ZUpdate.safeParse(options);
  if (!parsed.success) throw new AppError("INVALID", firstIssue(parsed.error));
  const input = parsed.data;
  const licenseRefusal = input.license && licenseChangeRefusal({ current: row.license, wanted: input.license, isFork: row.forkedFromName !== null });
  if (licenseRefusal) throw new AppError("FORBIDDEN", licenseRefusal);
  const relatedIds = input.relatedSnippets && (await resolveRelated(row.id, input.relatedSnippets));

  let head = row.head;
  let changed = false;
  if (options.files) {
    if (!input.base) throw new AppError("INVALID", "base is required when files change: the id of the revision the edit started from.");
    const files = checkFiles(options.files);
    // Charged before the commit and given back if none is made, so a refused edit writes nothing
    // and two concurrent edits cannot both fit in the same room (storage-quota.ts). Counted
    // against the head we read: a different base is refused as stale by the commit anyway.
    const bytes = await addedBytes({ dir: repoDir(row.repoPath), base: row.head, files }).catch((e: unknown) => {
      throw fromRepoError(e);
    });
    await chargeSnippet(row.id, actor.id, bytes);
    try {
      const result = await commitFiles({
        dir: repoDir(row.repoPath),
        files,
        message: input.message || "Edit",
        author: authorFor(actor),
        expectedHead: input.base,
      });
      changed = result.changed;
      head = result.head;
    } catch (e) {
      await chargeSnippet(row.id, actor.id, -bytes);
      throw fromRepoError(e);
    }
    if (!changed) await chargeSnippet(row.id, actor.id, -bytes);
    if (changed) packInBackground(row);
  }

  // The listed language follows the kernel (code-traits.ts): a new choice without new files
  // re-reads the files at the head.
  const kernel = input.kernel !== undefined ? input.kernel : row.kernel;
  const traits = options.files
    ? codeTraitsOf(options.files, row.mainFile, kernel)
    : input.kernel !== undefined && input.kernel !== row.kernel
      ? codeTraitsOf((await readRevision(row.repoPath, head)).files, row.mainFile, kernel)
      : null;

  await getDb().$transaction(async (tx) => {
    await tx.snippet.update({
      where: { id: row.id },
      data: {
        ...(changed ? { head, updatedAt: new Date() } : {}),
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.visibility !== undefined ? { visibility: input.visibility === "public" ? "PUBLIC" : "UNLISTED" } : {}),
        ...(input.license !== undefined ? { license: input.license } : {}),
        ...(input.relatedTags !== undefined ? { relatedTags: input.relatedTags } : {}),
        ...(input.kernel !== undefined ? { kernel: input.kernel } : {}),
        ...(traits ?? {}),
      },
    });
    if (relatedIds) await writeRelated(tx, row.id, relatedIds);
    if (input.tags !== undefined) {
      const tagIds = await upsertTagIds(tx, input.tags);
      await tx.snippetTag.deleteMany({ where: { snippetId: row.id } });
      await tx.snippetTag.createMany({ data: tagIds.map((tagId) => ({ snippetId: row.id, tagId })) });
    }
    // Other processes' cached tag counts (this one's are forgotten by revalidateSnippet).
    if (input.tags !== undefined || input.visibility !== undefined) await notifyTagCounts(tx);
  });
  await afterSnippetChange({
    row,
    actorId: actor.id,
    revision: changed && options.files ? { head, files: options.files, message: input.message || "Edit", kernel } : null,
    listingChanged: input.title !== undefined || input.visibility !== undefined,
  });
  return { head, changed };
}
