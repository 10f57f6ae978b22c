// The storage failing under a running server: a full disk (SQLite's max_page_count stands in
// for it) answers 503 with Retry-After and a translated message, and stores nothing of the
// batch; the same batch goes in once there is room. The health probe reads every core table.
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteBackend } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, householdRecord } from '../helpers/records.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function count(t: TestServer, table: 'record_revisions' | 'households' | 'members'): Promise<number> {
  const row = await t.db.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('a full disk', () => {
  it('answers 503 with Retry-After and a translated message, and stores no part of the batch', async () => {
    t = await startTestServer(sqliteBackend);
    const phone = await t.enrol();
    expect((await t.sync(phone.token, batch([householdRecord({ seed: 1, members: 2 })]))).statusCode).toBe(200);
    const before = { revisions: await count(t, 'record_revisions'), households: await count(t, 'households'), members: await count(t, 'members') };

    const sqlite = t.db.sqlite!;
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const pages = Number(sqlite.pragma('page_count', { simple: true }));
    sqlite.pragma(`max_page_count = ${pages + 1}`); // one more page, then the "disk" is full
    const records = Array.from({ length: 60 }, (_, i) => householdRecord({ seed: 100 + i, members: 6 }));
    const body = batch(records);
    const full = await t.sync(phone.token, body, { 'accept-language': 'en' });
    expect(full.statusCode).toBe(503);
    expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
    expect(full.json().error.code).toBe('unavailable');
    expect(full.json().error.message).toMatch(/disk is full/);
    const fullVi = await t.sync(phone.token, body);
    expect(fullVi.statusCode).toBe(503);
    expect(fullVi.json().error.message).toMatch(/Ổ đĩa của máy chủ phường đã đầy/);
    expect({ revisions: await count(t, 'record_revisions'), households: await count(t, 'households'), members: await count(t, 'members') }).toEqual(before);

    // Room again: the phone's retry of the same batch is stored whole.
    sqlite.pragma('max_page_count = 1073741823');
    const retried = await t.sync(phone.token, body);
    expect(retried.statusCode).toBe(200);
    expect(retried.json().results.map((r: { status: string }) => r.status)).toEqual(records.map(() => 'accepted'));
    expect(await count(t, 'households')).toBe(before.households + 60);
  });
});

describe('GET /api/health', () => {
  it('reads every core table: 200 when they answer, 503 when one does not', async () => {
    t = await startTestServer(sqliteBackend);
    const ok = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ok', db: 'sqlite', lastBackup: null });
    // A table lost (as a damaged file or a half-restored backup would) fails the probe.
    t.db.sqlite!.exec('drop table members');
    const bad = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(bad.statusCode).toBe(503);
    expect(bad.json()).toEqual({ status: 'unavailable', db: 'sqlite' });
    expect(bad.headers['retry-after']).toBeDefined();
  });
});
