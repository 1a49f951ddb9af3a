import "server-only";
import type { TExecClient } from "@/lib/exec/client";
import { getDb } from "@/lib/db/client";
import { watchRunForThumbnail } from "./capture-thumbnail";
import { countHit, type TVisitor } from "./count-hit";

/**
 * What a started Run means for the snippet, done in the background so the first output is not
 * kept waiting: the run is counted (once per visitor and day, never the owner's), and an owner's
 * run is watched for the first image, the revision's thumbnail.
 */
export function noteRunStart(options: { owner: string; slug: string; rev: string; session: string; visitor: TVisitor; client: TExecClient }): void {
  void (async () => {
    const { actor } = options.visitor;
    if (actor) {
      // Only the owner's runs, and only while the revision has no thumbnail (the first image wins).
      const own = await getDb().snippet.findFirst({
        where: {
          slug: options.slug.toLowerCase(),
          ownerId: actor.id,
          owner: { username: options.owner.toLowerCase() },
          thumbnails: { none: { rev: options.rev } },
        },
        select: { id: true },
      });
      if (own) watchRunForThumbnail({ client: options.client, session: options.session, snippetId: own.id, rev: options.rev });
    }
    await countHit({ owner: options.owner, slug: options.slug, kind: "run", visitor: options.visitor });
  })().catch((e: unknown) => console.error(`Counting the run of ${options.owner}/${options.slug} failed`, e));
}
