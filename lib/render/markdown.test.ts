import { describe, expect, it } from "vitest";

import { markdownExcerpt, renderMarkdown, sanitizeMarkdownHtml } from "./markdown";
import { MATH_TAGS } from "./markdown-math";

type Element = { tag: string; attributes: Map<string, string> };

/**
 * The elements in sanitize-html's output. Its serialiser always double-quotes attribute values and
 * escapes `<` in text, so this small tokenizer sees exactly the tags a browser would build.
 */
function elements(html: string): Element[] {
  const found: Element[] = [];
  for (const [, tag = "", rest = ""] of html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>\/]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attributes = new Map<string, string>();
    for (const [, name = "", value = ""] of rest.matchAll(/([^\s=>\/]+)(?:="([^"]*)")?/g)) {
      attributes.set(name.toLowerCase(), decodeEntities(value));
    }
    found.push({ tag: tag.toLowerCase(), attributes });
  }
  return found;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

const SAFE_TAGS = new Set([
  ..."h1 h2 h3 h4 h5 h6 p br hr blockquote pre code ul ol li em strong s del a img table thead tbody tr th td".split(" "),
  ...MATH_TAGS,
]);

/** KaTeX's inline styles: sizes, offsets, colours and `position: relative`, nothing that loads or covers. */
function unsafeStyle(style: string): boolean {
  return style
    .split(";")
    .filter((d) => d.trim())
    .some((declaration) => {
      const [property = "", value = ""] = declaration.split(/:(.*)/s).map((p) => p.trim().toLowerCase());
      if (/url\(|expression|javascript|@import|\\/.test(value)) return true;
      if (property === "position") return value !== "relative";
      return /^(display|visibility|z-index|content|opacity|transform|left|right|inset|font|background(-image)?|cursor|pointer-events)$/.test(property);
    });
}

/** Everything in rendered markdown that could run script, restyle the page or load from elsewhere. */
function problems(html: string): string[] {
  const found: string[] = [];
  for (const { tag, attributes } of elements(html)) {
    if (!SAFE_TAGS.has(tag)) found.push(`<${tag}>`);
    for (const [name, value] of attributes) {
      if (name.startsWith("on") || name === "srcset") found.push(`${tag}[${name}]`);
      if (name === "style" && (!["span", "svg"].includes(tag) || unsafeStyle(value))) found.push(`${tag}[style=${value}]`);
      if (name === "class" && !["span", "p", "code", "th", "td"].includes(tag)) found.push(`${tag}[class]`);
      if (name === "href" || name === "src") {
        // Browsers ignore whitespace and control characters inside a URL scheme.
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value.replace(/[\u0000-\u0020]/g, ""))?.[1]?.toLowerCase();
        if (scheme && !["http", "https", "mailto"].includes(scheme)) found.push(`${tag}[${name}=${scheme}:]`);
      }
    }
    if (tag === "img" && !/^https:\/\//.test(attributes.get("src") ?? "")) found.push("img without https src");
    if (tag === "a" && attributes.get("rel") !== "nofollow ugc noopener") found.push("a without rel");
  }
  return found;
}

const PAYLOADS: Record<string, string> = {
  "script tag": "<script>alert(1)</script>",
  "script split across lines": "<scr\nipt>alert(1)</script>",
  "img onerror": '<img src=x onerror="alert(1)">',
  "svg onload": "<svg onload=alert(1)>",
  iframe: '<iframe src="https://evil.example"></iframe>',
  "style attribute": '<p style="background:url(javascript:alert(1))">x</p>',
  "style tag": "<style>body{display:none}</style>",
  "javascript link": "[x](javascript:alert(1))",
  "mixed-case javascript link": "[x](JaVaScRiPt:alert(1))",
  "raw mixed-case javascript anchor": '<a href="JaVaScRiPt:alert(1)">x</a>',
  "entity-encoded javascript link": "[x](&#106;avascript:alert(1))",
  "javascript link with whitespace": "[x]( javascript:alert(1) )",
  "tab in scheme": "[x](java\tscript:alert(1))",
  "vbscript link": "[x](vbscript:msgbox(1))",
  "data link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "data image": "![x](data:image/png;base64,iVBORw0KGgo=)",
  "svg data image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
  "http image": "![x](http://tracker.example/pixel.png)",
  "javascript image": "![x](javascript:alert(1))",
  "reference link": "[x][r]\n\n[r]: javascript:alert(1)",
  "autolink": "<javascript:alert(1)>",
  "quote breaking out of attribute": '[x](https://example.com/"onmouseover="alert(1))',
  "title breaking out of attribute": '[x](https://example.com "a\\" onmouseover=\\"alert(1)")',
  "object and embed": '<object data="x.swf"></object><embed src="x.swf">',
  "form": '<form action="https://evil.example"><input name=x></form>',
  "html comment trick": "<!--><script>alert(1)</script>-->",
  "math \\href": "$\\href{javascript:alert(1)}{click}$",
  "math \\url": "$\\url{javascript:alert(1)}$",
  "math \\includegraphics": "$\\includegraphics{http://tracker.example/pixel.png}$",
  "math \\htmlStyle": "$\\htmlStyle{position:fixed;top:0;left:0;width:100vw;height:100vh}{x}$",
  "math \\htmlClass and \\htmlId": "$\\htmlClass{skip-link}{x}\\htmlId{main}{y}\\htmlData{foo=bar}{z}$",
  "math colour breaking out of style": "$\\color{red;position:fixed}{x}$ $\\color{url(javascript:alert(1))}{x}$",
  "math text with HTML": "$\\text{<img src=x onerror=alert(1)>}$",
  "math display with script": "$$\n</span><script>alert(1)</script>\n$$",
  "math huge rule": "$\\rule{10000em}{10000em}$",
  "math inside link text": "[$x$](javascript:alert(1))",
  "math with raw html around": "<b onclick=alert(1)>$x$</b>",
};

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
      problems('<p><img src="x" onerror="alert(1)"></p><a href=" java\tscript:x">y</a><iframe></iframe><span style="position:fixed"></span><p style="color:red"></p>'),
    ).toEqual(["img[onerror]", "img without https src", "a[href=javascript:]", "a without rel", "<iframe>", "span[style=position:fixed]", "p[style=color:red]"]);
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
