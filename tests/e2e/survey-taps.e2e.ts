// Issue 11's budget: the household of four (tests/fixtures/household-of-four.ts) from "Khảo sát
// hộ mới" to the save confirmation in ≤ 65 taps, counted in the page (helpers/tap-counter.ts).
// The test answers what the phone shows, as a volunteer would: a question on screen gets the
// fixture's answer; the folded likely answers are confirmed with one tap when they are the
// household's; "all of them" takes one tap when it matches most of a group. It also checks that
// the 16-year-old is not asked the adult questions, and takes a 360 px screenshot of the member
// step into the temp folder for a person to look at.
import { beforeAll, describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { usePhoneAndServer } from './helpers/phone-and-ward.js';
import { SurveyPage } from './helpers/survey-page.js';
import { installTapCounter, startCounting, taps } from './helpers/tap-counter.js';
import { HOUSEHOLD_OF_FOUR } from '../fixtures/household-of-four.js';

const BUDGET = 65;
type Member = (typeof HOUSEHOLD_OF_FOUR.members)[number];

describe('survey taps: the household of four', () => {
  const phone = usePhoneAndServer({ open: '', prepare: installTapCounter });
  let page: Page;

  beforeAll(() => {
    ({ page } = phone);
  });

  const tap = (selector: string) => page.locator(selector).click();
  const radio = (fieldset: string, value: string) => tap(`#${fieldset} input[value="${value}"]`);
  const visible = (selector: string) => page.locator(selector).isVisible();
  /** Types into a text field, tapping it first only when it does not already have the focus. */
  async function typeInto(selector: string, text: string): Promise<void> {
    const focused = await page.locator(selector).evaluate((el) => el === document.activeElement);
    if (!focused) await tap(selector);
    await page.keyboard.type(text);
  }

  /** Answers a group of questions with one "all of them" tap for its most common answer, then the rest. */
  async function group(field: string, allPrefix: string, answers: Record<string, string>): Promise<void> {
    const values = Object.values(answers);
    const common = values.sort((a, b) => values.filter((v) => v === b).length - values.filter((v) => v === a).length)[0]!;
    const rest = Object.entries(answers).filter(([, v]) => v !== common);
    if (Object.keys(answers).length - rest.length > 1) await tap(`[data-testid="${allPrefix}-${common}"]`);
    for (const [k, v] of Object.entries(answers)) if (v !== common || Object.keys(answers).length - rest.length <= 1) await radio(`${field}-${k}`, v);
  }

  async function answerMember(i: number, m: Member): Promise<{ asked: string[] }> {
    const f = `field-members-${i}-`;
    await page.locator(`#${f}name`).waitFor();
    await typeInto(`#${f}name`, m.name);
    await page.keyboard.press('Tab'); // the keyboard's "next" key: on to the year of birth
    await typeInto(`#${f}birthYear`, String(m.birthYear));
    await page.locator(`#${f}relation`).selectOption(m.relation);
    await radio(`${f}sex`, m.sex);
    await page.locator(`#${f}ehr`).waitFor();
    const asked: string[] = [];
    for (const k of ['vneid', 'ehr', 'bankAccount', 'ownsSmartphone', 'usedInternet3m'] as const) {
      if (!(await visible(`#${f}${k}`))) continue;
      asked.push(k);
      await radio(`${f}${k}`, m[k]);
    }
    const likely = page.locator(`#${f}skills[data-testid="likely-group"]`);
    if (await likely.isVisible()) {
      expect(await likely.getAttribute('data-state')).toBe('proposed');
      await likely.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(tmpdir(), 'go-cua-likely-360.png') });
      asked.push('likely');
      await likely.getByTestId('likely-confirm').click();
      await page.locator(`#${f}skills[data-state="confirmed"]`).waitFor();
      return { asked };
    }
    if (await visible(`#${f}skills`)) {
      asked.push('skills');
      await group(`${f}skills`, 'all-skills', m.skills);
    }
    for (const k of ['cashless30d', 'digitalSignature', 'onlinePublicService12m', 'cityApp'] as const) {
      if (!(await visible(`#${f}${k}`))) continue;
      asked.push(k);
      await radio(`${f}${k}`, m[k]);
    }
    if (await visible(`#${f}digitalServices12m`)) {
      asked.push('digitalServices12m');
      await group(`${f}digitalServices12m`, 'all-services', m.digitalServices12m);
    }
    return { asked };
  }

  it(`takes at most ${BUDGET} taps from "Khảo sát hộ mới" to "Đã lưu"`, async () => {
    const s = new SurveyPage(page);
    const h = HOUSEHOLD_OF_FOUR;
    await startCounting(page);
    await tap('[data-testid="new-survey"]');
    await s.expectStep('address');
    await page.getByTestId('group-select').selectOption(h.groupCode);
    await typeInto('[data-testid="house-number"]', h.address.houseNumber);
    await page.keyboard.press('Tab');
    await typeInto('[data-testid="lane"]', h.address.lane);
    await tap('[data-testid="step-next"]');
    await s.expectStep('outcome');
    await radio('field-outcome', 'surveyed');
    await tap('[data-testid="step-next"]');
    await s.expectStep('consent');
    await tap('[data-testid="consent-given"]');
    await page.getByTestId('consent-relation').selectOption(h.consent.consenterRelation);
    await radio('field-consent-method', h.consent.method);
    await tap('[data-testid="step-next"]');
    await s.expectStep('members');

    const asked: string[][] = [];
    for (const [i, m] of h.members.entries()) {
      if (i > 0) await tap('[data-testid="add-member"]');
      asked.push((await answerMember(i, m)).asked);
      if (i === 2) await page.screenshot({ path: path.join(tmpdir(), 'go-cua-member-step-360.png'), fullPage: true });
    }
    // The grandmother's skills and online use came as one folded group; the 16-year-old was not
    // asked the adult questions; the adults were asked everything.
    expect(asked[2]).toContain('likely');
    // (nor VNeID: Phường Chí Linh counts VNeID from 18, its plan's "người dân trưởng thành").
    expect(asked[3]).toEqual(['ehr', 'bankAccount', 'ownsSmartphone', 'usedInternet3m', 'skills']);
    expect(asked[0]).toContain('digitalServices12m');

    await tap('[data-testid="step-next"]');
    await s.expectStep('devices');
    await typeInto('[data-testid="smartphones"]', String(h.devices.smartphones));
    await group('field-devices', 'all-devices', {
      computerOrTablet: h.devices.computerOrTablet, fixedBroadband: h.devices.fixedBroadband, fibre: h.devices.fibre, wifi: h.devices.wifi,
    });
    await radio('field-payments-billsCashless', h.payments.billsCashless);
    await radio('field-payments-businessAcceptsQr', h.payments.businessAcceptsQr);
    await tap('[data-testid="step-next"]');
    await s.expectStep('review');
    expect(await page.getByTestId('review-errors').count()).toBe(0);
    await tap('[data-testid="save"]');
    await page.getByTestId('saved-flash').waitFor();
    const count = await taps(page);
    console.log(`household of four: ${count} taps (budget ${BUDGET})`);
    expect(await page.getByTestId('record-members').locator('li').count()).toBe(4);
    expect(count).toBeLessThanOrEqual(BUDGET);
  });
});
