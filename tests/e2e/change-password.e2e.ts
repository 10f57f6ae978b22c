// A staff member whose password was set under the old 10-character rule signs in: the dashboard
// shows the change-password form instead of the figures (the server refuses them until then),
// a common password is refused with the server's translated message, a good one opens the
// dashboard. On a 360 px phone-width screen.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../../src/server/services/accounts.js';
import { hashPassword } from '../../src/server/services/secrets.js';
import { launchBrowser } from '../helpers/chromium.js';
import { startServer, type E2eServer } from './helpers/browser.js';

const WARD = '10546';
const OLD_PASSWORD = 'mười ký tự'; // 10 characters: allowed before the policy

describe('forced password change in Chromium', () => {
  let server: E2eServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    await insertUser(server.db.db, { wardCode: WARD, username: 'can.bo.cu', role: 'ward_staff', passwordHash: await hashPassword(OLD_PASSWORD) });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks for a new password before the dashboard, and refuses a common one', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.click('[data-testid="open-ward-dashboard"]');
    await page.fill('[data-testid="dash-username"]', 'can.bo.cu');
    await page.fill('[data-testid="dash-password"]', OLD_PASSWORD);
    await page.click('[data-testid="dash-signin-submit"]');
    await page.waitForSelector('[data-testid="dash-change-password"]');
    expect(await page.locator('[data-testid="dash-change-password"] h2').innerText()).toBe('Đổi mật khẩu');
    expect(await page.locator('[data-testid="dash-overview"]').count()).toBe(0);
    for (const id of ['dash-pw-current', 'dash-pw-new', 'dash-pw-repeat', 'dash-pw-submit', 'dash-pw-signout']) {
      const box = (await page.locator(`[data-testid="${id}"]`).boundingBox())!;
      expect(box.height, id).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width, id).toBeLessThanOrEqual(360);
    }

    await page.fill('[data-testid="dash-pw-current"]', OLD_PASSWORD);
    await page.fill('[data-testid="dash-pw-new"]', 'password123456');
    await page.fill('[data-testid="dash-pw-repeat"]', 'password123456');
    await page.click('[data-testid="dash-pw-submit"]');
    await page.waitForSelector('[data-testid="dash-pw-error"]');
    expect(await page.locator('[data-testid="dash-pw-error"]').innerText()).toMatch(/quá phổ biến/);

    await page.fill('[data-testid="dash-pw-new"]', 'hoa sen nở bên hồ Tây');
    await page.fill('[data-testid="dash-pw-repeat"]', 'hoa sen nở bên hồ Tây');
    await page.click('[data-testid="dash-pw-submit"]');
    await page.waitForSelector('[data-testid="dash-overview"]');
    await context.close();
  });
});
