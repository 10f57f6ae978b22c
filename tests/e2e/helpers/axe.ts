// The accessibility check of the browser tests: axe-core's own source evaluated in the page (not
// addScriptTag: the app's Content-Security-Policy rightly refuses inline scripts),
// `axe.run` on the whole document, and its serious or critical violations as readable lines.
// Each screen is checked in Vietnamese, then in English (the topbar's language switch), then
// switched back, so one walk through the screens covers both languages.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core'), 'utf8');

interface AxeNode {
  target: string[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: AxeNode[];
}

/** Serious or critical violations on the page as it is now. */
export async function axeViolations(page: Page, screen: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function settle(page: Page, lang: 'vi' | 'en'): Promise<void> {
  await page.waitForFunction((l) => document.documentElement.lang === l && !document.querySelector('[data-loading="true"]'), lang);
}

/** The check in Vietnamese and in English; the page is left in Vietnamese. */
export async function axeBothLanguages(page: Page, screen: string): Promise<string[]> {
  await settle(page, 'vi');
  if (process.env.AXE_DEBUG) console.log('axe', screen, page.url());
  const found = await axeViolations(page, `${screen} (vi)`);
  // A dispatched click: a modal dialog makes the topbar inert to the pointer, not to events.
  await page.getByTestId('language-switch').dispatchEvent('click');
  await settle(page, 'en');
  found.push(...(await axeViolations(page, `${screen} (en)`)));
  await page.getByTestId('language-switch').dispatchEvent('click');
  await settle(page, 'vi');
  return found;
}
