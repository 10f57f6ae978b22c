// db/bulk.ts on every backend: insertMany and addRows write exactly the rows given, whatever
// their number (SQLite runs them in groups of several rows per statement, then one by one), for
// each conflict rule: plain inserts, `ignore`, `upsert` (the stored row replaced) and `add`
// (the counters' additive upsert).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRows, insertMany } from '../../src/server/db/bulk.js';
import type { RecordOwnersTable } from '../../src/server/db/schema.js';
import { KEY_COLUMNS, MEASURES } from '../../src/server/services/indicator-counters.js';
import { backends, type OpenedDb } from '../helpers/server-db.js';

const owner = (i: number, device: string): RecordOwnersTable => ({
  record_id: `rec-${String(i).padStart(3, '0')}`,
  ward_code: '10546',
  device_id: device,
  since: '2026-12-05T00:00:00.000Z',
  unseen_staff_rev: i % 3 === 0 ? null : i,
});

/** 71 rows: two groups of 32 and 7 one by one on SQLite. */
const SIZES = [1, 31, 32, 71];

describe.each(backends)('bulk writes on $name', (backend) => {
  let opened: OpenedDb;
  beforeAll(async () => {
    opened = await backend.open();
  }, 60_000);
  afterAll(async () => {
    await opened?.cleanup();
  });

  const owners = async () =>
    opened.server.db.selectFrom('record_owners').select(['record_id', 'device_id', 'unseen_staff_rev']).where('ward_code', '=', '10546').orderBy('record_id').execute();

  it.each(SIZES)('inserts, ignores and upserts %i rows as given', async (n) => {
    const { server } = opened;
    await server.db.deleteFrom('record_owners').execute();
    const first = Array.from({ length: n }, (_, i) => owner(i, 'device-a'));
    await server.db.transaction().execute((trx) => insertMany(server, trx, 'record_owners', first));
    expect(await owners()).toEqual(first.map((r) => ({ record_id: r.record_id, device_id: 'device-a', unseen_staff_rev: r.unseen_staff_rev })));

    // `ignore`: the stored rows stay, the new ids are added.
    const overlapping = Array.from({ length: n + 5 }, (_, i) => owner(i, 'device-b'));
    await server.db.transaction().execute((trx) => insertMany(server, trx, 'record_owners', overlapping, { kind: 'ignore', columns: ['record_id'] }));
    const afterIgnore = await owners();
    expect(afterIgnore).toHaveLength(n + 5);
    expect(afterIgnore.filter((r) => r.device_id === 'device-a')).toHaveLength(n);

    // `upsert`: every row now as given.
    const replaced = Array.from({ length: n + 5 }, (_, i) => ({ ...owner(i, 'device-c'), unseen_staff_rev: i + 1000 }));
    await server.db.transaction().execute((trx) => insertMany(server, trx, 'record_owners', replaced, { kind: 'upsert', columns: ['record_id'] }));
    expect(await owners()).toEqual(replaced.map((r) => ({ record_id: r.record_id, device_id: 'device-c', unseen_staff_rev: r.unseen_staff_rev })));
  });

  it.each(SIZES)('adds %i counter rows to the stored ones', async (n) => {
    const { server } = opened;
    await server.db.deleteFrom('indicator_counters').execute();
    const columns = [...KEY_COLUMNS, ...MEASURES];
    const types = ['text', 'text', 'text', 'int4', 'text', ...MEASURES.map(() => 'int4')];
    const rows = (times: number) =>
      Array.from({ length: n }, (_, i) => ['10546', `g${i % 7}`, `2026-11-${String((i % 28) + 1).padStart(2, '0')}`, i, i % 2 ? 'male' : 'female', ...MEASURES.map((_, m) => times * (i + m))]);
    await server.db.transaction().execute((trx) => addRows(server, trx, 'indicator_counters', columns, KEY_COLUMNS, types, rows(1)));
    await server.db.transaction().execute((trx) => addRows(server, trx, 'indicator_counters', columns, KEY_COLUMNS, types, rows(2)));
    const stored = await server.db.selectFrom('indicator_counters').selectAll().orderBy('age_from').execute();
    expect(stored).toHaveLength(n);
    stored.forEach((row, i) => {
      expect(row.age_from).toBe(i);
      MEASURES.forEach((m, j) => expect(Number(row[m])).toBe(3 * (i + j)));
    });
  });
});
