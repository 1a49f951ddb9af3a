import "server-only";
import type { Readable } from "node:stream";
import { publicOrigin } from "@/lib/env";
import { archiveRevision, listRevisions, readTree, resolveRevision } from "@/lib/repos";
import { findSnippetOrThrow, fromRepoError, repoDir, usernameFromEmail } from "./internal";
import { licenseFileText } from "./licenses";

/**
 * A streamed ZIP of a snippet's files at a revision, with the file name to offer. The ZIP also
 * holds a LICENSE file saying the snippet's license and its copyright holders (everyone with a
 * revision up to `rev`); when the revision has its own root LICENSE, ours is LICENSE.cellar.txt.
 */
export async function archiveSnippet(options: { owner: string; slug: string; rev: string }): Promise<{ rev: string; fileName: string; stream: Readable }> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const dir = repoDir(row.repoPath);
  try {
    const rev = await resolveRevision({ dir, rev: options.rev });
    const prefix = `${row.owner.username}-${row.slug}-${rev.slice(0, 7)}`;
    const [tree, revisions] = await Promise.all([readTree({ dir, rev }), listRevisions({ dir, rev })]);
    // Newest first: the copyright year is the latest revision's; holders in order of their first revision.
    const newest = revisions[0];
    const holders = [...new Set([row.owner.username, ...revisions.toReversed().map((r) => usernameFromEmail(r.author.email) ?? r.author.name)])];
    const text = licenseFileText({
      license: row.license,
      title: row.title,
      url: `${publicOrigin()}/${row.owner.username}/${row.slug}`,
      holders,
      year: new Date((newest?.author.timestamp ?? Date.now() / 1000) * 1000).getUTCFullYear(),
    });
    const name = tree.some((f) => f.path === "LICENSE") ? "LICENSE.cellar.txt" : "LICENSE";
    const stream = await archiveRevision({ dir, rev, prefix, extra: [{ path: name, content: new TextEncoder().encode(text) }] });
    return { rev, fileName: `${prefix}.zip`, stream };
  } catch (e) {
    throw fromRepoError(e);
  }
}
