// The ward admin's audit log in Chromium at 360 px: the admin's own sign-in and a household
// drill-down are listed (who, what in words, from where), the chain check says intact, a filter
// by action narrows the list, the CSV download works, axe finds nothing serious in vi or en;
// after an entry is changed directly in the database (the append-only trigger dropped, as a
// database owner could), the screen says the chain is broken at that entry.
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/server/services/accounts.js';
import { writeAudit } from '../../src/server/services/audit.js';
import { launchBrowser } from '../helpers/chromium.js';
import { axeBothLanguages } from './helpers/axe.js';
import { startServer, type E2eServer } from './helpers/browser.js';

const WARD = '10546';
const PASSWORD = 'hoa sen nở bên hồ Tây 2026';

describe('audit log screen in Chromium', () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    await createUser(server.db.db, { wardCode: WARD, username: 'quan.tri', password: PASSWORD, role: 'ward_admin' });
    await writeAudit(server.db.db, { userId: 'u-x', username: 'can.bo.khac', wardCode: WARD }, 'household.view', '5b0f8a52-3c1e-4d7a-9a61-2f3c4d5e6f70', { rev: 1 });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists, filters, checks the chain, downloads; a changed entry shows as broken', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN', acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.click('[data-testid="open-ward-dashboard"]');
    await page.fill('[data-testid="dash-username"]', 'quan.tri');
    await page.fill('[data-testid="dash-password"]', PASSWORD);
    await page.click('[data-testid="dash-signin-submit"]');
    await page.waitForSelector('[data-testid="dash-overview"]');
    await page.click('[data-testid="dash-tab-audit"]');

    const chain = page.getByTestId('dash-audit-chain');
    await expect.poll(() => chain.innerText()).toMatch(/^Chuỗi nhật ký nguyên vẹn: \d+ dòng/);
    const table = page.getByTestId('dash-audit-table');
    await table.locator('tr[data-action="auth.login"]').first().waitFor();
    const login = await table.locator('tr[data-action="auth.login"]').first().innerText();
    expect(login).toContain('quan.tri');
    expect(login).toContain('Đăng nhập');
    expect(login).toContain('127.0.0.1');
    expect(await table.locator('tr[data-action="household.view"]').innerText()).toContain('Xem chi tiết một hộ');

    for (const id of ['dash-audit-action', 'dash-audit-actor', 'dash-audit-from', 'dash-audit-to', 'dash-audit-apply', 'dash-audit-export']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.height, id).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width, id).toBeLessThanOrEqual(360);
    }
    expect(await axeBothLanguages(page, 'audit log')).toEqual([]);

    await page.selectOption('[data-testid="dash-audit-action"]', 'household.view');
    await page.click('[data-testid="dash-audit-apply"]');
    await expect.poll(() => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))).toEqual(['household.view']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="dash-audit-export"]')]);
    const text = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
    expect(text).toContain('household.view');
    expect(text.trimEnd().split('\r\n').pop()).toMatch(new RegExp(`^audit-chain ${WARD} seq=\\d+ hash=[0-9a-f]{64}$`));

    // A database owner edits an entry: the screen says where the chain breaks.
    await sql`drop trigger audit_log_no_update`.execute(server.db.db);
    await server.db.db.updateTable('audit_log').set({ detail: '{"rev":2}' }).where('action', '=', 'household.view').execute();
    await page.reload();
    await page.waitForSelector('[data-testid="dash-audit-chain"]');
    expect(await page.getByTestId('dash-audit-chain').innerText()).toMatch(/^Chuỗi nhật ký bị hỏng từ dòng số 1 \(nội dung một dòng không khớp mã băm\)/);
    await context.close();
  }, 120_000);
});
