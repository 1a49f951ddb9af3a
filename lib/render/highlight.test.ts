import { describe, expect, it } from "vitest";

import { highlightFile, highlightStylesheet, MAX_HIGHLIGHT_LINES } from "./highlight";

/** Text a browser would show for one line of HTML: tags dropped, the entities we emit decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

let unique = 0;
/** A fresh fake blob oid per call, so tests do not see each other's cache entries. */
const oid = () => `test-${process.pid}-${++unique}`;

describe("highlightFile", () => {
  it("escapes HTML in code so a <script> in a file is shown as text", async () => {
    const content = 'x = "</span><script>alert(1)</script>" & y\n# <img src=x onerror=alert(1)>\n';
    const { lines, language } = await highlightFile({ path: "evil.py", oid: oid(), content });

    expect(language).toBe("python");
    const html = lines.join("\n");
    expect(html).not.toMatch(/<script|<img|<\/span><script/i);
    expect(html).toContain("&lt;script&gt;");
    // Only our own spans are markup; everything the file said is still there, as text.
    expect(html.match(/<(\w+)/g)?.every((tag) => tag === "<span")).toBe(true);
    expect(lines.map(visibleText)).toEqual(content.trimEnd().split("\n"));
  });

  it("colours known languages with classes whose rules come with the result", async () => {
    const result = await highlightFile({ path: "f.sage", oid: oid(), content: "def f(x):\n    return x^2\n" });
    const classes = [...result.lines.join("").matchAll(/<span class='(s[0-9a-z]+)'>/g)].map((m) => m[1]);
    // `def` and `return` are keywords: the same class on both lines.
    expect(classes.length).toBeGreaterThanOrEqual(2);
    expect(result.lines[0]).toMatch(/^<span class='(s[0-9a-z]+)'>def/);
    const css = highlightStylesheet([result]);
    for (const c of new Set(classes)) expect(css).toMatch(new RegExp(`\\.code \\.${c}\\{color:#[0-9a-f]{6};--shiki-dark:#[0-9a-f]{6}`, "i"));
    // The themes' plain foreground needs no span: "(x):" is plain text.
    expect(result.lines[0]).toContain("(x):");
  });

  it("returns one entry per line, ignoring a final newline and keeping blank lines", async () => {
    const content = "a = 1\r\n\nb = 2\n\n";
    const { lines } = await highlightFile({ path: "x.py", oid: oid(), content });
    expect(lines.map(visibleText)).toEqual(["a = 1", "", "b = 2", ""]);

    expect((await highlightFile({ path: "x.py", oid: oid(), content: "" })).lines).toEqual([]);
    expect((await highlightFile({ path: "x.py", oid: oid(), content: "no newline" })).lines).toHaveLength(1);
  });

  it("falls back to escaped plain text for an unknown extension", async () => {
    const { lines, language } = await highlightFile({ path: "notes.weird", oid: oid(), content: "1 < 2 & <b>\n" });
    expect(language).toBe("plaintext");
    expect(lines).toEqual(["1 &lt; 2 &amp; &lt;b&gt;"]);
  });

  it("does not colour very long files but still escapes and numbers them", async () => {
    const content = "x = '<i>'\n".repeat(MAX_HIGHLIGHT_LINES + 1);
    const { lines, language } = await highlightFile({ path: "big.py", oid: oid(), content });
    expect(language).toBe("plaintext");
    expect(lines).toHaveLength(MAX_HIGHLIGHT_LINES + 1);
    expect(lines[0]).toBe("x = &#39;&lt;i&gt;&#39;");
  });

  it("serves the same blob from the cache", async () => {
    const id = oid();
    const first = await highlightFile({ path: "a.js", oid: id, content: "let a = 1;\n" });
    // Same oid means same bytes in git, so a second call must not re-highlight; the result is the cached object.
    const second = await highlightFile({ path: "b.js", oid: id, content: "let a = 1;\n" });
    expect(second).toBe(first);
    // A different language is a different rendering of the same blob.
    const asText = await highlightFile({ path: "a.txt", oid: id, content: "let a = 1;\n" });
    expect(asText).not.toBe(first);
    expect(asText.language).toBe("plaintext");
  });
});
