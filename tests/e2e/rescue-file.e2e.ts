// Rescuing a phone's unsynced work through a file, end to end: the real ward endpoint process
// and Chromium. The phone enrols (its signing key goes with the enrolment), then — offline, never
// syncing — saves two households and leaves a draft; "Xuất hồ sơ chưa gửi" makes the sealed,
// signed file (the download captured). A ward staff member, in another browser context, uploads
// it on the dashboard: the records are in the ward's database and shown stored; the same file
// again shows them already there and stores nothing twice; an altered file is refused with a
// translated message. The phone keeps its outbox throughout.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/chromium.js';
import { runAdmin } from '../helpers/spawn-server.js';
import { readStore } from './helpers/idb.js';
import { enrolFromQrLink, usePhoneAndWard } from './helpers/phone-and-ward.js';
import { SurveyPage } from './helpers/survey-page.js';

const PASSWORD = 'một mật khẩu dài cho thử nghiệm';

describe('rescue file from an offline phone', () => {
  const env = usePhoneAndWard('go-cua-e2e-rescue-');
  let browser: Browser | undefined;
  let filePath = '';
  const recordIds: string[] = [];

  afterAll(async () => {
    await browser?.close();
  });

  const stored = () => {
    const sqlite = new Database(path.join(env.dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      return sqlite.prepare('SELECT record_id, rev FROM record_revisions ORDER BY record_id').all() as { record_id: string; rev: number }[];
    } finally {
      sqlite.close();
    }
  };

  async function notHome(page: Page, houseNumber: string, street: string) {
    await page.getByTestId('new-survey').click();
    const s = new SurveyPage(page);
    await s.fillAddress('TDP02', houseNumber, '', street);
    await s.next('outcome');
    await s.radio('field-outcome', 'not_home');
    await s.next('review');
    await page.getByTestId('save').click();
    await page.getByTestId('record-screen').waitFor();
    await page.goto(`${env.ward.url}/#/`);
  }

  it('exports the offline records and a draft as one file, deleting nothing', async () => {
    const { page, context, ward } = env;
    await enrolFromQrLink(page, ward, 'Trần Thị Lan');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const meta = await readStore<{ key: string; value: { registered?: string; publicKey?: string } }>(page, 'meta');
    expect(meta.find((m) => m.key === 'signingKey')?.value).toMatchObject({ registered: 'yes', publicKey: expect.stringMatching(/^B/) });

    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="sync-status"][data-phase="idle"]').waitFor();
    await context.setOffline(true);
    await page.locator('[data-testid="sync-status"][data-phase="offline"]').waitFor();
    await notHome(page, '14', 'Phố Hàng Bạc');
    await notHome(page, '16', 'Phố Hàng Bạc');
    // A form left half way: a draft.
    await page.getByTestId('new-survey').click();
    await new SurveyPage(page).fillAddress('TDP02', '18', 'Ngõ Tạm Thương', 'Phố Hàng Bạc');
    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="count-drafts"]', { hasText: '1' }).waitFor();

    await page.getByTestId('open-rescue').click();
    await page.locator('[data-testid="rescue-contents"][data-records="2"][data-drafts="1"]').waitFor();
    expect(await page.getByTestId('rescue-contents').textContent()).toBe('Tệp sẽ gồm 2 hộ, 0 lượt hỗ trợ chưa gửi và 1 bản nháp.');
    await page.getByTestId('rescue-build').click();
    await page.getByTestId('rescue-built').waitFor();
    expect(await page.getByTestId('rescue-built').textContent()).toContain('2 hồ sơ và 1 bản nháp');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rescue-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^go-cua-10546-[0-9a-f]{8}-\d{4}-\d{2}-\d{2}\.gocua\.json$/);
    filePath = path.join(env.dataDir, download.suggestedFilename()); // removed with the folder
    await download.saveAs(filePath);
    const file = JSON.parse(readFileSync(filePath, 'utf8')) as { envelope: { records: number; drafts: number }; sealed: { ct: string } };
    expect(file.envelope).toMatchObject({ format: 'go-cua-rescue', wardCode: '10546', records: 2, drafts: 1 });
    // Sealed: no address in clear.
    expect(readFileSync(filePath, 'utf8')).not.toContain('Hàng Bạc');

    const outbox = await readStore<{ recordId: string }>(page, 'outbox');
    expect(outbox).toHaveLength(2);
    recordIds.push(...outbox.map((e) => e.recordId).sort());
    expect(stored()).toEqual([]); // never synced
  });

  it('ward staff upload it: stored once, shown; again: already there; altered: refused', async () => {
    const created = runAdmin(['create-user', '--ward', '10546', '--username', 'canbo.cuu', '--password-stdin'], { DATA_DIR: env.dataDir, DATABASE_URL: '' }, `${PASSWORD}\n`);
    expect(created.code).toBe(0);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto(`${env.ward.url}/#/ward/rescue`);
    await page.fill('[data-testid="dash-username"]', 'canbo.cuu');
    await page.fill('[data-testid="dash-password"]', PASSWORD);
    await page.click('[data-testid="dash-signin-submit"]');
    await page.getByTestId('dash-rescue').waitFor();

    const upload = async (file: string) => {
      await page.getByTestId('rescue-file').setInputFiles(file);
      await page.getByTestId('rescue-upload').click();
    };

    await upload(filePath);
    await page.locator('[data-testid="rescue-result"][data-accepted="2"][data-duplicate="0"]').waitFor();
    const rows = page.getByTestId('rescue-row');
    expect(await rows.count()).toBe(2);
    for (const status of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))) expect(status).toBe('accepted');
    expect(await rows.first().textContent()).toContain('Đã lưu');
    expect(await page.getByTestId('rescue-draft').textContent()).toContain('18, Ngõ Tạm Thương, Phố Hàng Bạc');
    expect(stored()).toEqual(recordIds.map((id) => ({ record_id: id, rev: 1 })));

    await upload(filePath);
    await page.locator('[data-testid="rescue-result"][data-accepted="0"][data-duplicate="2"]').waitFor();
    expect(await rows.first().textContent()).toContain('Đã có sẵn');
    expect(stored()).toHaveLength(2);

    // One character of the ciphertext changed: the signature no longer matches.
    const altered = JSON.parse(readFileSync(filePath, 'utf8')) as { sealed: { ct: string } };
    const ct = altered.sealed.ct;
    altered.sealed.ct = ct.slice(0, 40) + (ct[40] === 'A' ? 'B' : 'A') + ct.slice(41);
    const alteredPath = `${filePath}.altered.gocua.json`;
    writeFileSync(alteredPath, JSON.stringify(altered));
    await upload(alteredPath);
    const error = page.getByTestId('rescue-error');
    await error.waitFor();
    expect(await error.textContent()).toBe(
      'Chữ ký của tệp không khớp với điện thoại đã xuất nó: tệp đã bị sửa hoặc không phải do máy này tạo. Không có gì được lưu.',
    );
    expect(await page.getByTestId('rescue-result').count()).toBe(0);
    expect(stored()).toHaveLength(2);

    // A file that is not one at all: refused, translated, before anything is sent.
    const junkPath = `${filePath}.junk.json`;
    writeFileSync(junkPath, 'this is not json');
    await upload(junkPath);
    await page.locator('[data-testid="rescue-error"]', { hasText: 'không phải tệp hồ sơ Gõ Cửa' }).waitFor();

    // The phone still holds its outbox: nothing was deleted by the export.
    expect(await readStore(env.page, 'outbox')).toHaveLength(2);
    await context.close();
  });
});
