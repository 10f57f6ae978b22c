// The list's summaries packed by bucket (src/app/storage/summary-packs.ts): a cache of `summaries`
// that the index build reads instead of one row per household. What must hold: a build from packs
// answers exactly as one from the rows; any write, delete, void or wipe of summaries marks its
// bucket stale in its own transaction (and an aborted one leaves the packs as they were); a write
// or a wipe between a build's read and its write-back wins; with the lock on, packs hold no
// plaintext; an older database upgrades with nothing lost.
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GoCuaDb, type RecordSummary, type SummaryPack } from '../../../src/app/storage/db.js';
import { saveHousehold, searchSummaries, voidHousehold } from '../../../src/app/storage/records-repo.js';
import { SummaryIndex } from '../../../src/app/storage/search-index.js';
import { bucketOf, PACKS_STATE } from '../../../src/app/storage/summary-packs.js';
import { readPacks, writePacks } from '../../../src/app/storage/summary-pack-store.js';
import { wipePersonalData } from '../../../src/app/storage/wipe.js';
import { decodeRows, installEncryption } from '../../../src/app/security/at-rest.js';
import { newDataKey } from '../../../src/app/security/crypto.js';
import { Keyring } from '../../../src/app/security/lock-state.js';
import { encryptInPlace } from '../../../src/app/security/pin-lock.js';
import { adultMember, surveyedHousehold } from './household-fixture.js';

const HEX = '0123456789abcdef';

/** A summary whose id starts with `bucket` (two characters). */
function summary(bucket: string, n: number, searchText = `nha ${bucket} ${n}`): RecordSummary {
  return {
    id: `${bucket}${String(n).padStart(6, '0')}-0000-4000-8000-000000000000`,
    rev: 1,
    groupCode: 'TDP01',
    outcome: 'surveyed',
    surveyedAt: '2026-11-20',
    savedAt: `2026-11-20T01:${String(n % 60).padStart(2, '0')}:${String(n % 37).padStart(2, '0')}.000Z`,
    address: `${n}, Ngõ ${bucket}`,
    memberCount: 1,
    searchText,
    voided: 0,
  };
}

async function seed(db: GoCuaDb, perBucket = 3): Promise<RecordSummary[]> {
  const rows: RecordSummary[] = [];
  for (const a of HEX.slice(0, 8)) for (const b of HEX.slice(0, 4)) for (let n = 0; n < perBucket; n++) rows.push(summary(a + b, rows.length));
  await db.summaries.bulkPut(rows);
  return rows;
}

async function builtIndex(db: GoCuaDb): Promise<SummaryIndex> {
  const index = new SummaryIndex(db);
  await index.build();
  await index.whenPacked();
  return index;
}

/** The packs store as it is on disk (no middleware). */
async function storedPacks(name: string): Promise<SummaryPack[]> {
  const raw = new Dexie(name);
  await raw.open();
  const rows = (await raw.table('summaryPacks').toArray()) as SummaryPack[];
  raw.close();
  return rows;
}

async function backend(db: GoCuaDb): Promise<IDBDatabase> {
  if (!db.isOpen()) await db.open();
  return db.backendDB();
}

let db: GoCuaDb;
const indexes: SummaryIndex[] = [];
beforeEach(() => {
  db = new GoCuaDb(`packs-${crypto.randomUUID()}`);
});
afterEach(async () => {
  for (const index of indexes.splice(0)) index.dispose();
  await db.delete();
});
const keep = (index: SummaryIndex) => (indexes.push(index), index);

describe('summary packs', () => {
  it('a first build reads every row and packs them; the next reads packs only and answers the same', async () => {
    const rows = await seed(db);
    const first = keep(await builtIndex(db));
    const snapshot = await readPacks(await backend(db));
    expect(snapshot.summaries).toEqual([]);
    expect(snapshot.packs).toHaveLength(32);
    const second = keep(await builtIndex(db));
    expect(second.list()).toEqual(first.list());
    expect(second.list()).toHaveLength(rows.length);
    for (const q of ['nha 0a', 'ngo 31', '7', 'xyz', '']) expect(second.search(q)).toEqual(await searchSummaries(db, q));
  });

  it('a save, an edit, a void and a delete mark their bucket stale; the next build reads that bucket again', async () => {
    const rows = await seed(db);
    keep(await builtIndex(db));
    const edited = { ...rows[5]!, searchText: 'nha moi sua', savedAt: '2026-12-01T00:00:00.000Z' };
    await db.summaries.put(edited);
    await db.summaries.delete(rows[20]!.id);
    const stale = (await storedPacks(db.name)).filter((p) => p.stale).map((p) => p.bucket);
    expect(stale.sort()).toEqual([bucketOf(rows[5]!.id), bucketOf(rows[20]!.id)].sort());
    const snapshot = await readPacks(await backend(db));
    expect(new Set((snapshot.summaries as RecordSummary[]).map((r) => bucketOf(r.id)))).toEqual(new Set(stale));
    const next = keep(await builtIndex(db));
    expect(next.list()[0]).toEqual(edited);
    expect(next.list().map((r) => r.id)).not.toContain(rows[20]!.id);
    expect(next.list()).toHaveLength(rows.length - 1);
    expect((await storedPacks(db.name)).filter((p) => p.stale)).toEqual([]);

    // Through the app's own save and void (random UUIDs, any bucket).
    const saved = await saveHousehold(db, surveyedHousehold({ address: { houseNumber: '99', street: 'Lê Lợi' }, members: [adultMember('Phạm Văn Bình', 1970)] }));
    if (!saved.ok) throw new Error('save failed');
    expect((await storedPacks(db.name)).find((p) => p.bucket === bucketOf(saved.record.id))?.stale).toBe(1);
    expect(keep(await builtIndex(db)).search('pham binh').map((r) => r.id)).toEqual([saved.record.id]);
    await voidHousehold(db, saved.record.id, 'duplicate');
    const afterVoid = keep(await builtIndex(db));
    expect(afterVoid.search('pham binh')).toEqual([]);
    expect(afterVoid.search('pham binh', { includeVoided: true })[0]?.voided).toBe(1);
  });

  it('a bucket left empty gets an empty pack', async () => {
    await db.summaries.put(summary('ff', 1));
    keep(await builtIndex(db));
    await db.summaries.delete(summary('ff', 1).id);
    expect(keep(await builtIndex(db)).list()).toEqual([]);
    expect((await storedPacks(db.name)).find((p) => p.bucket === 'ff')).toMatchObject({ rows: [] });
  });

  it('a write between the read and the write-back wins: its bucket stays stale, the others are packed', async () => {
    const rows = await seed(db);
    const idb = await backend(db);
    const snapshot = await readPacks(idb);
    expect(snapshot.staleBuckets).toBe('all');
    await db.summaries.put({ ...rows[0]!, searchText: 'sau khi doc' });
    const written = await writePacks(db, idb, snapshot, snapshot.summaries as RecordSummary[]);
    expect(written).toBe(31);
    const packs = await storedPacks(db.name);
    expect(packs.find((p) => p.bucket === bucketOf(rows[0]!.id))?.stale).toBe(1);
    expect(packs.find((p) => p.bucket === PACKS_STATE)?.complete).toBe(1);
    expect(keep(await builtIndex(db)).search('sau khi doc').map((r) => r.id)).toEqual([rows[0]!.id]);
  });

  it('a wipe empties every pack in its transaction, and a write-back begun before it writes nothing', async () => {
    await seed(db);
    (await builtIndex(db)).dispose(); // no live index rebuilding after the wipe
    await db.summaries.put(summary('00', 999));
    const idb = await backend(db);
    const snapshot = await readPacks(idb);
    await wipePersonalData(db, 'lost');
    expect(await storedPacks(db.name)).toEqual([expect.objectContaining({ bucket: PACKS_STATE })]);
    expect(await writePacks(db, idb, snapshot, (await decodeRows<RecordSummary>(undefined, 'summaries', 'id', snapshot.summaries)) as RecordSummary[])).toBe(0);
    expect(await storedPacks(db.name)).toEqual([{ bucket: PACKS_STATE, token: expect.any(String) }]);
    expect(keep(await builtIndex(db)).list()).toEqual([]);
  });

  it('a summary written past Dexie (no stale marker) is still found: packs that do not add up are read again', async () => {
    const rows = await seed(db);
    keep(await builtIndex(db));
    const idb = await backend(db);
    await new Promise<void>((resolve, reject) => {
      const tx = idb.transaction('summaries', 'readwrite');
      tx.objectStore('summaries').put(summary('0a', 777, 'ghi thang vao'));
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    expect((await readPacks(idb)).staleBuckets).toBe('all');
    const index = keep(await builtIndex(db));
    expect(index.search('ghi thang vao').map((r) => r.id)).toEqual([summary('0a', 777).id]);
    expect(index.list()).toHaveLength(rows.length + 1);
    expect((await readPacks(idb)).staleBuckets).toEqual(new Set());

    // Deleted past Dexie, a whole bucket: read again once, then its pack is empty.
    await new Promise<void>((resolve, reject) => {
      const tx = idb.transaction('summaries', 'readwrite');
      tx.objectStore('summaries').delete(IDBKeyRange.bound('0a', '0a\uffff'));
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    expect(keep(await builtIndex(db)).list().some((r) => bucketOf(r.id) === '0a')).toBe(false);
    expect((await readPacks(idb)).staleBuckets).toEqual(new Set());
    expect((await storedPacks(db.name)).find((p) => p.bucket === '0a')).toMatchObject({ size: 0, rows: [] });
  });

  it('a transaction that aborts leaves the packs as they were', async () => {
    const rows = await seed(db);
    keep(await builtIndex(db));
    const before = await storedPacks(db.name);
    await expect(
      db.transaction('rw', db.summaries, async () => {
        await db.summaries.put({ ...rows[0]!, searchText: 'bong ma' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await storedPacks(db.name)).toEqual(before);
  });

  it('a database of version 3 upgrades with nothing lost: packs start incomplete and the first build fills them', async () => {
    const name = `packs-upgrade-${crypto.randomUUID()}`;
    const old = new Dexie(name);
    old.version(1).stores({ records: 'id, syncState, groupCode, outcome, surveyedAt, savedAt, voided', outbox: '++seq, recordId, [recordId+rev], state', drafts: 'id, updatedAt, recordId', meta: 'key' });
    old.version(2).stores({ summaries: 'id, savedAt, groupCode, outcome' });
    old.version(3).stores({});
    await old.open();
    const rows = [summary('0a', 1), summary('0a', 2), summary('b7', 3)];
    await old.table('summaries').bulkPut(rows);
    old.close();
    const upgraded = new GoCuaDb(name);
    try {
      await upgraded.open();
      expect(upgraded.verno).toBe(4);
      expect(await upgraded.summaries.toArray()).toEqual(rows);
      expect(await upgraded.summaryPacks.toArray()).toEqual([{ bucket: PACKS_STATE, token: expect.any(String) }]);
      const index = keep(await builtIndex(upgraded));
      expect(index.list().map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
      expect((await storedPacks(name)).map((p) => p.bucket).sort()).toEqual([PACKS_STATE, '0a', 'b7'].sort());
    } finally {
      await upgraded.delete();
    }
  });
});

describe('summary packs with the lock on', () => {
  let name: string;
  let keyring: Keyring;
  let locked: GoCuaDb;
  beforeEach(() => {
    name = `packs-lock-${crypto.randomUUID()}`;
    keyring = new Keyring();
    keyring.unlock(newDataKey());
    locked = installEncryption(new GoCuaDb(name), keyring);
  });
  afterEach(async () => {
    await locked.delete();
  });

  async function saveNamed(person: string, houseNumber: string) {
    const result = await saveHousehold(locked, surveyedHousehold({ address: { houseNumber, street: 'Trần Hưng Đạo' }, members: [adultMember(person, 1980)] }));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.record;
  }

  it('packs are stored encrypted (no name, no address); built from them, the index answers as the rows do', async () => {
    await saveNamed('Nguyễn Văn Dũng', '1');
    await saveNamed('Trần Thị Đào', '2');
    const first = keep(await builtIndex(locked));
    const packs = (await storedPacks(name)).filter((p) => p.bucket !== PACKS_STATE);
    expect(packs.length).toBeGreaterThan(0);
    for (const pack of packs) {
      expect(pack.rows).toBeUndefined();
      expect((pack as unknown as { enc: unknown }).enc).toBeInstanceOf(Uint8Array);
    }
    expect(JSON.stringify(await storedPacks(name))).not.toMatch(/nguyen|dung|Trần|Hưng/i);
    const second = keep(await builtIndex(locked));
    expect(second.list()).toEqual(first.list());
    for (const q of ['nguyen', 'dao', 'DUNG van', 'xyz']) expect(second.search(q)).toEqual(await searchSummaries(locked, q));
  });

  it('a pack blob moved to another bucket fails its tag', async () => {
    const a = await saveNamed('Nguyễn Văn Dũng', '1');
    let b = await saveNamed('Trần Thị Đào', '2');
    while (bucketOf(b.id) === bucketOf(a.id)) b = await saveNamed('Trần Thị Đào', '2');
    keep(await builtIndex(locked));
    const raw = new Dexie(name);
    await raw.open();
    const packA = (await raw.table('summaryPacks').get(bucketOf(a.id))) as { enc: Uint8Array };
    await raw.table('summaryPacks').put({ ...(await raw.table('summaryPacks').get(bucketOf(b.id))), enc: packA.enc });
    raw.close();
    await expect(new SummaryIndex(locked).build()).rejects.toThrow(/authenticated/);
  });

  it('locked: the build packs nothing', async () => {
    await saveNamed('Nguyễn Văn Dũng', '1');
    keyring.lock();
    const before = await storedPacks(name);
    const index = keep(await builtIndex(locked));
    expect(index.list()).toHaveLength(1);
    expect(await storedPacks(name)).toEqual(before);
  });

  it('without a PIN packs are clear like the summaries; setting the PIN replaces them by stale markers', async () => {
    const plainName = `packs-nopin-${crypto.randomUUID()}`;
    const ring = new Keyring();
    ring.markNoPin();
    const phone = installEncryption(new GoCuaDb(plainName), ring);
    try {
      const result = await saveHousehold(phone, surveyedHousehold({ address: { houseNumber: '1', street: 'Trần Hưng Đạo' }, members: [adultMember('Nguyễn Văn Dũng', 1980)] }));
      if (!result.ok) throw new Error('save failed');
      keep(await builtIndex(phone));
      expect(JSON.stringify(await storedPacks(plainName))).toContain('nguyen van dung');
      // The PIN is set: every summary is rewritten encrypted, which marks every pack stale.
      ring.unlock(newDataKey());
      await encryptInPlace(phone, ring);
      expect(JSON.stringify(await storedPacks(plainName))).not.toMatch(/nguyen|Trần/i);
      expect(keep(await builtIndex(phone)).search('nguyen dung')).toHaveLength(1);
      const packs = (await storedPacks(plainName)).filter((p) => p.bucket !== PACKS_STATE);
      expect(packs.every((p) => p.rows === undefined && (p as unknown as { enc: unknown }).enc instanceof Uint8Array)).toBe(true);
      expect(JSON.stringify(packs)).not.toMatch(/nguyen|Trần/i);
    } finally {
      await phone.delete();
    }
  });
});
