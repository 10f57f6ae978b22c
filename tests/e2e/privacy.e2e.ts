// The personal-data requests screen end to end (issue 12, point 3): a phone's household is
// synced through the real /api/v1/sync; in Chromium at 360 px a ward admin registers an erasure
// request, finds the person by an unaccented name, selects them, erases after a confirmation
// that names them — and the ward's database then holds the name nowhere. axe finds no serious
// violation in Vietnamese or English.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/server/services/accounts.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { household, member } from '../helpers/dashboard.js';
import { launchBrowser } from '../helpers/chromium.js';
import { axeBothLanguages } from './helpers/axe.js';
import { startServer, type E2eServer } from './helpers/browser.js';

const WARD = '10546';
const ADMIN = 'quantri.dlcn';
const PASSWORD = 'mật-khẩu-phường-2026';
const NAME = 'Hoàng Thị Xóa Được';

describe('personal-data requests in Chromium', () => {
  let server: E2eServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    const code = (await issueEnrolmentCode(server.db, WARD, 1)).code;
    const enrol = await fetch(`${server.url}/api/v1/devices/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ wardCode: WARD, enrolmentCode: code, volunteerName: 'Tình Nguyện' }),
    });
    const device = (await enrol.json()) as { token: string };
    const rec = household({ groupCode: 'TDP01', members: [member(1970, { relation: 'head', name: 'Hoàng Văn Ở Lại', phone: '0912000333' }), member(1992, { name: NAME, phone: '0933111222' })] });
    const res = await fetch(`${server.url}/api/v1/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${device.token}` },
      body: JSON.stringify({ protocolVersion: 1, batchId: crypto.randomUUID(), records: [rec] }),
    });
    expect(((await res.json()) as { results: { status: string }[] }).results[0]!.status).toBe('accepted');
    await createUser(server.db.db, { wardCode: WARD, username: ADMIN, password: PASSWORD, role: 'ward_admin' });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('registers an erasure request, finds the person, erases after naming them; the database keeps no trace', async () => {
    await page.goto(`${server.url}/#/ward/privacy`);
    await page.fill('[data-testid="dash-username"]', ADMIN);
    await page.fill('[data-testid="dash-password"]', PASSWORD);
    await page.click('[data-testid="dash-signin-submit"]');
    await page.getByTestId('privacy-new').waitFor();
    expect(await page.getByTestId('dash-tab-privacy').getAttribute('aria-current')).toBe('page');

    await page.getByLabel('Loại yêu cầu').selectOption('erasure');
    await page.getByLabel('Cách xác minh danh tính').selectOption('cccd_seen');
    await page.getByLabel('Ngày nhận yêu cầu').fill('2026-12-04');
    await page.getByTestId('privacy-register').click();
    await expect.poll(() => page.getByTestId('privacy-register-status').textContent()).toContain('2026-12-08');
    await page.getByTestId('privacy-request').waitFor();
    expect(await page.getByTestId('privacy-row').count()).toBe(1);

    await page.getByLabel('Họ tên', { exact: true }).fill('hoang thi xoa duoc');
    await page.getByTestId('privacy-search').click();
    const match = page.getByTestId('privacy-match');
    await match.first().waitFor();
    expect(await match.count()).toBe(1);
    expect(await match.textContent()).toContain(NAME);
    await page.getByTestId('privacy-select').click();
    await page.getByTestId('privacy-save-links').click();
    await expect.poll(() => page.getByTestId('privacy-status').textContent()).toContain('Đã lưu');

    const violations = await axeBothLanguages(page, 'privacy');
    expect(violations).toEqual([]);
    // 360 px: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await page.getByTestId('privacy-erase').click();
    const dialog = page.getByTestId('privacy-confirm');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(NAME);
    expect(await dialog.textContent()).toContain('1 lần lưu');
    await page.getByTestId('privacy-confirm-confirm').click();
    await expect.poll(() => page.getByTestId('privacy-status').textContent()).toContain('Đã xóa');

    const held = await server.db.db.selectFrom('record_revisions').select('body').execute();
    expect(held.length).toBe(2);
    for (const row of held) {
      expect(row.body).not.toContain(NAME);
      expect(row.body).not.toContain('0933111222');
    }
    expect(held.some((r) => r.body.includes('Hoàng Văn Ở Lại'))).toBe(true);
  });

  it('a correction: found by phone, the new value chosen from the survey\'s own list, stored as a staff rev', async () => {
    await page.getByLabel('Loại yêu cầu').selectOption('correction');
    await page.getByTestId('privacy-register').click();
    await expect.poll(() => page.getByTestId('privacy-row').count()).toBe(2);
    await page.getByTestId('privacy-request').waitFor();
    await expect.poll(() => page.getByTestId('privacy-request').textContent()).toContain('Chỉnh sửa');
    await page.getByLabel('Số điện thoại', { exact: true }).fill('0912 000 333');
    await page.getByTestId('privacy-search').click();
    await page.getByTestId('privacy-match').first().waitFor();
    expect(await page.getByTestId('privacy-match').textContent()).toContain('Hoàng Văn Ở Lại');
    await page.getByTestId('privacy-select').click();
    await page.getByTestId('privacy-save-links').click();
    await page.getByTestId('privacy-field').waitFor();
    await page.getByTestId('privacy-field').selectOption('sex');
    await page.getByTestId('privacy-value').selectOption('male');
    await page.getByTestId('privacy-correct').click();
    await expect.poll(() => page.getByTestId('privacy-status').textContent()).toContain('data.members.0.sex');
    const latest = await server.db.db.selectFrom('record_revisions').select(['rev', 'device_id', 'body']).orderBy('rev', 'desc').executeTakeFirstOrThrow();
    expect(latest.device_id).toBe(`staff:${ADMIN}`);
    expect(JSON.parse(latest.body).data.members[0].sex).toBe('male');
  });
});
