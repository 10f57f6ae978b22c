// The ward dashboard end to end: 40 generated households are synced through the real
// /api/v1/sync by an enrolled device; in Chromium a ward staff member signs in (a wrong password
// first: the translated 401 message), sees the overview with those households (every figure as
// the API gives it, percentages in Vietnamese format), switches to one tổ dân phố (the figures
// change and match the API with ?group=; a past year shows its 31/12 cut-off), downloads the XLSX and the test reads it back with
// exceljs (figures match the API); offline it says so; signing out clears the session from
// sessionStorage. Then the duplicate household: data quality → read-only drill-down → void; and
// the ward administrator's panels (a target, a CSV import, an account).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSeedWard } from '../../seeds/index.js';
import { createUser } from '../../src/server/services/accounts.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { XLSX_LAYOUT } from '../../src/server/services/exports.js';
import { generateHouseholds } from '../../src/demo/demo-data.js';
import { todayInVietnam } from '../../src/shared/domain/iso-week.js';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';
import { launchBrowser } from '../helpers/chromium.js';
import { autoPin } from '../helpers/phone-pin.js';
import { startServer, type E2eServer } from './helpers/browser.js';

const WARD = '10546';
const USERNAME = 'canbo.vhxh';
const PASSWORD = 'mật-khẩu-phường-2026';
const ADMIN = 'quantri.phuong';

type Indicator = { code: string; numerator: number; denominator: number; unknown: number; value: number | null; target: number | null; reached: boolean | null };
type Overview = { households: { surveyed: number; notHome: number; refused: number; onRegister: number }; indicators: Indicator[]; breakdown?: { key: string; households: Overview['households'] }[] };

// Counts are shown in Vietnamese format too (8.115).
const numVi = (n: number) => new Intl.NumberFormat('vi-VN').format(n);
const percentVi = (v: number | null) => (v === null ? '—' : new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 }).format(v));

describe('ward dashboard in Chromium', () => {
  let server: E2eServer;
  let browser: Browser;
  let token: string;
  let downloads: string;
  let duplicate: HouseholdRecord;

  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const res = await fetch(`${server.url}/api/v1/wards/${WARD}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    server = await startServer();
    downloads = mkdtempSync(path.join(tmpdir(), 'go-cua-e2e-downloads-'));
    // A phone enrols with a code, as at a team briefing, and syncs its households.
    const code = (await issueEnrolmentCode(server.db, WARD, 1)).code;
    const enrol = await fetch(`${server.url}/api/v1/devices/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ wardCode: WARD, enrolmentCode: code, volunteerName: 'Trần Thị Tình Nguyện' }),
    });
    expect(enrol.status).toBe(201);
    const device = (await enrol.json()) as { token: string };
    const records = generateHouseholds({ wardConfig: findSeedWard(WARD)!, count: 40, seed: 'ward-dashboard-e2e' });
    // The same household surveyed twice (another record id, same tổ dân phố and address).
    const first = records.find((r) => r.data.outcome === 'surveyed' && r.rev === 1 && !records.some((o) => o.id === r.id && o.rev > 1))!;
    duplicate = { ...structuredClone(first), id: crypto.randomUUID() };
    duplicate.data.members = duplicate.data.members.map((m) => ({ ...m, id: crypto.randomUUID() }));
    records.push(duplicate);
    for (let i = 0; i < records.length; i += 20) {
      const res = await fetch(`${server.url}/api/v1/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${device.token}` },
        body: JSON.stringify({ protocolVersion: 1, batchId: crypto.randomUUID(), records: records.slice(i, i + 20) }),
      });
      expect(res.status).toBe(200);
      const { results } = (await res.json()) as { results: { status: string }[] };
      expect(results.every((r) => r.status === 'accepted')).toBe(true);
    }
    await createUser(server.db.db, { wardCode: WARD, username: USERNAME, password: PASSWORD, role: 'ward_staff' });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
    });
    token = ((await login.json()) as { token: string }).token;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (downloads) rmSync(downloads, { recursive: true, force: true });
  });

  /** A phone-sized page opened at `hash`, signed in as `username`. */
  async function signedIn(hash: string, username: string) {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'vi-VN' });
    await autoPin(context); // the phone page opened from it (the enrolment link) asks for a PIN first
    const page = await context.newPage();
    await page.goto(`${server.url}/${hash}`);
    await page.fill('[data-testid="dash-username"]', username);
    await page.fill('[data-testid="dash-password"]', PASSWORD);
    await page.click('[data-testid="dash-signin-submit"]');
    return { context, page };
  }

  /** Waits until the overview shows the answer to `query`, then checks every figure against it. */
  async function expectOverview(page: Page, query: string, want: Overview) {
    await page.waitForSelector(`[data-testid="dash-overview"][data-loading="false"][data-query="${query}"]`);
    const text = (id: string) => page.locator(`[data-testid="${id}"]`).innerText();
    expect(await text('hh-surveyed')).toBe(numVi(want.households.surveyed));
    expect(await text('hh-on-register')).toBe(numVi(want.households.onRegister));
    expect(await text('hh-not-home')).toBe(numVi(want.households.notHome));
    expect(await text('hh-refused')).toBe(numVi(want.households.refused));
    expect(want.indicators).toHaveLength(12);
    for (const i of want.indicators) {
      expect(await text(`ind-${i.code}-numerator`), i.code).toBe(numVi(i.numerator));
      expect(await text(`ind-${i.code}-denominator`), i.code).toBe(numVi(i.denominator));
      expect(await text(`ind-${i.code}-unknown`), i.code).toBe(numVi(i.unknown));
      expect(await text(`ind-${i.code}-value`), i.code).toBe(percentVi(i.value));
    }
  }

  it('signs in, shows the overview, filters by tổ dân phố and exports the XLSX that matches the API', async () => {
    const year = todayInVietnam().slice(0, 4);
    const whole = await api<Overview>(`/indicators?year=${year}`);
    expect(whole.households.surveyed + whole.households.notHome + whole.households.refused).toBeGreaterThan(30);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.click('[data-testid="open-ward-dashboard"]');
    await page.waitForSelector('[data-testid="dash-signin"]');

    // A wrong password: the translated message, still on the sign-in form.
    await page.fill('[data-testid="dash-username"]', USERNAME);
    await page.fill('[data-testid="dash-password"]', 'sai-mật-khẩu');
    await page.click('[data-testid="dash-signin-submit"]');
    await expect.poll(() => page.locator('[data-testid="dash-signin-error"]').textContent()).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');

    await page.fill('[data-testid="dash-password"]', PASSWORD);
    await page.click('[data-testid="dash-signin-submit"]');
    await expectOverview(page, `?year=${year}`, whole);
    // A Vietnamese percent is shown with a decimal comma (e.g. 84,7%).
    const shown = whole.indicators.find((i) => i.value !== null && Math.round(i.value * 1000) % 10 !== 0);
    if (shown) expect(await page.locator(`[data-testid="ind-${shown.code}-value"]`).innerText()).toMatch(/^\d{1,3},\d%$/);
    expect(await page.evaluate(() => Object.keys(sessionStorage).some((k) => k.includes('staff-session')))).toBe(true);

    // One tổ dân phố: the one with the most visits, whose figures differ from the ward's.
    const perGroup = await api<Overview>(`/indicators?year=${year}&by=group`);
    const busiest = [...perGroup.breakdown!].sort((a, b) => b.households.surveyed - a.households.surveyed)[0]!;
    expect(busiest.households.surveyed).toBeLessThan(whole.households.surveyed);
    const oneGroup = await api<Overview>(`/indicators?year=${year}&group=${encodeURIComponent(busiest.key)}`);
    await page.selectOption('[data-testid="dash-filter-group"]', busiest.key);
    await expectOverview(page, `?year=${year}&group=${encodeURIComponent(busiest.key)}`, oneGroup);
    expect(await page.locator('[data-testid="dash-cut-off"]').innerText()).toBe(`Số liệu gồm tất cả hộ đã đồng bộ đến nay, so với chỉ tiêu năm ${year}.`);

    // A past year: its targets judged on data up to its 31/12, and the screen says so.
    const lastYear = String(Number(year) - 1);
    const pastQuery = `?year=${lastYear}&group=${encodeURIComponent(busiest.key)}`;
    const past = await api<Overview & { asOf: string | null }>(`/indicators${pastQuery}`);
    expect(past.asOf).toBe(`${lastYear}-12-31`);
    await page.selectOption('[data-testid="dash-filter-year"]', lastYear);
    await expectOverview(page, pastQuery, past);
    expect(await page.locator('[data-testid="dash-cut-off"]').innerText()).toBe(`Số liệu tính đến hết ngày 31/12/${lastYear}, so với chỉ tiêu năm ${lastYear}.`);
    expect(await page.locator('[data-testid="dash-asof-hint"]').innerText()).toBe(`Để trống: số liệu đến hết ngày 31/12/${lastYear} (cuối năm ${lastYear}).`);
    await page.selectOption('[data-testid="dash-filter-year"]', year);
    await expectOverview(page, `?year=${year}&group=${encodeURIComponent(busiest.key)}`, oneGroup);

    // The XLSX export, as of today, read back.
    await page.click('[data-testid="dash-tab-export"]');
    await page.waitForSelector('[data-testid="dash-export-xlsx"]');
    const asOf = todayInVietnam();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="dash-export-xlsx"]')]);
    expect(download.suggestedFilename()).toBe(`go-cua-${WARD}-${asOf}.xlsx`);
    const file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    const exported = await api<Overview>(`/indicators?year=${year}&asOf=${asOf}&by=group`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const main = wb.getWorksheet(XLSX_LAYOUT.mainSheet)!;
    expect(main.getRow(XLSX_LAYOUT.headerRow).getCell(5).value).toBe('Kết quả');
    exported.indicators.forEach((i, n) => {
      const row = main.getRow(XLSX_LAYOUT.headerRow + 1 + n);
      expect(row.getCell(1).value).toBe(n + 1);
      expect(row.getCell(4).value ?? null, i.code).toBe(i.target);
      expect(row.getCell(5).value ?? null, i.code).toBe(i.value);
      expect(row.getCell(6).value ?? '', i.code).toBe(i.reached === null ? '' : i.reached ? 'Đạt' : 'Chưa đạt');
    });
    const groups = wb.getWorksheet(XLSX_LAYOUT.groupSheet)!;
    exported.breakdown!.forEach((b, n) => {
      const row = groups.getRow(XLSX_LAYOUT.headerRow + 1 + n);
      expect(row.getCell(1).value).toBe(b.key);
      expect([row.getCell(3).value, row.getCell(4).value]).toEqual([b.households.onRegister, b.households.surveyed]);
    });
    expect(exported.breakdown!.reduce((s, b) => s + b.households.surveyed, 0)).toBe(exported.households.surveyed);

    // A past year's export: up to its 31/12, said on screen and in the file name.
    expect(await page.locator('[data-testid="dash-export-asof"]').innerText()).toBe(`Số liệu tính đến ngày ${asOf.split('-').reverse().join('/')}, so với chỉ tiêu năm ${year}.`);
    await page.selectOption('[data-testid="dash-filter-year"]', lastYear);
    await expect.poll(() => page.locator('[data-testid="dash-export-asof"]').innerText()).toBe(`Số liệu tính đến ngày 31/12/${lastYear}, so với chỉ tiêu năm ${lastYear}.`);
    const [pastCsv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="dash-export-csv"]')]);
    expect(pastCsv.suggestedFilename()).toBe(`go-cua-${WARD}-${lastYear}-12-31.csv`);
    await page.selectOption('[data-testid="dash-filter-year"]', year);

    // Offline: the dashboard says it needs the network.
    await context.setOffline(true);
    await page.waitForSelector('[data-testid="dash-offline"]');
    await context.setOffline(false);
    await page.waitForSelector('[data-testid="dash-offline"]', { state: 'detached' });

    // Signing out ends the session on this (shared) computer.
    await page.click('[data-testid="dash-sign-out"]');
    await page.waitForSelector('[data-testid="dash-signin"]');
    expect(await page.evaluate(() => Object.keys(sessionStorage).some((k) => k.includes('staff-session')))).toBe(false);
    await context.close();
  }, 120_000);

  it('lists the duplicate in data quality, opens it read-only and voids it with a reason', async () => {
    const before = await api<Overview>('/indicators');
    const { context, page } = await signedIn('#/ward/quality', USERNAME);
    await page.waitForSelector('[data-testid="dash-duplicates"]');
    await page.click(`[data-testid="dash-duplicates"] a[href="#/ward/household/${duplicate.id}"]`);
    await page.waitForSelector('[data-testid="dash-member"]');
    expect(await page.locator('[data-testid="dash-member"]').count()).toBe(duplicate.data.members.length);
    // Names appear here, in the drill-down only.
    const name = duplicate.data.members[0]?.name;
    if (name) expect(await page.locator('[data-testid="dash-member"]').first().innerText()).toContain(name);

    await page.click('[data-testid="dash-void"]');
    // The void needs a reason: the confirm button stays disabled without one.
    expect(await page.locator('[data-testid="dash-void-dialog-confirm"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="dash-void-reason"]', 'Trùng với hộ đã khảo sát');
    await page.click('[data-testid="dash-void-dialog-confirm"]');
    await expect.poll(() => page.locator('[data-testid="dash-void-result"]').textContent()).toBe('Đã hủy bản khảo sát này.');

    const detail = await api<{ record: { data: { voided?: boolean; voidReason?: string } } }>(`/households/${duplicate.id}`);
    expect(detail.record.data.voided).toBe(true);
    expect(detail.record.data.voidReason).toBe('Trùng với hộ đã khảo sát');
    const after = await api<Overview>('/indicators');
    expect(after.households.surveyed).toBe(before.households.surveyed - 1);

    // The same screen in English.
    await page.click('[data-testid="language-switch"]');
    await expect.poll(() => page.locator('#dash-hh-title').textContent()).toBe('Household record (read-only)');
    await context.close();
  }, 120_000);

  it('administers the ward: a target checked before it is sent, then saved; a CSV with its line errors; a new account', async () => {
    await createUser(server.db.db, { wardCode: WARD, username: ADMIN, password: PASSWORD, role: 'ward_admin' });
    const groupsBefore = await api<{ groups: unknown[] }>('/groups');
    const { context, page } = await signedIn('#/ward/admin', ADMIN);

    // The seeded 2026 target (0.85) is shown as a percentage once loaded.
    await page.selectOption('#dash-target-year', '2026');
    await expect.poll(() => page.inputValue('#dash-target-vneid')).toBe('85');
    await page.fill('#dash-target-vneid', '101');
    await page.getByRole('button', { name: 'Lưu chỉ tiêu năm 2026' }).click();
    const targetsStatus = page.locator('[data-testid="dash-targets-status"]');
    await expect.poll(() => targetsStatus.getAttribute('role')).toBe('alert');
    expect(await targetsStatus.innerText()).toContain('phải là số từ 0 đến 100');
    expect((await api<{ targets: Record<string, Record<string, number>> }>('/config/targets')).targets['2026']?.vneid).toBe(0.85);
    await page.fill('#dash-target-vneid', '87,5');
    await page.getByRole('button', { name: 'Lưu chỉ tiêu năm 2026' }).click();
    await expect.poll(() => targetsStatus.innerText()).toBe('Đã lưu.');
    expect((await api<{ targets: Record<string, Record<string, number>> }>('/config/targets')).targets['2026']).toEqual({ vneid: 0.875, digital_services: 0.82 });

    // A CSV with a line the server refuses: its message per line, the register unchanged.
    await page.fill('[data-testid="dash-csv"]', 'code,name,householdsOnRegister\nTDP01,,30\n');
    await page.click('[data-testid="dash-csv-import"]');
    const registerStatus = page.locator('[data-testid="dash-register-status"] li');
    await expect.poll(() => registerStatus.first().textContent()).toMatch(/^Dòng 2: /);
    expect(await api<{ groups: unknown[] }>('/groups')).toEqual(groupsBefore);

    // A new staff account: said, listed, and the form emptied for the next one.
    await page.fill('#dash-new-user', ' pho.phong ');
    await page.fill('#dash-new-pass', 'một mật khẩu đủ dài');
    await page.getByRole('button', { name: 'Thêm tài khoản' }).click();
    await expect.poll(() => page.locator('[data-testid="dash-users-status"]').innerText()).toBe('Đã thêm tài khoản pho.phong.');
    await page.locator('table[aria-labelledby="dash-users"] th[scope="row"]', { hasText: 'pho.phong' }).waitFor();
    expect(await page.inputValue('#dash-new-user')).toBe('');
    expect(await page.inputValue('#dash-new-pass')).toBe('');
    await context.close();
  }, 120_000);

  it('issues an enrolment code shown as a QR code of the pre-filling link', async () => {
    const { context, page } = await signedIn('#/ward/devices', USERNAME);
    await page.fill('[data-testid="dash-uses"]', '3');
    await page.click('[data-testid="dash-issue-code"]');
    const link = await page.locator('[data-testid="dash-code-link"]').getAttribute('href');
    // The code rides in the fragment: never sent to the server or a proxy's log.
    expect(new URL(link!).search).toBe('');
    expect(link).toMatch(/#\/enrol\?ward=\d{5}&code=[A-Z0-9]{8}$/);
    expect(await page.getByTestId('dash-code-expires').textContent()).toMatch(/\d/);
    await page.getByTestId('dash-codes').waitFor();
    const qr = page.locator('[data-testid="dash-code-qr"]');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    // The image really rendered (a broken data: URL has no natural size).
    await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // Opened on a phone, the link fills the form in, then the code leaves the address bar.
    const phone = await context.newPage();
    await phone.goto(link!);
    await phone.getByTestId('enrol-enrolmentCode').waitFor();
    expect(await phone.getByTestId('enrol-enrolmentCode').inputValue()).toBe(new URL(link!.replace('#/enrol?', '?')).searchParams.get('code'));
    await expect.poll(() => phone.url()).not.toContain('code=');
    await context.close();
  }, 120_000);
});
