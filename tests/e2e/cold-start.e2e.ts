// A volunteer's first open (issue 13): the first question shows before the rest of the app has
// arrived, and nothing typed into it is lost when the rest does (every other string, the later
// steps' code), in Vietnamese or English. The rest is held back at the network until the test
// has typed, so the order is certain rather than a race.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { launchProfile, makeProfileDir, startServer } from './helpers/browser.js';

/** Holds requests matching `pattern` until release(); says whether any came. */
async function holdBack(page: Page, pattern: RegExp) {
  const held: Route[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  await page.route(pattern, async (route) => {
    held.push(route);
    await released;
    await route.continue();
  });
  return { held, release };
}

describe('cold start: the first question before the rest', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const profiles: { remove(): void }[] = [];
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    for (const p of profiles) p.remove();
    await server?.close().catch(() => undefined);
  });

  async function newPhone(): Promise<Page> {
    const profile = makeProfileDir();
    profiles.push(profile);
    const context = await launchProfile(profile.dir);
    contexts.push(context);
    return context.pages()[0] ?? context.newPage();
  }

  it('keeps what was typed into the first question while the rest of the app loads', async () => {
    const page = await newPhone();
    const rest = await holdBack(page, /\/assets\/(all-locales|later-steps)-[^/]+\.js$/);
    await page.goto(server.url);
    await page.getByTestId('new-survey').click();
    // The first question is up and takes input with the rest still held back.
    await page.getByTestId('house-number').fill('42A');
    await page.getByTestId('lane').pressSequentially('Ngõ Chợ');
    await page.getByTestId('group-select').selectOption('TDP02');
    expect(rest.held.length).toBeGreaterThan(0);
    expect(await page.getByTestId('step-next').textContent()).toBe('Tiếp tục');

    const arrived = page.waitForResponse(/\/assets\/all-locales-[^/]+\.js$/);
    rest.release();
    await arrived;
    // The strings arriving re-render every screen: what was typed stays, and the draft has it.
    await page.getByTestId('draft-state').and(page.locator('[data-state="saved"]')).waitFor();
    expect(await page.getByTestId('house-number').inputValue()).toBe('42A');
    expect(await page.getByTestId('lane').inputValue()).toBe('Ngõ Chợ');
    expect(await page.getByTestId('group-select').inputValue()).toBe('TDP02');
    // The next step (its code arrived with the rest) is in Vietnamese, and going back keeps the answers.
    await page.getByTestId('step-next').click();
    await page.getByTestId('step-title').filter({ hasText: 'Kết quả đến hộ' }).waitFor();
    await page.locator('#field-outcome').waitFor();
    await page.getByTestId('step-back').click();
    expect(await page.getByTestId('house-number').inputValue()).toBe('42A');
  });

  it('switches to English before the rest has arrived, and the rest comes in English', async () => {
    const page = await newPhone();
    const rest = await holdBack(page, /\/assets\/all-locales-[^/]+\.js$/);
    await page.goto(server.url);
    await page.getByTestId('language-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.getByTestId('new-survey').textContent()).toBe('New household survey');
    await page.getByTestId('new-survey').click();
    await page.getByTestId('house-number').fill('7');
    rest.release();
    await page.getByTestId('group-select').selectOption('TDP01');
    await page.getByTestId('step-next').click();
    await page.getByTestId('step-title').filter({ hasText: 'Visit outcome' }).waitFor();
    await page.locator('#field-outcome').waitFor();
    expect(await page.getByTestId('step-next').textContent()).toBe('Continue');
    // A reload starts in English from the first paint.
    await page.goto(`${server.url}/#/`);
    await page.reload();
    expect(await page.getByTestId('new-survey').textContent()).toBe('New household survey');
  });

  it('paints Home from the HTML; its inline script is allowed by its hash in the CSP; a tap before any script has run opens a new survey', async () => {
    const response = await fetch(server.url);
    const html = await response.text();
    expect(html).toMatch(/<div id="root"><div id="shell">.*data-testid="new-survey"/);
    // Two inline scripts: the first visit's early start at the top of <head>, the shell's after it.
    const scripts = [...html.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    const hashes = scripts.map((script) => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))?.trim()).toBe(`script-src 'self' ${hashes.join(' ')}`);
    expect(csp).not.toContain('unsafe-inline');

    const page = await newPhone();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
    });
    // The app's code is held back: what is on screen and works is the HTML and its inline script.
    const app = await holdBack(page, /\/assets\/(index|start)-[^/]+\.js$/);
    // Not waiting for "load" (nor DOMContentLoaded, which waits for module scripts): they are held.
    await page.goto(server.url, { waitUntil: 'commit' });
    await page.locator('#shell').getByTestId('new-survey').click();
    await page.waitForFunction(() => location.hash === '#/survey/new');
    expect(app.held.length).toBeGreaterThan(0);
    app.release();
    // The app gives the new survey its own draft id, replacing "new" in the history too.
    await page.waitForFunction(() => /^#\/survey\/[0-9a-f-]{36}$/.test(location.hash));
    // The app starts on the survey: the shell is gone and the first question takes input.
    await page.getByTestId('house-number').fill('5');
    await page.getByTestId('group-select').selectOption('TDP01');
    expect(await page.locator('#shell').count()).toBe(0);
    // Home too, through the app this time (its counts read), and no CSP violation anywhere.
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('count-today').filter({ hasText: /^\d+$/ }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });
});
