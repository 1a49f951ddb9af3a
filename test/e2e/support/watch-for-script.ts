import type { Page } from "@playwright/test";

/**
 * Where hostile payloads point images and links: the discard port on loopback, which nothing
 * serves. A request to it means a payload made the page load something.
 */
const PIXEL_ORIGIN = "http://127.0.0.1:9/";

/**
 * Records anything a script on the page managed to do: a dialog (dismissed, so the page goes
 * on), a console line saying PWNED (what the payloads print), and any request to PIXEL_ORIGIN.
 * Returns the list it fills; a test expects it empty after giving handlers their chance.
 */
export function watchForScript(page: Page): string[] {
  const ran: string[] = [];
  page.on("dialog", (d) => {
    ran.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("console", (m) => {
    if (m.text().includes("PWNED")) ran.push(`console: ${m.text()}`);
  });
  page.on("request", (r) => {
    if (r.url().startsWith(PIXEL_ORIGIN)) ran.push(`request: ${r.url()}`);
  });
  return ran;
}
