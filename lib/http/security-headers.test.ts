import { describe, expect, it } from "vitest";
import { OUTPUT_FRAME_PATH, contentSecurityPolicy, isServedOverHttps, securityHeaders } from "./security-headers";

const base = { pathname: "/alice/snip", https: false, dev: false };

/** The CSP as a map from directive to its sources. */
function directives(csp: string): Map<string, string> {
  return new Map(csp.split(";").map((d) => d.trim().split(/\s+(.*)/s) as [string, string]));
}

describe("contentSecurityPolicy", () => {
  it("allows scripts only from our origin (inline: Next's bootstrap on cached pages), never eval in production", () => {
    const csp = directives(contentSecurityPolicy(base));
    expect(csp.get("script-src")).toBe("'self' 'unsafe-inline'");
    expect(csp.get("object-src")).toBe("'none'");
    expect(csp.get("default-src")).toBe("'self'");
  });

  it("lets next dev use eval, which React needs there", () => {
    expect(directives(contentSecurityPolicy({ ...base, dev: true })).get("script-src")).toContain("'unsafe-eval'");
  });

  it("keeps styles inline-able (KaTeX, CodeMirror)", () => {
    const style = directives(contentSecurityPolicy(base)).get("style-src") ?? "";
    expect(style).toContain("'unsafe-inline'");
    expect(style).not.toContain("nonce");
  });

  it("forbids framing pages, and frames loading other pages", () => {
    const csp = directives(contentSecurityPolicy(base));
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(csp.get("frame-src")).toBe("'self'");
  });

  it("gives the HTML output frame a policy of its own: inline script, no requests, framable inside embeds", () => {
    const csp = directives(contentSecurityPolicy({ ...base, pathname: OUTPUT_FRAME_PATH }));
    expect(csp.get("script-src")).toBe("'unsafe-inline'");
    expect(csp.get("default-src")).toBe("'none'");
    expect(csp.get("img-src")).toBe("data:");
    // An embedded cell's HTML output has the host page (another site) among its ancestors.
    expect(csp.get("frame-ancestors")).toBe("*");
    expect(csp.get("sandbox")).toBe("allow-scripts");
  });

  it("lets other sites frame the embed pages only", () => {
    for (const pathname of ["/embed/cell", "/alice/snip/embed"]) {
      const csp = directives(contentSecurityPolicy({ ...base, pathname }));
      expect(csp.has("frame-ancestors"), pathname).toBe(false);
      // The embed is a page of ours like any other: scripts from our origin only.
      expect(csp.get("script-src"), pathname).toBe("'self' 'unsafe-inline'");
    }
    for (const pathname of ["/alice/snip", "/alice/snip/embed/x", "/alice/snip/history", "/api/v1/x/embed", "/cell", "/embed.js", "/alice/embed"]) {
      expect(directives(contentSecurityPolicy({ ...base, pathname })).get("frame-ancestors"), pathname).toBe("'none'");
    }
  });

  it("upgrades insecure requests only over HTTPS", () => {
    expect(contentSecurityPolicy(base)).not.toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy({ ...base, https: true })).toContain("upgrade-insecure-requests");
  });
});

describe("user files", () => {
  it("get a sandbox policy with no script, on every route that serves them", () => {
    for (const pathname of ["/alice/snip/raw/HEAD/page.html", "/api/v1/snippets/alice/snip/raw/page.html", "/api/v1/runs/abc123/files/out/page.svg"]) {
      const csp = directives(contentSecurityPolicy({ ...base, pathname }));
      expect(csp.has("sandbox"), pathname).toBe(true);
      expect(csp.get("default-src"), pathname).toBe("'none'");
      expect(csp.has("script-src"), pathname).toBe(false);
      expect(securityHeaders({ ...base, pathname })["Referrer-Policy"], pathname).toBe("no-referrer");
    }
  });

  it("are not pages that merely look like their paths", () => {
    for (const pathname of ["/alice/raw", "/tags/calculus/raw/x", "/api/v1/runs/abc123/files", "/alice/snip/history"]) {
      expect(directives(contentSecurityPolicy({ ...base, pathname })).has("sandbox"), pathname).toBe(false);
    }
  });
});

describe("securityHeaders", () => {
  it("sends nosniff and a referrer policy that keeps our paths to ourselves", () => {
    const headers = securityHeaders(base);
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    expect(headers["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
  });

  it("sends HSTS over HTTPS only", () => {
    expect(securityHeaders(base)["Strict-Transport-Security"]).toBeUndefined();
    expect(securityHeaders({ ...base, https: true })["Strict-Transport-Security"]).toMatch(/^max-age=\d{7,}/);
  });
});

describe("isServedOverHttps", () => {
  it("is true for an https public origin", () => {
    expect(isServedOverHttps({ authUrl: "https://cellar.example.org", trustProxy: 0, forwardedProto: null })).toBe(true);
    expect(isServedOverHttps({ authUrl: "http://127.0.0.1:3000", trustProxy: 0, forwardedProto: null })).toBe(false);
  });

  it("believes X-Forwarded-Proto only behind a trusted proxy, and only its own (right-most) entry", () => {
    expect(isServedOverHttps({ authUrl: undefined, trustProxy: 0, forwardedProto: "https" })).toBe(false);
    expect(isServedOverHttps({ authUrl: undefined, trustProxy: 1, forwardedProto: "https" })).toBe(true);
    expect(isServedOverHttps({ authUrl: undefined, trustProxy: 1, forwardedProto: "https, http" })).toBe(false);
    expect(isServedOverHttps({ authUrl: undefined, trustProxy: 2, forwardedProto: "https, http" })).toBe(true);
  });
});
