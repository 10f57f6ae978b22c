// The offline promise, end to end in real Chromium against the production build served by the
// ward endpoint: after one online visit the app opens, surveys, saves, lists and searches with
// the network off; drafts survive a closed page; everything survives a browser restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchProfile, makeProfileDir, startServer } from './helpers/browser.js';
import { SurveyPage } from './helpers/survey-page.js';

describe('offline household survey', () => {
  const profile = makeProfileDir();
  let server: Awaited<ReturnType<typeof startServer>>;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    context = await launchProfile(profile.dir);
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    profile.remove();
  });

  it('is controlled by the service worker after the first online visit, then works offline', async () => {
    await page.goto(server.url);
    await page.getByTestId('new-survey').waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('new-survey').waitFor();
    await page.getByTestId('offline-banner').waitFor();
    expect(await page.getByTestId('new-survey').textContent()).toBe('Khảo sát hộ mới');
  });

  it('completes a household with 3 members offline, and lists and finds it after a reload', async () => {
    const s = new SurveyPage(page);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP03', '15', 'Ngõ 7', 'Lê Lợi');
    await s.next('outcome');
    await s.radio('field-outcome', 'surveyed');
    await s.next('consent');
    // Nothing is pre-ticked, and continuing without consent is refused beside the box.
    expect(await page.getByTestId('consent-given').isChecked()).toBe(false);
    await page.getByTestId('step-next').click();
    await page.locator('.field--error [data-testid="consent-given"]').waitFor();
    await s.expectStep('consent');
    await s.consentByHead('verbal');
    await s.next('members');
    await s.addMember(0, { name: 'Nguyễn Văn Minh', birthYear: '1975', relation: 'head', sex: 'male' }, true);
    await s.addMember(1, { name: 'Trần Thị Dũng', birthYear: '79', relation: 'spouse', sex: 'female' }, true);
    await s.addMember(2, { name: 'Nguyễn Văn Bé', birthYear: '2018', relation: 'child', sex: 'male' }, false);
    // Two closed cards (summary rows) and the open one.
    expect(await page.getByTestId('member-row').count()).toBe(2);
    expect(await page.getByTestId('member-editor').count()).toBe(1);
    await s.next('devices');
    await page.getByTestId('smartphones').fill('2');
    for (const k of ['computerOrTablet', 'fixedBroadband', 'fibre', 'wifi']) await s.radio(`field-devices-${k}`, 'yes');
    await s.radio('field-payments-billsCashless', 'yes');
    await s.radio('field-payments-businessAcceptsQr', 'no_business');
    await s.next('review');
    await s.save();
    expect(await page.getByTestId('record-members').locator('li').count()).toBe(3);
    expect(await page.getByTestId('sync-state').textContent()).toBe('Chờ đồng bộ');

    await page.reload();
    await page.getByTestId('record-screen').waitFor();
    await page.goto(`${server.url}/#/list`);
    await page.locator('[data-testid="list-row"][data-kind="record"]').first().waitFor();
    await page.getByTestId('search-input').fill('nguyen van minh');
    await page.locator('[data-testid="result-count"][data-count="1"]').waitFor();
    expect(await page.getByTestId('list-row').first().textContent()).toContain('15, Ngõ 7, Lê Lợi');
    await page.getByTestId('search-input').fill('dung');
    await page.locator('[data-testid="result-count"][data-count="1"]').waitFor();
    await page.getByTestId('search-input').fill('khong co ai');
    await page.locator('[data-testid="result-count"][data-count="0"]').waitFor();
  });

  it('restores a draft after the page is closed halfway through a survey', async () => {
    await page.goto(`${server.url}/#/`);
    const s = new SurveyPage(page);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP05', '88', 'Ngõ Đồng Tâm', '');
    await page.locator('[data-testid="draft-state"][data-state="saved"]').waitFor();
    await page.close();

    page = await context.newPage();
    await page.goto(`${server.url}/#/list`);
    const draftRow = page.locator('[data-testid="list-row"][data-kind="draft"]');
    await draftRow.waitFor();
    expect(await draftRow.textContent()).toContain('88, Ngõ Đồng Tâm');
    await draftRow.locator('a').click();
    const restored = new SurveyPage(page);
    await restored.expectStep('address');
    expect(await page.getByTestId('house-number').inputValue()).toBe('88');
    expect(await page.getByTestId('lane').inputValue()).toBe('Ngõ Đồng Tâm');
    expect(await page.getByTestId('group-select').inputValue()).toBe('TDP05');
  });

  it('survives a browser restart with the server stopped: opens from the service worker with the data', async () => {
    await context.close();
    await server.close();
    context = await launchProfile(profile.dir);
    await context.setOffline(true);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/#/list`);
    await page.locator('[data-testid="list-row"][data-kind="record"]').waitFor();
    await page.getByTestId('search-input').fill('NGUYEN');
    await page.locator('[data-testid="result-count"][data-count="1"]').waitFor();
    expect(await page.locator('[data-testid="list-row"][data-kind="record"]').textContent()).toContain('15, Ngõ 7');
    await page.goto(`${server.url}/#/`);
    // One draft (the page closed halfway) and one saved household waiting to sync.
    await page.waitForFunction(() => document.querySelector('[data-testid="count-drafts"]')?.textContent === '1');
    await page.waitForFunction(() => document.querySelector('[data-testid="count-outbox"]')?.textContent === '1');
  });

  it('switches to English and keeps the choice across a reload (still offline)', async () => {
    await page.getByTestId('language-switch').click();
    await page.getByText('New household survey').waitFor();
    await page.reload();
    await page.getByText('New household survey').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByTestId('language-switch').click();
    await page.getByText('Khảo sát hộ mới').waitFor();
  });
});
