// Issue 14 point 4 in Chromium: a phone updated from the build BEFORE the assistance consent
// change. Its IndexedDB (tests/fixtures/previous-build/previous-build-idb.json, captured through
// that build's screens: Dexie version 2, no PIN lock) is written with the plain IndexedDB API
// before this build's app is ever loaded; then the app loads: Home counts both waiting records
// and the draft, the half-filled survey resumes where it was, the assistance row is version 2
// without the name and phone (PIN set at the first screen that needs it, rows encrypted), and
// after enrolment both records reach the ward endpoint once, nothing lost.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { launchProfile, makeProfileDir, startServer, type E2eServer } from './helpers/browser.js';
import { readStore, readStoreRaw } from './helpers/idb.js';
import { SurveyPage } from './helpers/survey-page.js';

interface Dump {
  idbVersion: number;
  records: { id: string; kind: string; record: { rev: number; schemaVersion: number } }[];
  outbox: unknown[];
  drafts: { id: string }[];
  meta: unknown[];
  summaries: unknown[];
}
const fixture = JSON.parse(readFileSync('tests/fixtures/previous-build/previous-build-idb.json', 'utf8')) as Dump;

/**
 * Writes `dump` as the app's database with the plain IndexedDB API, before the app is loaded on
 * this origin: the stores and indexes Dexie made for the version(1) + version(2) declarations
 * (version 3 added none), at IndexedDB version `dump.idbVersion` (Dexie's version × 10).
 */
async function writeIndexedDb(page: Page, dump: Dump): Promise<void> {
  await page.evaluate(async (rows: Dump) => {
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('go-cua', rows.idbVersion);
      open.onerror = () => reject(open.error);
      open.onupgradeneeded = () => {
        const db = open.result;
        const records = db.createObjectStore('records', { keyPath: 'id' });
        for (const i of ['syncState', 'groupCode', 'outcome', 'surveyedAt', 'savedAt', 'voided']) records.createIndex(i, i);
        const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        outbox.createIndex('recordId', 'recordId');
        outbox.createIndex('[recordId+rev]', ['recordId', 'rev']);
        outbox.createIndex('state', 'state');
        const drafts = db.createObjectStore('drafts', { keyPath: 'id' });
        drafts.createIndex('updatedAt', 'updatedAt');
        drafts.createIndex('recordId', 'recordId');
        db.createObjectStore('meta', { keyPath: 'key' });
        const summaries = db.createObjectStore('summaries', { keyPath: 'id' });
        for (const i of ['savedAt', 'groupCode', 'outcome']) summaries.createIndex(i, i);
      };
      open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction(['records', 'outbox', 'drafts', 'meta', 'summaries'], 'readwrite');
        for (const name of ['records', 'outbox', 'drafts', 'meta', 'summaries'] as const) {
          for (const row of rows[name] as object[]) tx.objectStore(name).put(row);
        }
        tx.oncomplete = () => {
          db.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
    });
  }, dump);
}

describe('a phone updated from the build before the consent change', () => {
  const profile = makeProfileDir();
  let server: E2eServer;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    context = await launchProfile(profile.dir);
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    profile.remove();
  });

  it('keeps its records, outbox and draft, migrates the assistance, and syncs it all once', async () => {
    // Same origin, not the app (no service worker, no Dexie yet): the previous build's database.
    await page.goto(`${server.url}/api/v1/health`);
    await writeIndexedDb(page, fixture);

    // This build loads on top of it.
    await page.goto(server.url);
    await page.getByTestId('new-survey').waitFor();
    await page.locator('[data-testid="count-outbox"]', { hasText: '2' }).waitFor();
    expect(await page.getByTestId('count-drafts').textContent()).toBe('1');
    expect(await page.evaluate(() => new Promise<number>((ok) => {
      const r = indexedDB.open('go-cua');
      r.onsuccess = () => {
        ok(r.result.version);
        r.result.close();
      };
    }))).toBe(40); // Dexie version 4 (the list's summary packs, storage/summary-packs.ts)

    // The half-filled survey resumes where the volunteer left it (the list asks for the PIN first).
    await page.goto(`${server.url}/#/list`);
    const draftRow = page.locator('[data-testid="list-row"][data-kind="draft"]');
    expect(await draftRow.locator('strong').textContent()).toBe('42, Ngõ Chợ, Trần Phú');
    await draftRow.locator('a').click();
    const s = new SurveyPage(page);
    await s.expectStep('members');
    // The member typed on the old build is there (as an open card or its summary row).
    // Waited for: the step can show a moment before the draft's members are in its form.
    const shown = () => page.getByTestId('survey').evaluate((el) => `${(el as HTMLElement).innerText}|${[...el.querySelectorAll('input')].map((i) => i.value).join('|')}`);
    await expect.poll(shown, { timeout: 15_000 }).toContain('Phạm Thị Nửa');

    // Stored: the assistance at version 2 without name and phone; household and outbox as they were.
    const records = await readStore<{ id: string; kind: string; record: { rev: number; schemaVersion: number; data: { person?: unknown } } }>(page, 'records');
    const assistance = records.find((r) => r.kind === 'assistance')!;
    expect(assistance.record.schemaVersion).toBe(2);
    expect(assistance.record.data.person).toEqual({ birthYear: 1955 });
    expect(records.find((r) => r.kind === 'household')!.record).toEqual(fixture.records.find((r) => r.kind === 'household')!.record);
    expect((await readStoreRaw<{ recordId: string; rev: number; state: string }>(page, 'outbox')).map((e) => [e.recordId, e.rev, e.state]).sort()).toEqual(
      fixture.records.map((r) => [r.id, r.record.rev, 'queued']).sort(),
    );
    // Encrypted since the PIN was set: no name of that build left in clear.
    const raw = JSON.stringify(await readStoreRaw(page, 'records')) + JSON.stringify(await readStoreRaw(page, 'drafts'));
    for (const personal of ['Trần Thị Hương', '0912345678', 'Nguyễn Văn Minh', 'Phạm Thị Nửa']) expect(raw).not.toContain(personal);
    const everything = JSON.stringify(await readStore(page, 'records')) + JSON.stringify(await readStore(page, 'meta'));
    for (const personal of ['Trần Thị Hương', '0912345678', 'Lê Văn Tám']) expect(everything).not.toContain(personal);

    // Enrolled, the phone sends both: stored once each, the assistance without name and phone.
    const code = (await issueEnrolmentCode(server.db, '10546', 1)).code;
    await page.goto(`${server.url}/?ward=10546&code=${encodeURIComponent(code)}`);
    await page.getByTestId('enrol-volunteerName').fill('Đỗ Thị Cập Nhật');
    await page.getByTestId('enrol-submit').click();
    await page.getByTestId('enrolment-done').waitFor();
    await page.goto(`${server.url}/#/`);
    await page.locator('[data-testid="count-outbox"]', { hasText: '0' }).waitFor({ timeout: 20_000 });
    const stored = await server.db.db.selectFrom('record_revisions').select(['record_id', 'rev', 'schema_version', 'body']).execute();
    expect(stored.map((r) => [r.record_id, Number(r.rev)]).sort()).toEqual(fixture.records.map((r) => [r.id, r.record.rev]).sort());
    const storedAssistance = stored.find((r) => r.record_id === assistance.id)!;
    expect(Number(storedAssistance.schema_version)).toBe(2);
    expect(storedAssistance.body).not.toContain('Trần Thị Hương');
    // The draft is still there after all this.
    expect(await page.getByTestId('count-drafts').textContent()).toBe('1');
  });
});

describe('a phone holding a record of a newer version than the ward server knows', () => {
  const profile = makeProfileDir();
  let server: E2eServer;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    context = await launchProfile(profile.dir);
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
    profile.remove();
  });

  it('keeps it in the outbox and shows it as waiting for the server update, with nothing to fix', async () => {
    // The phone had a newer build than this server (e.g. the server was rolled back): a household
    // of schema version 3 in this build's database layout (Dexie version 3), waiting to be sent.
    const household = fixture.records.find((r) => r.kind === 'household')! as Dump['records'][number] & { record: Record<string, unknown> };
    const id = crypto.randomUUID();
    const summary = { ...(fixture.summaries[0] as object), id };
    const dump: Dump = {
      idbVersion: 30,
      records: [{ ...household, id, record: { ...household.record, id, schemaVersion: 3 } as Dump['records'][number]['record'] }],
      outbox: [{ recordId: id, rev: 1, queuedAt: '2026-12-03T08:00:00.000Z', state: 'queued', attempts: 0 }],
      drafts: [],
      meta: [],
      summaries: [summary],
    };
    await page.goto(`${server.url}/api/v1/health`);
    await writeIndexedDb(page, dump);

    const code = (await issueEnrolmentCode(server.db, '10546', 1)).code;
    await page.goto(`${server.url}/?ward=10546&code=${encodeURIComponent(code)}`);
    await page.getByTestId('enrol-volunteerName').fill('Lý Thị Chờ');
    await page.getByTestId('enrol-submit').click();
    await page.getByTestId('enrolment-done').waitFor();
    await page.goto(`${server.url}/#/`);
    const item = page.locator(`[data-testid="sync-held-item"][data-id="${id}"][data-awaits-update="1"]`);
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain('Chờ cập nhật');
    expect(await item.textContent()).toContain('Không cần sửa gì');
    expect(await item.locator('a').count()).toBe(0); // no "Mở để sửa": nothing to fix
    expect(await page.getByTestId('sync-awaiting-update').textContent()).toBe('1 hộ chờ máy chủ phường được cập nhật');
    // "Đồng bộ ngay" asks again: still held, still on the phone, nothing stored on the server.
    // Wait for the resend's answer first: until then the entry may still read 'held' from before.
    const resent = page.waitForResponse((r) => r.url().endsWith('/api/v1/sync') && r.request().method() === 'POST');
    await page.getByTestId('sync-now').click();
    expect((await resent).status()).toBe(200);
    // Queued again, sent, refused again: held once more (the resend itself: tests/unit/sync/newer-version.test.ts).
    await page.waitForFunction(
      () =>
        new Promise<boolean>((resolve) => {
          const open = indexedDB.open('go-cua');
          open.onsuccess = () => {
            const q = open.result.transaction('outbox').objectStore('outbox').getAll();
            q.onsuccess = () => {
              open.result.close();
              resolve((q.result as { state: string }[]).every((e) => e.state === 'held'));
            };
          };
        }),
    );
    await item.waitFor();
    expect((await readStoreRaw<{ recordId: string; state: string }>(page, 'outbox')).map((e) => [e.recordId, e.state])).toEqual([[id, 'held']]);
    expect(await server.db.db.selectFrom('record_revisions').select('rev').where('record_id', '=', id).execute()).toEqual([]);
  });
});
