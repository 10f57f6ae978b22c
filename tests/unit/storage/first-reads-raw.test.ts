// Home's first-render values read without Dexie (src/app/storage/first-reads-raw.ts) must be the
// very answers the app's Dexie reads give on the same database: the counts, whether the phone
// holds data, practice mode, the wipe, the lock entry and the ward's cached copy.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCounts } from '../../../src/app/features/home/home-counts.js';
import { phoneHoldsData } from '../../../src/app/features/lock/lock-boot.js';
import { getLockConfig } from '../../../src/app/security/lock-start.js';
import { saveAssistance } from '../../../src/app/storage/assistance-repo.js';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { saveDraft } from '../../../src/app/storage/drafts-repo.js';
import { readFirstScreenValues } from '../../../src/app/storage/first-reads-raw.js';
import { isPracticeMode, META_KEYS, setMeta, setPracticeMode } from '../../../src/app/storage/meta.js';
import { saveHousehold } from '../../../src/app/storage/records-repo.js';
import { getWipe, wipeFrom } from '../../../src/app/storage/wipe.js';
import { localDate } from '../../../src/app/ui/dates.js';
import { notHomeHousehold, surveyedHousehold } from './household-fixture.js';

const dbs: GoCuaDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});
let n = 0;
const fresh = async () => {
  const db = new GoCuaDb(`first-reads-raw-${process.pid}-${++n}`);
  await db.open();
  dbs.push(db);
  return db;
};

async function expectSameAnswers(db: GoCuaDb): Promise<void> {
  const raw = await readFirstScreenValues(localDate(), db.name);
  expect(raw).toBeDefined();
  expect(raw!.counts).toEqual(await loadCounts(db));
  expect(raw!.holdsData).toBe(await phoneHoldsData(db));
  expect(raw!.practiceMode).toBe(await isPracticeMode(db));
  expect(wipeFrom(raw!.wiped)).toEqual(await getWipe(db));
  expect(raw!.lock === undefined).toBe((await getLockConfig(db)) === undefined);
}

describe('first-screen values read without Dexie', () => {
  it('an empty phone: the same answers as Dexie', async () => {
    const db = await fresh();
    await expectSameAnswers(db);
    expect((await readFirstScreenValues(localDate(), db.name))!.holdsData).toBe(false);
  });

  it('a phone with households, a revisit, helps, a draft, practice mode and a wipe: the same answers as Dexie', async () => {
    const db = await fresh();
    const today = localDate();
    const ids: string[] = [];
    for (const data of [surveyedHousehold({ surveyedAt: today }), surveyedHousehold({ surveyedAt: today }), surveyedHousehold({ surveyedAt: '2026-01-02' }), notHomeHousehold('7')]) {
      const saved = await saveHousehold(db, data);
      if (!saved.ok) throw new Error('save failed');
      ids.push(saved.record.id);
    }
    const r = await saveAssistance(db, { wardCode: '10546', helpedAt: '2026-11-22T02:00:00.000Z', person: { birthYear: 1960 }, kinds: ['install_vneid'], outcome: 'done' });
    expect(r.ok).toBe(true);
    // One outbox entry held, one record voided.
    const first = await db.outbox.toCollection().first();
    await db.outbox.update(first!.seq!, { state: 'held' });
    await db.records.update(ids[0]!, { voided: 1 });
    await saveDraft(db, { id: crypto.randomUUID(), form: { wardCode: '10546' } } as never);
    await setPracticeMode(db, true);
    await setMeta(db, META_KEYS.wiped, { reason: 'retired', at: '2026-11-20T00:00:00.000Z' });
    await expectSameAnswers(db);
    const raw = (await readFirstScreenValues(today, db.name))!;
    expect(raw.counts.today).toBe(1);
    expect(raw.counts.revisits).toBe(1);
    expect(raw.counts.drafts).toBe(1);
    expect(raw.counts.waiting.held).toBe(1);
    expect(raw.holdsData).toBe(true);
  });

  it('no database: undefined, and none is created', async () => {
    const name = `first-reads-raw-none-${process.pid}`;
    expect(await readFirstScreenValues(localDate(), name)).toBeUndefined();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(name);
  });
});
