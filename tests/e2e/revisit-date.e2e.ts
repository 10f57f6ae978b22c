// A household marked "not home" and surveyed on a later revisit is dated on the revisit's day
// (issue 9), in real Chromium with the phone's clock moved between the two visits: the record
// screen shows the survey visit's date and ages computed on it; a later plain edit keeps it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { E2eServer } from './helpers/browser.js';
import { usePhoneAndServer } from './helpers/phone-and-ward.js';
import { SurveyPage } from './helpers/survey-page.js';

describe('revisit date', () => {
  // The first visit: 20/12/2025, midday in Vietnam.
  const phone = usePhoneAndServer({ open: '', prepare: (context) => context.clock.install({ time: new Date('2025-12-20T05:00:00Z') }) });
  let server: E2eServer;
  let context: BrowserContext;
  let page: Page;
  let s: SurveyPage;

  beforeAll(() => {
    ({ server, context, page } = phone);
    s = new SurveyPage(page);
  });

  it('the revisit that surveys the household dates it; a plain edit keeps the date', async () => {
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP02', '31', 'Ngõ 9', '');
    await s.next('outcome');
    await s.radio('field-outcome', 'not_home');
    await s.next('review');
    await s.save();
    expect(await page.getByTestId('record-screen').textContent()).toContain('20/12/2025');

    // The revisit, on 05/01/2026: somebody is home.
    await context.clock.setSystemTime(new Date('2026-01-05T05:00:00Z'));
    await page.goto(`${server.url}/#/revisits`);
    await page.getByTestId('revisit-row').locator('a').click();
    await s.expectStep('outcome');
    await s.radio('field-outcome', 'surveyed');
    await s.next('consent');
    await s.consentByHead('verbal');
    await s.next('members');
    await s.addMember(0, { name: 'Phạm Văn Hải', birthYear: '1975', relation: 'head', sex: 'male' }, true);
    await s.next('devices');
    await s.oneSmartphoneOnly();
    await s.next('review');
    await s.save();
    const record = page.getByTestId('record-screen');
    expect(await record.textContent()).toContain('Đã sửa 1 lần');
    expect(await record.textContent()).toContain('05/01/2026');
    expect(await record.textContent()).not.toContain('20/12/2025');
    // Age on the survey date: 2026 − 1975.
    expect(await page.getByTestId('record-members').textContent()).toContain('51 tuổi');

    await page.goto(`${server.url}/#/revisits`);
    await page.getByText('Không có hộ nào cần quay lại.').waitFor();

    // A plain edit a month later keeps the survey visit's date.
    await context.clock.setSystemTime(new Date('2026-02-10T05:00:00Z'));
    await page.goBack();
    await page.getByTestId('record-edit').click();
    await s.expectStep('address');
    await page.getByTestId('house-number').fill('31A');
    await page.getByTestId('goto-step-review').click();
    await s.expectStep('review');
    await s.save();
    expect(await record.textContent()).toContain('Đã sửa 2 lần');
    expect(await record.textContent()).toContain('05/01/2026');
  });
});
