// Phone screens at 360 px, whatever is typed: no page scrolls sideways with 500-character inputs
// (a long street, name, note, campaign, search), and every control's hit area is at least
// 44×44 px (links inside running text excepted). Also the first run: "Máy chưa đăng ký", the
// sync button leading to enrolment; the void dialog's way out says "Quay lại"; an untouched
// member is not left behind. Every screen also passes axe-core in Vietnamese and English with no
// serious or critical violation (helpers/axe.ts).
// Set SCREENSHOT_DIR to keep a 360 px screenshot of each screen.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { E2eServer } from './helpers/browser.js';
import { usePhoneAndServer } from './helpers/phone-and-ward.js';
import { shot } from './helpers/screenshots.js';
import { axeBothLanguages } from './helpers/axe.js';
import { createUser } from '../../src/server/services/accounts.js';

const LONG = 'Đườngrấtdàikhôngcódấucách'.repeat(20).slice(0, 500);
const WORDS = 'Ngõ rất dài có nhiều chữ '.repeat(20).slice(0, 500);
const HOUSEHOLD_ID = 'b1b2c3d4-0000-4000-8000-000000000001';
const MEMBER_ID = 'b1b2c3d4-0000-4000-8000-000000000002';

interface Problem {
  screen: string;
  what: string;
}

/** Sideways scrolling of the page (or of any scroll box but the dashboard's wide tables). */
async function widthProblems(page: Page, screen: string): Promise<Problem[]> {
  const found = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.scrollingElement ?? document.documentElement;
    if (doc.scrollWidth > window.innerWidth) out.push(`page is ${doc.scrollWidth}px wide`);
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const style = getComputedStyle(el);
      if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1 && !el.closest('.dash-table-wrap')) {
        out.push(`${el.tagName.toLowerCase()}.${el.className} scrolls sideways (${el.scrollWidth}px)`);
      }
    }
    return out;
  });
  return found.map((what) => ({ screen, what }));
}

/** Controls smaller than 44×44 px; a link inside running text and hidden controls are excepted. */
async function hitProblems(page: Page, screen: string): Promise<Problem[]> {
  const found = await page.evaluate(() => {
    const out: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="switch"]');
    for (const el of Array.from(controls)) {
      if (el.closest('[hidden], dialog:not([open])')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      // A checkbox or radio inside its label: the label is what the thumb hits.
      const target = (el.matches('input[type="checkbox"], input[type="radio"]') && el.closest('label')) || el;
      const r = target.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (el.tagName === 'A' && style.display === 'inline') {
        const block = el.parentElement;
        if (block && (block.textContent ?? '').trim().length > (el.textContent ?? '').trim().length) continue; // running text
      }
      if (r.width < 43.5 || r.height < 43.5) {
        const name = el.getAttribute('data-testid') ?? el.id ?? '';
        out.push(`${el.tagName.toLowerCase()}${name ? `#${name}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}" is ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out;
  });
  return found.map((what) => ({ screen, what }));
}

describe('phone screens at 360 px with long inputs', () => {
  const phone = usePhoneAndServer();
  let server: E2eServer;
  let page: Page;
  const problems: Problem[] = [];
  const check = async (screen: string) => {
    problems.push(...(await widthProblems(page, screen)), ...(await hitProblems(page, screen)));
    await shot(page, `360-${screen}`, true);
    problems.push(...(await axeBothLanguages(page, screen)).map((what) => ({ screen, what })));
  };

  beforeAll(() => {
    ({ server, page } = phone);
  });

  it('first run: "Máy chưa đăng ký", and the sync button leads to enrolment', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('sync-status').waitFor();
    await page.locator('[data-testid="sync-phase"]', { hasText: 'Máy chưa đăng ký' }).waitFor();
    expect(await page.getByTestId('sync-error').count()).toBe(0);
    expect(await page.getByTestId('sync-now').count()).toBe(0);
    await check('home-first-run');
    await page.getByTestId('sync-enrol').click();
    await page.getByTestId('enrol-submit').waitFor();
    expect(page.url()).toMatch(/#\/enrol$/);
    for (const id of ['enrol-wardCode', 'enrol-enrolmentCode', 'enrol-volunteerName']) await page.getByTestId(id).fill(LONG);
    await page.getByTestId('enrol-submit').click();
    await page.getByTestId('enrol-wardCode').locator('xpath=..').locator('.error').waitFor();
    await check('enrol');
  });

  it('no screen is wider than 360 px and every control is at least 44×44 px', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('new-survey').waitFor();
    // A household with 300-character words in its street, member name and note, as if typed.
    await page.evaluate(
      async ({ id, memberId, long, words }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open('go-cua');
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const now = new Date().toISOString();
        const data = {
          wardCode: '10546', installId: crypto.randomUUID(), surveyedAt: now.slice(0, 10), groupCode: 'TDP02',
          address: { houseNumber: long.slice(0, 20), lane: words, street: long.slice(0, 300) }, outcome: 'surveyed', note: long.slice(0, 300),
          consent: { given: true, consenterName: long.slice(0, 80), consenterRelation: 'head', consentedAt: now, method: 'verbal', noticeVersion: '2026-01' },
          devices: { smartphones: 1, computerOrTablet: 'no', fixedBroadband: 'no', fibre: 'no', wifi: 'no' },
          payments: { billsCashless: 'no', businessAcceptsQr: 'no_business' },
          members: [{
            id: memberId, name: long.slice(0, 80), relation: 'head', birthYear: 1950, sex: 'female', vneid: 'none', ehr: 'no',
            digitalServices12m: { health: 'no', education: 'no', insurance: 'no', transport: 'no' }, wantsHelp: ['vneid_install'], wantsHelpNote: long.slice(0, 300),
            ownsSmartphone: 'yes', usedInternet3m: 'no',
            skills: { publicServices: 'none', shopping: 'none', payments: 'none', safety: 'none', localPlatforms: 'none' },
            bankAccount: 'no', cashless30d: 'no', digitalSignature: 'no', onlinePublicService12m: 'no', cityApp: 'no',
          }],
        };
        const record = { id, kind: 'household', rev: 1, schemaVersion: 1, clientUpdatedAt: now, data };
        const address = [data.address.houseNumber, data.address.lane, data.address.street].join(', ');
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction(['records', 'summaries'], 'readwrite');
          tx.objectStore('records').put({ id, kind: 'household', record, syncState: 'synced', groupCode: 'TDP02', outcome: 'surveyed', surveyedAt: data.surveyedAt, savedAt: now, searchText: 'duong', voided: 0 });
          tx.objectStore('summaries').put({ id, rev: 1, groupCode: 'TDP02', outcome: 'surveyed', surveyedAt: data.surveyedAt, savedAt: now, address, memberCount: 1, searchText: 'duong', voided: 0 });
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
        db.close();
      },
      { id: HOUSEHOLD_ID, memberId: MEMBER_ID, long: LONG, words: WORDS },
    );
    await page.reload();
    await page.getByTestId('new-survey').waitFor();
    await check('home');

    // The list: a 500-character search, then the search's own clear button (44×44).
    await page.goto(`${server.url}/#/list`);
    await page.getByTestId('search-input').fill(LONG);
    await page.locator('[data-testid="result-count"][data-count="0"]').waitFor();
    await check('list-search');
    await page.getByTestId('search-input-clear').click();
    expect(await page.getByTestId('search-input').inputValue()).toBe('');
    await page.locator('[data-testid="result-count"][data-count="1"]').waitFor();
    await check('list');

    await page.goto(`${server.url}/#/record/${HOUSEHOLD_ID}`);
    await page.getByTestId('record-screen').waitFor();
    expect(await page.getByTestId('record-rev').textContent()).toBe('Lưu lần đầu, chưa sửa');
    await check('record');
    await page.getByTestId('record-void').click();
    await page.getByTestId('void-reason').fill(LONG);
    expect(await page.getByTestId('void-dialog-back').textContent()).toBe('Quay lại');
    await check('void-dialog');
    await page.getByTestId('void-dialog-back').click();

    await page.goto(`${server.url}/#/follow-up`);
    await page.getByTestId('follow-up-item').first().waitFor();
    await check('follow-up');

    // The survey, every step of an edit, and a member's editor.
    await page.goto(`${server.url}/#/edit/${HOUSEHOLD_ID}`);
    for (const step of ['address', 'outcome', 'consent', 'members', 'devices', 'review']) {
      await page.getByTestId(`goto-step-${step}`).click();
      await page.locator(`[data-testid="survey"][data-step="${step}"]`).waitFor();
      if (step === 'address') await page.getByTestId('street').fill(LONG);
      await check(`survey-${step}`);
      if (step === 'members') {
        await page.getByTestId('member-edit').first().click();
        await page.getByTestId('member-editor').waitFor();
        await page.getByTestId('member-name').fill(LONG);
        // Number pads for numbers.
        for (const sel of ['[data-testid="member-birthyear"]', '#field-members-0-cccd', '#field-members-0-phone']) {
          expect(await page.locator(sel).getAttribute('inputmode'), sel).toBe('numeric');
        }
        await check('survey-member-editor');
        // An accidental "+ Thêm thành viên" leaves no empty member behind: a second tap adds
        // nothing more, and opening another member's card removes the empty one.
        await page.getByTestId('add-member').click();
        await page.locator('#field-members-1-name').waitFor();
        await page.getByTestId('add-member').click();
        expect(await page.getByTestId('member-editor').count()).toBe(1);
        await page.getByTestId('member-edit').first().click();
        await page.locator('#field-members-1-name').waitFor({ state: 'detached' });
        await page.locator('#field-members-0-name').waitFor();
        expect(await page.getByTestId('member-row').count()).toBe(0);
      }
    }

    // The assistance screen with every text field full.
    await page.goto(`${server.url}/#/assist`);
    await page.locator('[data-testid="assist-screen"][data-ready="true"]').waitFor();
    await page.getByTestId('assist-campaign').fill(LONG);
    await page.getByTestId('assist-place').fill(LONG);
    await page.getByTestId('outcome-not_done').click();
    await page.getByTestId('reason-other').click();
    await page.getByTestId('assist-reason-note').fill(LONG);
    await page.getByTestId('assist-year').fill('195');
    await page.getByTestId('assist-more').click();
    await page.getByTestId('consent-yes').click(); // name and phone only with consent (issue 12)
    await page.getByTestId('assist-name').fill(LONG);
    await page.getByTestId('assist-phone').fill(LONG);
    await page.getByTestId('assist-link-search').fill(LONG);
    for (const id of ['assist-year', 'assist-phone']) expect(await page.getByTestId(id).getAttribute('inputmode'), id).toBe('numeric');
    await page.getByTestId('assist-save').click();
    await page.getByTestId('assist-errors').waitFor();
    // Every problem at once, in words that say what to do.
    const errors = await page.getByTestId('assist-errors').textContent();
    expect(errors).toContain('Chọn ít nhất một việc đã hỗ trợ.');
    expect(errors).toContain('Gõ đủ 4 số (ví dụ 1955)');
    expect(errors).not.toContain('số nguyên');
    await check('assist');

    for (const [route, ready] of [['#/cards', 'cards'], ['#/cards/vneid-install', 'card-view'], ['#/revisits', 'revisit-list'], ['#/rescue', 'rescue-contents'], ['#/ward', 'dash-signin']] as const) {
      await page.goto(`${server.url}/${route}`);
      await page.getByTestId(ready).waitFor({ state: 'attached' });
      if (ready === 'dash-signin') {
        await page.getByTestId('dash-username').fill(LONG);
        await page.getByTestId('dash-password').fill(LONG);
      }
      await check(route.replace(/[#/]+/g, '-').replace(/^-/, ''));
    }

    expect(problems).toEqual([]);
  });

  it('the ward dashboard at 360 px: every tab fits and its controls are ≥ 44×44 px', async () => {
    const password = 'mật khẩu thử nghiệm dài';
    await createUser(server.db.db, { wardCode: '10546', username: 'layout-admin', password, role: 'ward_admin' });
    await page.goto(`${server.url}/#/ward`);
    await page.getByTestId('dash-username').fill('layout-admin');
    await page.getByTestId('dash-password').fill(password);
    await page.getByTestId('dash-signin-submit').click();
    const found: Problem[] = [];
    for (const tab of ['overview', 'breakdown', 'trend', 'activity', 'quality', 'assist', 'followups', 'export', 'devices', 'rescue', 'audit', 'privacy', 'admin']) {
      await page.getByTestId(`dash-tab-${tab}`).click();
      await page.locator(`[data-testid="dash-tab-${tab}"][aria-current="page"]`).waitFor();
      await page.waitForFunction(() => !document.querySelector('[data-loading="true"]') && !document.querySelector('main')?.textContent?.includes('Đang tải'));
      found.push(...(await widthProblems(page, `dash-${tab}`)), ...(await hitProblems(page, `dash-${tab}`)));
      await shot(page, `360-dash-${tab}`, true);
      found.push(...(await axeBothLanguages(page, `dash-${tab}`)).map((what) => ({ screen: `dash-${tab}`, what })));
    }
    expect(found).toEqual([]);
  });
});
