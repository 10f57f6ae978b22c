// The sync engine against a fake ward endpoint: batching, results per status, held records,
// superseded revs, edits during a run, whole-request errors, one run at a time.
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../../src/app/sync/sync-engine.js';
import { getDevice } from '../../../src/app/sync/device-store.js';
import type { GoCuaDb } from '../../../src/app/storage/db.js';
import { CLIENT_BATCH_MAX_BYTES, CLIENT_BATCH_MAX_RECORDS, CLIENT_MAX_BATCHES_IN_FLIGHT } from '../../../src/shared/protocol/sync.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FakeWard, ManualClock, editRecord, freshDb, jsonResponse, makeHousehold, queueRecord } from '../../helpers/sync-fixtures.js';

const engines: SyncEngine[] = [];
const dbs: GoCuaDb[] = [];

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  for (const db of dbs.splice(0)) db.close();
});

async function setup(overrides: Partial<SyncEngineOptions> = {}, enrolled = true) {
  const db = await freshDb(enrolled);
  dbs.push(db);
  const ward = new FakeWard();
  const clock = new ManualClock();
  const engine = createSyncEngine({
    db,
    baseUrl: 'http://ward.test',
    fetch: ward.fetch,
    clock,
    random: () => 0.5,
    locks: null,
    events: null,
    isOnline: () => true,
    ...overrides,
  });
  engines.push(engine);
  return { db, ward, clock, engine };
}

describe('batching', () => {
  it('sends at most 100 records per batch, oldest first, with the bearer token', async () => {
    const { db, ward, engine } = await setup();
    const queued = [];
    for (let i = 0; i < 250; i++) {
      const r = makeHousehold({ members: 0 });
      queued.push(r.id);
      await queueRecord(db, r);
    }
    await engine.requestSync();
    expect(ward.requests.map((r) => r.body.records.length)).toEqual([100, 100, 50]);
    expect(ward.requests.flatMap((r) => r.body.records.map((x) => x.id))).toEqual(queued);
    const req = ward.requests[0]!;
    expect(req.url).toBe('http://ward.test/api/v1/sync');
    expect(req.headers.get('authorization')).toBe('Bearer token-1');
    expect(req.body.protocolVersion).toBe(1);
    expect(new Set(ward.requests.map((r) => r.body.batchId)).size).toBe(3);
    expect(await db.outbox.count()).toBe(0);
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0, sent: 250, total: 250 });
    expect(engine.getState().lastSuccessAt).toBeDefined();
  });

  it('keeps each uncompressed body within 256 KB', async () => {
    const { db, ward, engine } = await setup();
    for (let i = 0; i < 60; i++) await queueRecord(db, makeHousehold({ members: 40 }));
    const size = JSON.stringify(makeHousehold({ members: 40 })).length;
    expect(size * CLIENT_BATCH_MAX_RECORDS).toBeGreaterThan(CLIENT_BATCH_MAX_BYTES); // bytes, not count, must limit
    await engine.requestSync();
    expect(ward.requests.length).toBeGreaterThan(1);
    for (const r of ward.requests) {
      expect(r.rawBytes).toBeLessThanOrEqual(CLIENT_BATCH_MAX_BYTES);
      // and the batch was filled: one more record would not have fitted
      if (r !== ward.requests.at(-1)) expect(r.rawBytes + size).toBeGreaterThan(CLIENT_BATCH_MAX_BYTES);
    }
    expect(ward.requests.reduce((n, r) => n + r.body.records.length, 0)).toBe(60);
  });

  it('gzips bodies when it pays and says so in Content-Encoding', async () => {
    const { db, ward, engine } = await setup();
    for (let i = 0; i < 20; i++) await queueRecord(db, makeHousehold({ members: 3 }));
    await engine.requestSync();
    const req = ward.requests[0]!;
    expect(req.headers.get('content-encoding')).toBe('gzip');
    expect(req.wireBytes).toBeLessThan(req.rawBytes / 3);
    expect(engine.getState().bytesSent).toBe(req.wireBytes);
  });

  it('sends small bodies, or all bodies with compression off, uncompressed', async () => {
    const small = await setup();
    await queueRecord(small.db, makeHousehold({ members: 0 }));
    await small.engine.requestSync();
    expect(small.ward.requests[0]!.headers.get('content-encoding')).toBeNull();

    const off = await setup({ compression: 'never' });
    for (let i = 0; i < 20; i++) await queueRecord(off.db, makeHousehold({ members: 3 }));
    await off.engine.requestSync();
    expect(off.ward.requests[0]!.headers.get('content-encoding')).toBeNull();
    expect(off.ward.requests[0]!.wireBytes).toBe(off.ward.requests[0]!.rawBytes);
  });
});

describe('results', () => {
  it('settles accepted, duplicate and stale; holds rejected and conflict with the server messages', async () => {
    const { db, ward, engine } = await setup();
    const recs = { accepted: makeHousehold(), duplicate: makeHousehold(), stale: makeHousehold(), rejected: makeHousehold(), conflict: makeHousehold() };
    const statusOf = new Map(Object.entries(recs).map(([status, r]) => [r.id, status]));
    ward.decide = (r) => (statusOf.get(r.id) === 'accepted' ? undefined : (statusOf.get(r.id) as never));
    for (const r of Object.values(recs)) await queueRecord(db, r);
    await engine.requestSync();

    for (const key of ['accepted', 'duplicate', 'stale'] as const) {
      const row = await db.records.get(recs[key].id);
      expect(row, key).toMatchObject({ syncState: 'synced', syncedRev: 1 });
      expect(await db.outbox.where('recordId').equals(recs[key].id).count(), key).toBe(0);
    }
    const rejected = await db.records.get(recs.rejected.id);
    expect(rejected?.syncState).toBe('rejected');
    expect(rejected?.serverErrors).toEqual([{ path: 'data.groupCode', code: 'unknown_group', message: 'Tổ dân phố không có trong danh sách' }]);
    expect((await db.records.get(recs.conflict.id))?.syncState).toBe('conflict');
    const held = await db.outbox.toArray();
    expect(held.map((e) => [e.recordId, e.state]).sort()).toEqual([[recs.conflict.id, 'held'], [recs.rejected.id, 'held']].sort());
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0, held: 2 });

    // Held records are not sent again by later runs ("Đồng bộ ngay" only asks for staff changes).
    const before = ward.requests.length;
    await engine.requestSync();
    expect(ward.requests.length).toBe(before);
    await engine.syncNow();
    expect(ward.requests.slice(before).map((r) => r.body.records.length)).toEqual([0]);
  });

  it('an edit of a held record queues a new rev that replaces the held entry', async () => {
    const { db, ward, engine } = await setup();
    const r = makeHousehold();
    ward.decide = (x) => (x.rev === 1 ? 'rejected' : undefined);
    await queueRecord(db, r);
    await engine.requestSync();
    expect((await db.outbox.toArray()).map((e) => e.state)).toEqual(['held']);

    await editRecord(db, r.id, 'sửa lại tổ');
    await engine.requestSync();
    expect(ward.requests.at(-1)!.body.records.map((x) => [x.id, x.rev])).toEqual([[r.id, 2]]);
    expect(await db.outbox.count()).toBe(0);
    const row = await db.records.get(r.id);
    expect(row).toMatchObject({ syncState: 'synced', syncedRev: 2 });
    expect(row?.serverErrors).toBeUndefined();
  });

  it('sends only the current rev of a record edited several times offline', async () => {
    const { db, ward, engine } = await setup();
    const r = makeHousehold();
    await queueRecord(db, r);
    await editRecord(db, r.id, 'lần 2');
    await editRecord(db, r.id, 'lần 3');
    expect(await db.outbox.count()).toBe(3);
    await engine.requestSync();
    expect(ward.requests.length).toBe(1);
    expect(ward.requests[0]!.body.records.map((x) => x.rev)).toEqual([3]);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.records.get(r.id)).toMatchObject({ syncState: 'synced', syncedRev: 3 });
  });

  it('a record edited while its batch is in flight stays pending and its new rev follows', async () => {
    const { db, ward, engine } = await setup();
    const r = makeHousehold();
    await queueRecord(db, r);
    let edited = false;
    let between: unknown;
    ward.intercept = async () => {
      if (!edited) {
        edited = true;
        await editRecord(db, r.id, 'sửa trong lúc gửi');
      } else {
        // Rev 1's answer is applied, rev 2 not yet: the record must still read as pending.
        const row = await db.records.get(r.id);
        between = { syncState: row?.syncState, syncedRev: row?.syncedRev, rev: row?.record.rev };
      }
      return undefined;
    };
    const seen: string[] = [];
    engine.subscribe(() => seen.push(engine.getState().phase));
    await engine.requestSync();
    expect(ward.requests.map((q) => q.body.records.map((x) => x.rev))).toEqual([[1], [2]]);
    expect(between).toEqual({ syncState: 'pending', syncedRev: 1, rev: 2 });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.records.get(r.id)).toMatchObject({ syncState: 'synced', syncedRev: 2 });
    expect(seen).toContain('sending');
  });

  it('a rev rejected while a newer one was saved leaves nothing held: the newer rev goes', async () => {
    const { db, ward, engine } = await setup();
    const r = makeHousehold();
    await queueRecord(db, r);
    ward.decide = (x) => (x.rev === 1 ? 'rejected' : undefined);
    let edited = false;
    ward.intercept = async () => {
      if (!edited) {
        edited = true;
        await editRecord(db, r.id, 'đã sửa');
      }
      return undefined;
    };
    await engine.requestSync();
    expect(await db.outbox.count()).toBe(0);
    expect(await db.records.get(r.id)).toMatchObject({ syncState: 'synced', syncedRev: 2 });
  });

  it('a record without an answer stays queued and the run is retried later', async () => {
    const { db, ward, engine, clock } = await setup();
    const a = makeHousehold();
    const b = makeHousehold();
    await queueRecord(db, a);
    await queueRecord(db, b);
    ward.intercept = (req) => {
      if (ward.requests.length > 1) return undefined;
      return jsonResponse(200, { batchId: req.body.batchId, results: [ward.apply(req.body.records[0]!)] });
    };
    await engine.requestSync();
    expect(await db.outbox.where('recordId').equals(a.id).count()).toBe(0);
    expect(await db.outbox.where('recordId').equals(b.id).count()).toBe(1);
    expect(engine.getState().phase).toBe('waiting');
    clock.advance(clock.pendingDelays()[0]!);
    await engine.whenIdle();
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('whole-request errors', () => {
  it('401 stops, marks the device revoked and keeps the outbox', async () => {
    const { db, ward, engine } = await setup();
    await queueRecord(db, makeHousehold());
    ward.intercept = () => jsonResponse(401, { error: { code: 'unauthorized', message: 'Thiết bị đã bị thu hồi' } });
    await engine.requestSync();
    expect(engine.getState()).toMatchObject({ phase: 'error', error: { code: 'unauthorized', messageKey: 'sync.error.unauthorized' } });
    expect((await getDevice(db))?.revokedAt).toBeDefined();
    expect(await db.outbox.count()).toBe(1);
    await engine.requestSync();
    await engine.syncNow();
    expect(ward.requests.length).toBe(1); // a revoked token is not tried again until re-enrolment
  });

  it('426 stops with "update the app" (or "update the ward endpoint") until asked by hand', async () => {
    const { db, ward, engine, clock } = await setup();
    await queueRecord(db, makeHousehold());
    ward.intercept = () => jsonResponse(426, { error: { code: 'protocol_too_old', message: 'Cập nhật ứng dụng' } });
    await engine.requestSync();
    expect(engine.getState()).toMatchObject({ phase: 'error', error: { code: 'update_app', messageKey: 'sync.error.update_app' } });
    await engine.requestSync();
    clock.advance(10 * 60_000);
    await engine.whenIdle();
    expect(ward.requests.length).toBe(1);
    ward.intercept = () => jsonResponse(426, { error: { code: 'protocol_too_new', message: 'Máy chủ cũ' } });
    await engine.syncNow();
    expect(ward.requests.length).toBe(2);
    expect(engine.getState().error?.code).toBe('update_server');
    expect(await db.outbox.count()).toBe(1);
  });

  it('400 splits the batch down to the offending record, which is held; the others go', async () => {
    const { db, ward, engine } = await setup();
    const records = Array.from({ length: 40 }, () => makeHousehold({ members: 0 }));
    const poison = records[13]!;
    for (const r of records) await queueRecord(db, r);
    ward.intercept = (req) =>
      req.body.records.some((r) => r.id === poison.id)
        ? jsonResponse(400, { error: { code: 'bad_request', message: 'Yêu cầu không hợp lệ' } })
        : undefined;
    await engine.requestSync();
    expect(ward.stored.size).toBe(39);
    expect(ward.requests.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(40)));
    const row = await db.records.get(poison.id);
    expect(row?.syncState).toBe('rejected');
    expect(row?.serverErrors).toEqual([{ path: '', code: 'bad_request', message: 'Yêu cầu không hợp lệ' }]);
    expect((await db.outbox.toArray()).map((e) => [e.recordId, e.state])).toEqual([[poison.id, 'held']]);
    expect(engine.getState().phase).toBe('idle');
  });

  it('413 on a single record holds it as too large', async () => {
    const { db, ward, engine } = await setup();
    const big = makeHousehold({ members: 3 });
    await queueRecord(db, big);
    ward.intercept = () => jsonResponse(413, { error: { code: 'payload_too_large', message: 'Quá lớn' } });
    await engine.requestSync();
    expect((await db.records.get(big.id))?.serverErrors?.[0]?.code).toBe('too_large');
    expect(ward.requests.length).toBe(1);
  });

  it('an unenrolled phone does not send and says so', async () => {
    const { db, ward, engine } = await setup({}, false);
    await queueRecord(db, makeHousehold());
    await engine.requestSync();
    expect(ward.requests.length).toBe(0);
    expect(engine.getState()).toMatchObject({ phase: 'error', pending: 1, error: { code: 'not_enrolled' } });
  });
});

describe('one run at a time', () => {
  it('two engines on one database (two tabs) never send at the same time', async () => {
    const db = await freshDb();
    dbs.push(db);
    for (let i = 0; i < 30; i++) await queueRecord(db, makeHousehold({ members: 0 }));
    const ward = new FakeWard();
    let inFlight = 0;
    let maxInFlight = 0;
    const sentBy: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowFetch =
      (tab: string): typeof fetch =>
      async (input, init) => {
        sentBy.push(tab);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await gate;
        try {
          return await ward.fetch(input, init);
        } finally {
          inFlight--;
        }
      };
    const make = (tab: string) => {
      const e = createSyncEngine({ db, fetch: slowFetch(tab), clock: new ManualClock(), locks: null, events: null, isOnline: () => true, maxRecords: 10 });
      engines.push(e);
      return e;
    };
    const tab1 = make('tab 1');
    const tab2 = make('tab 2');
    const run1 = tab1.requestSync();
    // Tab 1 keeps its batches in flight (three of ten records each) while tab 2 tries.
    await waitFor(() => inFlight === CLIENT_MAX_BATCHES_IN_FLIGHT, 15_000, 'tab 1 to take the lock and send its batches');
    await tab2.requestSync(); // finds the lock taken: returns without sending
    release();
    await run1;
    expect(maxInFlight).toBe(CLIENT_MAX_BATCHES_IN_FLIGHT);
    expect(sentBy.every((tab) => tab === 'tab 1')).toBe(true);
    expect(ward.stored.size).toBe(30);
    expect(ward.requests.length).toBe(3);
  });

  it('uses navigator.locks-style ifAvailable requests when given a lock manager', async () => {
    const names: string[] = [];
    const locks = {
      request: async <T,>(name: string, opts: { ifAvailable: true }, cb: (lock: unknown) => Promise<T>) => {
        names.push(`${name}:${opts.ifAvailable}`);
        return cb(null); // another tab holds it
      },
    };
    const { db, ward, engine } = await setup({ locks });
    await queueRecord(db, makeHousehold());
    await engine.requestSync();
    expect(names).toEqual(['go-cua-sync:true']);
    expect(ward.requests.length).toBe(0);
    expect(engine.getState().pending).toBe(1);
  });

  it('a save during a run is picked up by the same run', async () => {
    const { db, ward, engine } = await setup();
    await queueRecord(db, makeHousehold());
    let added = false;
    ward.intercept = async () => {
      if (!added) {
        added = true;
        await queueRecord(db, makeHousehold());
        void engine.requestSync(); // what the save does
      }
      return undefined;
    };
    await engine.requestSync();
    await engine.whenIdle();
    expect(ward.stored.size).toBe(2);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('triggers', () => {
  it('offline: no request; the online event runs at once', async () => {
    let online = false;
    const listeners = new Map<string, () => void>();
    const events = { addEventListener: (t: string, l: () => void) => listeners.set(t, l), removeEventListener: (t: string) => listeners.delete(t) };
    const { db, ward, engine } = await setup({ isOnline: () => online, events });
    await queueRecord(db, makeHousehold());
    await engine.start();
    expect(engine.getState()).toMatchObject({ phase: 'offline', pending: 1 });
    expect(ward.requests.length).toBe(0);
    online = true;
    listeners.get('online')!();
    await engine.whenIdle();
    expect(ward.stored.size).toBe(1);
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0, sent: 1 });
  });

  it('runs every minute while online', async () => {
    const { db, ward, engine, clock } = await setup();
    await engine.start();
    await queueRecord(db, makeHousehold()); // saved without requestSync
    clock.advance(59_000);
    await engine.whenIdle();
    expect(ward.requests.length).toBe(0);
    clock.advance(1_000);
    await engine.whenIdle();
    expect(ward.requests.length).toBe(1);
  });

  it('calls afterSuccessfulRun only after an acknowledged batch, and ignores its failure', async () => {
    let calls = 0;
    const { db, engine } = await setup({
      afterSuccessfulRun: async () => {
        calls++;
        throw new Error('config fetch failed');
      },
    });
    await engine.requestSync();
    expect(calls).toBe(0);
    await queueRecord(db, makeHousehold());
    await engine.requestSync();
    expect(calls).toBe(1);
    expect(engine.getState().phase).toBe('idle');
  });
});
