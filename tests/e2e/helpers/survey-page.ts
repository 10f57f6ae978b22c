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

  /** The consent step: ticked, given by the head of household, by `method`. */
  async consentByHead(method: 'verbal' | 'signed'): Promise<void> {
    await this.page.getByTestId('consent-given').check();
    await this.page.getByTestId('consent-relation').selectOption('head');
    await this.radio('field-consent-method', method);
  }

  /** The devices step of a household with one smartphone and nothing else, paying in cash. */
  async oneSmartphoneOnly(): Promise<void> {
    await this.page.getByTestId('smartphones').fill('1');
    for (const k of ['computerOrTablet', 'fixedBroadband', 'fibre', 'wifi']) await this.radio(`field-devices-${k}`, 'no');
    await this.radio('field-payments-billsCashless', 'no');
    await this.radio('field-payments-businessAcceptsQr', 'no_business');
  }

  /** Saves from the review step and waits for the confirmation. */
  async save(): Promise<void> {
    await this.page.getByTestId('save').click();
    await this.page.getByTestId('saved-flash').waitFor();
  }

  /**
   * Fills member `index`'s card: the first member's card is open as the members step opens,
   * each later one comes with "Thêm thành viên". An adult answers every question; a child
   * only what is asked of a young child (the e-health record).
   */
  async addMember(index: number, m: MemberAnswers, adult: boolean): Promise<void> {
    const f = `field-members-${index}-`;
    if (index > 0) await this.page.getByTestId('add-member').click();
    await this.page.locator(`#${f}name`).waitFor();
    // Typed key by key, as a phone keyboard delivers it.
    await this.page.locator(`#${f}name`).pressSequentially(m.name);
    await this.page.locator(`#${f}relation`).selectOption(m.relation);
    await this.page.locator(`#${f}birthYear`).fill(m.birthYear);
    await this.radio(`${f}sex`, m.sex);
    await this.page.locator(`#${f}ehr`).waitFor();
    if (adult) {
      for (const k of ADULT_KEYS) await this.radio(`${f}${k}`, k === 'digitalSignature' ? 'unknown' : 'yes');
      for (const k of SKILLS) await this.radio(`${f}skills-${k}`, k === 'safety' ? 'needs_help' : 'proficient');
      await this.radio(`${f}vneid`, m.vneid ?? 'level2');
      for (const k of SERVICES) await this.radio(`${f}digitalServices12m-${k}`, k === 'health' ? 'yes' : 'no');
    }
    for (const label of m.wantsHelp ?? []) await this.page.locator(`#${f}wantsHelp label`, { hasText: label }).locator('input').check();
    await this.radio(`${f}ehr`, 'no');
  }
}
