// The phone's sync engine (Dexie on fake-indexeddb, Node's fetch) against the REAL ward endpoint
// listening on 127.0.0.1, on every storage backend: enrol with an issued code, cache the ward
// configuration, queue households, sync, and find each stored exactly once. Then the same
// through a TCP proxy that cuts connections mid-batch (after the server committed, before the
// phone reads the answer, and before the request arrives): retries bring duplicates, never a
// second copy, and nothing is lost.
import net, { type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { revokeDevice } from '../../src/server/services/accounts.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { createSyncEngine } from '../../src/app/sync/sync-engine.js';
import { enrolDevice } from '../../src/app/sync/enrolment.js';
import { getDevice } from '../../src/app/sync/device-store.js';
import { getWardConfig } from '../../src/app/storage/ward-config.js';
import type { SyncStatus } from '../../src/shared/protocol/sync.js';
import { backends, type OpenedDb } from '../helpers/server-db.js';
import { FIXTURE_WARDS_DIR, OTHER_WARD, WARD, householdRecord } from '../helpers/records.js';
import { ManualClock, freshDb, queueRecord } from '../helpers/sync-fixtures.js';

/**
 * A TCP proxy in front of the server. For the connections whose number (1-based) is in
 * `cutAfterAnswer`, the first bytes of the server's answer are swallowed and both sockets
 * destroyed (the batch is committed, the phone never hears so); for those in
 * `cutBeforeRequest`, the phone's socket is destroyed before anything reaches the server.
 */
async function cuttingProxy(target: number, plan: { cutAfterAnswer: number[]; cutBeforeRequest: number[] }) {
  let n = 0;
  const cuts: string[] = [];
  const server = net.createServer((client) => {
    const index = ++n;
    if (plan.cutBeforeRequest.includes(index)) {
      cuts.push(`before#${index}`);
      client.destroy();
      return;
    }
    const upstream = net.connect(target, '127.0.0.1');
    client.pipe(upstream);
    let first = true;
    upstream.on('data', (chunk) => {
      if (first && plan.cutAfterAnswer.includes(index)) {
        cuts.push(`after#${index}`);
        client.destroy();
        upstream.destroy();
        return;
      }
      first = false;
      client.write(chunk);
    });
    upstream.on('end', () => client.end());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    cuts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe.each(backends)('phone sync client against the ward endpoint on $name', (backend) => {
  let opened: OpenedDb;
  let app: FastifyInstance;
  let baseUrl: string;
  let port: number;

  beforeAll(async () => {
    opened = await backend.open();
    app = await buildServer({ db: opened.server, seedsDir: FIXTURE_WARDS_DIR });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    baseUrl = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  async function storedRevisions(ids: string[]) {
    const rows = await opened.server.db.selectFrom('record_revisions').select(['record_id', 'rev']).where('record_id', 'in', ids).execute();
    return rows;
  }

  /** Wraps Node's fetch to count the statuses the server answered. */
  function countingFetch() {
    const statuses: Partial<Record<SyncStatus, number>> = {};
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const response = await globalThis.fetch(input, init);
      if (response.ok) {
        const body = (await response.clone().json().catch(() => null)) as { results?: { status: SyncStatus }[] } | null;
        for (const r of body?.results ?? []) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
      return response;
    };
    return { fetch, statuses };
  }

  it('enrols with an issued code, caches the ward configuration, and maps wrong codes', async () => {
    const db = await freshDb(false);
    const code = (await issueEnrolmentCode(opened.server, WARD, 1)).code;
    expect(await enrolDevice(db, { wardCode: OTHER_WARD, enrolmentCode: code, volunteerName: 'Lan' }, { baseUrl })).toMatchObject({ ok: false, code: 'other_ward' });
    expect(await enrolDevice(db, { wardCode: WARD, enrolmentCode: 'NOT-A-CODE', volunteerName: 'Lan' }, { baseUrl })).toMatchObject({ ok: false, code: 'wrong_code' });
    const result = await enrolDevice(db, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Trần Thị Lan' }, { baseUrl });
    expect(result.ok).toBe(true);
    expect((await getWardConfig(db)).code).toBe(WARD);
    expect((await getDevice(db))?.token).toBeTruthy();
    // The code was for one enrolment: a second phone cannot reuse it.
    const other = await freshDb(false);
    expect(await enrolDevice(other, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Hùng' }, { baseUrl })).toMatchObject({ ok: false, code: 'wrong_code' });
    db.close();
    other.close();
  });

  it('syncs queued households: each stored exactly once, all marked synced', async () => {
    const db = await freshDb(false);
    const code = (await issueEnrolmentCode(opened.server, WARD, 1)).code;
    expect((await enrolDevice(db, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Lan' }, { baseUrl })).ok).toBe(true);
    const records = Array.from({ length: 230 }, (_, i) => householdRecord({ seed: 1000 + i }));
    for (const r of records) await queueRecord(db, r);
    const { fetch, statuses } = countingFetch();
    const engine = createSyncEngine({ db, baseUrl, fetch, clock: new ManualClock(), locks: null, events: null, isOnline: () => true });
    await engine.requestSync();
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0, held: 0, sent: 230 });
    expect(statuses).toEqual({ accepted: 230 });
    const ids = records.map((r) => r.id);
    const rows = await storedRevisions(ids);
    expect(rows.length).toBe(230);
    expect(new Set(rows.map((r) => r.record_id)).size).toBe(230);
    const households = await opened.server.db.selectFrom('households').select('record_id').where('record_id', 'in', ids).execute();
    expect(households.length).toBe(230);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.records.toArray()).every((r) => r.syncState === 'synced')).toBe(true);

    // An edit syncs as rev 2; a record of another ward is rejected with the server's message and held.
    const edited = { ...records[0]!, rev: 2, data: { ...records[0]!.data, note: 'Đã sửa' } };
    await queueRecord(db, edited);
    const foreign = householdRecord({ seed: 5, wardCode: OTHER_WARD });
    await queueRecord(db, foreign);
    await engine.requestSync();
    expect((await storedRevisions([edited.id])).map((r) => r.rev).sort()).toEqual([1, 2]);
    const held = await db.records.get(foreign.id);
    expect(held?.syncState).toBe('rejected');
    expect(held?.serverErrors?.[0]?.message).toMatch(/\S/);
    expect((await db.outbox.toArray()).map((e) => [e.recordId, e.state])).toEqual([[foreign.id, 'held']]);
    expect(await storedRevisions([foreign.id])).toEqual([]);
    await engine.stop();
    db.close();
  });

  it('connections cut mid-batch and retried: no duplicates, none lost', async () => {
    const db = await freshDb(false);
    const code = (await issueEnrolmentCode(opened.server, WARD, 1)).code;
    expect((await enrolDevice(db, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Lan' }, { baseUrl })).ok).toBe(true);
    const proxy = await cuttingProxy(port, { cutAfterAnswer: [1, 3, 4], cutBeforeRequest: [2] });
    const records = Array.from({ length: 120 }, (_, i) => householdRecord({ seed: 50_000 + i }));
    for (const r of records) await queueRecord(db, r);
    const { fetch, statuses } = countingFetch();
    // A fresh connection per request, so that each cut hits exactly one request.
    const oneShotFetch: typeof globalThis.fetch = (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), connection: 'close' } });
    const clock = new ManualClock();
    const engine = createSyncEngine({ db, baseUrl: `http://127.0.0.1:${proxy.port}`, fetch: oneShotFetch, clock, random: () => 0.5, locks: null, events: null, isOnline: () => true, maxRecords: 40 });
    await engine.requestSync();
    let guard = 0;
    while ((await db.outbox.count()) > 0 && guard++ < 20) {
      expect(engine.getState()).toMatchObject({ phase: 'waiting', error: { code: 'network' } });
      clock.advance(clock.pendingDelays()[0]!);
      await engine.whenIdle();
    }
    // Each planned cut happened once (in any order: batches in flight overlap).
    expect([...proxy.cuts].sort()).toEqual(['after#1', 'after#3', 'after#4', 'before#2']);
    expect(await db.outbox.count()).toBe(0);
    const rows = await storedRevisions(records.map((r) => r.id));
    expect(rows.length).toBe(120);
    expect(new Set(rows.map((r) => `${r.record_id}#${r.rev}`)).size).toBe(120);
    // The cut answers' batches were committed: their retries came back as duplicates.
    expect(statuses.accepted! + statuses.duplicate!).toBe(120);
    expect(statuses.duplicate).toBeGreaterThan(0);
    expect((await db.records.toArray()).every((r) => r.syncState === 'synced' && r.syncedRev === 1)).toBe(true);
    await engine.stop();
    await proxy.close();
    db.close();
  });

  it('an unknown token stops with 401 and keeps its outbox', async () => {
    const db = await freshDb(false);
    const code = (await issueEnrolmentCode(opened.server, WARD, 1)).code;
    const enrolled = await enrolDevice(db, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Lan' }, { baseUrl });
    if (!enrolled.ok) throw new Error('enrol failed');
    // The server no longer knows this token (e.g. a database restored from before the enrolment).
    await opened.server.db.deleteFrom('devices').where('id', '=', enrolled.device.deviceId).execute();
    await queueRecord(db, householdRecord({ seed: 77 }));
    const engine = createSyncEngine({ db, baseUrl, clock: new ManualClock(), locks: null, events: null, isOnline: () => true });
    await engine.requestSync();
    expect(engine.getState()).toMatchObject({ phase: 'error', error: { code: 'unauthorized' } });
    expect((await getDevice(db))?.revokedAt).toBeDefined();
    expect(await db.outbox.count()).toBe(1);
    db.close();
  });

  it('a retired device sends its whole outbox, then wipes its personal data', async () => {
    const db = await freshDb(false);
    const code = (await issueEnrolmentCode(opened.server, WARD, 1)).code;
    const enrolled = await enrolDevice(db, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Lan' }, { baseUrl });
    if (!enrolled.ok) throw new Error('enrol failed');
    expect(await revokeDevice(opened.server.db, enrolled.device.deviceId, new Date(), 'retired')).toBe(true);
    const records = [householdRecord({ seed: 81 }), householdRecord({ seed: 82 }), householdRecord({ seed: 83 })];
    for (const r of records) await queueRecord(db, r);
    // Two records a batch: the engine drains in two requests, then asks with nothing waiting.
    const engine = createSyncEngine({ db, baseUrl, clock: new ManualClock(), locks: null, events: null, isOnline: () => true, maxRecords: 2 });
    await engine.requestSync();
    const stored = await opened.server.db.selectFrom('record_revisions').select('record_id').where('device_id', '=', enrolled.device.deviceId).execute();
    expect(stored.map((r) => r.record_id).sort()).toEqual(records.map((r) => r.id).sort());
    expect(engine.getState()).toMatchObject({ phase: 'error', error: { code: 'device_retired', status: 410 } });
    expect(await db.records.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await getDevice(db)).toBeUndefined();
    expect(((await db.meta.get('wiped'))?.value as { reason: string }).reason).toBe('retired');
    const device = await opened.server.db.selectFrom('devices').select(['waiting_count']).where('id', '=', enrolled.device.deviceId).executeTakeFirstOrThrow();
    expect(Number(device.waiting_count)).toBe(0);
    db.close();
  });

  it('a retired device holding a record the server refused is not wiped: the volunteer can still fix and send it', async () => {
    const db = await freshDb(false);
    const code = (await issueEnrolmentCode(opened.server, WARD, 1)).code;
    const enrolled = await enrolDevice(db, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Lan' }, { baseUrl });
    if (!enrolled.ok) throw new Error('enrol failed');
    expect(await revokeDevice(opened.server.db, enrolled.device.deviceId, new Date(), 'retired')).toBe(true);
    const bad = householdRecord({ seed: 88 });
    (bad.data as { groupCode: string }).groupCode = 'NO-SUCH-GROUP';
    await queueRecord(db, bad);
    const engine = createSyncEngine({ db, baseUrl, clock: new ManualClock(), locks: null, events: null, isOnline: () => true });
    await engine.requestSync();
    expect(engine.getState().phase).toBe('idle');
    expect(await db.records.count()).toBe(1);
    expect((await db.outbox.toArray()).map((e) => e.state)).toEqual(['held']);
    expect(await getDevice(db)).toBeDefined();
    const device = await opened.server.db.selectFrom('devices').select(['waiting_count']).where('id', '=', enrolled.device.deviceId).executeTakeFirstOrThrow();
    expect(Number(device.waiting_count)).toBe(1);
    db.close();
  });

  it('a lost device wipes at once, its outbox included, and nothing of it is stored', async () => {
    const db = await freshDb(false);
    const code = (await issueEnrolmentCode(opened.server, WARD, 1)).code;
    const enrolled = await enrolDevice(db, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Lan' }, { baseUrl });
    if (!enrolled.ok) throw new Error('enrol failed');
    expect(await revokeDevice(opened.server.db, enrolled.device.deviceId)).toBe(true); // lost, as the CLI's default
    await queueRecord(db, householdRecord({ seed: 91 }));
    await queueRecord(db, householdRecord({ seed: 92 }));
    const engine = createSyncEngine({ db, baseUrl, clock: new ManualClock(), locks: null, events: null, isOnline: () => true });
    await engine.requestSync();
    expect(engine.getState()).toMatchObject({ phase: 'error', error: { code: 'device_lost', status: 410 } });
    expect(await db.records.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    const stored = await opened.server.db.selectFrom('record_revisions').select('record_id').where('device_id', '=', enrolled.device.deviceId).execute();
    expect(stored).toEqual([]);
    const device = await opened.server.db.selectFrom('devices').select(['waiting_count']).where('id', '=', enrolled.device.deviceId).executeTakeFirstOrThrow();
    expect(Number(device.waiting_count)).toBe(2);
    db.close();
  });
});
