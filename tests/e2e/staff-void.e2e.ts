// A staff void reaches the phone, end to end: the real ward endpoint process and Chromium. The
// phone surveys a "not home" household and syncs it; ward staff void it through the dashboard
// API; "Đồng bộ ngay" on the phone brings the void: the volunteer is told in Vietnamese, the
// household leaves the list, and the ward's database keeps it voided (no silent un-void).
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAdmin } from '../helpers/spawn-server.js';
import { enrolFromQrLink, usePhoneAndWard } from './helpers/phone-and-ward.js';
import { SurveyPage } from './helpers/survey-page.js';
import type { WardProcess } from './helpers/ward-process.js';

describe('a staff void reaches the owning phone', () => {
  const phone = usePhoneAndWard('go-cua-e2e-void-');
  let ward: WardProcess;
  let page: Page;
  let dataDir: string;

  beforeAll(() => {
    ({ ward, page, dataDir } = phone);
  });

  const households = () => {
    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      return sqlite.prepare('SELECT record_id, rev, voided FROM households').all() as { record_id: string; rev: number; voided: number }[];
    } finally {
      sqlite.close();
    }
  };

  it('enrols, surveys a household and syncs it', async () => {
    await enrolFromQrLink(page, ward, 'Trần Thị Lan');
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('new-survey').click();
    const s = new SurveyPage(page);
    await s.fillAddress('TDP02', '27', 'Ngõ 3', 'Trần Phú');
    await s.next('outcome');
    await s.radio('field-outcome', 'not_home');
    await s.next('review');
    await page.getByTestId('save').click();
    await page.getByTestId('record-screen').waitFor();
    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="sync-pending"][data-count="0"]').waitFor();
    await page.locator('[data-testid="sync-status"][data-phase="idle"]').waitFor();
    expect(households()).toHaveLength(1);
  });

  it('staff void it; "Đồng bộ ngay" tells the volunteer and the household leaves the list, still voided on the server', async () => {
    const created = runAdmin(['create-user', '--ward', '10546', '--username', 'canbo.e2e', '--password-stdin'], { DATA_DIR: dataDir, DATABASE_URL: '' }, 'một mật khẩu dài cho thử nghiệm\n');
    expect(created.code).toBe(0);
    const login = await fetch(`${ward.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'canbo.e2e', password: 'một mật khẩu dài cho thử nghiệm' }),
    });
    const { token } = (await login.json()) as { token: string };
    const [household] = households();
    const voided = await fetch(`${ward.url}/api/v1/wards/10546/households/${household!.record_id}/void`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ reason: 'Trùng với hộ đã khảo sát' }),
    });
    expect(voided.status).toBe(200);

    await page.goto(`${ward.url}/#/list`);
    await page.locator('[data-testid="result-count"][data-count="1"]').waitFor();
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('sync-now').click();
    const notice = page.locator(`[data-testid="sync-staff-change"][data-id="${household!.record_id}"][data-voided="1"]`);
    await notice.waitFor();
    expect(await notice.textContent()).toContain('cán bộ phường đã hủy bản ghi này');
    expect(await notice.textContent()).toContain('Hộ số 27');

    await page.goto(`${ward.url}/#/list`);
    await page.locator('[data-testid="result-count"][data-count="0"]').waitFor();
    expect(households()).toEqual([{ record_id: household!.record_id, rev: 2, voided: 1 }]);
    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      // The phone acknowledged the void (its next rev would be built on it).
      await expect.poll(() => (sqlite.prepare('SELECT unseen_staff_rev FROM record_owners WHERE record_id = ?').get(household!.record_id) as { unseen_staff_rev: number | null }).unseen_staff_rev).toBeNull();
    } finally {
      sqlite.close();
    }
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('sync-staff-dismiss').click();
    await page.getByTestId('sync-staff-changes').waitFor({ state: 'detached' });
  });

  it('the devices screen hands the phone\'s records to a re-enrolled device, audited', async () => {
    const login = await fetch(`${ward.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'canbo.e2e', password: 'một mật khẩu dài cho thử nghiệm' }),
    });
    const { token: staffToken } = (await login.json()) as { token: string };
    const issued = await fetch(`${ward.url}/api/v1/wards/10546/enrolment-codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${staffToken}` },
      body: JSON.stringify({ uses: 1 }),
    });
    const { code } = (await issued.json()) as { code: string };
    const enrolled = await fetch(`${ward.url}/api/v1/devices/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ wardCode: '10546', enrolmentCode: code, volunteerName: 'Trần Thị Lan (máy mới)' }),
    });
    const fresh = (await enrolled.json()) as { deviceId: string; token: string };

    const dash = await phone.context.newPage();
    await dash.setViewportSize({ width: 360, height: 800 });
    await dash.goto(`${ward.url}/#/ward/devices`);
    await dash.fill('[data-testid="dash-username"]', 'canbo.e2e');
    await dash.fill('[data-testid="dash-password"]', 'một mật khẩu dài cho thử nghiệm');
    await dash.click('[data-testid="dash-signin-submit"]');
    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    const oldDevice = (sqlite.prepare('SELECT device_id FROM record_owners').get() as { device_id: string }).device_id;
    sqlite.close();
    await dash.click(`[data-testid="dash-transfer-start"][data-id="${oldDevice}"]`);
    await dash.selectOption('[data-testid="dash-transfer-to"]', fresh.deviceId);
    await dash.click('[data-testid="dash-transfer-confirm"]');
    const done = dash.getByTestId('dash-transfer-done');
    await done.waitFor();
    expect(await done.textContent()).toBe('Đã giao 1 bản ghi cho Trần Thị Lan (máy mới).');
    await dash.close();
    const after = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      expect((after.prepare('SELECT device_id FROM record_owners').get() as { device_id: string }).device_id).toBe(fresh.deviceId);
      expect((after.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'records.transfer'").get() as { n: number }).n).toBe(1);
    } finally {
      after.close();
    }
  });
});
