// Issue 14 point 4 on the phone, without a browser: the IndexedDB that the build BEFORE the
// assistance consent change really wrote (tests/fixtures/previous-build/previous-build-idb.json,
// captured through that build's screens: Dexie version 2, no PIN lock, a household saved, a
// survey half filled, an assistance of version 1 with a name and phone, the assistance screen's
// unsaved entry) is opened by this build through the app's own stack (the at-rest layer
// installed, as app-db.ts does): the Dexie upgrade migrates the assistance to version 2 without
// the name and phone; the household, both outbox entries and the draft are kept and readable;
// then the first PIN encrypts it all in place and, locked and unlocked again, nothing is lost.
import Dexie from 'dexie';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GoCuaDb, type Draft, type OutboxEntry, type StoredRecord } from '../../../src/app/storage/db.js';
import { installEncryption } from '../../../src/app/security/at-rest.js';
import { Keyring } from '../../../src/app/security/lock-state.js';
import { initLock, setSecret, unlockWithSecret } from '../../../src/app/security/pin-lock.js';
import { listAssistances } from '../../../src/app/storage/assistance-repo.js';
import { getDraft, listDrafts } from '../../../src/app/storage/drafts-repo.js';
import { listHouseholds } from '../../../src/app/storage/records-repo.js';
import { SummaryIndex } from '../../../src/app/storage/search-index.js';
import { readWaiting } from '../../../src/app/storage/waiting.js';
import { loadEntry } from '../../../src/app/features/assistance/assist-model.js';
import { parseRecord } from '../../../src/shared/schema/registry.js';

interface PreviousBuildDump {
  idbVersion: number;
  records: Record<string, unknown>[];
  outbox: OutboxEntry[];
  drafts: Draft[];
  meta: { key: string; value: unknown }[];
  summaries: Record<string, unknown>[];
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/previous-build/previous-build-idb.json', import.meta.url), 'utf8')) as PreviousBuildDump;
const PERSONAL = ['Trần Thị Hương', '0912345678', 'Lê Văn Tám'];

/** The database as the previous build left it: its Dexie version 2 stores and its rows. */
async function writePreviousBuild(name: string): Promise<void> {
  const old = new Dexie(name);
  old.version(1).stores({
    records: 'id, syncState, groupCode, outcome, surveyedAt, savedAt, voided',
    outbox: '++seq, recordId, [recordId+rev], state',
    drafts: 'id, updatedAt, recordId',
    meta: 'key',
  });
  old.version(2).stores({ summaries: 'id, savedAt, groupCode, outcome' });
  await old.open();
  expect(old.verno * 10).toBe(fixture.idbVersion);
  for (const table of ['records', 'outbox', 'drafts', 'meta', 'summaries'] as const) await old.table(table).bulkPut(fixture[table]);
  old.close();
}

describe('a phone database written by the previous build', () => {
  it('opens in this build: assistance migrated to v2 without contact, household, outbox and draft kept; then encrypted by the first PIN', async () => {
    const name = `previous-build-${crypto.randomUUID()}`;
    await writePreviousBuild(name);
    const oldAssistance = fixture.records.find((r) => r.kind === 'assistance') as { id: string; record: { schemaVersion: number; rev: number; data: { person: Record<string, unknown> } } };
    const oldHousehold = fixture.records.find((r) => r.kind === 'household') as unknown as StoredRecord;
    expect(oldAssistance.record.schemaVersion).toBe(1);
    expect(oldAssistance.record.data.person.name).toBe('Trần Thị Hương');

    const keyring = new Keyring();
    const db = installEncryption(new GoCuaDb(name), keyring);
    expect(await initLock(db, keyring)).toBe('no_pin'); // the lock did not exist in that build
    expect(db.verno).toBe(4);

    const [assistance] = await listAssistances(db);
    expect(assistance!.record.schemaVersion).toBe(2);
    expect(assistance!.record.rev).toBe(oldAssistance.record.rev);
    expect(assistance!.record.data.person).toEqual({ birthYear: 1955 });
    expect(parseRecord(assistance!.record)).toEqual({ ok: true, record: assistance!.record });
    const [household] = await listHouseholds(db);
    expect(household).toEqual(oldHousehold);
    expect(parseRecord(household!.record).ok).toBe(true);
    expect(await db.outbox.toArray()).toEqual(fixture.outbox);
    expect(await readWaiting(db)).toMatchObject({ total: 2, byKind: { household: 1, assistance: 1 }, held: 0 });
    expect(await listDrafts(db)).toEqual(fixture.drafts);
    const entry = await loadEntry(db);
    expect(entry).toMatchObject({ kinds: ['scam_awareness'], birthYear: '1961', name: '', phone: '' });
    const everything = JSON.stringify([await db.records.toArray(), await db.meta.toArray(), await db.outbox.toArray(), await db.drafts.toArray()]);
    for (const value of PERSONAL) expect(everything).not.toContain(value);

    // The list's index packs the summaries (Dexie v4), in clear like them while there is no PIN.
    const index = new SummaryIndex(db);
    await index.build();
    await index.whenPacked();
    expect(index.search('nguyen van minh').map((r) => r.id)).toEqual([oldHousehold.id]);
    index.dispose();

    // The first PIN (asked at the first screen that needs it) encrypts what the old build left.
    await setSecret(db, keyring, '246813', 'pin');
    const raw = new Dexie(name);
    await raw.open();
    expect(JSON.stringify(await raw.table('summaryPacks').toArray())).not.toMatch(/minh|Nguyễn/i);
    const rawDraft = (await raw.table('drafts').toArray())[0] as Record<string, unknown>;
    expect(rawDraft.form).toBeUndefined();
    expect(rawDraft.enc).toBeInstanceOf(Uint8Array);
    expect(JSON.stringify(await raw.table('records').toArray())).not.toContain('Nguyễn Văn Minh');
    raw.close();
    keyring.lock();
    // Locked: the outbox still counts both records as waiting (the sync engine sends them).
    expect(await readWaiting(db)).toMatchObject({ total: 2 });
    expect((await unlockWithSecret(db, keyring, '246813')).ok).toBe(true);
    expect(await getDraft(db, fixture.drafts[0]!.id)).toEqual(fixture.drafts[0]);
    expect((await listHouseholds(db))[0]).toEqual(oldHousehold);
    expect((await listAssistances(db))[0]).toEqual(assistance);
    const unlockedIndex = new SummaryIndex(db);
    await unlockedIndex.build();
    expect(unlockedIndex.search('nguyen van minh').map((r) => r.id)).toEqual([oldHousehold.id]);
    unlockedIndex.dispose();
    db.close();
    await db.delete();
  });
});
