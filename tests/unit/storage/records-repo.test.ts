import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { saveDraft } from '../../../src/app/storage/drafts-repo.js';
import { StorageFullError } from '../../../src/app/storage/errors.js';
import {
  getHousehold,
  listHouseholds,
  listSummaries,
  outboxStates,
  searchSummaries,
  listRevisits,
  saveHousehold,
  searchHouseholds,
  voidHousehold,
} from '../../../src/app/storage/records-repo.js';
import { notHomeHousehold, surveyedHousehold } from './household-fixture.js';

let db: GoCuaDb;
beforeEach(() => {
  db = new GoCuaDb(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

describe('saveHousehold', () => {
  it('writes the envelope, an outbox entry and removes the draft', async () => {
    await saveDraft(db, { id: 'd1', form: {}, step: 'review', searchText: '' });
    const now = new Date('2026-11-24T09:30:00+07:00');
    const result = await saveHousehold(db, surveyedHousehold(), { draftId: 'd1', now });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record).toMatchObject({ kind: 'household', rev: 1, schemaVersion: 2, clientUpdatedAt: now.toISOString() });
    expect(result.record.data.surveyedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const stored = await getHousehold(db, result.record.id);
    expect(stored?.syncState).toBe('pending');
    expect(stored?.record).toEqual(result.record);
    const outbox = await db.outbox.toArray();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ recordId: result.record.id, rev: 1, state: 'queued', attempts: 0 });
    expect(await db.drafts.get('d1')).toBeUndefined();
  });

  it('returns field errors with data paths and writes nothing for invalid data', async () => {
    const bad = surveyedHousehold({ address: { houseNumber: '   ' } });
    const result = await saveHousehold(db, bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ path: 'address.houseNumber', code: 'required' });
    expect(await db.records.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('is atomic: a failure after the record put leaves neither record nor outbox entry, and keeps the draft', async () => {
    await saveDraft(db, { id: 'd2', form: { typed: 'x' }, step: 'review', searchText: '' });
    let recordPutSeen = false;
    db.records.hook('creating', () => {
      recordPutSeen = true;
    });
    db.outbox.hook('creating', () => {
      throw new Error('disk failure while queueing');
    });
    await expect(saveHousehold(db, surveyedHousehold(), { draftId: 'd2' })).rejects.toThrow('disk failure');
    expect(recordPutSeen).toBe(true);
    expect(await db.records.count()).toBe(0);
    expect(await db.summaries.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.drafts.get('d2'))?.form).toEqual({ typed: 'x' });
  });

  it('turns a quota failure into StorageFullError and keeps the draft', async () => {
    await saveDraft(db, { id: 'd3', form: { typed: 'y' }, step: 'review', searchText: '' });
    db.outbox.hook('creating', () => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    await expect(saveHousehold(db, surveyedHousehold(), { draftId: 'd3' })).rejects.toBeInstanceOf(StorageFullError);
    expect(await db.records.count()).toBe(0);
    expect(await db.drafts.get('d3')).toBeDefined();
  });

  it('an edit bumps rev, keeps id and surveyedAt, and queues the new rev', async () => {
    const first = await saveHousehold(db, surveyedHousehold(), { now: new Date('2026-11-20T10:00:00') });
    if (!first.ok) throw new Error('first save failed');
    await db.records.update(first.record.id, { syncState: 'synced', syncedRev: 1 });
    await db.outbox.clear(); // the server acknowledged rev 1
    const edited = await saveHousehold(
      db,
      { ...first.record.data, surveyedAt: '2026-11-24', address: { houseNumber: '14' } },
      { existingId: first.record.id, now: new Date('2026-11-24T10:00:00') },
    );
    if (!edited.ok) throw new Error('edit failed');
    expect(edited.record.id).toBe(first.record.id);
    expect(edited.record.rev).toBe(2);
    expect(edited.record.data.surveyedAt).toBe('2026-11-20');
    const stored = await getHousehold(db, first.record.id);
    expect(stored).toMatchObject({ syncState: 'pending', syncedRev: 1 });
    expect(stored?.record.data.address.houseNumber).toBe('14');
    expect(await db.outbox.toArray()).toMatchObject([{ recordId: first.record.id, rev: 2, state: 'queued' }]);
    expect(await db.records.count()).toBe(1);
  });

  it('the revisit that surveys a not-home household takes its own day; later edits keep it', async () => {
    const first = await saveHousehold(db, notHomeHousehold('7'), { now: new Date('2025-12-20T10:00:00') });
    if (!first.ok) throw new Error('first save failed');
    expect(first.record.data.surveyedAt).toBe('2025-12-20');
    // The revisit form carries the stored data, its old date included.
    const { members: _none, ...notHome } = first.record.data;
    const revisit = await saveHousehold(db, surveyedHousehold({ ...notHome, outcome: 'surveyed' }), { existingId: first.record.id, now: new Date('2026-01-05T09:00:00') });
    if (!revisit.ok) throw new Error(`revisit failed: ${JSON.stringify(revisit.errors)}`);
    expect(revisit.record.data.surveyedAt).toBe('2026-01-05');
    expect((await getHousehold(db, first.record.id))?.surveyedAt).toBe('2026-01-05');
    const edited = await saveHousehold(db, { ...revisit.record.data, note: 'sửa' }, { existingId: first.record.id, now: new Date('2026-02-10T09:00:00') });
    if (!edited.ok) throw new Error('edit failed');
    expect(edited.record.data.surveyedAt).toBe('2026-01-05');
    // A second "not home" visit keeps the first visit's day.
    const other = await saveHousehold(db, notHomeHousehold('8'), { now: new Date('2025-12-20T10:00:00') });
    if (!other.ok) throw new Error('save failed');
    const again = await saveHousehold(db, other.record.data, { existingId: other.record.id, now: new Date('2026-01-05T09:00:00') });
    expect(again.ok && again.record.data.surveyedAt).toBe('2025-12-20');
  });

  it('void makes a new rev with the reason and drops the record from lists', async () => {
    const first = await saveHousehold(db, surveyedHousehold());
    if (!first.ok) throw new Error('save failed');
    const voided = await voidHousehold(db, first.record.id, 'Nhập trùng');
    if (!voided.ok) throw new Error('void failed');
    expect(voided.record).toMatchObject({ rev: 2, data: { voided: true, voidReason: 'Nhập trùng' } });
    expect(await db.outbox.count()).toBe(2);
    expect(await listHouseholds(db)).toHaveLength(0);
    expect(await listHouseholds(db, { includeVoided: true })).toHaveLength(1);
  });

  it('void without a reason is refused', async () => {
    const first = await saveHousehold(db, surveyedHousehold());
    if (!first.ok) throw new Error('save failed');
    const voided = await voidHousehold(db, first.record.id, '  ');
    expect(voided.ok).toBe(false);
  });
});

describe('lists and search', () => {
  it('lists newest first and by group', async () => {
    await saveHousehold(db, surveyedHousehold({ address: { houseNumber: '1' } }), { now: new Date('2026-11-24T08:00:00Z') });
    await saveHousehold(db, surveyedHousehold({ groupCode: 'TDP03', address: { houseNumber: '2' } }), { now: new Date('2026-11-24T09:00:00Z') });
    await saveHousehold(db, surveyedHousehold({ address: { houseNumber: '3' } }), { now: new Date('2026-11-24T10:00:00Z') });
    expect((await listHouseholds(db)).map((r) => r.record.data.address.houseNumber)).toEqual(['3', '2', '1']);
    expect((await listHouseholds(db, { groupCode: 'TDP01' })).map((r) => r.record.data.address.houseNumber)).toEqual(['3', '1']);
  });

  it('search ignores diacritics, đ/d and case', async () => {
    await saveHousehold(db, surveyedHousehold({ address: { houseNumber: '7', street: 'Đường Lê Lợi' } }));
    await saveHousehold(
      db,
      surveyedHousehold({ address: { houseNumber: '9' }, members: [surveyedHousehold().members![0]!] }),
    );
    const other = surveyedHousehold({ address: { houseNumber: '11' } });
    other.members = [{ ...other.members![0]!, name: 'Phạm Thị Hoa' }];
    await saveHousehold(db, other);
    expect(await searchHouseholds(db, 'nguyen van')).toHaveLength(2);
    const dung = await searchHouseholds(db, 'dung');
    expect(dung.map((r) => r.record.data.address.houseNumber)).toEqual(['7']);
    expect(await searchHouseholds(db, 'duong le loi')).toHaveLength(1);
    expect(await searchHouseholds(db, 'HOA')).toHaveLength(1);
    expect(await searchHouseholds(db, 'nguyen', { groupCode: 'TDP05' })).toHaveLength(0);
  });

  it('the revisit list holds not-home households that are not voided', async () => {
    const a = await saveHousehold(db, notHomeHousehold('21'));
    const b = await saveHousehold(db, notHomeHousehold('23'));
    await saveHousehold(db, surveyedHousehold());
    await saveHousehold(db, { ...notHomeHousehold('25'), outcome: 'refused' });
    if (!a.ok || !b.ok) throw new Error('save failed');
    await voidHousehold(db, b.record.id, 'Sai địa chỉ');
    const revisits = await listRevisits(db);
    expect(revisits.map((r) => r.record.data.address.houseNumber)).toEqual(['21']);
  });

  it('a not-home household revisited and surveyed leaves the revisit list', async () => {
    const a = await saveHousehold(db, notHomeHousehold('31'));
    if (!a.ok) throw new Error('save failed');
    const revisit = await saveHousehold(db, { ...surveyedHousehold(), groupCode: 'TDP02', address: { houseNumber: '31' } }, { existingId: a.record.id });
    expect(revisit.ok && revisit.record.rev).toBe(2);
    expect(await listRevisits(db)).toHaveLength(0);
  });
});

describe('summaries for the list', () => {
  it('are written with every save and follow edits and voids', async () => {
    const first = await saveHousehold(db, surveyedHousehold(), { now: new Date('2026-11-24T08:00:00Z') });
    if (!first.ok) throw new Error('save failed');
    expect(await listSummaries(db)).toEqual([
      expect.objectContaining({ id: first.record.id, rev: 1, address: '12, Ngõ 5, Trần Hưng Đạo', memberCount: 2, outcome: 'surveyed', voided: 0 }),
    ]);
    await saveHousehold(db, { ...first.record.data, address: { houseNumber: '12A' } }, { existingId: first.record.id });
    expect((await listSummaries(db))[0]).toMatchObject({ rev: 2, address: '12A' });
    expect((await searchSummaries(db, 'tran thi dung')).map((r) => r.id)).toEqual([first.record.id]);
    await voidHousehold(db, first.record.id, 'Trùng');
    expect(await listSummaries(db)).toEqual([]);
    expect(await listSummaries(db, { includeVoided: true })).toHaveLength(1);
  });

  it('sync state comes from the outbox: pending while queued, held when the server held it, synced when gone', async () => {
    const a = await saveHousehold(db, surveyedHousehold());
    const b = await saveHousehold(db, notHomeHousehold('5'));
    const c = await saveHousehold(db, notHomeHousehold('7'));
    if (!a.ok || !b.ok || !c.ok) throw new Error('save failed');
    await db.outbox.where('recordId').equals(b.record.id).modify({ state: 'held' });
    await db.outbox.where('recordId').equals(c.record.id).delete();
    const states = await outboxStates(db);
    expect(states.get(a.record.id)).toBe('pending');
    expect(states.get(b.record.id)).toBe('held');
    expect(states.get(c.record.id)).toBeUndefined();
  });

  it('a database of version 1 is upgraded with summaries of the records it holds', async () => {
    const name = `test-${crypto.randomUUID()}`;
    const filled = new GoCuaDb(name);
    const saved = await saveHousehold(filled, surveyedHousehold());
    if (!saved.ok) throw new Error('save failed');
    const row = await filled.records.get(saved.record.id);
    filled.close();
    await filled.delete();
    // The same data in a database that only knows version 1.
    const { default: Dexie } = await import('dexie');
    const v1 = new Dexie(name);
    v1.version(1).stores({
      records: 'id, syncState, groupCode, outcome, surveyedAt, savedAt, voided',
      outbox: '++seq, recordId, [recordId+rev], state',
      drafts: 'id, updatedAt, recordId',
      meta: 'key',
    });
    await v1.table('records').put(row);
    v1.close();
    const upgraded = new GoCuaDb(name);
    expect(await listSummaries(upgraded)).toEqual([expect.objectContaining({ id: saved.record.id, memberCount: 2 })]);
    await upgraded.delete();
  });
});

