// Group commit (SQLite, services/sync-ingest.ts): batches that wait while another is written
// are written in ONE transaction, each answered exactly as it would be alone; a group whose
// transaction fails is redone batch by batch, so one bad batch fails only its own request.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import type { DevicePrincipal } from '../../src/server/services/accounts.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { SyncIngest } from '../../src/server/services/sync-ingest.js';
import { prepareBatch, type PrepareContext, type ValidRecord } from '../../src/server/services/sync-prepare.js';
import { backends, type OpenedDb } from '../helpers/server-db.js';
import { batch, FIXTURE_WARDS_DIR, householdRecord, WARD } from '../helpers/records.js';

const sqlite = backends.find((b) => b.name === 'sqlite')!;

let opened: OpenedDb;
let devices: DevicePrincipal[];

beforeEach(async () => {
  opened = await sqlite.open();
  const app = await buildServer({ db: opened.server, seedsDir: FIXTURE_WARDS_DIR });
  const code = (await issueEnrolmentCode(opened.server, WARD, 4)).code;
  for (let i = 0; i < 4; i++) {
    const enrol = await app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: code, volunteerName: `Hoa ${i}` } });
    expect(enrol.statusCode).toBe(201);
  }
  await app.close();
  const rows = await opened.server.db.selectFrom('devices').select('id').orderBy('created_at').execute();
  devices = rows.map((r) => ({ role: 'device', deviceId: r.id, wardCode: WARD }));
});
afterEach(async () => opened.cleanup());

async function prepared(deviceId: string, seeds: number[]) {
  const context: PrepareContext = {
    wardCode: WARD,
    deviceId,
    groups: new Set(['TDP01', 'TDP02', 'TDP03', 'TDP04', 'TDP05', 'TDP06', 'TDP07', 'TDP08', 'TDP09']),
    ages: { adultAge: 18, vneidMinAge: 14 },
    receivedAt: new Date().toISOString(),
  };
  const records = seeds.map((seed) => householdRecord({ seed, members: 3 }));
  const result = await prepareBatch(Buffer.from(JSON.stringify(batch(records))), context);
  if (!result.ok) throw new Error('batch did not prepare');
  return { batch: result, receivedAt: context.receivedAt, records };
}

/** Counts write transactions (BEGIN IMMEDIATE) on the server's SQLite handle. */
function countTransactions(): { count: () => number; restore: () => void } {
  const sqliteHandle = opened.server.sqlite!;
  const original = sqliteHandle.prepare.bind(sqliteHandle);
  let begins = 0;
  sqliteHandle.prepare = ((source: string) => {
    if (/^begin immediate/i.test(source)) begins++;
    return original(source);
  }) as typeof sqliteHandle.prepare;
  return { count: () => begins, restore: () => (sqliteHandle.prepare = original as typeof sqliteHandle.prepare) };
}

describe('sync group commit (SQLite)', () => {
  it('writes batches that arrive together in one transaction, each answered as alone', async () => {
    const ingest = new SyncIngest(opened.server);
    const batches = await Promise.all(devices.map((d, i) => prepared(d.deviceId, [1000 + 10 * i, 1001 + 10 * i, 1002 + 10 * i])));
    // The second batch of device 0 repeats its first record: a duplicate within the same group.
    const repeat = await prepared(devices[0]!.deviceId, [1000]);
    const counter = countTransactions();
    try {
      const answers = await Promise.all([
        ...batches.map((b, i) => ingest.ingest(devices[i]!, b.batch, b.receivedAt, { lang: 'vi' })),
        ingest.ingest(devices[0]!, repeat.batch, repeat.receivedAt, { lang: 'vi' }),
      ]);
      expect(counter.count()).toBe(1);
      for (const [i, answer] of answers.slice(0, 4).entries()) {
        expect(answer.batchId).toBe(batches[i]!.batch.batchId);
        expect(answer.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
      }
      expect(answers[4]!.results.map((r) => r.status)).toEqual(['duplicate']);
    } finally {
      counter.restore();
    }
    const stored = await opened.server.db.selectFrom('record_revisions').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(12);
    const owners = await opened.server.db.selectFrom('record_owners').select(['record_id', 'device_id']).execute();
    expect(owners).toHaveLength(12);
    for (const [i, b] of batches.entries()) for (const r of b.records) expect(owners.find((o) => o.record_id === r.id)?.device_id).toBe(devices[i]!.deviceId);
  });

  it('a group whose transaction fails is redone batch by batch: only the bad batch fails', async () => {
    const ingest = new SyncIngest(opened.server);
    const good = await Promise.all([0, 1, 2].map((i) => prepared(devices[i]!.deviceId, [2000 + i])));
    const bad = await prepared(devices[3]!.deviceId, [2100]);
    // A row no prepared batch can hold (a NOT NULL column left null): the database refuses it.
    const record = bad.batch.records[0] as ValidRecord;
    if (record.rows.kind !== 'household') throw new Error('household expected');
    (record.rows.household as unknown as { outcome: null }).outcome = null;
    const counter = countTransactions();
    try {
      const settled = await Promise.allSettled([
        ingest.ingest(devices[0]!, good[0]!.batch, good[0]!.receivedAt, { lang: 'vi' }),
        ingest.ingest(devices[3]!, bad.batch, bad.receivedAt, { lang: 'vi' }),
        ingest.ingest(devices[1]!, good[1]!.batch, good[1]!.receivedAt, { lang: 'vi' }),
        ingest.ingest(devices[2]!, good[2]!.batch, good[2]!.receivedAt, { lang: 'vi' }),
      ]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      // The group, then each of the four alone.
      expect(counter.count()).toBe(5);
    } finally {
      counter.restore();
    }
    const ids = (await opened.server.db.selectFrom('record_revisions').select('record_id').execute()).map((r) => r.record_id).sort();
    expect(ids).toEqual(good.map((g) => g.records[0]!.id).sort());
    // Nothing of the failed group's first attempt is left.
    const households = await opened.server.db.selectFrom('households').select('record_id').execute();
    expect(households).toHaveLength(3);
  });

  it('a lone batch is one transaction of its own', async () => {
    const ingest = new SyncIngest(opened.server);
    const one = await prepared(devices[0]!.deviceId, [3000]);
    const counter = countTransactions();
    try {
      const answer = await ingest.ingest(devices[0]!, one.batch, one.receivedAt, { lang: 'vi' });
      expect(answer.results[0]!.status).toBe('accepted');
      const again = await ingest.ingest(devices[0]!, one.batch, one.receivedAt, { lang: 'vi' });
      expect(again.results[0]!.status).toBe('duplicate');
      expect(counter.count()).toBe(2);
    } finally {
      counter.restore();
    }
  });
});
