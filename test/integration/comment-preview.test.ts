/**
 * The comment form's Preview (POST /api/v1/markdown → lib/comments/preview-comment.ts) against a
 * real database: it renders exactly as a posted comment shows (KaTeX, the sanitiser), refuses
 * visitors, text longer than a comment may be and oversized bodies, stores nothing, and has its
 * own rate limit.
 */
import { describe, expect, it } from "vitest";
import { POST as postMarkdown } from "@/app/api/v1/markdown/route";
import { createComment } from "@/lib/comments/create-comment";
import { previewComment } from "@/lib/comments/preview-comment";
import { getDb } from "@/lib/db/client";
import { createSnippet } from "@/lib/snippets/create-snippet";
import type { TActor } from "@/lib/snippets/schema";
import { createToken } from "@/lib/tokens/create-token";
import { createUser } from "@/lib/users/create-user";
import { appError } from "@/test/support/app-error";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";
import { HOSTILE_MARKDOWN, markupProblems } from "@/test/support/hostile-markdown";

closeDbAfterAll();

async function newUser(): Promise<{ actor: TActor; token: string }> {
  const user = await createUser({ username: uniqueName("preview"), password: "correct horse battery" });
  const actor = { id: user.id, username: user.username };
  return { actor, token: (await createToken({ actor, name: uniqueName("preview") })).token };
}

type TAnswer = { status: number; json: { html?: string; error?: { code: string; message: string } } };

/** POSTs `body` (sent as it is) to the route as a client does; `headers` say who asks. */
async function post(body: string, headers: Record<string, string>): Promise<TAnswer> {
  const request = new Request("http://cellar.test/api/v1/markdown", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  const response = await postMarkdown(request, { params: Promise.resolve({}) });
  return { status: response.status, json: (await response.json()) as TAnswer["json"] };
}

const preview = (token: string, text: unknown) => post(JSON.stringify({ text }), { authorization: `Bearer ${token}` });

describe("POST /api/v1/markdown (comment preview)", () => {
  it("renders math with KaTeX, exactly as the posted comment shows, and stores nothing", async () => {
    const { actor, token } = await newUser();
    const text = "Area: $\\int_0^1 x\\,dx = \\frac{1}{2}$ and **bold**\n\n$$\\sum_{k=1}^n k$$";
    const answer = await preview(token, text);
    expect(answer.status).toBe(200);
    const html = answer.json.html ?? "";
    expect(html).toContain('<span class="katex">');
    expect(html).toContain('<annotation encoding="application/x-tex">\\int_0^1 x\\,dx = \\frac{1}{2}</annotation>');
    expect(html).toContain('<span class="katex-display">');
    expect(html).toContain("<strong>bold</strong>");
    expect(await getDb().comment.count({ where: { authorId: actor.id } })).toBe(0);

    // The same text posted: its html is the preview's, character for character.
    const snippet = await createSnippet({ actor, title: "Preview", files: [{ path: "a.py", content: "print(1)\n" }] });
    const posted = await createComment({ actor, owner: actor.username, slug: snippet.slug, body: text });
    expect(posted.html).toBe(html);

    expect((await preview(token, "")).json).toEqual({ html: "" });
  });

  it("removes every hostile payload the sanitiser's tests use", async () => {
    const { token } = await newUser();
    for (const [name, payload] of Object.entries(HOSTILE_MARKDOWN)) {
      const answer = await preview(token, payload);
      expect(answer.status, name).toBe(200);
      expect(markupProblems(answer.json.html ?? ""), name).toEqual([]);
    }
    const all = (await preview(token, Object.values(HOSTILE_MARKDOWN).join("\n\n"))).json.html ?? "";
    expect(markupProblems(all)).toEqual([]);
    // No element of those kinds at all (their text, escaped, stays: `&lt;script&gt;`).
    expect(all).not.toMatch(/<(script|img|iframe|svg onload|a [^>]*href="\s*javascript)/i);
    expect(all).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    // Raw HTML shows as the text the author wrote.
    expect((await preview(token, "<img src=x onerror=alert(1)>")).json.html).toBe("<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
  });

  it("refuses visitors with a 401", async () => {
    // Outside Next's request scope the session cannot be read, so "no token, no session" is a write
    // a browser sends for another site, which counts as signed out (app/api/v1/_lib/respond.ts);
    // the e2e test (comment-preview.spec.ts) asks with no credentials at all.
    const crossSite = await post(JSON.stringify({ text: "$x$" }), { "sec-fetch-site": "cross-site" });
    expect([crossSite.status, crossSite.json.error?.code]).toEqual([401, "UNAUTHORIZED"]);
    expect(crossSite.json.html).toBeUndefined();
    const badToken = await post(JSON.stringify({ text: "$x$" }), { authorization: "Bearer cellar_not-a-token" });
    expect(badToken.status).toBe(401);
    const e = await appError(previewComment({ actor: null, text: "$x$" }));
    expect([e.code, e.message]).toEqual(["UNAUTHORIZED", "Sign in to preview a comment."]);
  });

  it("takes text as long as a comment may be, refuses longer with a 422 naming the limit, and bodies over 64 KB with a 413", async () => {
    const { token } = await newUser();
    expect((await preview(token, "x".repeat(10_000))).status).toBe(200);
    const long = await preview(token, "x".repeat(10_001));
    expect([long.status, long.json.error?.message]).toEqual([422, "A comment must be at most 10,000 characters."]);
    const big = await preview(token, "x".repeat(70_000));
    expect([big.status, big.json.error?.message]).toEqual([413, "The request body is larger than 64 KB."]);
    // 10,000 characters that JSON escapes six bytes each still fit the body limit.
    expect((await preview(token, "\u0001".repeat(10_000))).status).toBe(200);

    const missing = await post(JSON.stringify({ body: "hi" }), { authorization: `Bearer ${token}` });
    expect([missing.status, missing.json.error?.message]).toEqual([422, "text: text is required: the Markdown to render."]);
    const notJson = await post("text=hi", { authorization: `Bearer ${token}` });
    expect(notJson.status).toBe(400);
  });

  it("limits a user to 120 previews a minute", async () => {
    const { actor } = await newUser();
    for (let i = 0; i < 120; i++) await previewComment({ actor, text: `p${i}` });
    const e = await appError(previewComment({ actor, text: "one too many" }));
    expect(e.code).toBe("RATE_LIMITED");
    expect(e.details?.retryAfter).toBeGreaterThan(0);
    // Someone else still may.
    expect(await previewComment({ actor: (await newUser()).actor, text: "fine" })).toEqual({ html: "<p>fine</p>\n" });
  });
});
