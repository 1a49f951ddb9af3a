import { execFileSync } from "node:child_process";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests drive Debian's Chromium against the built site, started by
 * test/e2e/support/serve-fresh.ts with a fresh Postgres database and temp directories.
 *
 * This file is evaluated by the runner and again by every worker. The runner picks the port
 * once and leaves it in the environment, which the workers inherit, so all agree on it.
 */
process.env.CELLAR_E2E_PORT ??= freePort();
const port = Number(process.env.CELLAR_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
// A second site whose execution sessions end after a few idle seconds, for the tests of what a
// reader sees when a live interact's session ends (test/e2e/interact-expiry.spec.ts); it has no
// Sage kernel.
process.env.CELLAR_E2E_SHORT_PORT ??= freePort();
const shortPort = Number(process.env.CELLAR_E2E_SHORT_PORT);
export const SHORT_IDLE_SECONDS = 6;
// A static page on another origin that uses the main site's Jupyter API through Thebe
// (test/e2e/thebe.spec.ts serves it on this port); the site lets that origin in.
process.env.CELLAR_E2E_STATIC_PORT ??= freePort();
const staticPort = Number(process.env.CELLAR_E2E_STATIC_PORT);

export default defineConfig({
  testDir: "test/e2e",
  outputDir: "test-results/e2e",
  // A flaky test is fixed, not retried.
  retries: 0,
  workers: 2,
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  timeout: 30_000,
  reporter: [
    ["list"],
    // scripts/test.sh reads the counts from here for its summary line.
    ["json", { outputFile: process.env.CELLAR_E2E_JSON ?? "test-results/e2e.json" }],
  ],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium; Playwright's own browser download does not work on these machines.
      executablePath: "/usr/bin/chromium",
      // WebGL (the 3D viewer, test/e2e/scene3d.spec.ts) works with these flags, --disable-gpu
      // included: Chromium 156 falls back to SwiftShader (WebGL 2 through ANGLE on Vulkan) by
      // itself. Should a newer Chromium stop doing that, add "--enable-unsafe-swiftshader".
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: [
    {
      command: "npx --no-install tsx test/e2e/support/serve-fresh.ts",
      url: `${baseURL}/`,
      env: { CELLAR_E2E_PORT: String(port), JUPYTER_ALLOW_ORIGINS: `http://127.0.0.1:${staticPort}` },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      // The wrapper drops its database and temp directories on SIGTERM; SIGKILL would leak them.
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    },
    {
      command: "npx --no-install tsx test/e2e/support/serve-fresh.ts",
      url: `http://127.0.0.1:${shortPort}/`,
      // Without Sage: what a server without SageMath says (test/e2e/kernel.spec.ts), and no
      // Sage zygotes competing for the CPU with the main site's.
      env: { CELLAR_E2E_PORT: String(shortPort), EXEC_IDLE_SECONDS: String(SHORT_IDLE_SECONDS), EXEC_SAGE: "0" },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    },
  ],
});

/** Asks the kernel for a free loopback port (synchronously: a config file cannot await). */
function freePort(): string {
  const script = "const s=require('node:net').createServer();" + "s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim();
}
