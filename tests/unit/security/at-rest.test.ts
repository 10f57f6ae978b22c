// The at-rest middleware on a real (fake-indexeddb) database: what is stored, and the lock
// contract (locked reads without personal parts, locked writes of such rows pass, a write
// needing encryption throws PhoneLockedError and writes nothing).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLEAR_META_KEYS, installEncryption, PERSONAL_META_KEYS } from '../../../src/app/security/at-rest.js';
import { newDataKey } from '../../../src/app/security/crypto.js';
import { Keyring, PhoneLockedError } from '../../../src/app/security/lock-state.js';
import { saveAssistance, putAssistEntry, getAssistEntry } from '../../../src/app/storage/assistance-repo.js';
import { GoCuaDb, type StoredRecord } from '../../../src/app/storage/db.js';
import { getDraft, saveDraft } from '../../../src/app/storage/drafts-repo.js';
import { META_KEYS } from '../../../src/app/storage/meta.js';
import { SummaryIndex } from '../../../src/app/storage/search-index.js';
import { countRevisitsDue, countSurveyedOn } from '../../../src/app/storage/record-queries.js';
import { getHousehold, listSummaries, saveHousehold, searchSummaries } from '../../../src/app/storage/records-repo.js';
import { adultMember, surveyedHousehold } from '../storage/household-fixture.js';

const NAMES = ['Nguyễn Văn An', 'Trần Thị Dũng'];
const CCCD = '001080012345';
const PHONE = '0912345678';

let name: string;
let keyring: Keyring;
let db: GoCuaDb;
let raw: GoCuaDb;
beforeEach(() => {
  name = `lock-${crypto.randomUUID()}`;
  keyring = new Keyring();
  db = installEncryption(new GoCuaDb(name), keyring);
  raw = new GoCuaDb(name); // no middleware: the bytes as stored
});
afterEach(async () => {
  raw.close();
  await db.delete();
});

function household() {
  return surveyedHousehold({
    address: { houseNumber: '12', lane: 'Ngõ Hòa Bình', street: 'Trần Hưng Đạo' },
    members: [{ ...adultMember(NAMES[0]!, 1980), cccd: CCCD, phone: PHONE }, adultMember(NAMES[1]!, 1984, 'spouse')],
  });
}

/** Everything stored, as text (Uint8Arrays decoded as UTF-8 and as hex too). */
async function storedText(): Promise<string> {
  const all = [await raw.records.toArray(), await raw.summaries.toArray(), await raw.drafts.toArray(), await raw.meta.toArray(), await raw.outbox.toArray(), await raw.summaryPacks.toArray()];
  return JSON.stringify(all, (_k, v: unknown) => (v instanceof Uint8Array ? new TextDecoder().decode(v) + Buffer.from(v).toString('hex') : v));
}

const folded = ['nguyen van an', 'tran thi dung', 'hoa binh', 'tran hung dao'];

describe('at rest', () => {
  it('stores no personal value in records, summaries, drafts and personal meta; clear indexes page the list', async () => {
    keyring.unlock(newDataKey());
    await saveDraft(db, { id: 'd1', form: { members: [{ name: NAMES[0] }] }, step: 'members', searchText: 'nguyen van an', groupCode: 'TDP01' });
    const saved = await saveHousehold(db, household(), { now: new Date('2026-11-24T09:30:00+07:00') });
    if (!saved.ok) throw new Error('save failed');
    await putAssistEntry(db, { personName: 'Lê Văn Tám', phone: '0987654321' });
    await saveAssistance(db, { kinds: ['install_vneid'], outcome: 'done', person: { birthYear: 1960, name: 'Lê Văn Tám', phone: '0987654321' }, helpedAt: '2026-11-24T03:00:00.000Z', wardCode: '10546' } as never);
    // The list's index packs the summaries (storage/summary-packs.ts): encrypted too.
    const index = new SummaryIndex(db);
    await index.build();
    await index.whenPacked();
    index.dispose();
    expect(await raw.summaryPacks.count()).toBeGreaterThan(1);

    const text = await storedText();
    for (const secret of [...NAMES, CCCD, PHONE, 'Hòa Bình', 'Trần Hưng Đạo', 'Lê Văn Tám', '0987654321', ...folded]) expect(text).not.toContain(secret);

    const row = (await raw.records.get(saved.record.id)) as unknown as Record<string, unknown>;
    expect(row.record).toBeUndefined();
    expect(row.searchText).toBeUndefined();
    expect(row.enc).toBeInstanceOf(Uint8Array);
    expect(row).toMatchObject({ kind: 'household', groupCode: 'TDP01', outcome: 'surveyed', syncState: 'pending', voided: 0, rev: 1 });
    const summary = (await raw.summaries.get(saved.record.id)) as unknown as Record<string, unknown>;
    expect(summary).toMatchObject({ groupCode: 'TDP01', memberCount: 2, rev: 1 });
    expect(summary.address).toBeUndefined();

    // Through the middleware, unlocked: as the app wrote it.
    expect((await getHousehold(db, saved.record.id))?.record).toEqual(saved.record);
    expect((await listSummaries(db))[0]?.address).toBe('12, Ngõ Hòa Bình, Trần Hưng Đạo');
    expect((await searchSummaries(db, 'hoa binh')).length).toBe(1);
    expect((await getDraft(db, 'd1'))?.form).toEqual({ members: [{ name: NAMES[0] }] });
    expect(await getAssistEntry(db)).toEqual({ personName: 'Lê Văn Tám', phone: '0987654321' });
    expect(await countSurveyedOn(db, '2026-11-24')).toBe(1);
  });

  it('a blob moved to another row does not decrypt (bound to table and key)', async () => {
    keyring.unlock(newDataKey());
    const a = await saveHousehold(db, household());
    const b = await saveHousehold(db, household());
    if (!a.ok || !b.ok) throw new Error('save failed');
    const rowA = await raw.records.get(a.record.id);
    await raw.records.put({ ...(await raw.records.get(b.record.id))!, enc: (rowA as unknown as { enc: Uint8Array }).enc } as never);
    await expect(db.records.get(b.record.id)).rejects.toThrow(/authenticated/);
  });

  it('locked: reads lack personal parts, the sync engine can update state and delete outbox entries, a personal write throws and writes nothing', async () => {
    keyring.unlock(newDataKey());
    const saved = await saveHousehold(db, household());
    if (!saved.ok) throw new Error('save failed');
    await putAssistEntry(db, { personName: 'Lê Văn Tám' });
    keyring.lock();

    const locked = (await db.records.get(saved.record.id)) as unknown as Record<string, unknown>;
    expect(locked.record).toBeUndefined();
    expect(locked.searchText).toBeUndefined();
    expect(locked.enc).toBeInstanceOf(Uint8Array);
    expect(locked.rev).toBe(1);
    const [summary] = await listSummaries(db);
    expect(summary).toMatchObject({ id: saved.record.id, groupCode: 'TDP01' });
    expect(summary?.address).toBeUndefined();
    expect(await getAssistEntry(db)).toBeUndefined();
    expect(await countRevisitsDue(db)).toBe(0);

    // What the sync engine does on an accepted rev, in one transaction.
    await db.transaction('rw', db.records, db.outbox, async () => {
      const row = await db.records.get(saved.record.id);
      await db.records.put({ ...row!, syncState: 'synced', syncedRev: 1 });
      await db.outbox.where('recordId').equals(saved.record.id).delete();
    });
    expect(await db.outbox.count()).toBe(0);

    // A write needing encryption: refused, nothing of the transaction lands.
    const before = await raw.records.get(saved.record.id);
    await expect(
      db.transaction('rw', db.records, db.outbox, async () => {
        await db.outbox.add({ recordId: 'x', rev: 1, queuedAt: '', state: 'queued', attempts: 0 });
        await db.records.put({ ...(before as StoredRecord), record: saved.record, searchText: 'x' });
      }),
    ).rejects.toBeInstanceOf(PhoneLockedError);
    await expect(saveHousehold(db, household())).rejects.toBeInstanceOf(PhoneLockedError);
    await expect(saveDraft(db, { id: 'd2', form: {}, step: 'address', searchText: '' })).rejects.toBeInstanceOf(PhoneLockedError);
    expect(await db.outbox.count()).toBe(0);
    expect(await raw.records.count()).toBe(1);
    expect(await raw.drafts.count()).toBe(0);
  });

  it('after unlock the row rewritten while locked still decrypts', async () => {
    const key = newDataKey();
    keyring.unlock(key.slice());
    const saved = await saveHousehold(db, household());
    if (!saved.ok) throw new Error('save failed');
    keyring.lock();
    const row = await db.records.get(saved.record.id);
    await db.records.put({ ...row!, syncState: 'synced', syncedRev: 1 });
    keyring.unlock(key);
    const back = await getHousehold(db, saved.record.id);
    expect(back?.record).toEqual(saved.record);
    expect(back?.syncState).toBe('synced');
    expect(back).not.toHaveProperty('enc');
  });

  it('classifies every meta key as personal (encrypted) or clear', () => {
    const all = new Set<string>(Object.values(META_KEYS));
    expect(new Set([...PERSONAL_META_KEYS, ...CLEAR_META_KEYS])).toEqual(all);
    expect([...PERSONAL_META_KEYS].filter((k) => CLEAR_META_KEYS.has(k))).toEqual([]);
  });
});
