import { expect, type PlaywrightWorkerArgs } from "@playwright/test";

/**
 * Fails (never skips) when the site's execution service does not run code: the README's test
 * command installs everything Run needs, so a missing service is a broken setup, and a skipped
 * Run test would hide it. Call from `test.beforeAll`.
 */
export async function expectExecService(playwright: PlaywrightWorkerArgs["playwright"], baseURL: string | undefined): Promise<void> {
  const api = await playwright.request.newContext({ baseURL });
  try {
    const res = await api.post("/api/v1/exec", { data: { code: "print('ok')" }, timeout: 60_000 });
    expect(res.status(), `the execution service is not running code: POST /api/v1/exec answered ${res.status()}: ${(await res.text()).slice(0, 300)}`).toBe(
      200,
    );
  } finally {
    await api.dispose();
  }
}
