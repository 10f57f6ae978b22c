// Staff changes reaching the phone (docs/sync-protocol.md, "Staff changes"), with the real sync
// engine against the FakeWard (which decides with decideStatus, the server's own rule): a void
// by ward staff is taken by the owning phone, leaves its lists and is told to the volunteer; a
// rev the phone built before the void is a conflict whose answer carries the server's state, so
// the household stays voided — never silently un-voided — and nothing stays held for ever.
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../../src/app/sync/sync-engine.js';
import type { GoCuaDb } from '../../../src/app/storage/db.js';
import { listSummaries, listRevisits } from '../../../src/app/storage/records-repo.js';
import { pendingApplied, serverNotices } from '../../../src/app/storage/server-state.js';
import { FakeWard, ManualClock, editRecord, freshDb, makeHousehold, queueRecord } from '../../helpers/sync-fixtures.js';

const engines: SyncEngine[] = [];
const dbs: GoCuaDb[] = [];

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  for (const db of dbs.splice(0)) db.close();
});

async function setup(overrides: Partial<SyncEngineOptions> = {}) {
  const db = await freshDb();
  dbs.push(db);
  const ward = new FakeWard();
  const clock = new ManualClock();
  const engine = createSyncEngine({ db, baseUrl: 'http://ward.test', fetch: ward.fetch, clock, random: () => 0.5, locks: null, events: null, isOnline: () => true, ...overrides });
  engines.push(engine);
  return { db, ward, clock, engine };
}

const voidData = (d: Parameters<Parameters<FakeWard['staffChange']>[1]>[0]) => ({ ...d, voided: true, voidReason: 'Trùng hộ' });

describe('staff changes on the phone', () => {
  it('a staff void reaches the phone on "Đồng bộ ngay": the household leaves its lists, the volunteer is told, the phone acknowledges', async () => {
    const { db, ward, engine } = await setup();
    const r = makeHousehold();
    await queueRecord(db, r);
    await engine.requestSync();
    expect((await listSummaries(db)).map((s) => s.id)).toEqual([r.id]);

    ward.staffChange(r.id, voidData);
    const before = ward.requests.length;
    await engine.syncNow();
    const row = await db.records.get(r.id);
    expect(row).toMatchObject({ syncState: 'synced', syncedRev: 2, voided: 1, record: { rev: 2, data: { voided: true, voidReason: 'Trùng hộ' } } });
    expect(await listSummaries(db)).toEqual([]);
    expect((await listSummaries(db, { includeVoided: true })).map((s) => [s.id, s.voided])).toEqual([[r.id, 1]]);
    expect(await serverNotices(db)).toEqual([expect.objectContaining({ recordId: r.id, rev: 2, voided: true, editKept: false, editDropped: false, label: { house: r.data.address.houseNumber, group: 'TDP01' } })]);
    // Empty batches only: the first asks and is told, the second carries the acknowledgement.
    expect(ward.requests.slice(before).map((q) => [q.body.records.length, q.body.applied ?? []])).toEqual([
      [0, []],
      [0, [{ id: r.id, rev: 2 }]],
    ]);
    expect(ward.unseen.size).toBe(0);
    expect(await pendingApplied(db)).toEqual([]);
    expect(await db.outbox.count()).toBe(0);
  });

  it('a rev built before the void is a conflict carrying the server state: the phone takes it, stays voided, and its next edit builds on the void', async () => {
    const { db, ward, engine } = await setup();
    const r = makeHousehold({ members: 0 }); // not home: on the revisit list
    await queueRecord(db, r);
    await engine.requestSync();
    ward.staffChange(r.id, voidData);
    // Offline edit of the older copy (rev 2 on the phone, the server's rev 2 is the void) and another.
    await editRecord(db, r.id, 'đã quay lại');
    await editRecord(db, r.id, 'quay lại lần nữa');
    expect((await listRevisits(db)).map((x) => x.id)).toEqual([r.id]);
    const before = ward.requests.length;
    await engine.requestSync();

    // The phone's rev 3 went, was answered conflict with the server's state, and was kept on the ward for review.
    const sent = ward.requests.slice(before).find((q) => q.body.records.length > 0)!;
    expect(sent.body.records.map((x) => x.rev)).toEqual([3]);
    expect(ward.conflicts.map((c) => [c.rev, c.data.note])).toEqual([[3, 'quay lại lần nữa']]);
    const row = await db.records.get(r.id);
    expect(row).toMatchObject({ syncState: 'synced', syncedRev: 2, voided: 1, record: { rev: 2, data: { voided: true } } });
    expect(row?.serverErrors).toBeUndefined();
    expect(await db.outbox.count()).toBe(0); // nothing held for ever
    expect(await listRevisits(db)).toEqual([]);
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0, held: 0 });
    expect(await serverNotices(db)).toEqual([expect.objectContaining({ recordId: r.id, voided: true, editKept: true })]);
    expect(ward.unseen.size).toBe(0); // acknowledged at the end of the run

    // The volunteer's next edit is built on the void: accepted, and the household stays voided.
    await editRecord(db, r.id, 'ghi chú sau khi hủy');
    await engine.requestSync();
    expect(ward.latest.get(r.id)).toBe(3);
    expect(ward.bodies.get(r.id)!.data).toMatchObject({ voided: true, note: 'ghi chú sau khi hủy' });
    expect(await db.records.get(r.id)).toMatchObject({ syncState: 'synced', syncedRev: 3, voided: 1 });
  });

  it('a held (rejected) copy is replaced by the staff state and the volunteer is told it was dropped', async () => {
    const { db, ward, engine } = await setup();
    const r = makeHousehold();
    await queueRecord(db, r);
    await engine.requestSync();
    ward.decide = (x) => (x.rev === 2 ? 'rejected' : undefined);
    await editRecord(db, r.id, 'tổ sai');
    await engine.requestSync();
    expect((await db.outbox.toArray()).map((e) => e.state)).toEqual(['held']);
    ward.decide = () => undefined;
    ward.staffChange(r.id, voidData);
    await engine.syncNow();
    expect(await db.outbox.count()).toBe(0);
    expect(await db.records.get(r.id)).toMatchObject({ syncState: 'synced', record: { rev: 2, data: { voided: true } } });
    expect(await serverNotices(db)).toEqual([expect.objectContaining({ recordId: r.id, editDropped: true, editKept: false })]);
  });

  it('another device of the ward is refused with not_owner and holds the record with the message', async () => {
    const { db, ward, engine } = await setup();
    const r = makeHousehold();
    ward.apply(r, 'dev-9'); // made on another phone
    await queueRecord(db, { ...r, rev: 2, data: { ...r.data, note: 'không phải của tôi' } });
    await engine.requestSync();
    expect(await db.records.get(r.id)).toMatchObject({ syncState: 'rejected', serverErrors: [{ path: 'id', code: 'not_owner' }] });
    expect(ward.latest.get(r.id)).toBe(1);
  });

  it('acknowledgements ride on the next request and are kept until one is answered', async () => {
    let failNext = false;
    const { db, ward, engine, clock } = await setup();
    const r = makeHousehold();
    await queueRecord(db, r);
    await engine.requestSync();
    ward.staffChange(r.id, voidData);
    ward.intercept = (req) => {
      // The acknowledging request is lost once: the acknowledgement stays for the next run.
      if (failNext && (req.body.applied ?? []).length > 0) {
        failNext = false;
        throw new TypeError('network down');
      }
      return undefined;
    };
    failNext = true;
    await engine.syncNow();
    expect(await db.records.get(r.id)).toMatchObject({ record: { rev: 2 } });
    expect(await pendingApplied(db)).toEqual([{ id: r.id, rev: 2 }]);
    expect(ward.unseen.has(r.id)).toBe(true);
    // The next request, whatever it carries, acknowledges it; the phone is told nothing twice.
    await queueRecord(db, makeHousehold());
    clock.advance(1000);
    await engine.requestSync();
    const last = ward.requests.at(-1)!;
    expect(last.body.applied).toEqual([{ id: r.id, rev: 2 }]);
    expect(ward.unseen.size).toBe(0);
    expect(await pendingApplied(db)).toEqual([]);
    expect((await serverNotices(db)).length).toBe(1);
  });

  it('pollEveryMs: with nothing to send the phone asks for staff changes once the last answer is old enough', async () => {
    const { db, ward, engine, clock } = await setup({ pollEveryMs: 10 * 60_000 });
    const r = makeHousehold();
    await queueRecord(db, r);
    await engine.requestSync();
    const before = ward.requests.length;
    await engine.requestSync();
    expect(ward.requests.length).toBe(before); // answered a moment ago: no request
    ward.staffChange(r.id, voidData);
    clock.advance(10 * 60_000);
    await engine.requestSync();
    expect(ward.requests.length).toBeGreaterThan(before);
    expect(await db.records.get(r.id)).toMatchObject({ voided: 1 });
  });
});
