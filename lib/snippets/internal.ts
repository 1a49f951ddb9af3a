import "server-only";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { getEnv } from "@/lib/env";
import { getDb } from "@/lib/db/client";
import { existsSync } from "node:fs";
import { RepoError, isBinary, readFiles, repoPathFor, resolveRevision, validateFiles } from "@/lib/repos";
import type { TActor, TFileInput } from "./schema";
import { communityFieldsOf } from "./community-fields";
import { storedKernel } from "./kernel";

/*
 * Pieces shared by the snippet operations: where a repository lives, how a user signs a
 * commit, how store errors become user-facing errors, and how a snippet row is found.
 */

const encoder = new TextEncoder();

/** Absolute directory of a snippet's bare repository. */
export function repoDir(repoPath: string): string {
  return path.join(getEnv().reposDir, repoPath);
}

/** Commit identity of a user. The e-mail is not an address: it maps a commit back to its account. */
export function authorFor(actor: TActor): { name: string; email: string } {
  return { name: actor.username, email: `${actor.username}@users.cellar.invalid` };
}

/** Username behind a commit e-mail written by {@link authorFor}, or null for foreign commits. */
export function usernameFromEmail(email: string): string | null {
  const m = /^([a-z0-9-]+)@users\.cellar\.invalid$/.exec(email);
  return m?.[1] ?? null;
}

export function toBytes(files: TFileInput[]): { path: string; content: Uint8Array }[] {
  return files.map((f) => ({ path: f.path, content: typeof f.content === "string" ? encoder.encode(f.content) : f.content }));
}

/** Validates files for the store, turning its errors into 422/413 AppErrors. */
export function checkFiles(files: TFileInput[]): { path: string; content: Uint8Array }[] {
  const bytes = toBytes(files);
  try {
    validateFiles(bytes);
  } catch (e) {
    throw fromRepoError(e);
  }
  return bytes;
}

/** Maps a store error to the app's error; anything else passes through unchanged. */
export function fromRepoError(e: unknown): unknown {
  if (!(e instanceof RepoError)) return e;
  switch (e.code) {
    case "INVALID_FILES":
      return new AppError("INVALID", e.message, { cause: e });
    case "TOO_LARGE":
      return new AppError("TOO_LARGE", e.message, { cause: e });
    case "NOT_FOUND":
      return new AppError("NOT_FOUND", "That revision or file does not exist in this snippet.", { cause: e });
    case "STALE_HEAD":
      return new AppError("CONFLICT", "This snippet changed since you started editing. Reload to see the new revision, then apply your change again.", {
        cause: e,
        details: { head: e.currentHead },
      });
    case "LOCKED":
      return new AppError("CONFLICT", "Someone else is saving this snippet right now. Try again in a moment.", { cause: e });
    default:
      return e;
  }
}

export const snippetInclude = {
  owner: { select: { id: true, username: true, displayName: true } },
  tags: { select: { tag: { select: { name: true } } } },
  forkedFrom: { select: { slug: true, owner: { select: { username: true } } } },
  _count: { select: { forks: true } },
} as const;

/**
 * The snippet `owner/slug`, or a 404. Every snippet that exists is readable by URL (public or
 * unlisted), so this is also the read-permission check.
 */
export async function findSnippetOrThrow(owner: string, slug: string) {
  const row = await getDb().snippet.findFirst({ where: snippetAt(owner, slug), include: snippetInclude });
  if (!row) throw noSnippet(owner, slug);
  return row;
}

/** The snippet `owner/slug` names (URLs are case-insensitive). */
const snippetAt = (owner: string, slug: string) => ({ slug: slug.toLowerCase(), owner: { username: owner.toLowerCase() } });
const noSnippet = (owner: string, slug: string) => new AppError("NOT_FOUND", `There is no snippet ${owner}/${slug}.`);

export type TSnippetRow = Awaited<ReturnType<typeof findSnippetOrThrow>>;

/**
 * Only what an operation on something attached to a snippet (its comments) needs: its id, owner,
 * repository and network. A third of findSnippetOrThrow's cost, which also loads tags, the fork
 * source and the fork count; same lookup, same 404.
 */
export async function findSnippetRefOrThrow(owner: string, slug: string) {
  const row = await getDb().snippet.findFirst({ where: snippetAt(owner, slug), select: { id: true, ownerId: true, repoPath: true, networkId: true } });
  if (!row) throw noSnippet(owner, slug);
  return row;
}

/** A snippet the actor may change: their own. Others' snippets are readable, so this is a 403. */
export async function findOwnSnippetOrThrow(actor: TActor | null, owner: string, slug: string): Promise<TSnippetRow> {
  if (!actor) throw new AppError("UNAUTHORIZED", "Sign in to change a snippet.");
  const row = await findSnippetOrThrow(owner, slug);
  if (row.ownerId !== actor.id) throw new AppError("FORBIDDEN", "Only the owner can change this snippet. Fork it to make your own version.");
  return row;
}

/** Public shape of a snippet row, as pages and the API show it. */
export function toSnippetSummary(row: TSnippetRow) {
  return {
    id: row.id,
    owner: row.owner.username,
    ownerName: row.owner.displayName ?? row.owner.username,
    slug: row.slug,
    title: row.title,
    description: row.description,
    visibility: row.visibility === "PUBLIC" ? ("public" as const) : ("unlisted" as const),
    tags: row.tags.map((t) => t.tag.name).sort(),
    head: row.head,
    mainFile: row.mainFile,
    /**
     * The kernel Run uses: the owner's choice, else from the main file (in lists, read from the
     * language the files were listed under; getSnippet sets it from the main file it finds).
     */
    kernel: storedKernel(row.kernel) ?? (row.language === "sage" ? ("sage" as const) : ("python" as const)),
    /** "auto" when the kernel follows the main file, else the owner's choice. */
    kernelChoice: storedKernel(row.kernel) ?? ("auto" as const),
    forkedFrom: row.forkedFrom
      ? { owner: row.forkedFrom.owner.username, slug: row.forkedFrom.slug, deleted: false }
      : row.forkedFromName
        ? { owner: row.forkedFromName.split("/")[0] ?? "", slug: row.forkedFromName.split("/")[1] ?? "", deleted: true }
        : null,
    forkCount: row._count.forks,
    ...communityFieldsOf(row),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    url: `/${row.owner.username}/${row.slug}`,
  };
}

export type TSnippetSummary = ReturnType<typeof toSnippetSummary>;

/** Creates missing tags and returns their ids, in a transaction client or the main one. */
export async function upsertTagIds(db: Pick<ReturnType<typeof getDb>, "tag">, names: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const tag = await db.tag.upsert({ where: { name }, create: { name }, update: {}, select: { id: true } });
    ids.push(tag.id);
  }
  return ids;
}

/**
 * The repository path for `owner/slug`, kept on the row (renames never move it). A name used
 * before may still have its repository on disk (being deleted, or a crash's leftover): then
 * a salted key picks another path.
 */
export function freeRepoPath(key: string): string {
  let repoPath = repoPathFor(key);
  for (let n = 1; existsSync(repoDir(repoPath)); n++) repoPath = repoPathFor(`${key}#${n}`);
  return repoPath;
}

/** Picks `base`, or `base-2`, `base-3`… so the owner has no two snippets with one name. */
export async function freeSlug(ownerId: string, base: string): Promise<string> {
  const taken = new Set(
    (
      await getDb().snippet.findMany({
        where: { ownerId, slug: { startsWith: base } },
        select: { slug: true },
      })
    ).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && "code" in e && (e as { code: unknown }).code === "P2002";
}

/** What create and fork return. */
export type TCreatedSnippet = { id: string; owner: string; slug: string; head: string; url: string };

export type TSnippetFileBytes = { path: string; oid: string; size: number; binary: boolean; content: Uint8Array };

/**
 * A snippet's files at a revision (`HEAD`, a full or abbreviated oid), with its head. The
 * repository, not the row, says what the head is: git is the source of truth for revisions.
 */
export async function readRevision(repoPath: string, wanted: string | undefined): Promise<{ rev: string; head: string; files: TSnippetFileBytes[] }> {
  const dir = repoDir(repoPath);
  try {
    const head = await resolveRevision({ dir, rev: "HEAD" });
    const rev = wanted && wanted !== "HEAD" ? await resolveRevision({ dir, rev: wanted }) : head;
    const files = await readFiles({ dir, rev });
    return {
      rev,
      head,
      files: files.map((f) => ({ path: f.path, oid: f.oid, size: f.content.byteLength, binary: isBinary(f.content), content: f.content })),
    };
  } catch (e) {
    throw fromRepoError(e);
  }
}
