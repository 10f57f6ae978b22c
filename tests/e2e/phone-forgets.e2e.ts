// The phone forgets (issue 12, point 2), end to end: the real ward endpoint process and Chromium.
// 1. Phone retention: a synced household older than the ward's phoneRetentionDays (90) leaves
//    the phone at the next sync, while an equally old "not home" household (an open revisit on
//    the follow-up list) stays.
// 2. Retire: ward staff retire the device while a household waits offline; back online, the
//    phone sends it (the server stores it), then wipes: IndexedDB holds no record, Home says so.
// 3. Lost: enrolled again from the wiped screen, the phone saves a household offline; staff
//    report the phone lost; at its next contact it wipes at once, the household is NOT stored,
//    and the devices screen shows the one record that was waiting.
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../helpers/spawn-server.js';
import { readStore, putRows } from './helpers/idb.js';
import { enrolFromQrLink, usePhoneAndWard } from './helpers/phone-and-ward.js';
import { SurveyPage } from './helpers/survey-page.js';
import type { WardProcess } from './helpers/ward-process.js';

const PASSWORD = 'một mật khẩu dài cho thử nghiệm';

describe('the phone forgets', () => {
  const phone = usePhoneAndWard('go-cua-e2e-forget-');
  let ward: WardProcess;
  let page: Page;
  let context: BrowserContext;
  let dataDir: string;
  let staffToken: string;

  beforeAll(async () => {
    ({ ward, page, context, dataDir } = phone);
    expect(runAdmin(['create-user', '--ward', '10546', '--username', 'canbo.quen', '--password-stdin'], { DATA_DIR: dataDir, DATABASE_URL: '' }, `${PASSWORD}\n`).code).toBe(0);
    const login = await fetch(`${ward.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'canbo.quen', password: PASSWORD }),
    });
    staffToken = ((await login.json()) as { token: string }).token;
  });

  const staff = (method: string, url: string, body?: unknown) =>
    fetch(`${ward.url}/api/v1/wards/10546${url}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${staffToken}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const storedHouseNumbers = () => {
    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      return (sqlite.prepare('SELECT body FROM record_revisions').all() as { body: string }[]).map((r) => JSON.parse(r.body).data.address.houseNumber as string).sort();
    } finally {
      sqlite.close();
    }
  };

  const deviceId = async () => (await readStore<{ key: string; value: { deviceId: string } }>(page, 'meta')).find((m) => m.key === 'device')!.value.deviceId;

  /** Surveys a household with only an address and an outcome (not home / refused) and saves it. */
  async function visit(houseNumber: string, outcome: 'not_home' | 'refused'): Promise<void> {
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('new-survey').click();
    const s = new SurveyPage(page);
    await s.fillAddress('TDP02', houseNumber, 'Ngõ 8', 'Lạch Tray');
    await s.next('outcome');
    await s.radio('field-outcome', outcome);
    await s.next('review');
    await page.getByTestId('save').click();
    await page.getByTestId('record-screen').waitFor();
  }

  async function allSent(): Promise<void> {
    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="sync-pending"][data-count="0"]').waitFor();
    await page.locator('[data-testid="sync-status"][data-phase="idle"]').waitFor();
  }

  it('a synced household older than phoneRetentionDays leaves the phone; an old open revisit stays', async () => {
    await enrolFromQrLink(page, ward, 'Vũ Thị Quên');
    await visit('11', 'refused');
    await visit('12', 'not_home');
    await allSent();
    expect(storedHouseNumbers()).toEqual(['11', '12']);

    // Both saved 200 days ago, as far as the phone's index fields say (what retention reads).
    const old = new Date(Date.now() - 200 * 86_400_000).toISOString();
    const records = await readStore<{ id: string; savedAt: string; surveyedAt: string }>(page, 'records');
    const summaries = await readStore<{ id: string; savedAt: string; surveyedAt: string }>(page, 'summaries');
    expect(records).toHaveLength(2);
    await putRows(page, [
      ...records.map((r) => ({ store: 'records', value: { ...r, savedAt: old, surveyedAt: old.slice(0, 10) } })),
      ...summaries.map((r) => ({ store: 'summaries', value: { ...r, savedAt: old, surveyedAt: old.slice(0, 10) } })),
    ]);

    // The next sync the server answers runs the retention.
    await page.getByTestId('sync-now').click();
    await expect.poll(async () => (await readStore(page, 'records')).length, { timeout: 15_000 }).toBe(1);
    const [left] = await readStore<{ outcome: string; record: { data: { address: { houseNumber: string } } } }>(page, 'records');
    expect(left).toMatchObject({ outcome: 'not_home', record: { data: { address: { houseNumber: '12' } } } });
    expect(await readStore(page, 'summaries')).toHaveLength(1);
    const meta = await readStore<{ key: string; value: { removed: number; days: number } }>(page, 'meta');
    expect(meta.find((m) => m.key === 'phoneRetention')?.value).toMatchObject({ removed: 1, days: 90 });
    // The volunteer is told why; the server keeps both.
    await page.locator('[data-testid="sync-pruned"][data-count="1"]').waitFor();
    expect(await page.getByTestId('sync-pruned').textContent()).toContain('xóa khỏi máy 1 bản ghi đã gửi quá 90 ngày');
    expect(storedHouseNumbers()).toEqual(['11', '12']);
  });

  it('a retired device sends what waits, then wipes its personal data and says so', async () => {
    // Retired while a household waits on the phone (offline): the next contact still takes it.
    await context.setOffline(true);
    await visit('13', 'refused');
    expect((await staff('POST', `/devices/${await deviceId()}/revoke`, { kind: 'retired' })).status).toBe(200);
    await context.setOffline(false);
    await page.goto(`${ward.url}/#/`);
    const wiped = page.locator('[data-testid="wiped-screen"][data-reason="retired"]');
    await wiped.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('wiped-reason').textContent()).toContain('Máy này đã được thu hồi');
    expect(storedHouseNumbers()).toEqual(['11', '12', '13']);
    for (const store of ['records', 'summaries', 'outbox', 'drafts'] as const) expect(await readStore(page, store), store).toEqual([]);
    const keys = (await readStore<{ key: string }>(page, 'meta')).map((m) => m.key).sort();
    expect(keys.filter((k) => !['installId', 'language', 'display', 'wiped'].includes(k))).toEqual([]);
  });

  it('enrolled again, a phone reported lost wipes at once at its next contact; what waited is lost and shown', async () => {
    const issued = await staff('POST', '/enrolment-codes', { uses: 1 });
    const { code } = (await issued.json()) as { code: string };
    await page.getByTestId('wiped-enrol').waitFor();
    await enrolFromQrLink(page, { ...ward, code }, 'Vũ Thị Quên');
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('new-survey').waitFor(); // the wiped screen has gone
    const id = await deviceId();

    await context.setOffline(true);
    await visit('14', 'refused');
    expect((await staff('POST', `/devices/${id}/revoke`, { kind: 'lost' })).status).toBe(200);
    await context.setOffline(false);
    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="wiped-screen"][data-reason="lost"]').waitFor({ timeout: 20_000 });
    for (const store of ['records', 'summaries', 'outbox'] as const) expect(await readStore(page, store), store).toEqual([]);
    expect(storedHouseNumbers()).toEqual(['11', '12', '13']);

    const devices = (await (await staff('GET', '/devices')).json()) as { devices: { id: string; revokeKind: string; waitingAtLastContact: number }[] };
    expect(devices.devices.find((d) => d.id === id)).toMatchObject({ revokeKind: 'lost', waitingAtLastContact: 1 });

    // The devices screen says it too.
    const dash = await context.newPage();
    await dash.setViewportSize({ width: 360, height: 800 });
    await dash.goto(`${ward.url}/#/ward/devices`);
    await dash.fill('[data-testid="dash-username"]', 'canbo.quen');
    await dash.fill('[data-testid="dash-password"]', PASSWORD);
    await dash.click('[data-testid="dash-signin-submit"]');
    const waiting = dash.locator('[data-testid="dash-device-waiting"]', { hasText: 'đã mất cùng máy' });
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain('1 bản ghi chưa gửi đã mất cùng máy');
    await dash.close();
  });
});
