/**
 * Search as a user meets it, on whichever engine this run uses: Postgres or PGlite (the two
 * integration runs), or Meilisearch when MEILI_URL is set. The database is shared with other
 * test files, so every word searched for here is made unique to this run.
 */
import { randomInt } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { EnvError, getEnv, parseEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { getSearchEngine } from "@/lib/search/get-search-engine";
import { reindexAll } from "@/lib/search/reindex-all";
import { searchSnippets } from "@/lib/search/search-snippets";
import { suggestSearch } from "@/lib/search/suggest-search";
import type { TSearchResultItem } from "@/lib/search/types";
import { wordDeletes } from "@/lib/search/words";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { deleteSnippet } from "@/lib/snippets/delete-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import type { TActor } from "@/lib/snippets/schema";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

/** Lower-case letters only: words the index keeps whole and the vocabulary corrects towards. */
function letters(n: number): string {
  return Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join("");
}

async function newUser(prefix = "s", displayName?: string): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery", ...(displayName ? { displayName } : {}) });
  return { id: user.id, username: user.username };
}

const titles = (items: TSearchResultItem[]) => items.map((i) => i.title);
const marked = (item: TSearchResultItem | undefined) => item?.match?.segments.filter((s) => s.mark).map((s) => s.text) ?? [];

describe(`search (${getSearchEngine().name} engine)`, () => {
  const run = letters(5);
  // One made-up word per concern, long enough for typo correction (and Meilisearch's 2-typo rule).
  const word = `${run}quaternion`;
  let alice: TActor;

  beforeAll(async () => {
    alice = await newUser("alice", `Alice ${run}lovelace`);
    // Same word in three places: the title should rank first, the code last.
    await createSnippet({
      actor: alice,
      title: "Plotting helpers",
      description: "Utilities for figures.",
      files: [{ path: "main.py", content: `import numpy as np\n\n# rotate with a ${word}\nq = ${word}_rotate(v, angle)\nprint(q)\n` }],
    });
    await createSnippet({
      actor: alice,
      title: `${word} rotations`,
      description: "Rotating vectors in 3D.",
      files: [{ path: "main.py", content: "print(1)\n" }],
    });
    await createSnippet({
      actor: alice,
      title: "Spatial rotations",
      description: `Why a unit ${word} describes a rotation.`,
      files: [{ path: "notes.md", content: "Nothing here.\n" }],
    });
  });

  it("ranks a title match first and a match in code last, showing the matching line with the word marked", async () => {
    const page = await searchSnippets({ q: word });
    expect(titles(page.items)).toEqual([`${word} rotations`, "Spatial rotations", "Plotting helpers"]);
    const inCode = page.items[2]!;
    expect(inCode.match).toMatchObject({ path: "main.py", line: 3 });
    expect(inCode.match!.segments.map((s) => s.text).join("")).toBe(`# rotate with a ${word}`);
    expect(marked(inCode)).toEqual([word]);
    const inBlurb = page.items[1]!;
    expect(inBlurb.match).toMatchObject({ path: null, line: 1 });
    expect(marked(inBlurb)).toEqual([word]);
    expect(inCode.url).toBe(`/${alice.username}/plotting-helpers`);
  });

  it("forgives a typo and finds a word by its beginning", async () => {
    const typo = word.slice(0, -4) + word.slice(-3); // one letter dropped: "…quaternon"
    const corrected = await searchSnippets({ q: typo });
    expect(titles(corrected.items)).toContain(`${word} rotations`);
    // The page says what the typo was read as (Meilisearch does not tell).
    if (getSearchEngine().name === "postgres") expect(corrected.corrections).toEqual([{ word: typo, to: [word] }]);
    expect((await searchSnippets({ q: word })).corrections).toEqual([]);
    const swapped = word.slice(0, 7) + word[8] + word[7] + word.slice(9); // two letters swapped
    expect(titles((await searchSnippets({ q: swapped })).items)).toContain(`${word} rotations`);
    const prefix = word.slice(0, run.length + 5); // "…quate", as typed so far
    expect(titles((await searchSnippets({ q: prefix })).items)).toContain(`${word} rotations`);
    // Code identifiers are found by their parts: q = <word>_rotate(v, angle)
    expect(titles((await searchSnippets({ q: `${word} rotate` })).items)).toContain("Plotting helpers");
  });

  it("corrects a typo to the word one letter away, not to longer words that look more alike", async () => {
    // Trigrams rank "…pendlumzz" and friends above "…pendulum" for "…pendlum"; edit distance does not.
    const intended = `${run}pendulum`;
    const lookalikes = ["zz", "xk", "qy", "vz"].map((end) => `${run}pendlum${end}`);
    const common = `${run}swing`;
    const bob = await newUser("bob");
    await createSnippet({ actor: bob, title: "Simple pendulum", files: [{ path: "main.py", content: `${intended} = ${common}(theta)\n` }] });
    for (const [i, w] of lookalikes.entries()) {
      await createSnippet({ actor: bob, title: `Look-alike ${i}`, files: [{ path: "main.py", content: `${w} = ${common}(1)\n` }] });
    }
    // The mistyped word first, so it is not read as the beginning of a word still being typed
    // (as the last word, "…pendlum" is what "…pendlumzz" starts with, and finds that).
    const page = await searchSnippets({ q: `${run}pendlum ${common}` });
    expect(titles(page.items)[0]).toBe("Simple pendulum");
    expect(marked(page.items[0])).toEqual([intended, common]);
    // Postgres keeps only the closest corrections; Meilisearch also matches words two typos away, ranked after.
    if (getSearchEngine().name === "postgres") expect(titles(page.items)).toEqual(["Simple pendulum"]);
    const asTyped = titles((await searchSnippets({ q: `${common} ${run}pendlum` })).items);
    expect(asTyped).toEqual(expect.arrayContaining(["Look-alike 0", "Look-alike 1", "Look-alike 2", "Look-alike 3"]));
  });

  it.runIf(getSearchEngine().name === "postgres")("keeps the same deletion hashes in SQL (rows indexed before the migration) as the site writes", async () => {
    const words = ["fourier", "größe", "théorème", "𝑥y", "a"];
    const rows = await getDb().$queryRawUnsafe<{ word: string; deletes: number[] }[]>(
      `SELECT w AS word, cellar_word_deletes(w) AS deletes FROM unnest($1::text[]) AS w`,
      words,
    );
    expect(Object.fromEntries(rows.map((r) => [r.word, r.deletes]))).toEqual(Object.fromEntries(words.map((w) => [w, wordDeletes(w)])));
  });

  it("finds a snippet by its author, a file name and a tag, and needs every word of the query when some snippet has them all", async () => {
    const bob = await newUser("bob");
    await createSnippet({ actor: bob, title: "Wave equation", tags: [`${run}pde/wave`], files: [{ path: `${run}solver.py`, content: "pass\n" }] });
    expect(titles((await searchSnippets({ q: `${run}lovelace` })).items)).toHaveLength(3);
    expect(titles((await searchSnippets({ q: `${run}solver` })).items)).toEqual(["Wave equation"]);
    expect(titles((await searchSnippets({ q: `${run}pde` })).items)).toEqual(["Wave equation"]);
    expect(titles((await searchSnippets({ q: `${word} spatial` })).items)).toEqual(["Spatial rotations"]);
  });

  it("filters by tag including descendants, combines tags, and lists a tag alone newest first", async () => {
    const carol = await newUser("carol");
    const topic = `${run}calc`;
    const term = `${run}epsilon`;
    await createSnippet({ actor: carol, title: "Limits one", tags: [`${topic}/limits`], files: [{ path: "a.py", content: `${term} = 1e-9\n` }] });
    await createSnippet({
      actor: carol,
      title: "Series two",
      tags: [`${topic}/series`, `${run}numerics`],
      files: [{ path: "a.py", content: `${term} = 1e-6\n` }],
    });
    await createSnippet({ actor: carol, title: "Algebra three", tags: [`${run}algebra`], files: [{ path: "a.py", content: `${term} = 0\n` }] });
    expect(titles((await searchSnippets({ q: term })).items).sort()).toEqual(["Algebra three", "Limits one", "Series two"]);
    expect(titles((await searchSnippets({ q: term, tags: [topic] })).items).sort()).toEqual(["Limits one", "Series two"]);
    expect(titles((await searchSnippets({ q: term, tags: [`${topic}/limits`] })).items)).toEqual(["Limits one"]);
    expect(titles((await searchSnippets({ q: term, tags: [topic, `${run}numerics`] })).items)).toEqual(["Series two"]);
    expect(titles((await searchSnippets({ tags: [topic] })).items)).toEqual(["Series two", "Limits one"]);
    expect(titles((await searchSnippets({ q: term, sort: "recent" })).items)).toEqual(["Algebra three", "Series two", "Limits one"]);
  });

  it("filters by user: (author:) and tag: typed in q, with words, with the tag parameter, and alone newest first", async () => {
    const hana = await newUser("hana");
    const ivan = await newUser("ivan");
    const term = `${run}rhombus`;
    const geo = `${run}geo`;
    // Ivan matches in every tier (title, blurb, code), so the filter must hold in each.
    await createSnippet({ actor: ivan, title: `Ivan ${term} title`, tags: [`${geo}/planes`], files: [{ path: "a.py", content: "pass\n" }] });
    await createSnippet({ actor: ivan, title: "Ivan blurb", description: `A ${term} here.`, files: [{ path: "a.py", content: "pass\n" }] });
    await createSnippet({ actor: ivan, title: "Ivan code", files: [{ path: "a.py", content: `${term}(1)\n` }] });
    await createSnippet({ actor: hana, title: `Hana ${term} planes`, tags: [`${geo}/planes`, `${run}numerics`], files: [{ path: "a.py", content: "pass\n" }] });
    await createSnippet({ actor: hana, title: "Hana solids", tags: [`${geo}/solids`], files: [{ path: "a.py", content: `${term}(2)\n` }] });
    await createSnippet({ actor: hana, title: "Hana other", files: [{ path: "a.py", content: "pass\n" }] });
    const found = async (options: Parameters<typeof searchSnippets>[0]) => titles((await searchSnippets(options)).items).sort();

    expect(await found({ q: term })).toHaveLength(5);
    expect(await found({ q: `${term} user:${hana.username}` })).toEqual([`Hana ${term} planes`, "Hana solids"].sort());
    expect(await found({ q: `AUTHOR:${hana.username.toUpperCase()} ${term}` })).toEqual([`Hana ${term} planes`, "Hana solids"].sort());
    expect(await found({ q: `${term} user:${ivan.username}` })).toEqual(["Ivan blurb", "Ivan code", `Ivan ${term} title`].sort());
    expect(titles((await searchSnippets({ q: `${term} user:${ivan.username}`, sort: "recent" })).items)).toEqual([
      "Ivan code",
      "Ivan blurb",
      `Ivan ${term} title`,
    ]);
    expect(await found({ q: `${term} tag:${geo}/planes` })).toEqual([`Hana ${term} planes`, `Ivan ${term} title`].sort());
    // A tag includes its descendants, as the parameter does; both kinds of tag filter must hold.
    expect(await found({ q: `${term} user:${hana.username} Tag:${geo}` })).toEqual([`Hana ${term} planes`, "Hana solids"].sort());
    expect(await found({ q: `${term} tag:${run}numerics`, tags: [`${geo}/planes`] })).toEqual([`Hana ${term} planes`].sort());
    expect(await found({ q: `${term} tag:${geo}/solids`, tags: [`${geo}/planes`] })).toEqual([]);
    // An empty value is ignored; the qualifier's name is not searched for.
    expect(await found({ q: `${term} user:` })).toHaveLength(5);
    // Qualifiers alone list the matching snippets newest first.
    const hanas = await searchSnippets({ q: `user:${hana.username}` });
    expect(titles(hanas.items)).toEqual(["Hana other", "Hana solids", `Hana ${term} planes`]);
    expect(hanas.qualifiers).toEqual({ owner: hana.username, tags: [] });
    expect(titles((await searchSnippets({ q: `tag:${geo}` })).items)).toEqual(["Hana solids", `Hana ${term} planes`, `Ivan ${term} title`]);
    expect(titles((await searchSnippets({ q: `user:${ivan.username} tag:${geo}/planes` })).items)).toEqual([`Ivan ${term} title`]);
    expect(titles((await searchSnippets({ q: `user:${hana.username}`, tags: [`${geo}/solids`] })).items)).toEqual(["Hana solids"]);
  });

  it.runIf(getEnv().databaseUrl !== undefined)("runs on PostgreSQL connections without JIT (it spent ~15 ms compiling 1 ms word lookups)", async () => {
    const [row] = await getDb().$queryRawUnsafe<{ jit: string }[]>(`SHOW jit`);
    expect(row?.jit).toBe("off");
  });

  it.runIf(getSearchEngine().name === "postgres")("keeps one ranked search function, with its plan settings", async () => {
    const rows = await getDb().$queryRawUnsafe<{ args: string; config: string[] }[]>(
      `SELECT pg_get_function_identity_arguments(oid) AS args, proconfig AS config FROM pg_proc WHERE proname = 'cellar_search_ranked'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.args).toBe("p_q tsquery, p_tags text[], p_owner text, p_lim integer, p_off integer, p_candidates integer");
    expect([...rows[0]!.config].sort()).toEqual(["enable_indexscan=off", "enable_seqscan=off", "plan_cache_mode=force_custom_plan"]);
  });

  it("follows every write: edit, tag change, unlisting, fork and delete", async () => {
    const dave = await newUser("dave");
    const before = `${run}bisection`;
    const after = `${run}secantmethod`;
    const s = await createSnippet({ actor: dave, title: `Root finding ${before}`, files: [{ path: "root.py", content: "x = 1\n" }] });
    expect(titles((await searchSnippets({ q: before })).items)).toEqual([`Root finding ${before}`]);

    await updateSnippet({
      actor: dave,
      owner: dave.username,
      slug: s.slug,
      title: "Root finding",
      base: s.head,
      files: [{ path: "root.py", content: `# ${after}\n` }],
    });
    expect((await searchSnippets({ q: before })).items).toEqual([]);
    const edited = (await searchSnippets({ q: after })).items;
    expect(titles(edited)).toEqual(["Root finding"]);
    expect(edited[0]!.match).toMatchObject({ path: "root.py", line: 1 });

    await updateSnippet({ actor: dave, owner: dave.username, slug: s.slug, tags: [`${run}roots`] });
    expect(titles((await searchSnippets({ tags: [`${run}roots`] })).items)).toEqual(["Root finding"]);

    const erin = await newUser("erin");
    const fork = await forkSnippet({ actor: erin, owner: dave.username, slug: s.slug });
    expect((await searchSnippets({ q: after })).items.map((i) => i.owner).sort()).toEqual([dave.username, erin.username].sort());

    await updateSnippet({ actor: dave, owner: dave.username, slug: s.slug, visibility: "unlisted" });
    expect((await searchSnippets({ q: after })).items.map((i) => i.owner)).toEqual([erin.username]);

    await deleteSnippet({ actor: erin, owner: erin.username, slug: fork.slug });
    expect((await searchSnippets({ q: after })).items).toEqual([]);
  });

  it("suggests titles and tags as the user types", async () => {
    const frank = await newUser("frank");
    await createSnippet({
      actor: frank,
      title: `${run}fourier series demo`,
      tags: [`${run}analysis/${run}fourier`],
      files: [{ path: "f.py", content: "pass\n" }],
    });
    const typed = await suggestSearch({ q: `${run}four` });
    expect(typed.snippets.map((s) => s.title)).toEqual([`${run}fourier series demo`]);
    expect(typed.snippets[0]!.url).toBe(`/${frank.username}/${run}fourier-series-demo`);
    expect(typed.tags).toEqual([{ name: `${run}analysis/${run}fourier` }]);
    expect((await suggestSearch({ q: `${run}analy` })).tags.map((t) => t.name)).toEqual([`${run}analysis/${run}fourier`]);
    // Qualifiers are left out: suggestions are for the words.
    expect(await suggestSearch({ q: `${run}four tag:${run}analysis user:${frank.username}` })).toEqual(typed);
    expect(await suggestSearch({ q: `user:${frank.username}` })).toEqual({ snippets: [], tags: [] });
    expect(await suggestSearch({ q: "  " })).toEqual({ snippets: [], tags: [] });
  });

  it("pages through results", async () => {
    const gina = await newUser("gina");
    const term = `${run}pagination`;
    for (let i = 0; i < 21; i++) {
      await createSnippet({ actor: gina, title: `Page item ${i}`, files: [{ path: "p.py", content: `${term}(${i})\n` }] });
    }
    const first = await searchSnippets({ q: term });
    const second = await searchSnippets({ q: term, page: 2 });
    expect(first.items).toHaveLength(20);
    expect(first.hasNext).toBe(true);
    expect(second.items).toHaveLength(1);
    expect(second.hasNext).toBe(false);
    expect(new Set([...titles(first.items), ...titles(second.items)]).size).toBe(21);
    // No snippet has both words: the page shows those with some of them, and so does the next one.
    const some = `${term} qzxjvkw`;
    const firstOfSome = await searchSnippets({ q: some });
    expect(firstOfSome.items).toHaveLength(20);
    expect(firstOfSome.hasNext).toBe(true);
    expect((await searchSnippets({ q: some, page: 2 })).items).toHaveLength(1);
    expect((await searchSnippets({ q: some, sort: "recent", page: 2 })).items).toHaveLength(1);
    // Past the end of the snippets with every word, a page stays empty rather than listing those
    // with some (Meilisearch lists those with fewer words after those with all, on every page).
    if (getSearchEngine().name === "postgres") {
      expect(titles((await searchSnippets({ q: `${term} 20` })).items)).toEqual(["Page item 20"]);
      expect((await searchSnippets({ q: `${term} 20`, page: 2 })).items).toEqual([]);
    }
  });

  it("refuses bad input with a message naming the parameter", async () => {
    const refused = async (options: Parameters<typeof searchSnippets>[0]) => {
      const e = await searchSnippets(options).catch((err: unknown) => err);
      expect(isAppError(e) && e.code).toBe("INVALID");
      expect(isAppError(e) && e.status).toBe(422);
      return (e as Error).message;
    };
    expect(await refused({ q: "x", page: 0 })).toMatch(/page/);
    expect(await refused({ q: "x", page: 51 })).toMatch(/page must be at most 50/);
    expect(await refused({ q: "x", sort: "stars" })).toMatch(/sort must be one of relevance, recent/);
    expect(await refused({ q: "x".repeat(201) })).toMatch(/q must be at most 200/);
    expect(await refused({ tags: ["Not a tag!"] })).toMatch(/tag/);
    expect(await refused({ q: "x user:al!ce" })).toMatch(/^user:al!ce is not a username/);
    expect(await refused({ q: "AUTHOR:-x" })).toMatch(/^AUTHOR:-x is not a username/);
    expect(await refused({ q: "x tag:not//a/tag" })).toMatch(/^tag:not\/\/a\/tag is not a tag/);
    expect(await refused({ q: "user:ann x user:bob" })).toMatch(/^Only one user/);
    expect(await refused({ q: "tag:a tag:b tag:c", tags: ["d", "e", "f"] })).toMatch(/At most 5 tags/);
    const empty = { items: [], page: 1, hasNext: false, corrections: [], qualifiers: { owner: null, tags: [] } };
    expect(await searchSnippets({ q: "" })).toEqual(empty);
    expect(await searchSnippets({ q: "user: tag:" })).toEqual(empty);
  });

  it("rebuilds the index from scratch with what the database holds", async () => {
    const result = await reindexAll();
    expect(result.indexed).toBeGreaterThanOrEqual(3);
    expect(titles((await searchSnippets({ q: word })).items)).toEqual([`${word} rotations`, "Spatial rotations", "Plotting helpers"]);
    // The rebuilt vocabulary still corrects typos (its words are written once, with their deletions).
    const typo = word.slice(0, 6) + word.slice(7);
    expect(titles((await searchSnippets({ q: typo })).items)).toContain(`${word} rotations`);
  });
});

describe("Meilisearch settings", () => {
  const base = { AUTH_SECRET: "x".repeat(32) };

  it("refuses a bad MEILI_URL or MEILI_INDEX at start-up, naming the variable", () => {
    const problems = (() => {
      try {
        parseEnv({ ...base, MEILI_URL: "127.0.0.1:7700", MEILI_INDEX: "my index" });
      } catch (e) {
        return e instanceof EnvError ? e.problems : [];
      }
      return [];
    })();
    expect(problems).toEqual([
      "MEILI_URL must be an http:// or https:// URL, e.g. http://127.0.0.1:7700",
      "MEILI_INDEX may use only letters, digits, '-' and '_' (up to 100)",
    ]);
  });

  it("uses Meilisearch only when MEILI_URL is set, in index `snippets` unless told", () => {
    expect(parseEnv({ ...base, MEILI_KEY: "k" }).meili).toBeUndefined();
    expect(parseEnv({ ...base, MEILI_URL: " http://127.0.0.1:7700 ", MEILI_KEY: "" }).meili).toEqual({
      url: "http://127.0.0.1:7700",
      key: undefined,
      index: "snippets",
    });
    expect(parseEnv({ ...base, MEILI_URL: "https://meili.example.org", MEILI_KEY: "k", MEILI_INDEX: "cellar-2" }).meili).toEqual({
      url: "https://meili.example.org",
      key: "k",
      index: "cellar-2",
    });
  });
});
