// The follow-up list, the VNeID update and the teaching cards in Chromium, offline: a household
// on the phone with a member who has no VNeID and asked for help shows on #/follow-up under its
// tổ dân phố; "Đã hỗ trợ" opens the assistance form linked to that member; a done "Cài VNeID"
// offers the VNeID update, which saves rev 2 of the household; the item leaves the list. A
// teaching card is read step by step and "Đã hướng dẫn" records a teaching_card help.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchProfile, makeProfileDir, startServer } from './helpers/browser.js';

type Hook = { db: { records: { put(row: unknown): Promise<unknown>; get(id: string): Promise<any>; toArray(): Promise<any[]> }; summaries: { put(row: unknown): Promise<unknown> } } };

const HOUSEHOLD_ID = 'a1b2c3d4-0000-4000-8000-000000000001';
const MEMBER_ID = 'a1b2c3d4-0000-4000-8000-000000000002';

describe('follow-up list, VNeID update and teaching cards', () => {
  const profile = makeProfileDir();
  let server: Awaited<ReturnType<typeof startServer>>;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    context = await launchProfile(profile.dir);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/#/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.waitForFunction(() => (window as unknown as { __goCuaSync?: unknown }).__goCuaSync !== undefined);
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await server?.close();
    profile.remove();
  });

  it('lists a member who asked for help, links the help, offers and saves the VNeID update', async () => {
    await context.setOffline(true);
    await page.evaluate(
      async ({ id, memberId }) => {
        const hook = (window as unknown as { __goCuaSync: Hook }).__goCuaSync;
        const now = new Date().toISOString();
        const record = {
          id, kind: 'household', rev: 1, schemaVersion: 1, clientUpdatedAt: now,
          data: {
            wardCode: '10546', installId: crypto.randomUUID(), surveyedAt: now.slice(0, 10), groupCode: 'TDP02',
            address: { houseNumber: '7', street: 'Lê Lợi' }, outcome: 'surveyed',
            consent: { given: true, consenterRelation: 'head', consentedAt: now, method: 'verbal', noticeVersion: '2026-01' },
            devices: { smartphones: 1, computerOrTablet: 'no', fixedBroadband: 'no', fibre: 'no', wifi: 'no' },
            payments: { billsCashless: 'no', businessAcceptsQr: 'no_business' },
            members: [{
              id: memberId, name: 'Bùi Thị Lành', relation: 'head', birthYear: 1950, sex: 'female', vneid: 'none', ehr: 'no',
              digitalServices12m: { health: 'no', education: 'no', insurance: 'no', transport: 'no' }, wantsHelp: ['vneid_install'],
              ownsSmartphone: 'yes', usedInternet3m: 'no',
              skills: { publicServices: 'none', shopping: 'none', payments: 'none', safety: 'none', localPlatforms: 'none' },
              bankAccount: 'no', cashless30d: 'no', digitalSignature: 'no', onlinePublicService12m: 'no', cityApp: 'no',
            }],
          },
        };
        await hook.db.records.put({ id, kind: 'household', record, syncState: 'pending', groupCode: 'TDP02', outcome: 'surveyed', surveyedAt: record.data.surveyedAt, savedAt: now, searchText: '7 le loi bui thi lanh', voided: 0 });
        await hook.db.summaries.put({ id, rev: 1, groupCode: 'TDP02', outcome: 'surveyed', surveyedAt: record.data.surveyedAt, savedAt: now, address: '7, Lê Lợi', memberCount: 1, searchText: '7 le loi bui thi lanh', voided: 0 });
      },
      { id: HOUSEHOLD_ID, memberId: MEMBER_ID },
    );

    await page.getByTestId('open-follow-up').click();
    const item = page.locator('[data-testid="follow-up-group"][data-group="TDP02"] [data-testid="follow-up-item"][data-kind="member_help"]');
    await item.waitFor();
    expect(await item.textContent()).toContain('Bùi Thị Lành');
    expect(await item.textContent()).toContain('Cài đặt VNeID');
    await item.getByTestId('follow-up-action').click();

    await page.getByTestId('assist-linked').waitFor();
    expect(await page.getByTestId('assist-linked').textContent()).toContain('Bùi Thị Lành');
    expect(await page.getByTestId('assist-year').inputValue()).toBe('1950');
    await page.getByTestId('kind-install_vneid').click();
    await page.getByTestId('outcome-done').click();
    await page.getByTestId('assist-save').click();
    await page.getByTestId('vneid-offer').waitFor();
    expect(await page.getByTestId('vneid-offer').textContent()).toContain('Mức 1');
    await page.getByTestId('vneid-accept').click();
    await page.getByTestId('vneid-updated').waitFor();

    const household = await page.evaluate(async (id) => (await (window as unknown as { __goCuaSync: Hook }).__goCuaSync.db.records.get(id)).record, HOUSEHOLD_ID);
    expect(household.rev).toBe(2);
    expect(household.data.members[0].vneid).toBe('level1');

    await page.goto(`${server.url}/#/follow-up`);
    await page.getByTestId('follow-up').waitFor();
    await page.locator('[data-testid="follow-up-total"], [data-testid="follow-up-empty"]').first().waitFor();
    expect(await page.locator('[data-testid="follow-up-item"][data-kind="member_help"]').count()).toBe(0);
  });

  it('shows a teaching card step by step and records "Đã hướng dẫn" as a teaching_card help', async () => {
    await page.goto(`${server.url}/#/cards`);
    await page.locator('[data-testid="card-link"][data-id="vneid-install"]').click();
    await page.getByTestId('card-view').waitFor();
    expect(await page.getByTestId('card-step-n').textContent()).toMatch(/^Bước 1\//);
    await page.getByTestId('card-next').click();
    await page.locator('[data-testid="card-step-n"]', { hasText: 'Bước 2/' }).waitFor();
    await page.getByTestId('card-taught').click();
    await page.getByTestId('assist-card').waitFor();
    expect(await page.getByTestId('kind-teaching_card').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('outcome-done').click();
    await page.getByTestId('assist-year').fill('1962');
    await page.getByTestId('assist-save').click();
    await page.getByTestId('assist-saved').waitFor();
    const taught = await page.evaluate(async () => {
      const rows = await (window as unknown as { __goCuaSync: Hook }).__goCuaSync.db.records.toArray();
      return rows.filter((r) => r.kind === 'assistance' && r.record.data.kinds.includes('teaching_card')).map((r) => r.record.data.teachingCardId);
    });
    expect(taught).toEqual(['vneid-install']);
  });
});
