// Enrol and sync, end to end: the real ward endpoint process (as `npm start` runs it, on an empty
// SQLite database) prints a first enrolment code; Chromium opens the QR link with it, enrols,
// goes offline, surveys two households, goes online, and the sync status shows both sent; the
// server's database then holds exactly those two.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.js';
import { putRows, readStore, waitForRecordRow } from './helpers/idb.js';
import { usePhoneAndWard } from './helpers/phone-and-ward.js';
import type { WardProcess } from './helpers/ward-process.js';


const ADULT_KEYS = ['ownsSmartphone', 'usedInternet3m', 'bankAccount', 'cashless30d', 'digitalSignature', 'onlinePublicService12m', 'cityApp'];
const SKILLS = ['publicServices', 'shopping', 'payments', 'safety', 'localPlatforms'];
const SERVICES = ['health', 'education', 'insurance', 'transport'];

class Survey {
  constructor(readonly page: Page) {}
  step = (name: string) => this.page.locator(`[data-testid="survey"][data-step="${name}"]`).waitFor();
  async next(expected: string) {
    await this.page.getByTestId('step-next').click();
    await this.step(expected);
  }
  radio = (fieldset: string, value: string) => this.page.locator(`#${fieldset} input[value="${value}"]`).check();
  async address(group: string, house: string, street: string) {
    await this.step('address');
    await this.page.getByTestId('group-select').selectOption(group);
    await this.page.getByTestId('house-number').fill(house);
    await this.page.getByTestId('street').fill(street);
  }
  async save() {
    await this.page.getByTestId('save').click();
    await this.page.getByTestId('saved-flash').waitFor();
  }
}

describe('enrol, survey offline, sync when back online', () => {
  const phone = usePhoneAndWard('go-cua-e2e-ward-');
  let ward: WardProcess;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;

  beforeAll(() => {
    ({ ward, context, page, dataDir } = phone);
  });

  it('enrols from the QR link with the code the server printed', async () => {
    await page.goto(`${ward.url}/?ward=10546&code=${encodeURIComponent(ward.code)}`);
    await page.getByTestId('enrol-wardCode').waitFor();
    expect(await page.getByTestId('enrol-wardCode').inputValue()).toBe('10546');
    expect(await page.getByTestId('enrol-enrolmentCode').inputValue()).toBe(ward.code);
    // An old-style link (`?code=`) still works, and the code leaves the address and history.
    await expect.poll(() => page.url()).not.toContain('code=');
    await page.getByTestId('enrol-submit').click();
    // Without a name: refused beside the field, in Vietnamese, nothing sent.
    const nameError = page.locator('.field--error:has([data-testid="enrol-volunteerName"]) .error');
    await nameError.waitFor();
    expect(await nameError.textContent()).toBe('Hãy nhập họ và tên.');
    await page.getByTestId('enrol-volunteerName').fill('Trần Thị Lan');
    await page.getByTestId('enrol-submit').click();
    await page.getByTestId('enrolment-done').waitFor();
    expect(await page.getByTestId('enrolment-done').textContent()).toContain('Phường');
    // The app shell must be cached by the service worker before going offline.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  });

  it('surveys two households offline; back online, the status shows both sent', async () => {
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('sync-status').waitFor();
    await page.locator('[data-testid="sync-status"][data-phase="idle"]').waitFor();
    await context.setOffline(true);
    await page.locator('[data-testid="sync-status"][data-phase="offline"]').waitFor();

    const s = new Survey(page);
    // Household 1: surveyed, one adult.
    await page.getByTestId('new-survey').click();
    await s.address('TDP02', '12', 'Nguyễn Trãi');
    await s.next('outcome');
    await s.radio('field-outcome', 'surveyed');
    await s.next('consent');
    await page.getByTestId('consent-given').check();
    await page.getByTestId('consent-relation').selectOption('head');
    await s.radio('field-consent-method', 'verbal');
    await s.next('members');
    // The first member's card is open as the step opens.
    await page.getByTestId('member-editor').waitFor();
    await page.getByTestId('member-name').fill('Lê Văn Hùng');
    await page.getByTestId('member-relation').selectOption('head');
    await page.getByTestId('member-birthyear').fill('1970');
    const f = 'field-members-0-';
    await s.radio(`${f}sex`, 'male');
    for (const k of ADULT_KEYS) await s.radio(`${f}${k}`, 'yes');
    for (const k of SKILLS) await s.radio(`${f}skills-${k}`, 'proficient');
    await s.radio(`${f}vneid`, 'level2');
    await s.radio(`${f}ehr`, 'no');
    for (const k of SERVICES) await s.radio(`${f}digitalServices12m-${k}`, 'no');
    await s.next('devices');
    await page.getByTestId('smartphones').fill('1');
    for (const k of ['computerOrTablet', 'fixedBroadband', 'fibre', 'wifi']) await s.radio(`field-devices-${k}`, 'no');
    await s.radio('field-payments-billsCashless', 'no');
    await s.radio('field-payments-businessAcceptsQr', 'no_business');
    await s.next('review');
    await s.save();

    // Household 2: nobody home.
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('new-survey').click();
    await s.address('TDP03', '14', 'Nguyễn Trãi');
    await s.next('outcome');
    await s.radio('field-outcome', 'not_home');
    await s.next('review');
    await s.save();

    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="sync-pending"][data-count="2"]').waitFor();
    expect(await page.getByTestId('sync-phase').textContent()).toContain('Không có mạng');

    await context.setOffline(false);
    await page.locator('[data-testid="sync-status"][data-phase="idle"] [data-testid="sync-progress"][data-sent="2"][data-total="2"]').waitFor();
    await page.locator('[data-testid="sync-pending"][data-count="0"]').waitFor();
    expect(await page.getByTestId('sync-last-success').textContent()).toContain('Lần đồng bộ thành công gần nhất');
    expect(await page.getByTestId('sync-error').count()).toBe(0);

    const phoneIds = (await readStore<{ id: string; syncState: string }>(page, 'records')).map((r) => `${r.id}:${r.syncState}`).sort();
    expect(phoneIds.every((x) => x.endsWith(':synced'))).toBe(true);

    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      const revisions = sqlite.prepare('SELECT record_id, rev FROM record_revisions ORDER BY record_id').all() as { record_id: string; rev: number }[];
      const households = sqlite.prepare('SELECT record_id, outcome, group_code FROM households ORDER BY record_id').all() as { record_id: string; outcome: string; group_code: string }[];
      expect(revisions.map((r) => `${r.record_id}:synced`)).toEqual(phoneIds);
      expect(revisions.every((r) => r.rev === 1)).toBe(true);
      expect(households.map((h) => [h.outcome, h.group_code]).sort()).toEqual([['not_home', 'TDP03'], ['surveyed', 'TDP02']]);
    } finally {
      sqlite.close();
    }
  });

  it('shows a household the server rejected with its message; fixing it resends it', async () => {
    // A record saved before the ward's register changed: its tổ dân phố is no longer on it. The
    // rows are those the app's save writes (record, summary, outbox entry, in one transaction);
    // then "Đồng bộ ngay" sends it.
    const id = randomUUID();
    const savedAt = new Date().toISOString();
    const record = {
      id,
      kind: 'household',
      rev: 1,
      schemaVersion: 1,
      clientUpdatedAt: savedAt,
      data: { wardCode: '10546', installId: randomUUID(), surveyedAt: '2026-11-20', groupCode: 'TDP99', address: { houseNumber: '99', street: 'Lý Thường Kiệt' }, outcome: 'not_home', members: [] },
    };
    const common = { groupCode: 'TDP99', outcome: 'not_home', surveyedAt: '2026-11-20', savedAt, searchText: '99 ly thuong kiet', voided: 0 };
    await putRows(page, [
      { store: 'records', value: { id, kind: 'household', record, syncState: 'pending', ...common } },
      { store: 'summaries', value: { id, rev: 1, address: '99, Lý Thường Kiệt', memberCount: 0, ...common } },
      { store: 'outbox', value: { recordId: id, rev: 1, queuedAt: savedAt, state: 'queued', attempts: 0 } },
    ]);
    await page.locator('[data-testid="sync-status"][data-phase="idle"]').waitFor();
    await page.getByTestId('sync-now').click();
    const item = page.locator(`[data-testid="sync-held-item"][data-id="${id}"][data-state="rejected"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('Tổ dân phố không có trong danh sách của phường.');
    await page.locator('[data-testid="sync-status"][data-phase="idle"]').waitFor();

    await item.getByRole('link').click();
    const s = new Survey(page);
    await s.step('outcome'); // a "not home" visit reopens at the outcome, as a revisit
    await page.getByTestId('step-back').click();
    await s.step('address');
    await page.getByTestId('group-select').selectOption('TDP04');
    await s.next('outcome');
    await s.next('review');
    await s.save();

    // The save asked for a sync: wait until the phone holds the server's answer for rev 2.
    await waitForRecordRow(page, id, { syncState: 'synced', syncedRev: 2 });
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('sync-status').waitFor();
    expect(await page.getByTestId('sync-held').count()).toBe(0);
    // Each look opens the file afresh (a new read snapshot); a full CI run once read no row here
    // right after the phone held the answer, so wait for it rather than read once.
    const storedRevs = (): number[] => {
      const look = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
      try {
        return (look.prepare('SELECT rev FROM record_revisions WHERE record_id = ?').all(id) as { rev: number }[]).map((r) => r.rev);
      } finally {
        look.close();
      }
    };
    await waitFor(() => storedRevs().length > 0, 10_000, 'the server to hold rev 2').catch(() => undefined);
    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      const revs = sqlite.prepare('SELECT rev FROM record_revisions WHERE record_id = ?').all(id) as { rev: number }[];
      expect(revs.map((r) => r.rev)).toEqual([2]);
      const household = sqlite.prepare('SELECT group_code FROM households WHERE record_id = ?').get(id) as { group_code: string };
      expect(household.group_code).toBe('TDP04');
    } finally {
      sqlite.close();
    }
  });
});
