import type { Locator, Page } from "@playwright/test";

/**
 * Types `code` into a CodeMirror editor as a person would, line by line with Enter, undoing
 * CodeMirror's auto-indentation after each Enter so every line starts where the code says.
 */
export async function typeCode(page: Page, editor: Locator, code: string): Promise<void> {
  await editor.click();
  for (const [i, line] of code.split("\n").entries()) {
    if (i > 0) {
      await page.keyboard.press("Enter");
      await page.keyboard.press("Shift+Home");
      await page.keyboard.press("Delete");
    }
    await page.keyboard.type(line);
  }
}
