// The survey form's behaviour in real Chromium: Vietnamese input methods (composition events,
// decomposed text) are not disturbed; the review list jumps to and focuses the field; a refusal
// keeps only the visit; "not home" lands in the revisit list and a revisit is a new rev; void.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { E2eServer } from './helpers/browser.js';
import { usePhoneAndServer } from './helpers/phone-and-ward.js';
import { SurveyPage } from './helpers/survey-page.js';

describe('survey form', () => {
  const phone = usePhoneAndServer({ open: '' });
  let server: E2eServer;
  let context: BrowserContext;
  let page: Page;
  let s: SurveyPage;

  beforeAll(() => {
    ({ server, context, page } = phone);
    s = new SurveyPage(page);
  });

  it('keeps text typed through an IME composition (Telex) and decomposed input as typed', async () => {
    await page.getByTestId('new-survey').click();
    await s.expectStep('address');
    const cdp = await context.newCDPSession(page);
    await page.getByTestId('lane').click();
    // Telex "Nguyeexn": the IME shows and rewrites the word while composing, then commits it.
    for (const text of ['N', 'Ng', 'Ngu', 'Nguy', 'Nguye', 'Nguyê', 'Nguyễ', 'Nguyễn']) {
      await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
    }
    await cdp.send('Input.insertText', { text: 'Nguyễn' });
    await cdp.send('Input.insertText', { text: ' ' });
    // Some keyboards send decomposed letters (NFD): "Trãi" as T r a ◌̃ i.
    await cdp.send('Input.insertText', { text: 'Tra\u0303i' });
    expect(await page.getByTestId('lane').inputValue()).toBe('Nguyễn Tra\u0303i');
    await page.locator('[data-testid="draft-state"][data-state="saved"]').waitFor();
    await page.reload();
    await s.expectStep('address');
    expect(await page.getByTestId('lane').inputValue()).toBe('Nguyễn Tra\u0303i');
  });

  it('the review step lists errors in Vietnamese; each jumps to its field and focuses it', async () => {
    await page.getByTestId('group-select').selectOption('TDP01');
    await page.getByTestId('house-number').fill('9');
    await s.next('outcome');
    await s.radio('field-outcome', 'surveyed');
    await s.next('consent');
    await s.consentByHead('signed');
    await s.next('members');
    // The first member's card is open as the step opens, its name field ready for typing.
    await page.locator('#field-members-0-name').and(page.locator(':focus')).waitFor();
    await page.getByTestId('member-birthyear').fill('1990');
    // Continuing with the member incomplete shows the errors beside the fields and focuses the first.
    await page.getByTestId('step-next').click();
    await page.locator('#field-members-0-relation').and(page.locator(':focus')).waitFor();
    expect(await page.locator('#field-members-0-relation').locator('xpath=..').locator('.error').textContent()).toBe('Vui lòng trả lời câu này.');
    await page.getByTestId('member-relation').selectOption('head');
    await s.radio('field-members-0-sex', 'female');
    await page.getByTestId('step-next').click();
    // 36 years old in a ward that counts VNeID from 18: the next question asked is VNeID.
    await page.locator('#field-members-0-vneid').and(page.locator(':focus')).waitFor();
    // Jump ahead to review: the list says what is missing, in Vietnamese; the member's row says so too.
    await page.getByTestId('goto-step-review').click();
    await s.expectStep('review');
    const first = page.getByTestId('review-error').first();
    expect(await first.textContent()).toBe('Thành viên 1 — Tài khoản định danh điện tử VNeID: Vui lòng trả lời câu này.');
    expect(await page.getByTestId('save').isDisabled()).toBe(false);
    await page.getByTestId('goto-step-members').click();
    expect(await page.getByTestId('member-row').textContent()).toContain('Cần bổ sung');
    await page.getByTestId('goto-step-review').click();
    await first.click();
    await s.expectStep('members');
    await page.getByTestId('member-editor').waitFor();
    await page.locator('#field-members-0-vneid').and(page.locator(':focus')).waitFor();
    // Saving with errors writes nothing and shows the list again.
    await page.getByTestId('goto-step-review').click();
    await page.getByTestId('save').click();
    await page.getByTestId('review-errors').waitFor();
    await s.expectStep('review');
  });

  it('switches the messages to English', async () => {
    await page.getByTestId('language-switch').click();
    expect(await page.getByTestId('review-error').first().textContent()).toBe(
      'Member 1 — VNeID electronic identity account: Please answer this question.',
    );
    await page.getByTestId('language-switch').click();
    await page.getByText('Lưu hộ').waitFor();
  });

  it('a refusal at consent keeps only the visit', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP02', '31', '', 'Hoàng Văn Thụ');
    await s.next('outcome');
    await s.radio('field-outcome', 'surveyed');
    await s.next('consent');
    await page.getByTestId('consent-refuse').click();
    await s.expectStep('review');
    await s.save();
    expect(await page.getByTestId('record-members').count()).toBe(0);
    expect(await page.getByTestId('record-screen').textContent()).toContain('Từ chối khảo sát');
  });

  it('not home goes to the revisit list; the revisit is a new rev and leaves the list', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP04', '77', 'Ngõ 3', '');
    await s.next('outcome');
    await s.radio('field-outcome', 'not_home');
    await s.next('review');
    await s.save();
    await page.goto(`${server.url}/#/revisits`);
    await page.getByTestId('revisit-row').waitFor();
    expect(await page.getByTestId('revisit-row').count()).toBe(1);
    await page.getByTestId('revisit-row').locator('a').click();
    await s.expectStep('outcome');
    await s.radio('field-outcome', 'refused');
    await s.next('review');
    await s.save();
    expect(await page.getByTestId('record-screen').textContent()).toContain('Đã sửa 1 lần');
    await page.goto(`${server.url}/#/revisits`);
    await page.getByText('Không có hộ nào cần quay lại.').waitFor();
  });

  it('continuing with a missing answer shows the error beside the field and focuses it', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP01', '5', '', '');
    await s.next('outcome');
    await s.radio('field-outcome', 'not_home');
    await s.next('review');
    // Clear the house number through its step, then come back to review.
    await page.getByTestId('step-back').click();
    await s.expectStep('outcome');
    await page.getByTestId('step-back').click();
    await s.expectStep('address');
    // The new step's heading has the focus as soon as the step shows (not a frame later, when it
    // could take the focus from a field the volunteer has just tapped).
    expect(await page.evaluate('document.activeElement && document.activeElement.getAttribute("data-testid")')).toBe('step-title');
    await page.getByTestId('house-number').fill('');
    await page.getByTestId('step-next').click();
    try {
      await page.locator('#field-address-houseNumber').and(page.locator(':focus')).waitFor({ timeout: 10_000 });
    } catch (e) {
      const diag = await page.evaluate(`(() => { const a = document.activeElement; const s = document.querySelector('[data-testid="survey"]'); const i = document.getElementById('field-address-houseNumber'); return JSON.stringify({ active: a && (a.id || a.tagName + '.' + a.className + ':' + (a.textContent||'').slice(0,40)), step: s && s.getAttribute('data-step'), input: i ? i.value : null, error: (document.getElementById('field-address-houseNumber-error')||{}).textContent, hasFocus: document.hasFocus(), url: location.hash }); })()`);
      console.log('DIAG', diag);
      throw e;
    }
    expect(await page.locator('#field-address-houseNumber-error').textContent()).toBe('Vui lòng trả lời câu này.');
  });

  it('a field tapped right after a step change keeps the focus', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP01', '7', '', '');
    await s.next('outcome');
    // Back to the address step and, before the next frame, into a field (a quick thumb): two
    // frames later the focus must still be in that field, not on the step's heading.
    const focused = await page.evaluate(`(async () => {
      document.querySelector('[data-testid="step-back"]').click();
      for (let i = 0; i < 50 && !document.getElementById('field-address-houseNumber'); i++) await Promise.resolve();
      document.getElementById('field-address-houseNumber').focus();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return document.activeElement && document.activeElement.id;
    })()`);
    expect(focused).toBe('field-address-houseNumber');
  });

  it('voids a saved household with a reason; it leaves the list', async () => {
    await page.goto(`${server.url}/#/list`);
    await page.locator('[data-testid="list-row"][data-kind="record"]').first().waitFor();
    const before = Number(await page.getByTestId('result-count').getAttribute('data-count'));
    await page.locator('[data-testid="list-row"][data-kind="record"] a').first().click();
    await page.getByTestId('record-void').click();
    expect(await page.getByTestId('void-dialog-confirm').isDisabled()).toBe(true);
    await page.getByTestId('void-reason').fill('Nhập nhầm hộ');
    await page.getByTestId('void-dialog-confirm').click();
    await page.getByText('Đã hủy: Nhập nhầm hộ').waitFor();
    await page.goto(`${server.url}/#/list`);
    await page.locator(`[data-testid="result-count"][data-count="${before - 1}"]`).waitFor();
  });
});
