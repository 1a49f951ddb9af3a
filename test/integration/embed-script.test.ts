/**
 * A snippet's Gist-style embed script (`/<owner>/<slug>.js`, rewritten by proxy.ts to
 * app/embed/script) against a real database and git store: an existing snippet answers a
 * script that frames its embed page (`?rev=` pinned to a full revision id); a missing,
 * deleted or unknown-revision one is a 404 whose body says why, never a 500.
 */
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { GET as getScript } from "@/app/embed/script/[owner]/[slug]/route";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { deleteSnippet } from "@/lib/snippets/delete-snippet";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

async function fetchScript(owner: string, slug: string, query = ""): Promise<{ status: number; type: string | null; body: string }> {
  const response = await getScript(new Request(`http://cellar.test/embed/script/${owner}/${slug}${query}`), { params: Promise.resolve({ owner, slug }) });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}

/** Runs the script as a page would, with just enough of a DOM to see what it inserts. */
function runInFakePage(script: string): { inserted: { src: string; title: string }[]; listeners: number } {
  const inserted: { src: string; title: string }[] = [];
  let listeners = 0;
  const me = {
    src: "https://cellar.example/alice/x.js",
    parentNode: { insertBefore: (el: { src: string; title: string }) => inserted.push(el) },
    nextSibling: null,
  };
  const context = {
    document: { currentScript: me, createElement: () => ({ style: {} }) },
    location: { href: "https://course.example/page.html" },
    window: { addEventListener: () => (listeners += 1) },
    URL,
  };
  vm.runInNewContext(script, context);
  return { inserted, listeners };
}

describe("GET /<owner>/<slug>.js", () => {
  it("answers a script that frames the snippet's embed page, after itself, from the script's own origin", async () => {
    const user = await createUser({ username: uniqueName("embedder"), password: "correct horse battery" });
    const actor = { id: user.id, username: user.username };
    const title = `Embed </script> "quoted" ${uniqueName("t")}`;
    const created = await createSnippet({ actor, title, files: [{ path: "main.py", content: "print(1)\n" }] });

    const latest = await fetchScript(user.username, created.slug);
    expect(latest.status).toBe(200);
    expect(latest.type).toBe("text/javascript; charset=utf-8");
    // The title is data: it cannot close a script element it is pasted into.
    expect(latest.body).not.toContain("</script>");
    const page = runInFakePage(latest.body);
    expect(page.inserted).toEqual([
      expect.objectContaining({ src: `https://cellar.example/${user.username}/${created.slug}/embed`, title: expect.stringContaining(title) }),
    ]);
    expect(page.listeners).toBe(1);

    const pinned = await fetchScript(user.username, created.slug, `?rev=${created.head.slice(0, 7)}`);
    expect(pinned.status).toBe(200);
    expect(runInFakePage(pinned.body).inserted[0]?.src).toBe(`https://cellar.example/${user.username}/${created.slug}/embed?rev=${created.head}`);

    const badRev = await fetchScript(user.username, created.slug, "?rev=0000000000000000000000000000000000000000");
    expect(badRev.status).toBe(404);

    await deleteSnippet({ actor, owner: user.username, slug: created.slug });
    const gone = await fetchScript(user.username, created.slug);
    expect(gone.status).toBe(404);
    expect(gone.type).toBe("text/javascript; charset=utf-8");
    expect(gone.body).toContain(`There is no snippet ${user.username}/${created.slug}`);
  });

  it("is a 404 for a snippet or owner that never existed", async () => {
    const missing = await fetchScript(uniqueName("nobody"), "nothing");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatch(/^\/\* There is no snippet/);
  });
});
