import type { Page } from "@playwright/test";

/**
 * Records every Content-Security-Policy violation in `page` and its frames from now on: the
 * document's `securitypolicyviolation` events (an init script, which CSP does not govern) and
 * Chromium's console lines about a refused load. Returns the list it fills.
 */
export function watchCspViolations(page: Page): string[] {
  const seen: string[] = [];
  void page.exposeFunction("__cellarCspViolation", (line: string) => seen.push(line));
  void page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __cellarCspViolation?: (line: string) => void }).__cellarCspViolation;
      void report?.(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} on ${location.href}`);
    });
  });
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  return seen;
}
