/**
 * Publishes the example library (examples/, described in examples/README.md) as the demo user
 * `example`, with a demo `student` who forks some of it, so a fresh site is not empty.
 *
 *   tsx --conditions=react-server scripts/seed.ts
 *
 * Idempotent: when `example` already has snippets it changes nothing. The demo accounts get
 * random passwords that are never shown; nobody is meant to sign in as them.
 *
 * Failure: every snippet is written by the same lib functions the site uses, each of which
 * leaves no half-made snippet behind. A run that stops part-way leaves the snippets made so far,
 * and the next run then reports "Examples already present"; delete the `example` user's snippets
 * (or the database) to seed again.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { closeDb } from "@/lib/db/client";
import { applyMigrations, MigrationError } from "@/lib/db/migrate";
import { PgliteLockedError } from "@/lib/db/pglite-lock";
import { EnvError } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import { listSnippets } from "@/lib/snippets/list-snippets";
import type { TActor, TFileInput } from "@/lib/snippets/schema";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import { createUser } from "@/lib/users/create-user";
import { getUserByUsername } from "@/lib/users/get-user";

export const DEFAULT_EXAMPLES_DIR = fileURLToPath(new URL("../examples", import.meta.url));

/** The demo accounts, by username. Forks in snippet.json may only name these. */
const DEMO_USERS = {
  example: { displayName: "Example Teacher" },
  student: { displayName: "Student" },
} as const;
type TDemoUser = keyof typeof DEMO_USERS;
const ZDemoUser = z.enum(Object.keys(DEMO_USERS) as [TDemoUser, ...TDemoUser[]]);

/** A directory of an example, relative to the example's folder, that must stay inside it. */
const ZExampleDir = z
  .string()
  .min(1)
  .refine((dir) => !path.isAbsolute(dir) && !dir.split(/[\\/]/).includes(".."), "must be a path inside the example's folder");

/** examples/<name>/snippet.json */
export const ZExampleManifest = z
  .object({
    title: z.string().min(1),
    description: z.string().default(""),
    tags: z.array(z.string()).default([]),
    visibility: z.enum(["public", "unlisted"]).default("public"),
    /** Message of the final commit (the tree in files/); required with `revisions`. */
    message: z.string().min(1).optional(),
    /** Earlier revisions, oldest first; each directory holds that revision's whole tree. */
    revisions: z.array(z.object({ dir: ZExampleDir, message: z.string().min(1) }).strict()).default([]),
    /** Forks made after the history is written, each with one commit of the tree in `dir`. */
    forks: z.array(z.object({ by: ZDemoUser, dir: ZExampleDir, message: z.string().min(1) }).strict()).default([]),
  })
  .strict()
  .refine((m) => m.revisions.length === 0 || m.message !== undefined, {
    message: "message (of the final commit) is required when there are revisions",
    path: ["message"],
  });
export type TExampleManifest = z.infer<typeof ZExampleManifest>;

export type TExample = { name: string; dir: string; manifest: TExampleManifest };

export type TSeededSnippet = { owner: string; slug: string; head: string; revisions: number };

export type TSeedResult =
  { status: "present"; snippets: []; forks: [] } | { status: "created"; snippets: TSeededSnippet[]; forks: (TSeededSnippet & { from: string })[] };

export type TSeedOptions = {
  /** Where the examples live (default: examples/ of this repository). */
  examplesDir?: string;
  /** Receives one line per created snippet and fork, and the summary. */
  log?: (line: string) => void;
};

/** Every examples/<name>/ that has a snippet.json, in name order, with its manifest checked. */
export function readExamples(examplesDir: string = DEFAULT_EXAMPLES_DIR): TExample[] {
  return readdirSync(examplesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .flatMap((name) => {
      const dir = path.join(examplesDir, name);
      let raw: string;
      try {
        raw = readFileSync(path.join(dir, "snippet.json"), "utf8");
      } catch {
        return [];
      }
      const parsed = ZExampleManifest.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`examples/${name}/snippet.json: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`);
      }
      return [{ name, dir, manifest: parsed.data }];
    });
}

/** What running an example leaves behind, which is not part of it (`sage x.sage` writes x.sage.py). */
const isRunLeftover = (name: string): boolean => name === "__pycache__" || name.endsWith(".pyc") || name.endsWith(".sage.py");

/** The files under `root`, with paths relative to it ("/"-separated) and their exact bytes. */
export function readTreeFromDisk(root: string): TFileInput[] {
  const files: TFileInput[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (isRunLeftover(entry.name)) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push({ path: path.relative(root, full).split(path.sep).join("/"), content: new Uint8Array(readFileSync(full)) });
    }
  };
  walk(root);
  if (files.length === 0) throw new Error(`${root} holds no files`);
  return files;
}

/** Whether `username` exists and owns at least one snippet (unlisted ones included). */
async function hasSnippets(username: string): Promise<boolean> {
  const user = await getUserByUsername({ username });
  if (!user) return false;
  const page = await listSnippets({ actor: { id: user.id, username: user.username }, owner: user.username, perPage: 1 });
  return page.items.length > 0;
}

/** The demo user, created with a random password (never printed) if it does not exist yet. */
async function ensureDemoUser(username: TDemoUser): Promise<TActor> {
  // Looked up first so that a run interrupted after creating the users can carry on.
  const existing = await getUserByUsername({ username });
  if (existing) return { id: existing.id, username: existing.username };
  const user = await createUser({ username, password: randomBytes(24).toString("base64url"), displayName: DEMO_USERS[username].displayName });
  return { id: user.id, username: user.username };
}

/**
 * Publishes every example as a snippet of `example` (its history from revisions/ then files/),
 * then makes the forks the examples ask for. Does nothing when `example` already has snippets.
 */
export async function seedExamples(options: TSeedOptions = {}): Promise<TSeedResult> {
  const log = options.log ?? (() => {});
  await applyMigrations();

  if (await hasSnippets("example")) {
    log("Examples already present");
    return { status: "present", snippets: [], forks: [] };
  }
  // Every tree is read before the first write, so a broken example stops the seed before it starts.
  const examples = readExamples(options.examplesDir).map(({ name, dir, manifest }) => ({
    name,
    manifest,
    // Oldest first: the listed revisions, then files/ as the head.
    history: [
      ...manifest.revisions.map((r) => ({ files: readTreeFromDisk(path.join(dir, r.dir)), message: r.message })),
      { files: readTreeFromDisk(path.join(dir, "files")), message: manifest.message ?? "Initial version" },
    ],
    forks: manifest.forks.map((f) => ({ ...f, files: readTreeFromDisk(path.join(dir, f.dir)) })),
  }));

  const users: Record<TDemoUser, TActor> = { example: await ensureDemoUser("example"), student: await ensureDemoUser("student") };
  const author = users.example;
  const snippets: TSeededSnippet[] = [];
  const forks: (TSeededSnippet & { from: string })[] = [];

  for (const { name, manifest, history, forks: wantedForks } of examples) {
    const [first, ...later] = history;
    if (!first) continue;

    const created = await createSnippet({
      actor: author,
      slug: name,
      title: manifest.title,
      description: manifest.description,
      tags: manifest.tags,
      visibility: manifest.visibility,
      files: first.files,
      message: first.message,
    });
    let head = created.head;
    for (const revision of later) {
      ({ head } = await updateSnippet({
        actor: author,
        owner: created.owner,
        slug: created.slug,
        base: head,
        files: revision.files,
        message: revision.message,
      }));
    }
    snippets.push({ owner: created.owner, slug: created.slug, head, revisions: history.length });
    log(`Created ${created.owner}/${created.slug} (${history.length} revision${history.length === 1 ? "" : "s"}): ${manifest.title}`);

    for (const fork of wantedForks) {
      const actor = users[fork.by];
      const forked = await forkSnippet({ actor, owner: created.owner, slug: created.slug });
      const { head: forkHead } = await updateSnippet({
        actor,
        owner: forked.owner,
        slug: forked.slug,
        base: forked.head,
        files: fork.files,
        message: fork.message,
      });
      const from = `${created.owner}/${created.slug}`;
      forks.push({ owner: forked.owner, slug: forked.slug, head: forkHead, revisions: history.length + 1, from });
      log(`Forked ${from} as ${forked.owner}/${forked.slug}: ${fork.message}`);
    }
  }

  log(`Seeded ${snippets.length} example snippets and ${forks.length} fork${forks.length === 1 ? "" : "s"}.`);
  return { status: "created", snippets, forks };
}

async function main(): Promise<void> {
  try {
    await seedExamples({ log: (line) => console.log(line) });
  } finally {
    // Releases the PGlite directory before the server that `npm run serve` starts next opens it.
    await closeDb();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    // Errors we expect (bad settings, a busy database, a refused snippet) explain themselves;
    // anything else gets its stack.
    const known = e instanceof EnvError || e instanceof PgliteLockedError || e instanceof MigrationError || isAppError(e);
    console.error("seed:", known ? e.message : e);
    process.exitCode = 1;
  });
}
