import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { createExecClient } from "@/lib/exec/client";
import { fillMissingThumbnails } from "@/lib/snippets/fill-missing-thumbnails";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { getThumbnail } from "@/lib/snippets/get-thumbnail";
import { listSnippetRevisions } from "@/lib/snippets/list-revisions";
import { listSnippets } from "@/lib/snippets/list-snippets";
import { readSnippetFiles } from "@/lib/snippets/read-snippet-files";
import { getUserByUsername } from "@/lib/users/get-user";
import { DEFAULT_EXAMPLES_DIR, readExamples, readTreeFromDisk, seedExamples, type TSeedResult } from "@/scripts/seed";
import { closeDbAfterAll } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";

// The seed owns the user names `example` and `student`; no other test uses them.
closeDbAfterAll();
// As in `npm run serve`, the seed runs with no execution service: a port where nothing listens
// (not the default one, where another site on this machine may be serving).
process.env.EXEC_URL = "http://127.0.0.1:9";

const examples = readExamples();
const decoder = new TextDecoder();

/** The files of examples/<name>/<dir> as path → bytes. */
function diskTree(name: string, dir: string): Map<string, Uint8Array> {
  return new Map(
    readTreeFromDisk(path.join(DEFAULT_EXAMPLES_DIR, name, dir)).map((f) => [
      f.path,
      typeof f.content === "string" ? new TextEncoder().encode(f.content) : f.content,
    ]),
  );
}

async function snippetsOf(username: string) {
  const user = await getUserByUsername({ username });
  if (!user) return [];
  const page = await listSnippets({ actor: { id: user.id, username }, owner: username, perPage: 100 });
  return page.items;
}

describe("seedExamples", () => {
  let first: TSeedResult;
  const lines: string[] = [];

  beforeAll(async () => {
    first = await seedExamples({ log: (line) => lines.push(line) });
  }, 180_000);

  it("publishes every example as a public snippet of the example user", async () => {
    expect(examples.length).toBeGreaterThanOrEqual(12);
    expect(first.status).toBe("created");
    const mine = await snippetsOf("example");
    expect(mine.map((s) => s.slug).sort()).toEqual(examples.map((e) => e.name).sort());
    expect(mine.every((s) => s.visibility === "public")).toBe(true);
    const user = await getUserByUsername({ username: "example" });
    expect(user?.displayName).toBe("Example Teacher");
    const forkCount = examples.reduce((n, e) => n + e.manifest.forks.length, 0);
    expect(lines.at(-1)).toBe(`Seeded ${examples.length} example snippets and ${forkCount} forks.`);
  });

  it("keeps title, description and tags from snippet.json", async () => {
    const example = examples.find((e) => e.name === "prime-counting");
    expect(example).toBeDefined();
    const { snippet } = await getSnippet({ owner: "example", slug: "prime-counting" });
    expect(snippet.title).toBe(example?.manifest.title);
    expect(snippet.description).toBe(example?.manifest.description);
    expect(snippet.tags).toEqual([...(example?.manifest.tags ?? [])].sort());
  });

  it("stores a multi-file example with nested folders byte for byte at head", async () => {
    const { files } = await readSnippetFiles({ owner: "example", slug: "pendulum-regression" });
    const expected = diskTree("pendulum-regression", "files");
    expect(files.map((f) => f.path).sort()).toEqual([...expected.keys()].sort());
    expect(files.map((f) => f.path)).toContain("data/pendulum.csv");
    for (const file of files) expect(decoder.decode(file.content)).toBe(decoder.decode(expected.get(file.path)));
  });

  it("stores a binary file unchanged", async () => {
    const { files } = await readSnippetFiles({ owner: "example", slug: "mandelbrot-set" });
    const png = files.find((f) => f.path === "preview.png");
    expect(png?.binary).toBe(true);
    expect(Buffer.from(png?.content ?? []).equals(readFileSync(path.join(DEFAULT_EXAMPLES_DIR, "mandelbrot-set", "files", "preview.png")))).toBe(true);
  });

  it("writes the history of an example with revisions, oldest first, ending with files/", async () => {
    const example = examples.find((e) => e.name === "logistic-map");
    expect(example?.manifest.revisions.length).toBe(2);
    const revisions = await listSnippetRevisions({ owner: "example", slug: "logistic-map" });
    expect(revisions.map((r) => r.message)).toEqual([example?.manifest.message, ...(example?.manifest.revisions ?? []).map((r) => r.message).reverse()]);
    expect(revisions.every((r) => r.author.username === "example")).toBe(true);

    const oldest = revisions.at(-1);
    const firstRevision = await readSnippetFiles({ owner: "example", slug: "logistic-map", rev: oldest?.oid ?? "" });
    expect(decoder.decode(firstRevision.files.find((f) => f.path === "main.py")?.content)).toBe(
      decoder.decode(diskTree("logistic-map", "revisions/1").get("main.py")),
    );
    const head = await readSnippetFiles({ owner: "example", slug: "logistic-map" });
    expect(decoder.decode(head.files.find((f) => f.path === "main.py")?.content)).toBe(decoder.decode(diskTree("logistic-map", "files").get("main.py")));
  });

  it("publishes the Sage examples as Sage snippets that Run runs from main.sage in SageMath, helper files beside it", async () => {
    const sage = examples.filter((e) => e.name.startsWith("sage-")).map((e) => e.name);
    expect(sage.length).toBeGreaterThanOrEqual(10);
    const user = await getUserByUsername({ username: "example" });
    const listed = await listSnippets({ actor: { id: user!.id, username: "example" }, owner: "example", language: "sage", perPage: 100 });
    expect(listed.items.map((s) => s.slug).sort()).toEqual(sage);
    for (const slug of sage) {
      const { mainFile, kernel } = await readSnippetFiles({ owner: "example", slug });
      expect([slug, mainFile, kernel]).toEqual([slug, "main.sage", "sage"]);
    }
    const { files } = await readSnippetFiles({ owner: "example", slug: "sage-graph-coloring" });
    expect(files.map((f) => f.path).sort()).toEqual(["families.sage", "main.sage"]);
  });

  it("gives every example without revisions a single revision", async () => {
    const revisions = await listSnippetRevisions({ owner: "example", slug: "newtons-method" });
    expect(revisions).toHaveLength(1);
  });

  it("lets the student fork an example and commit a change to the fork", async () => {
    const forks = await snippetsOf("student");
    expect(forks.map((s) => s.slug)).toEqual(expect.arrayContaining(["monte-carlo-pi", "pendulum-regression"]));

    const { snippet } = await getSnippet({ owner: "student", slug: "pendulum-regression" });
    expect(snippet.forkedFrom).toMatchObject({ owner: "example", slug: "pendulum-regression" });
    const revisions = await listSnippetRevisions({ owner: "student", slug: "pendulum-regression" });
    expect(revisions.map((r) => r.author.username)).toEqual(["student", "example"]);

    const { files } = await readSnippetFiles({ owner: "student", slug: "pendulum-regression" });
    const csv = decoder.decode(files.find((f) => f.path === "data/pendulum.csv")?.content);
    expect(csv).toBe(decoder.decode(diskTree("pendulum-regression", "forks/student").get("data/pendulum.csv")));
    // The original is untouched by the fork's commit.
    const original = await readSnippetFiles({ owner: "example", slug: "pendulum-regression" });
    expect(decoder.decode(original.files.find((f) => f.path === "data/pendulum.csv")?.content)).not.toBe(csv);
  });

  it("creates nothing when run again", async () => {
    const studentBefore = (await snippetsOf("student")).length;
    const again: string[] = [];
    const second = await seedExamples({ log: (line) => again.push(line) });
    expect(second.status).toBe("present");
    expect(again).toEqual(["Examples already present"]);
    expect(await snippetsOf("example")).toHaveLength(examples.length);
    expect(await snippetsOf("student")).toHaveLength(studentBefore);
  });
});

describe("thumbnails of a freshly seeded site", () => {
  // Started for this block only, after the seed above ran without it (the site's launcher starts it).
  const why = useExecService("seed.test.ts");

  it.skipIf(why !== null)(
    "are made once the execution service is up: a real, different picture for each drawing example",
    async () => {
      await seedExamples();
      const user = await getUserByUsername({ username: "example" });
      const db = getDb();
      const ownRows = () =>
        db.snippet.findMany({ where: { ownerId: user!.id }, select: { slug: true, head: true, thumbnailRev: true }, orderBy: { slug: "asc" } });
      // What a fresh site shows: no thumbnail at all (the seed's publication runs found no service).
      expect((await ownRows()).filter((r) => r.thumbnailRev !== null)).toEqual([]);

      const lines: string[] = [];
      const result = await fillMissingThumbnails({ client: createExecClient(process.env.EXEC_URL!), owner: "example", log: (l) => lines.push(l) });
      const rows = await ownRows();
      const withThumb = rows.filter((r) => r.thumbnailRev === r.head);
      expect(result.missing).toBe(examples.length);
      expect(result.made).toBe(withThumb.length);
      expect(lines).toEqual([`Thumbnails: made ${result.made} of the ${examples.length} missing`]);
      // Every Python example that plots (all but a few) now has a picture; Sage ones wait for a
      // service with Sage (this one has none).
      const python = rows.filter((r) => !r.slug.startsWith("sage-"));
      expect(withThumb.length).toBeGreaterThanOrEqual(python.length - 4);
      expect(withThumb.filter((r) => r.slug.startsWith("sage-"))).toEqual([]);
      for (const slug of ["mandelbrot-set", "logistic-map", "lissajous-curves", "fourier-gibbs"]) expect(withThumb.map((r) => r.slug)).toContain(slug);

      const pictures = await Promise.all(withThumb.map((r) => getThumbnail({ owner: "example", slug: r.slug })));
      for (const p of pictures) {
        expect(p.mime).toBe("image/png");
        expect(Buffer.from(p.bytes.subarray(0, 8)).toString("hex")).toBe("89504e470d0a1a0a");
        expect(p.bytes.byteLength).toBeGreaterThan(2000);
      }
      // Different pictures, not one placeholder repeated.
      expect(new Set(pictures.map((p) => Buffer.from(p.bytes).toString("base64"))).size).toBe(pictures.length);
    },
    300_000,
  );
});

describe("reading examples from disk", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "cellar-seed-test-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function write(file: string, content: string): void {
    mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    writeFileSync(path.join(scratch, file), content);
  }

  it("keeps nested paths and leaves out what running Python or Sage leaves behind", () => {
    write("tree/main.py", "import helper\n");
    write("tree/helper.py", "X = 1\n");
    write("tree/data/points.csv", "x,y\n1,2\n");
    write("tree/__pycache__/helper.cpython-311.pyc", "bytecode");
    write("tree/spiral.sage", "print(2^10)\n");
    write("tree/spiral.sage.py", "print(Integer(2)**Integer(10))\n"); // what `sage spiral.sage` writes
    expect(readTreeFromDisk(path.join(scratch, "tree")).map((f) => f.path)).toEqual(["data/points.csv", "helper.py", "main.py", "spiral.sage"]);
  });

  it("refuses a snippet.json with revisions but no final message, naming the file", () => {
    write("bad/broken/snippet.json", JSON.stringify({ title: "Broken", revisions: [{ dir: "revisions/1", message: "First" }] }));
    expect(() => readExamples(path.join(scratch, "bad"))).toThrow(/examples\/broken\/snippet\.json: message/);
  });

  it("refuses a revision directory outside the example", () => {
    write("escape/sneaky/snippet.json", JSON.stringify({ title: "Sneaky", message: "Last", revisions: [{ dir: "../../etc", message: "First" }] }));
    expect(() => readExamples(path.join(scratch, "escape"))).toThrow(/revisions\.0\.dir/);
  });
});
