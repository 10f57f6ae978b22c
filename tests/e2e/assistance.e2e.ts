// Assistance at a campaign table, end to end: the real ward endpoint process (fresh SQLite),
// Chromium enrols, goes offline, records five helps in a row on #/assist — counting the taps
// (clicks + key presses) of each help, one refused save in the middle fixed after a reload; the
// phone's IndexedDB then holds exactly five right records — goes online, and the
// server's database then holds all five with their kinds, campaign and place, and the ward
// dashboard's "Hỗ trợ" tab shows them (CSV and XLSX downloads) and "Cần theo dõi" lists the
// unfinished helps.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { readStore } from './helpers/idb.js';
import { enrolFromQrLink, usePhoneAndWard } from './helpers/phone-and-ward.js';
import type { WardProcess } from './helpers/ward-process.js';
import { shot } from './helpers/screenshots.js';


/** Drives the page and counts every tap (click) and key press a volunteer would make. */
class Taps {
  count = 0;
  constructor(readonly page: Page) {}
  async tap(testId: string) {
    this.count += 1;
    await this.page.getByTestId(testId).click();
  }
  async keys(text: string) {
    for (const ch of text) {
      this.count += 1;
      await this.page.keyboard.press(ch);
    }
  }
}

const CAMPAIGN = 'Đợt ra quân tháng 11 — Nhà văn hóa';

/** The phone's own database, read through IndexedDB in the page (no test hooks in the app), decrypted with the test PIN. */
async function readPhoneDb(page: Page): Promise<{ records: { kind: string; record: unknown }[]; outbox: { recordId: string; rev: number; state: string }[] }> {
  return { records: await readStore(page, 'records'), outbox: await readStore(page, 'outbox') };
}

describe('assistance at a campaign table, offline, then synced', () => {
  const phone = usePhoneAndWard('go-cua-e2e-assist-');
  let ward: WardProcess;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;

  beforeAll(() => {
    ({ ward, context, page, dataDir } = phone);
  });

  it('enrols the phone', async () => {
    await enrolFromQrLink(page, ward, 'Phạm Minh Đoàn');
    // Enrolled, the phone lands on Home, says so, and the code leaves the address bar.
    await page.getByTestId('new-survey').waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.getByTestId('sync-device').waitFor();
    expect(await page.getByTestId('sync-device').textContent()).toBe('Máy đã đăng ký với Phường Chí Linh — Phạm Minh Đoàn');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  });

  it('records five helps in a row offline, one refused save in the middle: every tap counted, exactly five right records', async () => {
    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="sync-status"][data-phase="idle"]').waitFor();
    await context.setOffline(true);
    await page.locator('[data-testid="sync-status"][data-phase="offline"]').waitFor();
    await page.getByTestId('open-assist').click();
    await page.locator('[data-testid="assist-screen"][data-ready="true"]').waitFor();
    // The campaign and place are typed once per campaign table (then remembered): not counted.
    await page.getByTestId('assist-campaign').fill(CAMPAIGN);
    await page.getByTestId('assist-place').fill('Nhà văn hóa TDP 03');

    const taps = new Taps(page);
    const perHelp: number[] = [];
    const savedCount = (n: number) => page.locator(`[data-testid="assist-saved"][data-count="${n}"]`).waitFor();
    const cleared = async () => {
      // Cleared for the next person; the campaign stays.
      expect(await page.getByTestId('kind-install_vneid').getAttribute('aria-pressed')).toBe('false');
      expect(await page.getByTestId('assist-year').inputValue()).toBe('');
      expect(await page.getByTestId('assist-campaign').inputValue()).toBe(CAMPAIGN);
    };
    const installedDone = async (year2: string, n: number) => {
      taps.count = 0;
      const started = Date.now();
      await taps.tap('kind-install_vneid');
      await taps.tap('outcome-done');
      await taps.tap('assist-year');
      await taps.keys(year2);
      await taps.tap('assist-save');
      await savedCount(n);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(taps.count).toBeLessThanOrEqual(8);
      await cleared();
      perHelp.push(taps.count);
    };

    await installedDone('55', 1);
    // The confirmation is where the eye is: inside the viewport, below the sticky header, not under it.
    const status = page.getByTestId('assist-saved');
    expect(await status.textContent()).toBe('Đã lưu lượt 1: Cài VNeID — Xong (sinh 1955)');
    const box = (await status.boundingBox())!;
    const header = (await page.locator('.topbar').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(header.y + header.height - 1);
    expect(box.y + box.height).toBeLessThanOrEqual(740);
    // Nothing covers it (the line lets taps through to the form, so it is hit-tested here as if it did not).
    const onTop = await page.evaluate(({ x, y }) => {
      const line = document.querySelector<HTMLElement>('[data-testid="assist-status"]')!;
      line.style.pointerEvents = 'auto';
      const hit = !!document.elementFromPoint(x, y)?.closest('[data-testid="assist-saved"]');
      line.style.pointerEvents = '';
      return hit;
    }, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
    expect(onTop).toBe(true);
    await shot(page, 'assist-saved');
    expect(await page.getByTestId('assist-status').getAttribute('role')).toBe('status');

    await installedDone('82', 2);

    // 3: not done, and Save before choosing the reason: refused. The old "Đã lưu" goes, the focus
    // goes to the first problem (the reasons), every problem is listed, nothing is saved.
    taps.count = 0;
    await taps.tap('kind-install_vneid');
    await taps.tap('outcome-not_done');
    await taps.tap('assist-year');
    await taps.keys('48');
    await taps.tap('assist-save');
    await page.getByTestId('assist-errors').waitFor();
    expect(await page.getByTestId('assist-saved').count()).toBe(0);
    expect(await page.getByTestId('assist-errors').textContent()).toContain('CHƯA LƯU');
    expect(await page.getByTestId('assist-errors').textContent()).toContain('Chọn lý do chưa xong.');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('reason-no_smartphone');
    await shot(page, 'assist-refused');
    // The unsaved entry survives a reload (a killed tab), whole: nothing is lost, nothing merges.
    await page.reload();
    await page.locator('[data-testid="assist-screen"][data-ready="true"]').waitFor();
    await page.getByTestId('assist-restored').waitFor();
    expect(await page.getByTestId('kind-install_vneid').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('outcome-not_done').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('assist-year').inputValue()).toBe('48');
    await taps.tap('reason-no_smartphone');
    await taps.tap('assist-save');
    await savedCount(1); // the count restarts with the reloaded screen
    await cleared();
    perHelp.push(taps.count);

    // 4: the decade shortcut + one digit, two kinds.
    taps.count = 0;
    await taps.tap('kind-install_vneid');
    await taps.tap('kind-activate_level2_guidance');
    await taps.tap('outcome-done');
    await taps.tap('decade-196');
    await taps.keys('7');
    await taps.tap('assist-save');
    await savedCount(2);
    perHelp.push(taps.count);

    // 5: needs follow-up, forgotten password.
    taps.count = 0;
    await taps.tap('kind-scam_awareness');
    await taps.tap('outcome-needs_follow_up');
    await taps.tap('reason-forgotten_password');
    await taps.tap('decade-199');
    await taps.keys('0');
    await taps.tap('assist-save');
    await savedCount(3);
    perHelp.push(taps.count);
    const shownAt = Date.now();
    await page.getByTestId('assist-saved').waitFor({ state: 'detached', timeout: 10_000 });
    expect(Date.now() - shownAt).toBeGreaterThanOrEqual(3000);
    console.log(`assistance taps per help: ${perHelp.join(', ')} — total ${perHelp.reduce((a, b) => a + b, 0)}`);
    expect(perHelp).toEqual([6, 6, 8, 6, 6]);

    // "Sửa lượt vừa lưu" opens the last help with every answer; stepping back leaves it as saved.
    await page.getByTestId('assist-edit-last').click();
    await page.getByTestId('assist-editing').waitFor();
    expect(await page.getByTestId('assist-year').inputValue()).toBe('1990');
    expect(await page.getByTestId('reason-forgotten_password').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('assist-cancel-edit').click();
    expect(await page.getByTestId('assist-year').inputValue()).toBe('');

    // Exactly five records on the phone, each right, each once in the outbox (read from IndexedDB itself).
    const phone = await readPhoneDb(page);
    const helps = phone.records.filter((r) => r.kind === 'assistance').map((r) => r.record as { rev: number; data: { person: { birthYear: number }; outcome: string; reason?: string; kinds: string[]; campaign?: string } });
    expect(helps.map((h) => [h.data.person.birthYear, h.data.outcome, h.data.reason ?? null, [...h.data.kinds].sort(), h.rev]).sort()).toEqual([
      [1948, 'not_done', 'no_smartphone', ['install_vneid'], 1],
      [1955, 'done', null, ['install_vneid'], 1],
      [1967, 'done', null, ['activate_level2_guidance', 'install_vneid'], 1],
      [1982, 'done', null, ['install_vneid'], 1],
      [1990, 'needs_follow_up', 'forgotten_password', ['scam_awareness'], 1],
    ]);
    expect(helps.every((h) => h.data.campaign === CAMPAIGN)).toBe(true);
    expect(phone.outbox).toHaveLength(5);

    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="sync-pending"][data-count="5"]').waitFor();
    // Named by kind: no household is waiting, five helps are.
    expect(await page.getByTestId('sync-pending').textContent()).toBe('5 lượt hỗ trợ đang chờ gửi');
    expect(await page.getByTestId('count-outbox').textContent()).toBe('5');
    expect(await page.getByTestId('count-outbox-what').textContent()).toBe('5 lượt hỗ trợ');
    // The household list ignores assistance records.
    expect(await page.getByTestId('count-today').textContent()).toBe('0');
  });

  it('sends all five when back online; the server holds them with kinds, campaign and place', async () => {
    await context.setOffline(false);
    await page.locator('[data-testid="sync-pending"][data-count="0"]').waitFor();
    expect(await page.getByTestId('sync-error').count()).toBe(0);
    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      const rows = sqlite.prepare('SELECT record_id, outcome, reason, campaign, place, birth_year, practice FROM assistances ORDER BY birth_year').all() as {
        record_id: string; outcome: string; reason: string | null; campaign: string; place: string; birth_year: number; practice: number;
      }[];
      expect(rows.map((r) => [r.birth_year, r.outcome, r.reason])).toEqual([
        [1948, 'not_done', 'no_smartphone'],
        [1955, 'done', null],
        [1967, 'done', null],
        [1982, 'done', null],
        [1990, 'needs_follow_up', 'forgotten_password'],
      ]);
      expect(new Set(rows.map((r) => r.campaign))).toEqual(new Set([CAMPAIGN]));
      expect(rows.every((r) => r.place === 'Nhà văn hóa TDP 03' && r.practice === 0)).toBe(true);
      const kinds = sqlite.prepare("SELECT kind, COUNT(*) AS n FROM assistance_kinds GROUP BY kind ORDER BY kind").all();
      expect(kinds).toEqual([
        { kind: 'activate_level2_guidance', n: 1 },
        { kind: 'install_vneid', n: 4 },
        { kind: 'scam_awareness', n: 1 },
      ]);
      const revs = sqlite.prepare("SELECT COUNT(*) AS n FROM record_revisions WHERE kind = 'assistance'").get() as { n: number };
      expect(revs.n).toBe(5);
    } finally {
      sqlite.close();
    }
  });

  it('the ward dashboard\'s "Hỗ trợ" tab shows the five helps, matching the API; CSV, XLSX and the "Cần theo dõi" tab', async () => {
    // A ward staff account through the admin CLI, on the same SQLite file as the running server.
    const username = 'can-bo-ho-tro';
    const password = 'mật khẩu đủ dài 2026';
    const cli = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli/admin.ts', 'create-user', '--ward', '10546', '--username', username, '--role', 'ward_staff', '--password-stdin'], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, SEEDS_DIR: 'seeds/wards' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    cli.stdin!.end(`${password}\n`);
    const exitCode = await new Promise<number | null>((r) => cli.once('exit', r));
    expect(exitCode).toBe(0);

    const login = await fetch(`${ward.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { token: string }).token;
    const res = await fetch(`${ward.url}/api/v1/wards/10546/assistances`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const tallies = (await res.json()) as { total: number; byKind: Record<string, { done: number }>; campaigns: { campaign: string | null; total: number }[] };
    expect(tallies.total).toBe(5);
    expect(tallies.campaigns).toMatchObject([{ campaign: CAMPAIGN, total: 5 }]);

    const dash = await context.newPage();
    try {
      await dash.goto(`${ward.url}/#/ward`);
      await dash.getByTestId('dash-signin').waitFor();
      await dash.getByTestId('dash-username').fill(username);
      await dash.getByTestId('dash-password').fill(password);
      await dash.getByTestId('dash-signin-submit').click();
      await dash.getByTestId('dash-tab-assist').click();
      await dash.locator('[data-testid="dash-assist"][data-loading="false"]').waitFor();
      expect(await dash.getByTestId('dash-assist-total').textContent()).toBe('5');
      const installDone = dash.locator('[data-testid="dash-assist-kinds"] tr[data-kind="install_vneid"] td[data-outcome="done"]');
      expect(await installDone.textContent()).toBe(String(tallies.byKind.install_vneid!.done));
      expect(tallies.byKind.install_vneid!.done).toBeGreaterThan(0);
      // Labels in Vietnamese, the same words as the CSV.
      expect(await dash.locator('[data-testid="dash-assist-kinds"] tr[data-kind="install_vneid"] th').textContent()).toBe('Cài đặt, kích hoạt VNeID');
      expect(await dash.locator('[data-testid="dash-assist-reasons"] tr[data-reason="forgotten_password"] td').textContent()).toBe('1');
      expect(await dash.getByTestId('dash-assist-campaigns').textContent()).toContain(CAMPAIGN);

      // Filtering by the campaign keeps all five; the CSV downloads with the same figures.
      await dash.getByTestId('dash-assist-campaign').selectOption(CAMPAIGN);
      await dash.locator(`[data-testid="dash-assist"][data-loading="false"][data-query="?campaign=${new URLSearchParams({ c: CAMPAIGN }).toString().slice(2)}"]`).waitFor();
      expect(await dash.getByTestId('dash-assist-total').textContent()).toBe('5');
      const [download] = await Promise.all([dash.waitForEvent('download'), dash.getByTestId('dash-assist-csv').click()]);
      expect(download.suggestedFilename()).toMatch(/^ho-tro-10546-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv).toContain('Cài đặt, kích hoạt VNeID');
      expect(csv).toContain(CAMPAIGN);
      // The XLSX button: the kind sheet's total row reads back as the five helps.
      const [xlsx] = await Promise.all([dash.waitForEvent('download'), dash.getByTestId('dash-assist-xlsx').click()]);
      expect(xlsx.suggestedFilename()).toMatch(/^ho-tro-10546-\d{4}-\d{2}-\d{2}\.xlsx$/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile((await xlsx.path())!);
      const kindSheet = wb.getWorksheet('Theo loại hỗ trợ')!;
      const totalRow = kindSheet.getRows(5, kindSheet.rowCount)!.find((r) => r.getCell(1).value === 'Tổng số lượt hỗ trợ');
      expect(totalRow?.getCell(2).value).toBe(5);

      // "Cần theo dõi": the team's follow-ups as the API lists them, the two unfinished helps among them.
      const fu = await fetch(`${ward.url}/api/v1/wards/10546/follow-ups`, { headers: { authorization: `Bearer ${token}` } });
      expect(fu.status).toBe(200);
      const followUps = (await fu.json()) as { total: number; groups: { items: { kind: string; recordId: string }[] }[] };
      const helpIds = followUps.groups.flatMap((g) => g.items).filter((i) => i.kind === 'assistance').map((i) => i.recordId);
      expect(helpIds).toHaveLength(2);
      await dash.getByTestId('dash-tab-followups').click();
      await dash.locator('[data-testid="dash-followups"][data-loading="false"]').waitFor();
      expect(await dash.locator('[data-testid="dash-followups-group"] tbody tr').count()).toBe(followUps.total);
      for (const id of helpIds) {
        const why = await dash.locator(`[data-testid="dash-followups-group"] tr[data-record="${id}"] td`).first().textContent();
        expect(why).toMatch(/^(Chưa xong — Không có điện thoại thông minh|Cần quay lại — Quên mật khẩu)$/);
      }
    } finally {
      await dash.close();
    }
  });

  it('practice mode: a banner, and the next help is saved and synced as practice', async () => {
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('practice-switch').check();
    await page.getByTestId('practice-banner').waitFor();
    await page.getByTestId('open-assist').click();
    await page.getByTestId('kind-install_vneid').click();
    await page.getByTestId('outcome-done').click();
    await page.getByTestId('assist-year').fill('77');
    await page.getByTestId('assist-save').click();
    await page.locator('[data-testid="assist-saved"]', { hasText: 'Đã lưu lượt 1 (luyện tập)' }).waitFor();
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('practice-switch').uncheck();
    await page.getByTestId('practice-banner').waitFor({ state: 'detached' });
    await page.locator('[data-testid="sync-pending"][data-count="0"]').waitFor();
    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      await expect.poll(() => (sqlite.prepare('SELECT COUNT(*) AS n FROM assistances WHERE practice = 1').get() as { n: number }).n).toBe(1);
    } finally {
      sqlite.close();
    }
  });
});
