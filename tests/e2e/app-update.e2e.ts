// An app update is offered, never forced, and a deploy while a volunteer is mid-form never
// loses the form (issue 14 point 4). The ward server is really redeployed: stopped, its build
// replaced by a SECOND build (index.html with another precache revision and a build marker, its
// stylesheet under a new hashed name with the old one deleted from the server, a new service
// worker), and started again on the same address. Then:
// - the new service worker waits; the volunteer sees "Có phiên bản mới — Cập nhật"; the open
//   form is not reloaded under their fingers and keeps working on the old build (its files come
//   from the old worker's cache, though the server no longer has them);
// - after they tap "Cập nhật" the page reloads into the second build with the draft intact,
//   including what was typed just before the tap;
// - a volunteer who never taps it and whose app is closed mid-form (the phone killed the tab)
//   opens the second build next time, the half-filled form still there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { buildServer } from '../../src/server/app.js';
import { openServerDb } from '../../src/server/db/connect.js';
import { launchProfile, makeProfileDir } from './helpers/browser.js';
import { SurveyPage } from './helpers/survey-page.js';

/** The ward server on `root`, on `port` (0: any); redeploying is close() then start again. */
async function startWard(root: string, dataDir: string, port = 0): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const db = await openServerDb({ dataDir });
  const app: FastifyInstance = await buildServer({ db, staticRoot: root, seedsDir: 'seeds/wards' });
  await app.listen({ host: '127.0.0.1', port });
  const bound = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: async () => {
      // A stopped server drops its connections (the browser keeps idle ones open for minutes).
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
      await db.close();
    },
  };
}

/**
 * Turns the build in `root` into a second build, as a new `npm run build` would differ: the
 * stylesheet gets a new hashed name (the old file is gone), index.html links it and carries a
 * marker, and sw.js's precache manifest names both with new revisions. Compressed copies of
 * changed files are removed (a real build writes new ones; without them the file is sent).
 */
function writeSecondBuild(root: string, build: string): void {
  const html = readFileSync(path.join(root, 'index.html'), 'utf8');
  const css = /assets\/(index-[\w-]+)\.css/.exec(html)![0];
  const newCss = css.replace('.css', `-${build}.css`);
  writeFileSync(path.join(root, newCss), `${readFileSync(path.join(root, css), 'utf8')}\n/* ${build} */\n`);
  for (const f of [css, `${css}.br`, `${css}.gz`, 'index.html.br', 'index.html.gz', 'sw.js.br', 'sw.js.gz']) rmSync(path.join(root, f), { force: true });
  writeFileSync(path.join(root, 'index.html'), html.replace(css, newCss).replace(/<meta name="go-cua-build"[^>]*>/, '').replace('</head>', `<meta name="go-cua-build" content="${build}"></head>`));
  const sw = readFileSync(path.join(root, 'sw.js'), 'utf8');
  const next = sw
    .replace(`{url:"${css}",revision:null}`, `{url:"${newCss}",revision:null}`)
    .replace(/\{url:"index\.html",revision:"[^"]+"\}/, `{url:"index.html",revision:"${build}-${Date.now().toString(16)}"}`);
  if (next === sw || !next.includes(newCss)) throw new Error('the precache manifest of sw.js was not found');
  writeFileSync(path.join(root, 'sw.js'), next);
}

/** Polls `condition` inside the origin's service worker until it holds (a condition, not a sleep). */
async function waitForWorker(context: BrowserContext, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const worker of context.serviceWorkers()) {
      if (await worker.evaluate(condition).catch(() => false)) return;
    }
    if (Date.now() > deadline) throw new Error('the waiting service worker did not take over');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const buildMarker = (page: Page) => page.evaluate(() => document.querySelector('meta[name="go-cua-build"]')?.getAttribute('content') ?? null);

describe('app update while a volunteer is mid-form', () => {
  const profile = makeProfileDir();
  // A copy of the build, so the test can deploy a second one over it.
  const root = mkdtempSync(path.join(tmpdir(), 'go-cua-dist-'));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'go-cua-e2e-update-'));
  let ward: Awaited<ReturnType<typeof startWard>>;
  let context: BrowserContext;
  let page: Page;

  /** Stops the server, writes the next build in place, starts it again on the same address. */
  async function deploy(build: string): Promise<void> {
    await ward.close();
    writeSecondBuild(root, build);
    ward = await startWard(root, dataDir, ward.port);
  }

  beforeAll(async () => {
    cpSync('dist', root, { recursive: true });
    ward = await startWard(root, dataDir);
    context = await launchProfile(profile.dir);
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await ward?.close().catch(() => undefined);
    profile.remove();
    rmSync(root, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('offers the update, keeps the old build working without reloading, and keeps the draft across the update', async () => {
    await page.goto(ward.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await buildMarker(page)).toBeNull();
    const s = new SurveyPage(page);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP02', '42', 'Ngõ Chợ', '');
    await page.evaluate(() => ((window as unknown as { beforeUpdate: boolean }).beforeUpdate = true));

    await deploy('b2');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await page.getByTestId('update-button').waitFor();
    expect(await page.getByTestId('update-button').textContent()).toBe('Cập nhật');
    // Still the same document with the form as typed: nothing reloaded on its own.
    expect(await page.evaluate(() => (window as unknown as { beforeUpdate?: boolean }).beforeUpdate)).toBe(true);
    expect(await page.getByTestId('house-number').inputValue()).toBe('42');
    // The old build keeps working: the next steps open (their code from the old worker's cache).
    await s.next('outcome');
    await s.radio('field-outcome', 'surveyed');
    await s.next('consent');
    await s.consentByHead('verbal');
    await page.getByTestId('step-back').click();
    await s.expectStep('outcome');
    await page.getByTestId('step-back').click();
    await s.expectStep('address');

    // Typed just before tapping: the flush on update must keep it even inside the debounce.
    await page.getByTestId('lane').fill('Ngõ Chợ Cũ');
    await Promise.all([page.waitForEvent('load'), page.getByTestId('update-button').click()]);
    await s.expectStep('address');
    expect(await page.evaluate(() => (window as unknown as { beforeUpdate?: boolean }).beforeUpdate)).toBeUndefined();
    expect(await buildMarker(page)).toBe('b2');
    expect(await page.getByTestId('house-number').inputValue()).toBe('42');
    expect(await page.getByTestId('lane').inputValue()).toBe('Ngõ Chợ Cũ');
    expect(await page.getByTestId('update-button').count()).toBe(0);
    // What was chosen on the later steps is in the draft too.
    await s.next('outcome');
    expect(await page.locator('#field-outcome input[value="surveyed"]').isChecked()).toBe(true);
  });

  it('a volunteer who never taps "Cập nhật" and whose app is closed mid-form opens the next build with the form kept', async () => {
    await page.goto(`${ward.url}/#/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const s = new SurveyPage(page);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP05', '7', 'Ngõ Mới', 'Lê Lai');
    await page.locator('[data-testid="draft-state"][data-state="saved"]').waitFor();
    const draftUrl = page.url();

    await deploy('b3');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await page.getByTestId('update-button').waitFor();
    // The phone kills the tab (the volunteer never tapped the prompt): no page of the app is open,
    // so the waiting worker takes over at the next start.
    await page.close();
    // The browser promotes the waiting worker once the old one controls no page: waited for in
    // the service worker itself (Chromium lists the origin's workers to the test).
    await waitForWorker(context, () => {
      const registration = (self as unknown as { registration: ServiceWorkerRegistration }).registration;
      return registration.waiting === null && registration.installing === null && registration.active !== null;
    });
    page = await context.newPage();
    await page.goto(ward.url);
    await page.getByTestId('new-survey').waitFor();
    expect(await buildMarker(page)).toBe('b3');
    expect(await page.getByTestId('update-button').count()).toBe(0);
    await page.goto(draftUrl);
    const again = new SurveyPage(page);
    await again.expectStep('address');
    expect(await page.getByTestId('house-number').inputValue()).toBe('7');
    expect(await page.getByTestId('lane').inputValue()).toBe('Ngõ Mới');
    expect(await page.getByTestId('street').inputValue()).toBe('Lê Lai');
  });
});
