// City staff in Chromium at 360 px (issue 15): a city account of Hải Phòng signs in on the same
// form as ward staff, sees every ward of the province held by the server (wards without data
// said so), the rules of the roll-up, sorts by VNeID (lowest first, wards without data last),
// drills into a ward (read-only, its figures), and downloads the roll-up CSV. Touch targets
// are at least 44 px and the page itself never scrolls sideways (the wide table scrolls in its box).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/server/services/accounts.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { launchBrowser } from '../helpers/chromium.js';
import { household, member } from '../helpers/dashboard.js';
import { axeBothLanguages } from './helpers/axe.js';
import { startServer, type E2eServer } from './helpers/browser.js';

const PASSWORD = 'hoa phượng đỏ bến Bính 2026';

async function syncWard(server: E2eServer, wardCode: string, records: ReturnType<typeof household>[]): Promise<void> {
  const code = (await issueEnrolmentCode(server.db, wardCode, 1)).code;
  const enrol = await fetch(`${server.url}/api/v1/devices/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ wardCode, enrolmentCode: code, volunteerName: 'Máy thử' }),
  });
  expect(enrol.status).toBe(201);
  const { token } = (await enrol.json()) as { token: string };
  const res = await fetch(`${server.url}/api/v1/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ protocolVersion: 1, batchId: randomUUID(), records }),
  });
  expect(res.status).toBe(200);
  const results = ((await res.json()) as { results: { status: string }[] }).results;
  expect(results.every((r) => r.status === 'accepted')).toBe(true);
}

describe('city roll-up in Chromium', () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    // Chí Linh: 6 adults, all with VNeID (100%); Nam Đồng: 8 adults, 4 with VNeID (50%).
    await syncWard(server, '10546', [household({ wardCode: '10546', surveyedAt: '2026-03-02', members: Array.from({ length: 6 }, () => member(1980, { vneid: 'level2' })) })]);
    await syncWard(server, '10837', [
      household({ wardCode: '10837', surveyedAt: '2026-05-04', members: [...Array.from({ length: 4 }, () => member(1980, { vneid: 'level2' })), ...Array.from({ length: 4 }, () => member(1980, { vneid: 'none' }))] }),
    ]);
    await createUser(server.db.db, { provinceCode: '31', username: 'so.khcn', password: PASSWORD, role: 'city_staff' });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in, sees the wards, sorts, drills into one and exports CSV', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.click('[data-testid="open-ward-dashboard"]');
    await page.fill('[data-testid="dash-username"]', 'so.khcn');
    await page.fill('[data-testid="dash-password"]', PASSWORD);
    await page.click('[data-testid="dash-signin-submit"]');

    const rows = page.locator('[data-testid="city-ward-row"]');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await page.getByTestId('city-scope').innerText()).toContain('4 phường/xã của Thành phố Hải Phòng');
    const order = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-ward')));
    expect(await order()).toEqual(['10546', '11311', '10837', '11446']); // by name: Chí Linh, Hồng Bàng, Nam Đồng, Phù Liễn
    // Wards without data say so; the rules are on the screen.
    expect(await page.locator('tr[data-ward="11311"] [data-testid="city-no-data"]').innerText()).toContain('chưa có dữ liệu');
    expect(await page.getByTestId('city-rule-plan').innerText()).toContain('đường thẳng');
    expect(await page.getByTestId('city-rule-total').innerText()).toContain('không lấy trung bình');
    expect(await page.getByTestId('city-denominator-vneidMinAge').innerText()).toContain('Phường Chí Linh');
    // City-wide VNeID: 10 of 14, the sum of numerators over the sum of denominators (71,4%).
    expect(await page.locator('[data-testid="city-total-row"] td[data-code="vneid"]').innerText()).toContain('71,4%');

    // Sort by VNeID: lowest first, wards without data last; again: highest first.
    await page.click('[data-testid="city-sort-vneid"]');
    await expect.poll(order).toEqual(['10837', '10546', '11311', '11446']);
    await page.click('[data-testid="city-sort-vneid"]');
    await expect.poll(order).toEqual(['10546', '10837', '11311', '11446']);

    for (const id of ['city-sort-vneid', 'city-sort-name', 'city-export-csv', 'city-export-xlsx', 'city-export-report', 'dash-sign-out']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.height, id).toBeGreaterThanOrEqual(44);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeBothLanguages(page, 'city roll-up')).toEqual([]);

    // The roll-up CSV: one row per ward and the total.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="city-export-csv"]')]);
    expect(download.suggestedFilename()).toMatch(/^tong-hop-31-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    for (const name of ['Phường Chí Linh', 'Phường Nam Đồng', 'Phường Hồng Bàng', 'Phường Phù Liễn', 'Toàn Thành phố Hải Phòng']) expect(csv).toContain(name);
    expect(csv).toContain('Chưa có dữ liệu');

    // Drill into Nam Đồng: its indicators, read-only.
    await page.click('[data-testid="city-ward-link-10837"]');
    await expect.poll(() => page.getByTestId('city-ward-title').innerText()).toContain('Phường Nam Đồng');
    expect(await page.locator('[data-testid="city-ward-table"] tr[data-code="vneid"]').innerText()).toContain('50%');
    const [wardCsv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="city-ward-export-csv"]')]);
    expect(await readFile((await wardCsv.path())!, 'utf8')).toContain('Phường Nam Đồng');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.click('[data-testid="city-back"]');
    await expect.poll(() => rows.count()).toBe(4);
    await context.close();
  }, 120_000);
});
