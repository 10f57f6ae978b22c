// An app update is offered, never forced: a new service worker waits, the volunteer sees
// "Có phiên bản mới — Cập nhật", the open form is not reloaded under their fingers, and after
// they tap "Cập nhật" the page reloads into the new version with the draft intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchProfile, makeProfileDir, startServer } from './helpers/browser.js';
import { SurveyPage } from './helpers/survey-page.js';

describe('app update', () => {
  const profile = makeProfileDir();
  // A copy of the build, so the test can publish a "new version" of the service worker.
  const root = mkdtempSync(path.join(tmpdir(), 'go-cua-dist-'));
  let server: Awaited<ReturnType<typeof startServer>>;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    cpSync('dist', root, { recursive: true });
    server = await startServer(root);
    context = await launchProfile(profile.dir);
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    profile.remove();
    rmSync(root, { recursive: true, force: true });
  });

  it('offers the update, does not reload by itself, and keeps the draft across the update', async () => {
    await page.goto(server.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const s = new SurveyPage(page);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP02', '42', 'Ngõ Chợ', '');
    await page.evaluate(() => ((window as unknown as { beforeUpdate: boolean }).beforeUpdate = true));

    appendFileSync(path.join(root, 'sw.js'), '\n// new version\n');
    // The build's compressed copies of sw.js would still be the old version (a real deploy
    // writes a whole new build, copies included): without them the server sends the file.
    for (const copy of ['sw.js.br', 'sw.js.gz']) rmSync(path.join(root, copy), { force: true });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await page.getByTestId('update-button').waitFor();
    expect(await page.getByTestId('update-button').textContent()).toBe('Cập nhật');
    // Still the same document with the form as typed: nothing reloaded on its own.
    expect(await page.evaluate(() => (window as unknown as { beforeUpdate?: boolean }).beforeUpdate)).toBe(true);
    expect(await page.getByTestId('house-number').inputValue()).toBe('42');

    // Typed just before tapping: the flush on update must keep it even inside the debounce.
    await page.getByTestId('lane').fill('Ngõ Chợ Cũ');
    await Promise.all([page.waitForEvent('load'), page.getByTestId('update-button').click()]);
    await s.expectStep('address');
    expect(await page.evaluate(() => (window as unknown as { beforeUpdate?: boolean }).beforeUpdate)).toBeUndefined();
    expect(await page.getByTestId('house-number').inputValue()).toBe('42');
    expect(await page.getByTestId('lane').inputValue()).toBe('Ngõ Chợ Cũ');
    expect(await page.getByTestId('update-button').count()).toBe(0);
  });
});
