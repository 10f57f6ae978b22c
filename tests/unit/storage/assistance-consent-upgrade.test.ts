// Issue 12, point 6 on the phone: a database written by the build before it (Dexie version 2)
// holding a version 1 assistance with a name and phone, its outbox entry and the unsaved entry of
// the assistance screen, opened by this build (version 3): no name or phone is left, the record is
// at version 2 with the same rev, the outbox entry is untouched, and households are left alone.
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { listAssistances } from '../../../src/app/storage/assistance-repo.js';
import { loadEntry } from '../../../src/app/features/assistance/assist-model.js';
import { parseRecord } from '../../../src/shared/schema/registry.js';
import { saveHousehold } from '../../../src/app/storage/records-repo.js';
import { surveyedHousehold } from './household-fixture.js';
import { v1Assistance } from '../../helpers/assistance-fixtures.js';

describe('Dexie version 3: assistances recorded without consent', () => {
  it('erases names and phones from v1 assistance rows and the unsaved entry; the outbox stays', async () => {
    const name = `test-${crypto.randomUUID()}`;
    // A household saved by today's code, to check the upgrade leaves other kinds alone.
    const filled = new GoCuaDb(name);
    const hh = await saveHousehold(filled, surveyedHousehold());
    if (!hh.ok) throw new Error('save failed');
    const householdRow = await filled.records.get(hh.record.id);
    const householdSummary = await filled.summaries.get(hh.record.id);
    filled.close();
    await filled.delete();

    // The database as the build before issue 12 left it: version 2 stores.
    const old = new Dexie(name);
    old.version(1).stores({
      records: 'id, syncState, groupCode, outcome, surveyedAt, savedAt, voided',
      outbox: '++seq, recordId, [recordId+rev], state',
      drafts: 'id, updatedAt, recordId',
      meta: 'key',
    });
    old.version(2).stores({ summaries: 'id, savedAt, groupCode, outcome' });
    const record = v1Assistance();
    record.rev = 2;
    const row = { id: record.id, kind: 'assistance', record, syncState: 'pending', syncedRev: 1, assistanceSavedAt: '2026-11-08T02:31:05.000Z' };
    const outbox = { recordId: record.id, rev: 2, queuedAt: '2026-11-08T02:31:05.000Z', state: 'queued', attempts: 3 };
    const entry = { kinds: ['install_vneid'], outcome: 'done', reason: '', reasonNote: '', birthYear: '1961', name: 'Lê Văn Tám', phone: '0987654321', link: null };
    await old.table('records').bulkPut([row, householdRow]);
    await old.table('summaries').put(householdSummary);
    const seq = await old.table('outbox').add(outbox);
    await old.table('meta').bulkPut([{ key: 'assist.entry', value: entry }, { key: 'assist.lastSaved', value: record.id }]);
    old.close();

    const db = new GoCuaDb(name);
    await db.open();
    expect(db.verno).toBe(4);
    const [assistance] = await listAssistances(db);
    expect(assistance).toEqual({ ...row, record: { ...record, schemaVersion: 2, data: { ...record.data, person: { birthYear: 1955 } } } });
    // What the phone will send is a valid record of the current version.
    expect(parseRecord(assistance!.record)).toEqual({ ok: true, record: assistance!.record });
    expect(await db.outbox.toArray()).toEqual([{ ...outbox, seq }]);
    expect(await db.records.get(hh.record.id)).toEqual(householdRow);
    expect(await db.summaries.get(hh.record.id)).toEqual(householdSummary);
    const kept = await loadEntry(db);
    expect(kept).toMatchObject({ kinds: ['install_vneid'], outcome: 'done', birthYear: '1961', name: '', phone: '' });
    expect(await db.meta.get('assist.lastSaved')).toEqual({ key: 'assist.lastSaved', value: record.id });
    // Nowhere in the database.
    const everything = JSON.stringify([await db.records.toArray(), await db.meta.toArray(), await db.outbox.toArray(), await db.drafts.toArray()]);
    for (const personal of ['Trần Thị Hương', '0912345678', 'Lê Văn Tám', '0987654321']) expect(everything).not.toContain(personal);
    await db.delete();
  });
});
