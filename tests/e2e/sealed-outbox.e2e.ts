// The sealed outbox in real Chromium against the real ward endpoint process: after enrolment
// the phone holds the ward's public key (from the configuration); a household surveyed offline
// is sealed at save time, so the outbox row in IndexedDB carries `sealed` and none of the
// household's names or address in clear; back online, the ward endpoint opens it with the key
// file in its data folder and stores the record.
import { statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readStore } from './helpers/idb.js';
import { enrolFromQrLink, usePhoneAndWard } from './helpers/phone-and-ward.js';
import { SurveyPage } from './helpers/survey-page.js';

interface OutboxRow {
  recordId: string;
  rev: number;
  state: string;
  sealed?: { kid: string; enc: string; ct: string };
}

describe('sealed outbox', () => {
  const env = usePhoneAndWard('go-cua-e2e-sealed-');

  it('seals an offline survey at save time; the ward opens and stores it once online', async () => {
    const { page, context, ward, dataDir } = env;
    await enrolFromQrLink(page, ward, 'Trần Thị Lan');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    // The key the phone keeps is the one in the ward's key file (0600, outside the database).
    const keyFile = path.join(dataDir, 'ward-keys', '10546.json');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const meta = await readStore<{ key: string; value: { sealingKey?: { kid: string } } }>(page, 'meta');
    const kid = meta.find((m) => m.key === 'wardConfig')?.value.sealingKey?.kid;
    expect(kid).toMatch(/^[A-Za-z0-9_-]{22}$/);

    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="sync-status"][data-phase="idle"]').waitFor();
    await context.setOffline(true);
    await page.locator('[data-testid="sync-status"][data-phase="offline"]').waitFor();

    const s = new SurveyPage(page);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP02', '27', 'Ngõ Hòe Nhai', 'Phố Quán Thánh');
    await s.next('outcome');
    await s.radio('field-outcome', 'surveyed');
    await s.next('consent');
    await s.consentByHead('verbal');
    await s.next('members');
    await s.addMember(0, { name: 'Hoàng Thị Ngọc Diệp', birthYear: '1968', relation: 'head', sex: 'female' }, true);
    await s.addMember(1, { name: 'Đinh Công Tráng', birthYear: '1966', relation: 'spouse', sex: 'male' }, true);
    await s.next('devices');
    await s.oneSmartphoneOnly();
    await s.next('review');
    await s.save();

    const outbox = await readStore<OutboxRow>(page, 'outbox');
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.sealed?.kid).toBe(kid);
    const row = JSON.stringify(outbox[0]);
    for (const clear of ['Hoàng Thị Ngọc Diệp', 'Đinh Công Tráng', 'Diệp', 'Tráng', 'Hòe Nhai', 'Quán Thánh']) expect(row).not.toContain(clear);
    const recordId = outbox[0]!.recordId;

    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="sync-pending"][data-count="1"]').waitFor();
    await context.setOffline(false);
    await page.locator('[data-testid="sync-status"][data-phase="idle"] [data-testid="sync-pending"][data-count="0"]').waitFor();
    await expect.poll(async () => (await readStore<OutboxRow>(page, 'outbox')).length).toBe(0);

    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      const revisions = sqlite.prepare('SELECT rev, body FROM record_revisions WHERE record_id = ?').all(recordId) as { rev: number; body: string }[];
      expect(revisions).toHaveLength(1);
      const stored = JSON.parse(revisions[0]!.body) as { data: { members: { name?: string }[]; address: { street: string } } };
      expect(stored.data.members.map((m) => m.name)).toEqual(['Hoàng Thị Ngọc Diệp', 'Đinh Công Tráng']);
      expect(stored.data.address.street).toBe('Phố Quán Thánh');
    } finally {
      sqlite.close();
    }
  });
});
