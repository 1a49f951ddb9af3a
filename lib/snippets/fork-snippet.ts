import "server-only";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { RepoError, deleteRepo, forkRepo } from "@/lib/repos";
import { chargeStorage, checkStorage } from "@/lib/users/storage-quota";
import { ZSlug, firstIssue, type TActor } from "./schema";
import { findSnippetOrThrow, freeRepoPath, fromRepoError, freeSlug, isUniqueViolation, repoDir, type TCreatedSnippet } from "./internal";
import { existsSync } from "node:fs";
import { revalidateSnippet } from "./revalidate";
import { syncSearchIndex } from "@/lib/search/sync-search-index";
import { inheritOnFork } from "./inherit-on-fork";
import { recordActivity } from "@/lib/activity/record-activity";
import { notifyTagCounts } from "@/lib/tags/cached-tag-counts";

/**
 * Makes the actor's own copy of a snippet: a new repository sharing the source's objects
 * (hard links, so it takes about the same time whatever the history), and a row that
 * remembers where it came from. A failed row write removes the new repository. Refused with 413
 * past the actor's storage quota (charged what the source was charged: storage-quota.ts).
 */
export async function forkSnippet(options: {
  actor: TActor | null;
  owner: string;
  slug: string;
  newSlug?: string;
  /** Another license, when the source's allows it (licenses.ts). */ license?: string;
}): Promise<TCreatedSnippet> {
  const { actor } = options;
  if (!actor) throw new AppError("UNAUTHORIZED", "Sign in to fork a snippet.");
  const source = await findSnippetOrThrow(options.owner, options.slug);
  let wanted: string | undefined;
  if (options.newSlug !== undefined) {
    const parsed = ZSlug.safeParse(options.newSlug);
    if (!parsed.success) throw new AppError("INVALID", firstIssue(parsed.error));
    wanted = parsed.data;
    const clash = await getDb().snippet.findFirst({ where: { ownerId: actor.id, slug: wanted }, select: { id: true } });
    if (clash) throw new AppError("CONFLICT", `You already have a snippet named "${wanted}".`);
  }

  const inherited = await inheritOnFork(source, options.license);
  // The fork keeps every object its source was charged for, whatever becomes of the source.
  const bytes = source.storageBytes;
  await checkStorage({ userId: actor.id, bytes });

  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = wanted ?? (await freeSlug(actor.id, source.slug));
    const repoPath = freeRepoPath(`${actor.username}/${slug}`);
    const dir = repoDir(repoPath);
    let head: string;
    try {
      ({ head } = await forkRepo({ sourceDir: repoDir(source.repoPath), targetDir: dir }));
    } catch (e) {
      // A concurrent create or fork of the same name took this path between our check and
      // the store's rename: try again, which picks a salted path (and, after the other row
      // lands, the next free name).
      if (!(e instanceof RepoError) && existsSync(dir)) continue;
      throw fromRepoError(e);
    }
    try {
      const row = await getDb().$transaction(async (tx) => {
        await chargeStorage(tx, { userId: actor.id, bytes });
        const created = await tx.snippet.create({
          data: {
            ownerId: actor.id,
            slug,
            title: source.title,
            description: source.description,
            visibility: source.visibility,
            repoPath,
            head,
            mainFile: source.mainFile,
            forkedFromId: source.id,
            forkedFromName: `${source.owner.username}/${source.slug}`,
            networkId: source.networkId ?? source.id,
            updatedAt: source.updatedAt,
            storageBytes: bytes,
            tags: { create: source.tags.map((t) => ({ tag: { connect: { name: t.tag.name } } })) },
            ...inherited,
          },
          select: { id: true },
        });
        // Other processes' cached tag counts (this one's are forgotten by revalidateSnippet).
        if (source.visibility === "PUBLIC" && source.tags.length > 0) await notifyTagCounts(tx);
        return created;
      });
      revalidateSnippet(actor.username, slug, { parent: `${source.owner.username}/${source.slug}` });
      await syncSearchIndex({ snippetId: row.id });
      await recordActivity({
        kind: "FORK",
        actorId: actor.id,
        snippetId: row.id,
        networkId: source.networkId ?? source.id,
        rev: head,
        summary: `${source.owner.username}/${source.slug}`,
      });
      return { id: row.id, owner: actor.username, slug, head, url: `/${actor.username}/${slug}` };
    } catch (e) {
      await deleteRepo({ dir });
      if (isUniqueViolation(e) && !wanted) continue;
      if (isUniqueViolation(e)) throw new AppError("CONFLICT", `You already have a snippet named "${wanted}".`);
      throw e;
    }
  }
  throw new AppError("CONFLICT", "Could not find a free name for the fork. Give it a name.");
}
