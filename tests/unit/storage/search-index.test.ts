import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GoCuaDb, type RecordSummary } from '../../../src/app/storage/db.js';
import { saveHousehold, searchSummaries, voidHousehold } from '../../../src/app/storage/records-repo.js';
import { firstSummaryPage, SummaryIndex } from '../../../src/app/storage/search-index.js';
import { adultMember, surveyedHousehold } from './household-fixture.js';
import { installEncryption } from '../../../src/app/security/at-rest.js';
import { newDataKey } from '../../../src/app/security/crypto.js';
import { Keyring } from '../../../src/app/security/lock-state.js';

let db: GoCuaDb;
let index: SummaryIndex;
beforeEach(() => {
  db = new GoCuaDb(`test-${crypto.randomUUID()}`);
  index = new SummaryIndex(db);
});
afterEach(async () => {
  index.dispose();
  await db.delete();
});

/** Resolves once the index has changed `times` more times (writes reach it after commit). */
function changes(times = 1): Promise<void> {
  return new Promise((resolve) => {
    let left = times;
    const stop = index.subscribe(() => {
      if (--left === 0) {
        stop();
        resolve();
      }
    });
  });
}

async function save(name: string, houseNumber: string, at: string, groupCode = 'TDP01') {
  const result = await saveHousehold(db, surveyedHousehold({ groupCode, address: { houseNumber, street: 'Trần Hưng Đạo' }, members: [adultMember(name, 1980)] }), {
    now: new Date(at),
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.record;
}

const ids = (rows: RecordSummary[]) => rows.map((r) => r.address);

describe('SummaryIndex', () => {
  it('answers like the IndexedDB search, newest save first, diacritics and đ/d ignored', async () => {
    await save('Nguyễn Văn Dũng', '1', '2026-11-20T01:00:00Z');
    await save('Trần Thị Đào', '2', '2026-11-21T01:00:00Z', 'TDP02');
    await save('Nguyễn Thị Hoa', '3', '2026-11-22T01:00:00Z');
    expect(index.ready).toBe(false);
    expect(index.search('nguyen')).toEqual([]);
    await index.build();
    expect(index.ready).toBe(true);
    expect(ids(index.list())).toEqual(['3, Trần Hưng Đạo', '2, Trần Hưng Đạo', '1, Trần Hưng Đạo']);
    for (const q of ['nguyen', 'dao', 'DUNG van', 'tran hung dao', 'xyz', '']) {
      expect(ids(index.search(q))).toEqual(ids(await searchSummaries(db, q)));
    }
    expect(ids(index.search('nguyen', { groupCode: 'TDP02' }))).toEqual([]);
    expect(ids(index.search('dao', { groupCode: 'TDP02' }))).toEqual(['2, Trần Hưng Đạo']);
  });

  it('keeps in step with saves, edits and voids after they commit', async () => {
    const first = await save('Lê Văn An', '10', '2026-11-20T01:00:00Z');
    await index.build();
    const added = changes();
    await save('Phạm Thị Bình', '11', '2026-11-21T01:00:00Z');
    await added;
    expect(ids(index.search('binh'))).toEqual(['11, Trần Hưng Đạo']);
    expect(ids(index.list())[0]).toBe('11, Trần Hưng Đạo');

    const edited = changes();
    await saveHousehold(db, { ...first.data, members: [adultMember('Lê Minh Toàn', 1980)] }, { existingId: first.id, now: new Date('2026-11-23T01:00:00Z') });
    await edited;
    expect(index.search('le van')).toEqual([]);
    expect(ids(index.search('toan'))).toEqual(['10, Trần Hưng Đạo']);
    expect(ids(index.list())[0]).toBe('10, Trần Hưng Đạo');

    const voided = changes();
    await voidHousehold(db, first.id, 'duplicate');
    await voided;
    expect(index.search('toan')).toEqual([]);
    expect(index.search('toan', { includeVoided: true })).toHaveLength(1);
  });

  it('rebuilds after a clear of the table, and forgets everything on clear()', async () => {
    await save('Lê Văn An', '10', '2026-11-20T01:00:00Z');
    await index.build();
    const rebuilt = changes();
    await db.summaries.clear();
    await rebuilt;
    expect(index.list()).toEqual([]);
    await save('Võ Thị Cúc', '12', '2026-11-21T01:00:00Z');
    await changes();
    expect(ids(index.search('cuc'))).toEqual(['12, Trần Hưng Đạo']);
    index.clear();
    expect(index.ready).toBe(false);
    expect(index.search('cuc')).toEqual([]);
  });

  it('builds in chunks; a save while it reads is in the index at the end', async () => {
    for (let i = 0; i < 600; i++) await db.summaries.put({ id: `s-${String(i).padStart(4, '0')}`, rev: 1, groupCode: 'TDP01', outcome: 'surveyed', surveyedAt: '2026-11-20', savedAt: `2026-11-20T01:${String(i % 60).padStart(2, '0')}:00.000Z`, address: `${i}`, memberCount: 1, searchText: `nha ${i}`, voided: 0 });
    const building = index.build();
    // Lands while the first chunks are read.
    await db.summaries.put({ id: 's-0000', rev: 2, groupCode: 'TDP01', outcome: 'surveyed', surveyedAt: '2026-11-20', savedAt: '2026-11-25T01:00:00.000Z', address: 'moi', memberCount: 1, searchText: 'nha moi sua', voided: 0 });
    await building;
    await expect.poll(() => index.search('moi sua').map((r) => r.id)).toEqual(['s-0000']);
    expect(index.list()).toHaveLength(600);
    expect(index.list()[0]!.id).toBe('s-0000');
  });

  it('a transaction that aborts never reaches the index', async () => {
    await save('Lê Văn An', '10', '2026-11-20T01:00:00Z');
    await index.build();
    const before = index.version;
    await expect(
      db.transaction('rw', db.summaries, async () => {
        await db.summaries.put({ ...(await db.summaries.toCollection().first())!, searchText: 'bong ma' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(index.search('bong ma')).toEqual([]);
    expect(index.version).toBe(before);
  });
});

describe('firstSummaryPage', () => {
  it('reads the newest saves, voided ones left out, up to the limit', async () => {
    const a = await save('A', '1', '2026-11-20T01:00:00Z');
    await save('B', '2', '2026-11-21T01:00:00Z');
    await save('C', '3', '2026-11-22T01:00:00Z');
    await voidHousehold(db, a.id, 'duplicate', { now: new Date('2026-11-23T01:00:00Z') });
    expect(ids(await firstSummaryPage(db, 1))).toEqual(['3, Trần Hưng Đạo']);
    expect(ids(await firstSummaryPage(db, 10))).toEqual(['3, Trần Hưng Đạo', '2, Trần Hưng Đạo']);
  });
});

describe('with the lock on (rows encrypted at rest, decrypted in a batch with WebCrypto)', () => {
  let name: string;
  let keyring: Keyring;
  let locked: GoCuaDb;
  let raw: GoCuaDb;
  let lockedIndex: SummaryIndex;
  beforeEach(() => {
    name = `lock-index-${crypto.randomUUID()}`;
    keyring = new Keyring();
    keyring.unlock(newDataKey());
    locked = installEncryption(new GoCuaDb(name), keyring);
    raw = new GoCuaDb(name); // no middleware: the rows as stored
    lockedIndex = new SummaryIndex(locked);
  });
  afterEach(async () => {
    lockedIndex.dispose();
    raw.close();
    await locked.delete();
  });

  async function saveLocked(person: string, houseNumber: string, at: string) {
    const result = await saveHousehold(locked, surveyedHousehold({ address: { houseNumber, street: 'Trần Hưng Đạo' }, members: [adultMember(person, 1980)] }), { now: new Date(at) });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.record;
  }

  it('builds the same index and first page as reads through the middleware; stored rows hold no names', async () => {
    await saveLocked('Nguyễn Văn Dũng', '1', '2026-11-20T01:00:00Z');
    await saveLocked('Trần Thị Đào', '2', '2026-11-21T01:00:00Z');
    const stored = await raw.summaries.toArray();
    expect(JSON.stringify(stored)).not.toMatch(/nguyen|Trần/);
    await lockedIndex.build();
    expect(ids(lockedIndex.list())).toEqual(['2, Trần Hưng Đạo', '1, Trần Hưng Đạo']);
    for (const q of ['nguyen', 'dao', 'DUNG van', 'xyz']) expect(ids(lockedIndex.search(q))).toEqual(ids(await searchSummaries(locked, q)));
    expect(await firstSummaryPage(locked, 1)).toEqual([await locked.summaries.get(lockedIndex.list()[0]!.id)]);
  });

  it('locked: the first page has no personal parts; a blob moved to another row fails its tag', async () => {
    const a = await saveLocked('Nguyễn Văn Dũng', '1', '2026-11-20T01:00:00Z');
    const b = await saveLocked('Trần Thị Đào', '2', '2026-11-21T01:00:00Z');
    const rowA = (await raw.summaries.get(a.id)) as unknown as { enc: Uint8Array };
    await raw.summaries.put({ ...(await raw.summaries.get(b.id))!, enc: rowA.enc } as never);
    await expect(firstSummaryPage(locked, 1)).rejects.toThrow(/authenticated/);
    keyring.lock();
    const [page] = await firstSummaryPage(locked, 1);
    expect(page?.address).toBeUndefined();
    expect(page?.id).toBe(b.id);
  });
});
