// Counts a volunteer's taps in the page itself, as issue 11 defines them: a tap is a touch on a
// control (a pointer press: a button, a choice, focusing a text field), and a <select> choice is
// one tap; typed characters — and the keyboard's own keys, such as its "next" key — are not
// taps. The count comes from real pointer events, so a field the app focuses by itself costs
// nothing and a field the test has to click is counted.
import type { BrowserContext, Page } from 'playwright-core';

const COUNTER = `
  window.__taps = 0;
  window.__tapping = false;
  document.addEventListener('pointerdown', (e) => { if (window.__tapping && e.isTrusted) window.__taps++; }, true);
  document.addEventListener('change', (e) => { if (window.__tapping && e.target && e.target.tagName === 'SELECT') window.__taps++; }, true);
`;

export async function installTapCounter(context: BrowserContext): Promise<void> {
  await context.addInitScript(COUNTER);
}

/** Starts counting from zero (the count lives in the page: the survey must stay one document). */
export async function startCounting(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __taps: number; __tapping: boolean };
    w.__taps = 0;
    w.__tapping = true;
  });
}

export function taps(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __taps: number }).__taps);
}
