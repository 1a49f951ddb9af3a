/**
 * Hostile Markdown and a check of rendered HTML for anything that could run script, restyle the
 * page or load from elsewhere: shared by every test of what users write (Markdown rendering,
 * comment previews).
 */
import { MATH_TAGS } from "@/lib/render/markdown-math";

type Element = { tag: string; attributes: Map<string, string> };

/**
 * The elements in sanitize-html's output. Its serialiser always double-quotes attribute values and
 * escapes `<` in text, so this small tokenizer sees exactly the tags a browser would build.
 */
function elements(html: string): Element[] {
  const found: Element[] = [];
  for (const [, tag = "", rest = ""] of html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attributes = new Map<string, string>();
    for (const [, name = "", value = ""] of rest.matchAll(/([^\s=>/]+)(?:="([^"]*)")?/g)) {
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
export function markupProblems(html: string): string[] {
  const found: string[] = [];
  for (const { tag, attributes } of elements(html)) {
    if (!SAFE_TAGS.has(tag)) found.push(`<${tag}>`);
    for (const [name, value] of attributes) {
      if (name.startsWith("on") || name === "srcset") found.push(`${tag}[${name}]`);
      if (name === "style" && (!["span", "svg"].includes(tag) || unsafeStyle(value))) found.push(`${tag}[style=${value}]`);
      if (name === "class" && !["span", "p", "code", "th", "td"].includes(tag)) found.push(`${tag}[class]`);
      if (name === "href" || name === "src") {
        // Browsers ignore whitespace and control characters inside a URL scheme.
        // eslint-disable-next-line no-control-regex -- matching control characters is the point.
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value.replace(/[\u0000-\u0020]/g, ""))?.[1]?.toLowerCase();
        if (scheme && !["http", "https", "mailto"].includes(scheme)) found.push(`${tag}[${name}=${scheme}:]`);
      }
    }
    if (tag === "img" && !/^https:\/\//.test(attributes.get("src") ?? "")) found.push("img without https src");
    if (tag === "a" && attributes.get("rel") !== "nofollow ugc noopener") found.push("a without rel");
  }
  return found;
}

/**
 * Markdown written to attack: scripts, handlers, hostile URLs and styles, raw and through Markdown
 * and KaTeX. The sanitiser's unit tests (lib/render/markdown.test.ts) and the comment preview's
 * integration test run each through the renderer and expect no {@link markupProblems}.
 */
export const HOSTILE_MARKDOWN: Record<string, string> = {
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
  autolink: "<javascript:alert(1)>",
  "quote breaking out of attribute": '[x](https://example.com/"onmouseover="alert(1))',
  "title breaking out of attribute": '[x](https://example.com "a\\" onmouseover=\\"alert(1)")',
  "object and embed": '<object data="x.swf"></object><embed src="x.swf">',
  form: '<form action="https://evil.example"><input name=x></form>',
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
