import "server-only";
import { existsSync } from "node:fs";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { RepoError, addedBytes, createRepo, deleteRepo } from "@/lib/repos";
import { chargeStorage, checkStorage } from "@/lib/users/storage-quota";
import { ZDescription, ZTags, ZTitle, ZVisibility, firstIssue, slugify, ZSlug, type TActor, type TFileInput, type TVisibility } from "./schema";
import { revalidateSnippet } from "./revalidate";
import { syncSearchIndex } from "@/lib/search/sync-search-index";
import { DEFAULT_LICENSE, ZLicense } from "./licenses";
import { codeTraitsOf } from "./code-traits";
import { ZKernelChoice } from "./kernel";
import { thumbnailAtPublication } from "./capture-thumbnail";
import { recordActivity } from "@/lib/activity/record-activity";
import { notifyTagCounts } from "@/lib/tags/cached-tag-counts";
import { authorFor, checkFiles, freeRepoPath, fromRepoError, freeSlug, isUniqueViolation, repoDir, upsertTagIds, type TCreatedSnippet } from "./internal";

const ZCreate = z.object({
  title: ZTitle,
  description: ZDescription.default(""),
  tags: ZTags.default([]),
  visibility: ZVisibility.default("public"),
  slug: ZSlug.optional(),
  license: ZLicense.optional(),
  kernel: ZKernelChoice.optional(),
  message: z.string().trim().max(2000, "The revision message must be at most 2,000 characters.").optional(),
});

export type TCreateSnippetOptions = {
  actor: TActor | null;
  title: string;
  description?: string;
  tags?: string[];
  visibility?: TVisibility;
  /** URL name; derived from the title when absent. */
  slug?: string;
  /** "CC-BY-SA-4.0" (the default), "CC-BY-4.0", "CC0-1.0", "MIT", "GPL-3.0-or-later" or "all-rights-reserved". */
  license?: string;
  /** "python" or "sage"; "auto" or null (the default): from the main file (`.sage` → sage). */
  kernel?: string | null;
  files: TFileInput[];
  message?: string;
};

export type { TCreatedSnippet };

/**
 * Publishes a new snippet: a bare repository with one commit, then its row.
 * If the repository cannot be written, no row is made; if the row cannot be written,
 * the repository is removed. Refused with 413 past the owner's storage quota (storage-quota.ts). A name clash with a concurrent create picks the next free name.
 */
export async function createSnippet(options: TCreateSnippetOptions): Promise<TCreatedSnippet> {
  const { actor } = options;
  if (!actor) throw new AppError("UNAUTHORIZED", "Sign in to publish a snippet.");
  const parsed = ZCreate.safeParse(options);
  if (!parsed.success) throw new AppError("INVALID", firstIssue(parsed.error));
  const input = parsed.data;
  const files = checkFiles(options.files);
  const bytes = await addedBytes({ dir: "", base: null, files });
  await checkStorage({ userId: actor.id, bytes });

  const base = input.slug ?? slugify(input.title);
  if (input.slug) {
    const clash = await getDb().snippet.findFirst({ where: { ownerId: actor.id, slug: base }, select: { id: true } });
    if (clash) throw new AppError("CONFLICT", `You already have a snippet named "${base}".`);
  }

  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = input.slug ?? (await freeSlug(actor.id, base));
    const repoPath = freeRepoPath(`${actor.username}/${slug}`);
    const dir = repoDir(repoPath);
    let head: string;
    try {
      ({ head } = await createRepo({
        dir,
        files,
        message: input.message || `Create ${input.title}`,
        author: authorFor(actor),
      }));
    } catch (e) {
      // A concurrent create or fork of the same name took this path between our check and
      // the store's rename: try again, which picks a salted path (and, after the other row
      // lands, the next free name).
      if (!(e instanceof RepoError) && existsSync(dir)) continue;
      throw fromRepoError(e);
    }
    try {
      const row = await getDb().$transaction(async (tx) => {
        // Again under the row's transaction: a concurrent write may have used the room (then the
        // repository just written is removed below).
        await chargeStorage(tx, { userId: actor.id, bytes });
        const tagIds = await upsertTagIds(tx, input.tags);
        const created = await tx.snippet.create({
          data: {
            ownerId: actor.id,
            slug,
            title: input.title,
            description: input.description,
            visibility: input.visibility === "public" ? "PUBLIC" : "UNLISTED",
            repoPath,
            head,
            license: input.license ?? DEFAULT_LICENSE,
            kernel: input.kernel ?? null,
            storageBytes: bytes,
            ...codeTraitsOf(files, null, input.kernel ?? null),
            tags: { create: tagIds.map((tagId) => ({ tagId })) },
          },
          select: { id: true },
        });
        // Other processes' cached tag counts (this one's are forgotten by revalidateSnippet).
        if (input.visibility === "public" && tagIds.length > 0) await notifyTagCounts(tx);
        // A new snippet starts its own fork network; its forks join it (fork-snippet.ts).
        return tx.snippet.update({ where: { id: created.id }, data: { networkId: created.id }, select: { id: true } });
      });
      revalidateSnippet(actor.username, slug);
      await syncSearchIndex({ snippetId: row.id });
      void thumbnailAtPublication({ snippetId: row.id, rev: head, files, mainFile: null, kernel: input.kernel ?? null });
      await recordActivity({ kind: "CREATE", actorId: actor.id, snippetId: row.id, networkId: row.id, rev: head, summary: input.title });
      return { id: row.id, owner: actor.username, slug, head, url: `/${actor.username}/${slug}` };
    } catch (e) {
      await deleteRepo({ dir });
      if (isUniqueViolation(e) && !input.slug) continue;
      if (isUniqueViolation(e)) throw new AppError("CONFLICT", `You already have a snippet named "${base}".`);
      throw e;
    }
  }
  throw new AppError("CONFLICT", "Could not find a free name for this snippet. Try another title.");
}
