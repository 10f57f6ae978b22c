// Page object for the household survey: fills steps through the same labels and test ids a
// volunteer's taps reach.
import type { Page } from 'playwright-core';

export interface MemberAnswers {
  name: string;
  birthYear: string;
  relation: string;
  sex: 'male' | 'female' | 'unknown';
  /** Defaults to 'level2'. */
  vneid?: 'none' | 'level1' | 'level2' | 'unknown';
  /** Help topics ticked, by the label the volunteer reads (e.g. 'Cài đặt VNeID'). */
  wantsHelp?: string[];
}

const ADULT_KEYS = ['ownsSmartphone', 'usedInternet3m', 'bankAccount', 'cashless30d', 'digitalSignature', 'onlinePublicService12m', 'cityApp'];
const SKILLS = ['publicServices', 'shopping', 'payments', 'safety', 'localPlatforms'];
const SERVICES = ['health', 'education', 'insurance', 'transport'];

export class SurveyPage {
  constructor(readonly page: Page) {}

  async expectStep(step: string): Promise<void> {
    await this.page.locator(`[data-testid="survey"][data-step="${step}"]`).waitFor();
  }

  async next(expected: string): Promise<void> {
    await this.page.getByTestId('step-next').click();
    await this.expectStep(expected);
  }

  async radio(fieldset: string, value: string): Promise<void> {
    await this.page.locator(`#${fieldset} input[value="${value}"]`).check();
  }

  async fillAddress(groupCode: string, houseNumber: string, lane: string, street: string): Promise<void> {
    await this.expectStep('address');
    await this.page.getByTestId('group-select').selectOption(groupCode);
    await this.page.getByTestId('house-number').fill(houseNumber);
    await this.page.getByTestId('lane').fill(lane);
    await this.page.getByTestId('street').fill(street);
  }

  async addMember(index: number, m: MemberAnswers, adult: boolean): Promise<void> {
    await this.page.getByTestId('add-member').click();
    await this.page.getByTestId('member-editor').waitFor();
    // Typed key by key, as a phone keyboard delivers it.
    await this.page.getByTestId('member-name').pressSequentially(m.name);
    await this.page.getByTestId('member-relation').selectOption(m.relation);
    await this.page.getByTestId('member-birthyear').fill(m.birthYear);
    const f = `field-members-${index}-`;
    await this.radio(`${f}sex`, m.sex);
    if (adult) {
      for (const k of ADULT_KEYS) await this.radio(`${f}${k}`, k === 'digitalSignature' ? 'unknown' : 'yes');
      for (const k of SKILLS) await this.radio(`${f}skills-${k}`, k === 'safety' ? 'needs_help' : 'proficient');
    }
    await this.radio(`${f}vneid`, m.vneid ?? 'level2');
    for (const label of m.wantsHelp ?? []) await this.page.locator(`#${f}wantsHelp label`, { hasText: label }).locator('input').check();
    await this.radio(`${f}ehr`, 'no');
    for (const k of SERVICES) await this.radio(`${f}digitalServices12m-${k}`, k === 'health' ? 'yes' : 'no');
    await this.page.getByTestId('member-done').click();
    await this.page.getByTestId('member-editor').waitFor({ state: 'detached' });
  }
}
