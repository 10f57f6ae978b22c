// The phone lock (issue #12, point 1), end to end in Chromium on the production build: the
// enrolment link asks for a PIN first; a household surveyed offline is stored without any of its
// names, CCCD, phone or address in clear, and without the device token in clear; the reopened
// app asks for the PIN; the right PIN lists the household; wrong PINs make the next try wait,
// longer each time (Playwright's clock, no sleeping). This context has no autoPin: the test types.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPersistent, makeProfileDir } from '../helpers/chromium.js';
import { enterPin, setPin } from '../helpers/phone-pin.js';
import { readStore, readStoreRaw } from './helpers/idb.js';
import { SurveyPage } from './helpers/survey-page.js';
import { startWardEndpoint, stopWardEndpoint, type WardProcess } from './helpers/ward-process.js';

const PIN = '730514';
const NAME = 'Hoàng Thị Quỳnh';
const CCCD = '031180123456';
const PHONE = '0987612345';
const HOUSE = '57B';
const STREET = 'Điện Biên Phủ';
const LANE = 'Ngõ Mai Hắc Đế';
const SECRETS = [NAME, CCCD, PHONE, STREET, LANE, 'hoang thi quynh', 'dien bien phu', 'mai hac de'];

describe('phone lock', () => {
  const profile = makeProfileDir();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'go-cua-lock-'));
  let ward: WardProcess;
  let context: BrowserContext;
  let page: Page;
  let token = '';

  async function open(): Promise<void> {
    context = await launchPersistent(profile.dir, { autoPin: false });
    page = context.pages()[0] ?? (await context.newPage());
  }

  beforeAll(async () => {
    ward = await startWardEndpoint(dataDir);
    await open();
  });
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await stopWardEndpoint(ward);
    profile.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('asks for a PIN before the enrolment, then enrols', async () => {
    page.on('response', (response) => {
      if (response.url().endsWith('/api/v1/devices/enrol') && response.ok()) void response.json().then((b: { token: string }) => (token = b.token));
    });
    await page.goto(`${ward.url}/?ward=10546&code=${encodeURIComponent(ward.code)}`);
    await page.getByTestId('lock-setup').waitFor();
    // Too short, then a mismatch: both refused with a message.
    await page.getByTestId('lock-new-secret').fill('12345');
    await page.getByTestId('lock-confirm-secret').fill('12345');
    await page.getByTestId('lock-setup-submit').click();
    expect(await page.getByTestId('lock-new-secret-error').textContent()).toContain('6 chữ số');
    await setPin(page, PIN);
    await page.getByTestId('enrol-volunteerName').fill('Tình nguyện viên khoá');
    await page.getByTestId('enrol-submit').click();
    await page.getByTestId('enrolment-done').waitFor();
    await expect.poll(() => token).toMatch(/.{16,}/);
  });

  it('surveys offline; at rest no name, CCCD, phone, address nor the token is in clear', async () => {
    // Offline only once the service worker serves the app (as on a phone after its first visit).
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null);
    // Every start asks for the PIN.
    await enterPin(page, PIN);
    await page.getByTestId('new-survey').waitFor();
    await context.setOffline(true);
    const s = new SurveyPage(page);
    await page.getByTestId('new-survey').click();
    await s.fillAddress('TDP03', HOUSE, LANE, STREET);
    await s.next('outcome');
    await s.radio('field-outcome', 'surveyed');
    await s.next('consent');
    await s.consentByHead('verbal');
    await s.next('members');
    await s.addMember(0, { name: NAME, birthYear: '1980', relation: 'head', sex: 'female' }, true);
    await page.locator('#field-members-0-cccd').fill(CCCD);
    await page.locator('#field-members-0-phone').fill(PHONE);
    await s.next('devices');
    await s.oneSmartphoneOnly();
    await s.next('review');
    await s.save();
    await context.close();

    // The browser restarts: the app asks for the PIN; the stores are read as they lie on disk.
    await open();
    // Still offline (the service worker serves the app), so the outbox is read before it drains.
    await context.setOffline(true);
    // Playwright's clock from the first page on (time flows; the wrong-PIN test jumps it).
    await context.clock.install();
    await page.goto(`${ward.url}/#/`);
    await page.getByTestId('lock-unlock').waitFor();
    expect(await page.getByTestId('new-survey').count()).toBe(0);
    const stores = ['records', 'summaries', 'drafts', 'meta', 'outbox'] as const;
    const raw = await Promise.all(stores.map((store) => readStoreRaw<unknown>(page, store)));
    // Uint8Arrays as UTF-8 text and as hex, so neither form of a secret hides in them.
    const text = JSON.stringify(raw, (_k, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((k) => /^\d+$/.test(k))) {
        const bytes = Buffer.from(Object.values(v as Record<string, number>));
        return `${bytes.toString('utf8')}|${bytes.toString('hex')}`;
      }
      return v instanceof Uint8Array ? `${Buffer.from(v).toString('utf8')}|${Buffer.from(v).toString('hex')}` : v;
    });
    expect(raw[0]!.length).toBe(1);
    // The outbox entry carries the household sealed to the ward's key (HPKE), nothing in clear.
    expect(raw[4]).toHaveLength(1);
    expect((raw[4]![0] as { sealed?: { kid: string } }).sealed?.kid).toMatch(/^[\w-]{22}$/);
    for (const secret of [...SECRETS, token, Buffer.from(token).toString('hex')]) expect(text).not.toContain(secret);
    // The same rows, decrypted with the PIN by the test's own WebCrypto code, hold them.
    const [row] = await readStore<{ record: { data: { members: { name: string; cccd: string; phone: string }[] } } }>(page, 'records', PIN);
    expect(row?.record.data.members[0]).toMatchObject({ name: NAME, cccd: CCCD, phone: PHONE });
  });

  it('the locked phone syncs its outbox: the sealed household reaches the ward, the lock screen never left', async () => {
    // Online again; nobody has typed the PIN since the restart.
    await context.setOffline(false);
    await expect.poll(async () => (await readStoreRaw<unknown>(page, 'outbox')).length, { timeout: 30_000 }).toBe(0);
    expect(await page.getByTestId('lock-unlock').isVisible()).toBe(true);
    const sqlite = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      const rows = sqlite.prepare("SELECT body FROM record_revisions WHERE kind = 'household'").all() as { body: string }[];
      expect(rows).toHaveLength(1);
      expect((JSON.parse(rows[0]!.body) as { data: { members: { name: string; cccd: string }[] } }).data.members[0]).toMatchObject({ name: NAME, cccd: CCCD });
    } finally {
      sqlite.close();
    }
  });

  it('the right PIN unlocks and lists the household', async () => {
    await enterPin(page, PIN);
    await page.getByTestId('new-survey').waitFor();
    await page.goto(`${ward.url}/#/list`);
    await page.getByText(`${HOUSE}, ${LANE}, ${STREET}`).waitFor();
    // Found by an unaccented search over the index built after the unlock.
    await page.getByTestId('search-input').fill('hoang thi quynh');
    await expect.poll(() => page.getByTestId('result-count').getAttribute('data-count')).toBe('1');
    await page.getByTestId('search-input').fill('nguyen van khong co');
    await expect.poll(() => page.getByTestId('result-count').getAttribute('data-count')).toBe('0');
  });

  it('wrong PINs make the next try wait, longer each time; "Quên mã PIN" explains', async () => {
    // A retry (vitest.config.ts) after a failure past the first wrong PIN finds the phone locked,
    // maybe with a wait running: past the wait, the right PIN, so the retry runs the whole
    // scenario again instead of failing on its first click.
    if (await page.getByTestId('lock-unlock').isVisible()) {
      await context.clock.fastForward(10 * 60_000);
      await page.getByTestId('lock-wait').waitFor({ state: 'detached' });
      await enterPin(page, PIN);
    }
    await page.getByTestId('lock-now').click();
    await page.getByTestId('lock-unlock').waitFor();
    for (let i = 1; i <= 5; i++) {
      await page.getByTestId('lock-secret').fill('000000');
      await page.getByTestId('lock-submit').click();
      if (i < 5) await page.getByTestId('lock-secret-error').filter({ hasText: `Còn ${10 - i} lần thử` }).waitFor();
    }
    const wait = page.getByTestId('lock-wait');
    await wait.waitFor();
    expect(Number(await wait.getAttribute('data-seconds'))).toBeGreaterThan(25);
    expect(Number(await wait.getAttribute('data-seconds'))).toBeLessThanOrEqual(30);
    expect(await page.getByTestId('lock-submit').isDisabled()).toBe(true);
    // A reload does not reset the wait.
    await page.reload();
    await page.getByTestId('lock-wait').waitFor();
    await context.clock.fastForward(31_000);
    await wait.waitFor({ state: 'detached' });
    await page.getByTestId('lock-secret').fill('111111');
    await page.getByTestId('lock-submit').click();
    await wait.waitFor();
    expect(Number(await wait.getAttribute('data-seconds'))).toBeGreaterThan(55);

    await page.getByTestId('lock-forgot').click();
    expect(await page.getByTestId('lock-forgot-panel').textContent()).toContain('vẫn được gửi về phường');
    await page.getByTestId('lock-forgot-back').click();
    await context.clock.fastForward(61_000);
    await wait.waitFor({ state: 'detached' });
    await enterPin(page, PIN);
    // Seen to time out twice in CI, under load: the '111111' try was still being checked when the
    // PIN was typed, and its answer emptied the field (fixed: a try empties it when it starts; the
    // next test checks that on purpose). Should it time out again, what the page showed is kept.
    await page
      .getByText(`${HOUSE}, ${LANE}, ${STREET}`)
      .waitFor()
      .catch(async (error: unknown) => {
        const shown = await page.evaluate(() => `${location.hash} | ${document.body.innerText.replace(/\s+/g, ' ').slice(0, 600)}`);
        throw new Error(`${error instanceof Error ? error.message : String(error)}\nthe page showed: ${shown}`);
      });
  });

  it('a PIN typed while the last try is still being checked is kept, and unlocks', async () => {
    await page.getByTestId('lock-now').click();
    await page.getByTestId('lock-secret').fill('000000');
    await page.getByTestId('lock-submit').click();
    // At once, while '000000' is being derived (the button waits for it to end).
    await page.getByTestId('lock-secret').fill(PIN);
    await page.getByTestId('lock-submit').click();
    await page.getByText(`${HOUSE}, ${LANE}, ${STREET}`).waitFor();
  });
});
