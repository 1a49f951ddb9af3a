import { describe, expect, it } from "vitest";
import { HOSTILE_MARKDOWN as PAYLOADS, markupProblems as problems } from "@/test/support/hostile-markdown";
import { markdownExcerpt, renderMarkdown, sanitizeMarkdownHtml } from "./markdown";

describe("renderMarkdown", () => {
  for (const [name, payload] of Object.entries(PAYLOADS)) {
    it(`neutralises ${name}`, () => {
      expect(problems(renderMarkdown(payload))).toEqual([]);
    });
  }

  it("strips raw payloads even if markdown-it were to pass HTML through", () => {
    for (const payload of Object.values(PAYLOADS)) {
      expect(problems(sanitizeMarkdownHtml(payload)), payload).toEqual([]);
    }
    expect(sanitizeMarkdownHtml('<p style="color:red" onclick="x()">hi</p>')).toBe("<p>hi</p>");
  });

  it("flags dangerous markup (so the checks above can fail)", () => {
    expect(
      problems(
        '<p><img src="x" onerror="alert(1)"></p><a href=" java\tscript:x">y</a><iframe></iframe><span style="position:fixed"></span><p style="color:red"></p>',
      ),
    ).toEqual([
      "img[onerror]",
      "img without https src",
      "a[href=javascript:]",
      "a without rel",
      "<iframe>",
      "span[style=position:fixed]",
      "p[style=color:red]",
    ]);
  });

  it("shows raw HTML as text instead of dropping what the author wrote", () => {
    expect(renderMarkdown("<b>bold?</b>")).toBe("<p>&lt;b&gt;bold?&lt;/b&gt;</p>\n");
  });

  it("renders ordinary markdown", () => {
    const html = renderMarkdown(
      [
        "# Title",
        "",
        "Some *emphasis*, **strong** and `inline <code>`.",
        "",
        "- one",
        "- two",
        "",
        "1. first",
        "",
        "```python",
        "print(1 < 2)",
        "```",
        "",
        "> quoted",
        "",
        "[docs](https://example.com/docs) and https://example.org",
        "",
        "![plot](https://example.com/plot.png)",
      ].join("\n"),
    );
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<em>emphasis</em>");
    expect(html).toContain("<strong>strong</strong>");
    expect(html).toContain("<code>inline &lt;code&gt;</code>");
    expect(html).toContain("<ul>\n<li>one</li>\n<li>two</li>\n</ul>");
    expect(html).toContain("<ol>\n<li>first</li>\n</ol>");
    expect(html).toContain('<pre><code class="language-python">print(1 &lt; 2)\n</code></pre>');
    expect(html).toContain("<blockquote>");
    expect(html).toContain('<a href="https://example.com/docs" rel="nofollow ugc noopener">docs</a>');
    // linkify turns a bare URL into a link, with the same rel.
    expect(html).toContain('<a href="https://example.org" rel="nofollow ugc noopener">https://example.org</a>');
    expect(html).toContain('<img src="https://example.com/plot.png" alt="plot" />');
  });

  it("keeps table column alignment without inline styles", () => {
    const html = renderMarkdown("| n | n² |\n|:--|--:|\n| 3 | 9 |");
    expect(html).toContain('<th class="align-left">n</th>');
    expect(html).toContain('<td class="align-right">9</td>');
  });

  it("typesets $inline$, $$display$$ and $$ blocks with KaTeX, leaving prices alone", () => {
    const html = renderMarkdown("Euler: $e^{i\\pi}+1=0$, costs $5 and $10.\n\n$$\n\\frac{a}{b}\n$$\n\nand \\$x\\$ stays");
    expect(html).toContain('<span class="katex">');
    expect(html).toContain('<annotation encoding="application/x-tex">e^{i\\pi}+1=0</annotation>');
    expect(html).toContain("costs $5 and $10.");
    expect(html).toMatch(/<p class="math-display"><span class="katex-display">.*<mfrac>/s);
    expect(html).toContain("and $x$ stays");
    // KaTeX's sizes survive the sanitiser, so the formula is laid out, not a heap of glyphs.
    expect(html).toMatch(/class="katex-strut" style="height:[\d.]+em/);
  });

  it("shows a formula KaTeX cannot parse as red source text, not an error", () => {
    const html = renderMarkdown("$\\frac{1}{$ and $\\undefinedmacro$");
    expect(html).toContain("\\undefinedmacro");
    expect(html).toContain("color:#cc0000");
  });

  it("does not let a user's link overwrite rel", () => {
    expect(renderMarkdown("[x](https://example.com)")).not.toContain('rel="noreferrer"');
    expect(renderMarkdown("[x](mailto:a@example.com)")).toContain('href="mailto:a@example.com"');
  });
});

describe("markdownExcerpt", () => {
  it("keeps the words and drops the markup", () => {
    expect(markdownExcerpt("# Newton's method\n\nFinds a **root** of `f` — see [the docs](https://x.example).\n\n- fast\n- simple")).toBe(
      "Newton's method Finds a root of f — see the docs. fast simple",
    );
  });

  it("cuts long text at a word boundary", () => {
    const excerpt = markdownExcerpt("word ".repeat(100), 42);
    expect(excerpt.length).toBeLessThanOrEqual(43);
    expect(excerpt).toMatch(/^(word )+word…$/);
  });

  it("keeps a formula's source", () => {
    expect(markdownExcerpt("Area $\\pi r^2$ of a disc")).toBe("Area \\pi r^2 of a disc");
  });

  it("leaves raw HTML as harmless text", () => {
    expect(markdownExcerpt("<script>alert(1)</script>")).toBe("<script>alert(1)</script>");
  });
});
