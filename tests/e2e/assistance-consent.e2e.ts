// Issue 12, point 6 in Chromium at 360 px against the real ward endpoint (fresh SQLite): the
// assistance screen asks the person's consent before a name or phone; with "Đồng ý" the fields
// appear and the record carries the consent and the notice version; with "Không đồng ý" there
// are no fields and the record keeps only the year and the help. Both reach the server as such
// (read from its SQLite file), and the screen passes axe in both languages with 44 px targets.
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { axeBothLanguages } from './helpers/axe.js';
import { shot } from './helpers/screenshots.js';
import { enrolFromQrLink, usePhoneAndWard } from './helpers/phone-and-ward.js';
import type { WardProcess } from './helpers/ward-process.js';

describe('assistance consent before a name or phone', () => {
  const phone = usePhoneAndWard('go-cua-e2e-consent-');
  let ward: WardProcess;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;

  beforeAll(() => {
    ({ ward, context, page, dataDir } = phone);
  });

  const saved = (n: number) => page.locator(`[data-testid="assist-saved"][data-count="${n}"]`).waitFor();

  it('records one help with consent (name and phone) and one without (year and help only)', async () => {
    await enrolFromQrLink(page, ward, 'Vũ Thanh Hà');
    await page.getByTestId('new-survey').waitFor();
    expect(context.pages()).toHaveLength(1);
    await page.goto(`${ward.url}/#/assist`);
    await page.locator('[data-testid="assist-screen"][data-ready="true"]').waitFor();

    // With consent.
    await page.getByTestId('kind-install_vneid').click();
    await page.getByTestId('outcome-needs_follow_up').click();
    await page.getByTestId('reason-forgotten_password').click();
    await page.getByTestId('assist-year').fill('1958');
    await page.getByTestId('assist-more').click();
    await page.getByText('Người được hỗ trợ đồng ý để lưu tên và số điện thoại?').waitFor();
    expect(await page.getByTestId('assist-name').count()).toBe(0);
    expect(await page.getByTestId('assist-phone').count()).toBe(0);
    // The notice the volunteer reads aloud is the ward's assistance notice.
    await page.locator('.assist__notice summary').click();
    expect(await page.getByTestId('assist-consent-notice').textContent()).toContain('Ủy ban nhân dân phường Chí Linh là bên kiểm soát dữ liệu của việc hỗ trợ này.');
    await page.getByTestId('consent-yes').click();
    expect(await page.getByTestId('consent-yes').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('assist-name').fill('Đỗ Thị Mai');
    await page.getByTestId('assist-phone').fill('0912 345 678');
    // Labelled, big enough to tap, no sideways scroll at 360 px, in both languages.
    expect(await page.locator('label[for="assist-name"]').count()).toBe(1);
    for (const id of ['consent-yes', 'consent-no']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.height, id).toBeGreaterThanOrEqual(44);
      expect(box.width, id).toBeGreaterThanOrEqual(44);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeBothLanguages(page, 'assist with consent')).toEqual([]);
    await page.getByTestId('consent-yes').scrollIntoViewIfNeeded();
    await shot(page, 'assist-consent-yes');
    await page.getByTestId('assist-save').click();
    await saved(1);

    // Without consent: the fields never appear; a "no" after a "yes" clears what was typed.
    await page.getByTestId('kind-setup_bank_ewallet_qr').click();
    await page.getByTestId('outcome-done').click();
    await page.getByTestId('assist-year').fill('1961');
    if (await page.getByTestId('assist-more').count()) await page.getByTestId('assist-more').click();
    await page.getByTestId('consent-yes').click();
    await page.getByTestId('assist-name').fill('Tên sẽ bị xóa');
    await page.getByTestId('consent-no').click();
    await page.getByTestId('assist-consent-no').waitFor();
    expect(await page.getByTestId('assist-name').count()).toBe(0);
    expect(await page.getByTestId('assist-phone').count()).toBe(0);
    expect(await axeBothLanguages(page, 'assist without consent')).toEqual([]);
    await page.getByTestId('assist-save').click();
    await saved(2);
  });

  it('the server holds the name, phone and consent of the first, and neither name nor phone of the second', async () => {
    await page.goto(`${ward.url}/#/`);
    await page.locator('[data-testid="sync-pending"][data-count="0"]').waitFor();
    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      const bodies = (sqlite.prepare("SELECT body, schema_version FROM record_revisions WHERE kind = 'assistance'").all() as { body: string; schema_version: number }[]).map((r) => ({
        version: r.schema_version,
        record: JSON.parse(r.body) as { schemaVersion: number; data: { person: Record<string, unknown>; consent?: Record<string, unknown> } },
      }));
      const byYear = new Map(bodies.map((b) => [b.record.data.person.birthYear, b]));
      expect(byYear.get(1958)?.version).toBe(2);
      expect(byYear.get(1958)?.record.data.person).toEqual({ name: 'Đỗ Thị Mai', birthYear: 1958, phone: '0912345678' });
      expect(byYear.get(1958)?.record.data.consent).toMatchObject({ given: true, purpose: 'assistance', noticeVersion: '2026-12' });
      expect(byYear.get(1961)?.record.data.person).toEqual({ birthYear: 1961 });
      expect(byYear.get(1961)?.record.data.consent).toBeUndefined();
      expect(JSON.stringify(bodies)).not.toContain('Tên sẽ bị xóa');
    } finally {
      sqlite.close();
    }
  });
});
