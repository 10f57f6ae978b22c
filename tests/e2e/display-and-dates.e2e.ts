// Sunlight and older eyes, and dates that read dd/mm/yyyy whatever the system locale:
// - Home's "Tương phản cao" and "Chữ lớn" switches apply at once, survive a reload (meta, with a
//   localStorage mirror for the first paint), keep every screen within 360 px, and pass axe;
// - the app's text scales with the browser's own default font size (no fixed px root);
// - the dashboard's cut-off date is typed dd/mm/yyyy under an English browser locale, sent as
//   ISO, and a date that does not exist gets a message in Vietnamese or English.
// Set SCREENSHOT_DIR to keep the 360 px screenshots.
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { E2eServer } from './helpers/browser.js';
import { usePhoneAndServer } from './helpers/phone-and-ward.js';
import { shot } from './helpers/screenshots.js';
import { axeBothLanguages } from './helpers/axe.js';
import { createUser } from '../../src/server/services/accounts.js';

const rootPx = (page: Page) => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
const pageWidth = (page: Page) => page.evaluate(() => (document.scrollingElement ?? document.documentElement).scrollWidth);

describe('display settings and dates', () => {
  const phone = usePhoneAndServer();
  let server: E2eServer;
  let context: BrowserContext;
  let page: Page;

  beforeAll(() => {
    ({ server, context, page } = phone);
  });

  it('high contrast and larger text apply at once, persist, fit 360 px and pass axe', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('display-settings').waitFor();
    const normal = await rootPx(page);
    expect(normal).toBeCloseTo(17, 0);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();

    await page.getByTestId('display-contrast').click();
    await page.getByTestId('display-large-text').click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'contrast' && document.documentElement.dataset.textSize === 'large');
    expect(await rootPx(page)).toBeCloseTo(21, 0);
    expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(0, 0, 0)');

    // Kept per phone: in meta and mirrored in localStorage; the first paint after a reload has them.
    await page.reload();
    await page.getByTestId('display-settings').waitFor();
    expect(await page.evaluate(() => [document.documentElement.dataset.theme, document.documentElement.dataset.textSize])).toEqual(['contrast', 'large']);
    expect(await page.getByTestId('display-contrast').isChecked()).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem('go-cua.display'))).toBe('{"highContrast":true,"largeText":true}');
    // localStorage cleared, IndexedDB kept: meta's copy wins and is mirrored again.
    await page.evaluate(() => localStorage.removeItem('go-cua.display'));
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'contrast' && localStorage.getItem('go-cua.display') !== null);

    const problems: string[] = [];
    for (const [route, ready] of [['#/', 'display-settings'], ['#/list', 'search-input'], ['#/assist', 'assist-screen'], ['#/cards', 'cards'], ['#/ward', 'dash-signin']] as const) {
      await page.goto(`${server.url}/${route}`);
      await page.getByTestId(ready).first().waitFor();
      const name = route.replace(/[#/]+/g, '-').replace(/^-|-$/g, '') || 'home';
      expect(await pageWidth(page), name).toBeLessThanOrEqual(360);
      await shot(page, `360-contrast-large-${name}`, true);
      problems.push(...(await axeBothLanguages(page, `contrast-large ${name}`)));
    }
    expect(problems).toEqual([]);

    // Back to normal.
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('display-contrast').click();
    await page.getByTestId('display-large-text').click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === undefined && document.documentElement.dataset.textSize === undefined);
    expect(await rootPx(page)).toBeCloseTo(normal, 1);
  });

  it('the axe check finds what it should (a page with a nameless image and button fails)', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('display-settings').waitFor();
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = '/favicon.svg';
      const button = document.createElement('button');
      document.body.append(img, button);
    });
    const found = (await axeBothLanguages(page, 'broken')).join('\n');
    expect(found).toContain('broken (vi): image-alt (critical)');
    expect(found).toContain('broken (en): button-name (critical)');
  });

  it('honours the browser default font size (no fixed px root)', async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 20 } });
    await page.goto(`${server.url}/#/`);
    await page.reload();
    await page.getByTestId('display-settings').waitFor();
    // 106.25 % of 20 px.
    await page.waitForFunction(() => Math.abs(parseFloat(getComputedStyle(document.documentElement).fontSize) - 21.25) < 0.1);
    await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16 } });
    await cdp.detach();
  });

  it('the dashboard cut-off date is typed dd/mm/yyyy under an English browser locale', async () => {
    const password = 'mật khẩu thử nghiệm dài';
    await createUser(server.db.db, { wardCode: '10546', username: 'dates-admin', password, role: 'ward_admin' });
    const browser = context.browser();
    // A second context in en-US: the native date input would show mm/dd/yyyy here.
    const en = browser ? await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 } }) : context;
    const p = browser ? await en.newPage() : page;
    await p.goto(`${server.url}/#/ward`);
    await p.getByTestId('dash-username').fill('dates-admin');
    await p.getByTestId('dash-password').fill(password);
    await p.getByTestId('dash-signin-submit').click();
    await p.getByTestId('dash-tab-overview').waitFor();
    const input = p.getByTestId('dash-filter-asof');
    expect(await input.getAttribute('type')).toBe('text');
    expect(await input.getAttribute('placeholder')).toBe('nn/tt/nnnn');

    // A day that does not exist: a message, and the filter is left as it was.
    await input.scrollIntoViewIfNeeded();
    await input.fill('31/02/2026');
    await input.blur();
    expect(await p.getByTestId('dash-filter-asof-error').textContent()).toBe('Gõ ngày theo dạng ngày/tháng/năm, ví dụ 03/12/2026.');
    await shot(p, '360-dash-date-filter-error');
    await p.getByTestId('language-switch').click();
    await p.waitForFunction(() => document.documentElement.lang === 'en');
    await p.locator('[data-testid="dash-filter-asof-error"]', { hasText: 'Type the date as day/month/year, e.g. 03/12/2026.' }).waitFor();
    expect(await input.getAttribute('placeholder')).toBe('dd/mm/yyyy');
    await p.getByTestId('language-switch').click();
    await p.waitForFunction(() => document.documentElement.lang === 'vi');

    // 1/3/2026 is the first of March (not the third of January), sent as ISO.
    const request = p.waitForRequest((r) => r.url().includes('asOf=2026-03-01'));
    await input.fill('1/3/2026');
    await request;
    expect(await p.getByTestId('dash-filter-asof-error').count()).toBe(0);
    await input.blur();
    await p.waitForFunction(() => !document.querySelector('[data-loading="true"]'));
    expect(await p.getByTestId('dash-filter-asof').inputValue()).toBe('1/3/2026');
    await shot(p, '360-dash-date-filter');
    if (browser) await en.close();
  });
});
