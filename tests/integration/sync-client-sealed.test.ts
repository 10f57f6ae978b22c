// The phone's sealed outbox against the REAL ward endpoint (on every storage backend): the save
// pipeline seals each record to the ward's key from the configuration, the outbox row holds no
// personal field in clear, and a LOCKED phone — whose `records` rows come back without their
// envelope, and which cannot write one, as the lock's storage layer makes them (simulated here
// by a Dexie middleware with the same contract) — still sends and settles its outbox. A staff
// change that reaches a locked phone is left unacknowledged, and taken once it is unlocked.
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { DBCore, DBCoreTable, Middleware } from 'dexie';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { voidHousehold } from '../../src/server/services/households-staff.js';
import { createSyncEngine } from '../../src/app/sync/sync-engine.js';
import { enrolDevice } from '../../src/app/sync/enrolment.js';
import { getDevice } from '../../src/app/sync/device-store.js';
import { GoCuaDb } from '../../src/app/storage/db.js';
import { saveHousehold } from '../../src/app/storage/records-repo.js';
import { saveAssistance } from '../../src/app/storage/assistance-repo.js';
import { validAssistance } from '../helpers/assistance-fixtures.js';
import { pendingApplied } from '../../src/app/storage/server-state.js';
import { backends, type OpenedDb } from '../helpers/server-db.js';
import { FIXTURE_WARDS_DIR, WARD, householdRecord } from '../helpers/records.js';
import { ManualClock, queueRecord } from '../helpers/sync-fixtures.js';

class PhoneLockedError extends Error {}

/**
 * The lock's contract for `records` (H1's storage layer): while locked, reads return rows
 * without the envelope; a row written back without its envelope keeps the stored one (the
 * ciphertext passes through); a write carrying an envelope needs the key and throws.
 */
function lockSimulation(state: { locked: boolean }): Middleware<DBCore> {
  const strip = (row: unknown) => {
    if (!state.locked || !row || typeof row !== 'object') return row;
    const { record: _hidden, ...rest } = row as Record<string, unknown>;
    return rest;
  };
  return {
    stack: 'dbcore',
    name: 'lock-simulation',
    create: (down) => ({
      ...down,
      table(name): DBCoreTable {
        const table = down.table(name);
        if (name !== 'records') return table;
        return {
          ...table,
          get: async (req) => strip(await table.get(req)),
          getMany: async (req) => (await table.getMany(req)).map(strip),
          query: async (req) => {
            const res = await table.query(req);
            return req.values ? { ...res, result: res.result.map(strip) } : res;
          },
          mutate: async (req) => {
            if (!state.locked || (req.type !== 'put' && req.type !== 'add')) return table.mutate(req);
            const values = await Promise.all(
              req.values.map(async (value: Record<string, unknown>) => {
                if ('record' in value) throw new PhoneLockedError('locked');
                const stored = (await table.get({ trans: req.trans, key: value.id })) as Record<string, unknown> | undefined;
                return { ...value, record: stored?.record };
              }),
            );
            return table.mutate({ ...req, values });
          },
        };
      },
    }),
  };
}

let dbCounter = 0;

describe.each(backends)('sealed outbox, phone engine against the ward endpoint on $name', (backend) => {
  let opened: OpenedDb;
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    opened = await backend.open();
    app = await buildServer({ db: opened.server, seedsDir: FIXTURE_WARDS_DIR });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  async function phone() {
    const lock = { locked: false };
    const db = new GoCuaDb(`sealed-test-${process.pid}-${++dbCounter}`);
    db.use(lockSimulation(lock));
    await db.open();
    const code = (await issueEnrolmentCode(opened.server, WARD, 1)).code;
    expect((await enrolDevice(db, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Lan' }, { baseUrl })).ok).toBe(true);
    const engine = createSyncEngine({ db, baseUrl, clock: new ManualClock(), locks: null, events: null, isOnline: () => true });
    return { db, lock, engine };
  }

  const stored = (id: string) => opened.server.db.selectFrom('record_revisions').select(['rev', 'body']).where('record_id', '=', id).orderBy('rev').execute();

  function draftOf(seed: number, note: string) {
    return householdRecord({ seed, members: 2, note, groupCode: 'TDP02' }).data;
  }

  it('seals at save time, and a locked phone sends and settles its sealed outbox', async () => {
    const { db, lock, engine } = await phone();
    const saved = await saveHousehold(db, draftOf(71, 'Bà Phạm Thị Mai, số 0912345678'), { now: new Date('2026-11-24T03:00:00Z') });
    expect(saved.ok ? [] : saved.errors).toEqual([]);
    const record = saved.ok ? saved.record : null;
    // The assistance save goes through the same pipeline.
    const { installId: _install, ...assistanceDraft } = validAssistance().data as Record<string, unknown>;
    const help = await saveAssistance(db, assistanceDraft as never, { now: new Date('2026-11-24T03:01:00Z') });
    expect(help.ok).toBe(true);
    const entries = await db.outbox.toArray();
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry.sealed).toMatchObject({ kid: expect.any(String), enc: expect.any(String), ct: expect.any(String) });
      const row = JSON.stringify(entry);
      for (const clear of ['Phạm Thị Mai', '0912345678', 'Trần Hưng Đạo', 'Trần Thị Hương']) expect(row).not.toContain(clear);
    }

    lock.locked = true;
    expect((await db.records.get(record!.id))?.record).toBeUndefined(); // the simulation holds
    await engine.requestSync();
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0, held: 0, sent: 2, sentByKind: { household: 1, assistance: 1 } });
    expect(await db.outbox.count()).toBe(0);
    expect((await db.records.get(record!.id))?.syncState).toBe('synced');
    const revs = await stored(record!.id);
    expect(revs.map((r) => JSON.parse(r.body))).toEqual([record]);

    lock.locked = false;
    expect((await db.records.get(record!.id))?.record).toEqual(record); // the envelope passed through untouched
    await engine.stop();
    db.close();
  });

  it('an entry stored clear waits while locked, and is sealed in place when the key arrives', async () => {
    const { db, lock, engine } = await phone();
    const early = householdRecord({ seed: 72, note: 'Ông Đỗ Văn Nam' });
    await queueRecord(db, early); // as a phone before this update stored it: clear
    lock.locked = true;
    await engine.requestSync();
    expect(engine.getState()).toMatchObject({ pending: 1, sent: 0 });
    expect(await stored(early.id)).toEqual([]);
    lock.locked = false;
    // The configuration fetched again (with its key): the waiting entry is sealed in place.
    const { token } = (await getDevice(db))!;
    const config = await (await fetch(`${baseUrl}/api/v1/config`, { headers: { authorization: `Bearer ${token}` } })).json();
    const { cacheWardConfig } = await import('../../src/app/storage/ward-config.js');
    await cacheWardConfig(db, config);
    expect((await db.outbox.toArray())[0]?.sealed).toBeDefined();
    lock.locked = true;
    await engine.requestSync();
    expect(await db.outbox.count()).toBe(0);
    expect((await stored(early.id)).map((r) => JSON.parse(r.body))).toEqual([early]);
    await engine.stop();
    db.close();
  });

  it('a record the ward cannot open (its key files restored without that key) is sent again unsealed, not held', async () => {
    const { db, engine } = await phone();
    const saved = await saveHousehold(db, draftOf(75, 'Cô Lương Thị Thu'), { now: new Date('2026-11-24T03:00:00Z') });
    const id = saved.ok ? saved.record.id : '';
    expect((await db.outbox.toArray())[0]?.sealed).toBeDefined();
    // The ward's key file lost (a restore without DATA_DIR/ward-keys): the server makes a new key.
    rmSync(opened.server.wardKeys.fileOf(WARD));
    await engine.requestSync();
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0, held: 0 });
    expect(await db.outbox.count()).toBe(0);
    expect((await db.records.get(id))?.syncState).toBe('synced');
    expect((await stored(id)).length).toBe(1);
    await engine.stop();
    db.close();
  });

  it('a staff void reaching a locked phone is left unacknowledged, then taken once unlocked', async () => {
    const { db, lock, engine } = await phone();
    const saved = await saveHousehold(db, draftOf(73, 'Chị Vũ Thị Hằng'), { now: new Date('2026-11-24T03:00:00Z') });
    const id = saved.ok ? saved.record.id : '';
    await engine.requestSync();
    expect((await stored(id)).length).toBe(1);
    const staff = { role: 'ward_admin' as const, userId: 'staff-1', username: 'canbo', wardCode: WARD };
    expect((await voidHousehold(opened.server, staff, id, 'Nhập trùng')).kind).toBe('voided');

    // A new household saved before the lock goes in the same answer as the void.
    const other = await saveHousehold(db, draftOf(74, 'Anh Bùi Văn Tú'), { now: new Date('2026-11-24T03:05:00Z') });
    const otherId = other.ok ? other.record.id : '';
    lock.locked = true;
    await engine.syncNow();
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0, sent: 1 });
    expect(await db.outbox.count()).toBe(0); // its result kept, though the void could not be taken
    expect((await stored(otherId)).length).toBe(1);
    expect(await pendingApplied(db)).toEqual([]); // the void not taken, so not acknowledged
    lock.locked = false;
    expect((await db.records.get(id))?.record.rev).toBe(1);

    await engine.syncNow();
    expect((await db.records.get(id))?.record).toMatchObject({ rev: 2, data: { voided: true } });
    await engine.stop();
    db.close();
  });
});
