// Screenshots for a person to look at: written only when SCREENSHOT_DIR is set (never in CI).
import path from 'node:path';
import type { Page } from 'playwright-core';

export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage });
}
