// The phone's sync engine against the REAL ward endpoint (SQLite; PostgreSQL with DATABASE_URL)
// across record versions (issue 14 point 4): a household of a newer schema version than this
// server knows (the phone was updated from a newer build, the server rolled back) is rejected
// per record as `newer_schema_version` with the server's translated message, and stays in the
// phone's outbox, held as waiting for an update — while an older-version record (assistance v1,
// the phone not yet migrated) and a current one in the same batch are stored.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { createSyncEngine } from '../../src/app/sync/sync-engine.js';
import { enrolDevice } from '../../src/app/sync/enrolment.js';
import { awaitsUpdate } from '../../src/shared/protocol/sync.js';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';
import type { StoredAssistance } from '../../src/app/storage/db.js';
import { backends, type OpenedDb } from '../helpers/server-db.js';
import { FIXTURE_WARDS_DIR, WARD, householdRecord } from '../helpers/records.js';
import { v1Assistance } from '../helpers/assistance-fixtures.js';
import { ManualClock, freshDb, queueRecord } from '../helpers/sync-fixtures.js';

describe.each(backends)('phone sync across record versions on $name', (backend) => {
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

  it('keeps a newer-version record in the outbox as waiting for an update; stores the older and current ones', async () => {
    const db = await freshDb(false);
    const code = (await issueEnrolmentCode(opened.server, WARD, 1)).code;
    expect((await enrolDevice(db, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Lan' }, { baseUrl })).ok).toBe(true);
    const current = householdRecord({ seed: 7101 });
    const newer = { ...householdRecord({ seed: 7102 }), schemaVersion: 3 } as unknown as HouseholdRecord;
    await queueRecord(db, current);
    await queueRecord(db, newer);
    // An assistance the phone still holds at version 1 (its row not migrated): sent as it is.
    const old = v1Assistance();
    old.id = crypto.randomUUID();
    const oldRow: StoredAssistance = { id: old.id, kind: 'assistance', record: old as StoredAssistance['record'], syncState: 'pending', assistanceSavedAt: old.clientUpdatedAt };
    await db.transaction('rw', db.records, db.outbox, async () => {
      await db.assistanceRecords.put(oldRow);
      await db.outbox.add({ recordId: old.id, rev: 1, queuedAt: old.clientUpdatedAt, state: 'queued', attempts: 0 });
    });

    const engine = createSyncEngine({ db, baseUrl, clock: new ManualClock(), locks: null, events: null, isOnline: () => true, language: () => 'vi' });
    await engine.requestSync();
    await engine.whenIdle();

    const stored = await opened.server.db
      .selectFrom('record_revisions')
      .select(['record_id', 'schema_version', 'received_schema_version'])
      .where('record_id', 'in', [current.id, newer.id, old.id])
      .execute();
    expect(stored.map((r) => [r.record_id, Number(r.schema_version), Number(r.received_schema_version)]).sort()).toEqual(
      [[current.id, 2, 2], [old.id, 2, 1]].sort(),
    );
    const held = await db.records.get(newer.id);
    expect(held?.syncState).toBe('rejected');
    expect(held?.record).toEqual(newer); // nothing of it lost
    expect(held?.serverErrors).toEqual([{ path: 'schemaVersion', code: 'newer_schema_version', message: expect.stringMatching(/mới hơn máy chủ/) }]);
    expect(awaitsUpdate(held?.serverErrors)).toBe(true);
    expect((await db.outbox.toArray()).map((e) => [e.recordId, e.state])).toEqual([[newer.id, 'held']]);
    expect((await db.records.get(current.id))?.syncState).toBe('synced');
    expect((await db.records.get(old.id))?.syncState).toBe('synced');

    // "Đồng bộ ngay" asks again: the server is still the same, the record is held again.
    await engine.syncNow();
    await engine.whenIdle();
    expect((await db.outbox.toArray()).map((e) => [e.recordId, e.state])).toEqual([[newer.id, 'held']]);
    expect(await opened.server.db.selectFrom('record_revisions').select('rev').where('record_id', '=', newer.id).execute()).toEqual([]);
    await engine.stop();
    db.close();
  });
});
