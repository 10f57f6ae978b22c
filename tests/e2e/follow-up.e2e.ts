// The follow-up list, the VNeID update and the teaching cards in Chromium, offline: a household
// surveyed through the form, with a member who has no VNeID and asked for help, shows on #/follow-up under its
// tổ dân phố; "Đã hỗ trợ" opens the assistance form linked to that member; a done "Cài VNeID"
// offers the VNeID update, which saves rev 2 of the household; the item leaves the list. A
// teaching card is read step by step and "Đã hướng dẫn" records a teaching_card help.
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { E2eServer } from './helpers/browser.js';
import { usePhoneAndServer } from './helpers/phone-and-ward.js';
import { readStore } from './helpers/idb.js';
import { SurveyPage } from './helpers/survey-page.js';

interface Row {
  id: string;
  kind: string;
  record: { rev: number; data: { members?: { name: string; vneid: string }[]; kinds?: string[]; teachingCardId?: string } };
}

describe('follow-up list, VNeID update and teaching cards', () => {
  const phone = usePhoneAndServer({ open: '/#/' });
  let server: E2eServer;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    ({ server, context, page } = phone);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  });

  it('lists a member who asked for help, links the help, offers and saves the VNeID update', async () => {
    await context.setOffline(true);
    // The household is surveyed through the form, as a volunteer would: a head of household
    // without VNeID who asks for help installing it.
    const s = new SurveyPage(page);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP02', '7', '', 'Lê Lợi');
    await s.next('outcome');
    await s.radio('field-outcome', 'surveyed');
    await s.next('consent');
    await s.consentByHead('verbal');
    await s.next('members');
    await s.addMember(0, { name: 'Bùi Thị Lành', birthYear: '1950', relation: 'head', sex: 'female', vneid: 'none', wantsHelp: ['Cài đặt VNeID'] }, true);
    await s.next('devices');
    await s.oneSmartphoneOnly();
    await s.next('review');
    await s.save();
    const [saved] = (await readStore<Row>(page, 'records')).filter((r) => r.kind === 'household');
    expect(saved?.record.rev).toBe(1);
    const householdId = saved!.id;

    await page.goto(`${server.url}/#/`);
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

    const household = (await readStore<Row>(page, 'records')).find((r) => r.id === householdId)?.record;
    expect(household?.rev).toBe(2);
    expect(household?.data.members?.[0]?.vneid).toBe('level1');

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
    const taught = (await readStore<Row>(page, 'records'))
      .filter((r) => r.kind === 'assistance' && r.record.data.kinds?.includes('teaching_card'))
      .map((r) => r.record.data.teachingCardId);
    expect(taught).toEqual(['vneid-install']);
  });
});
