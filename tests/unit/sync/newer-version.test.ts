// A record made by a newer app than the ward server knows (issue 14 point 4): the server answers
// `rejected` / `newer_schema_version`; the phone keeps it in its outbox (held, nothing for the
// volunteer to fix), does not resend it on every automatic run, sends it again at app start and
// on "Đồng bộ ngay", and once the server knows the version it is accepted and leaves the outbox.
// The ward is the FakeWard (decideStatus) with a knob for the newest version it knows.
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncEngine, type SyncEngine } from '../../../src/app/sync/sync-engine.js';
import type { GoCuaDb } from '../../../src/app/storage/db.js';
import type { HouseholdRecord } from '../../../src/shared/schema/household.js';
import type { SyncResult } from '../../../src/shared/protocol/sync.js';
import { awaitsUpdate } from '../../../src/shared/protocol/sync.js';
import { FakeWard, ManualClock, freshDb, makeHousehold, queueRecord } from '../../helpers/sync-fixtures.js';

const engines: SyncEngine[] = [];
const dbs: GoCuaDb[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  for (const db of dbs.splice(0)) db.close();
});

/** The FakeWard as a server that knows household versions up to `knows.version`. */
function wardKnowing(knows: { version: number }): FakeWard {
  const ward = new FakeWard();
  const decideNormally = ward.apply.bind(ward);
  ward.apply = (record: HouseholdRecord, deviceId?: string): SyncResult =>
    record.schemaVersion > knows.version
      ? { id: record.id, rev: record.rev, status: 'rejected', errors: [{ path: 'schemaVersion', code: 'newer_schema_version', message: 'Bản ghi này được lập bằng phiên bản ứng dụng mới hơn máy chủ của phường.' }] }
      : decideNormally(record, deviceId);
  return ward;
}

function engineFor(db: GoCuaDb, ward: FakeWard): SyncEngine {
  const engine = createSyncEngine({ db, baseUrl: 'http://ward.test', fetch: ward.fetch, clock: new ManualClock(), random: () => 0.5, locks: null, events: null, isOnline: () => true });
  engines.push(engine);
  return engine;
}

const sentIds = (ward: FakeWard) => ward.requests.flatMap((r) => r.body.records.map((x) => (x as { id: string }).id));

describe('a record of a newer schema version than the server knows', () => {
  it('stays in the outbox, is not resent by automatic runs, goes at start and on "sync now", and settles once the server is updated', async () => {
    const db = await freshDb();
    dbs.push(db);
    const knows = { version: 2 };
    const ward = wardKnowing(knows);
    const current = makeHousehold();
    const newer = { ...makeHousehold(), schemaVersion: 3 } as unknown as HouseholdRecord;
    const broken = makeHousehold();
    ward.decide = (r) => (r.id === broken.id ? 'rejected' : undefined);
    await queueRecord(db, current);
    await queueRecord(db, newer);
    await queueRecord(db, broken);

    let engine = engineFor(db, ward);
    await engine.start();
    await engine.whenIdle();
    expect(ward.latest.get(current.id)).toBe(1);
    const row = await db.records.get(newer.id);
    expect(row?.syncState).toBe('rejected');
    expect(awaitsUpdate(row?.serverErrors)).toBe(true);
    expect((await db.outbox.where('recordId').equals(newer.id).toArray()).map((e) => e.state)).toEqual(['held']);
    // The other refused record is the volunteer's to fix: not waiting for an update.
    expect(awaitsUpdate((await db.records.get(broken.id))?.serverErrors)).toBe(false);

    // Automatic runs (after a save, the minute timer) do not send it again.
    const before = sentIds(ward).filter((id) => id === newer.id).length;
    await queueRecord(db, makeHousehold());
    await engine.requestSync();
    await engine.whenIdle();
    expect(sentIds(ward).filter((id) => id === newer.id).length).toBe(before);

    // "Đồng bộ ngay" sends it again; the server is still old: held again, nothing lost.
    await engine.syncNow();
    await engine.whenIdle();
    expect(sentIds(ward).filter((id) => id === newer.id).length).toBe(before + 1);
    expect((await db.outbox.where('recordId').equals(newer.id).toArray()).map((e) => e.state)).toEqual(['held']);
    // The record the volunteer must fix is not resent by "sync now".
    expect(sentIds(ward).filter((id) => id === broken.id)).toHaveLength(1);

    // The ward server is updated; the app is opened again (a new engine at start-up).
    knows.version = 3;
    await engine.stop();
    engine = engineFor(db, ward);
    await engine.start();
    await engine.whenIdle();
    expect(ward.latest.get(newer.id)).toBe(1);
    expect(await db.outbox.where('recordId').equals(newer.id).count()).toBe(0);
    const settled = await db.records.get(newer.id);
    expect(settled?.syncState).toBe('synced');
    expect(settled?.serverErrors).toBeUndefined();
    expect(await db.outbox.where('recordId').equals(broken.id).count()).toBe(1);
  });
});
