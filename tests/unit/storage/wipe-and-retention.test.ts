// The phone forgets (issue 12, point 2): wipePersonalData and the phone-retention pruning, on a
// real Dexie database (fake-indexeddb), through the same repos the app saves with.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveAssistance, type AssistanceDraft } from '../../../src/app/storage/assistance-repo.js';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { saveDraft } from '../../../src/app/storage/drafts-repo.js';
import { getInstallId, getMeta, META_KEYS, setLanguage, setMeta } from '../../../src/app/storage/meta.js';
import { prunePhoneRecords } from '../../../src/app/storage/phone-retention.js';
import { saveHousehold } from '../../../src/app/storage/records-repo.js';
import { getWipe, wipePersonalData, WIPE_KEEPS } from '../../../src/app/storage/wipe.js';
import { setDevice } from '../../../src/app/sync/device-store.js';
import { notHomeHousehold, surveyedHousehold } from './household-fixture.js';

let db: GoCuaDb;
beforeEach(() => {
  db = new GoCuaDb(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

/** As the sync engine leaves a record the server acknowledged: no outbox entry, synced. */
async function markSynced(id: string): Promise<void> {
  await db.transaction('rw', db.outbox, db.records, async () => {
    await db.outbox.where('recordId').equals(id).delete();
    const row = (await db.records.get(id))!;
    await db.records.put({ ...row, syncState: 'synced', syncedRev: row.record.rev });
  });
}

async function household(at: string, data = surveyedHousehold(), synced = true): Promise<string> {
  const result = await saveHousehold(db, data, { now: new Date(at) });
  if (!result.ok) throw new Error('save failed');
  if (synced) await markSynced(result.record.id);
  return result.record.id;
}

function help(over: Partial<AssistanceDraft> = {}): AssistanceDraft {
  return { wardCode: '10546', helpedAt: '2026-06-01T02:00:00.000Z', person: { birthYear: 1955, name: 'Trần Thị Hương' }, consent: { given: true, purpose: 'assistance', noticeVersion: '2026-12', consentedAt: '2026-06-01T01:59:00.000Z' }, kinds: ['install_vneid'], outcome: 'done', ...over };
}

/** Every meta key of the phone with a value, as a set of names. */
async function metaKeys(): Promise<string[]> {
  return (await db.meta.toCollection().primaryKeys()).sort();
}

/** One synced household; one household and one help still in the outbox; a draft; every kind of meta. */
async function fillEverything(): Promise<{ unsent: string[]; sent: string }> {
  const sent = await household('2026-11-01T02:00:00.000Z');
  const unsent = await household('2026-11-02T02:00:00.000Z', surveyedHousehold(), false);
  const helped = await saveAssistance(db, help(), { now: new Date('2026-11-03T02:00:00.000Z') });
  if (!helped.ok) throw new Error('save failed');
  await saveDraft(db, { id: crypto.randomUUID(), form: { name: 'Nguyễn Văn An' }, step: 'members', searchText: 'nguyen van an' });
  await getInstallId(db);
  await setLanguage(db, 'en');
  await setMeta(db, META_KEYS.display, { highContrast: true, largeText: false });
  await setDevice(db, { deviceId: 'd1', token: 'secret-token', wardCode: '10546', volunteerName: 'Lê Văn Tình', enrolledAt: '2026-11-01T00:00:00.000Z' });
  await setMeta(db, META_KEYS.lastSyncAt, '2026-11-02T00:00:00.000Z');
  await setMeta(db, META_KEYS.assistEntry, { person: { name: 'Đang nhập dở' } });
  await setMeta(db, META_KEYS.serverNotices, [{ recordId: sent }]);
  await setMeta(db, META_KEYS.wardConfig, { code: '10546' });
  await setMeta(db, META_KEYS.practiceMode, true);
  return { unsent: [unsent, helped.record.id].sort(), sent };
}

describe('wipePersonalData', () => {
  it('lost: removes every record, summary, draft, outbox entry and personal meta key; keeps install id, language, display', async () => {
    await fillEverything();
    const installId = await getInstallId(db);
    await wipePersonalData(db, 'lost', new Date('2026-12-03T10:00:00.000Z'));
    expect(await db.records.count()).toBe(0);
    expect(await db.summaries.count()).toBe(0);
    expect(await db.drafts.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await metaKeys()).toEqual(['display', 'installId', 'language', 'wiped']);
    expect(await getInstallId(db)).toBe(installId);
    expect(await getMeta(db, META_KEYS.language)).toBe('en');
    expect(await getWipe(db)).toEqual({ reason: 'lost', at: '2026-12-03T10:00:00.000Z' });
    // Nothing personal is left anywhere in the database (the token included).
    const dump = JSON.stringify({ meta: await db.meta.toArray() });
    for (const text of ['Nguyễn Văn An', 'Trần Thị Hương', 'secret-token', 'Lê Văn Tình', 'Đang nhập dở']) expect(dump).not.toContain(text);
  });

  it('every META_KEYS key is either kept on purpose or wiped', async () => {
    for (const key of Object.values(META_KEYS)) await db.meta.put({ key, value: 'x' });
    await wipePersonalData(db, 'retired');
    expect(await metaKeys()).toEqual([...WIPE_KEEPS, META_KEYS.wiped].sort());
  });

  it('retired / too_many_pins: a record still in the outbox is kept with its entry, never destroyed unsent', async () => {
    const { unsent, sent } = await fillEverything();
    await wipePersonalData(db, 'too_many_pins');
    expect((await db.records.toArray()).map((r) => r.id).sort()).toEqual(unsent);
    // Assistances have no summary row; the household's stays with it.
    const summaries = (await db.summaries.toArray()).map((r) => r.id);
    expect(summaries).toHaveLength(1);
    expect(unsent).toContain(summaries[0]);
    expect(await db.records.get(sent)).toBeUndefined();
    expect((await db.outbox.toArray()).map((e) => e.recordId).sort()).toEqual(unsent);
    expect(await db.drafts.count()).toBe(0);
    expect((await getWipe(db))?.reason).toBe('too_many_pins');
  });

  it('a new enrolment ends the wiped state', async () => {
    await wipePersonalData(db, 'retired');
    expect(await getWipe(db)).toBeDefined();
    await setDevice(db, { deviceId: 'd2', token: 't2', wardCode: '10546', volunteerName: 'Lê Văn Tình', enrolledAt: '2026-12-04T00:00:00.000Z' });
    expect(await getWipe(db)).toBeUndefined();
  });
});

describe('phone retention', () => {
  const NOW = new Date('2026-11-20T05:00:00.000Z');

  it('removes synced records older than the days (rows and summaries), keeps what is recent, unsent, drafted or followed up', async () => {
    const old = await household('2026-07-01T02:00:00.000Z');
    const recent = await household('2026-11-10T02:00:00.000Z');
    const oldUnsent = await household('2026-07-02T02:00:00.000Z', surveyedHousehold(), false);
    const oldRevisit = await household('2026-07-03T02:00:00.000Z', notHomeHousehold('7'));
    const oldDrafted = await household('2026-07-04T02:00:00.000Z');
    await saveDraft(db, { id: oldDrafted, recordId: oldDrafted, form: {}, step: 'review', searchText: '' });
    const oldHelp = await saveAssistance(db, help(), { now: new Date('2026-06-01T02:00:00.000Z') });
    const openHelp = await saveAssistance(db, help({ outcome: 'not_done', reason: 'no_nfc_chip_reader' }), { now: new Date('2026-06-02T02:00:00.000Z') });
    if (!oldHelp.ok || !openHelp.ok) throw new Error('save failed');
    await markSynced(oldHelp.record.id);
    await markSynced(openHelp.record.id);
    await setMeta(db, META_KEYS.assistLastSaved, oldHelp.record.id);

    const outcome = await prunePhoneRecords(db, { days: 90, now: NOW });
    expect(outcome).toEqual({ removed: 2, keptForFollowUp: 2 });
    const left = (await db.records.toCollection().primaryKeys()).sort();
    expect(left).toEqual([recent, oldUnsent, oldRevisit, oldDrafted, openHelp.record.id].sort());
    expect(await db.summaries.get(old)).toBeUndefined();
    expect(await db.summaries.get(oldRevisit)).toBeDefined();
    // "Sửa lượt vừa lưu" no longer points at a help that has gone.
    expect(await getMeta(db, META_KEYS.assistLastSaved)).toBeUndefined();
    expect(await getMeta(db, META_KEYS.phoneRetention)).toEqual({ at: NOW.toISOString(), removed: 2, keptForFollowUp: 2, days: 90 });
    // A second run has nothing more to do.
    expect(await prunePhoneRecords(db, { days: 90, now: NOW })).toEqual({ removed: 0, keptForFollowUp: 2 });
  });

  it('a longer setting keeps more', async () => {
    await household('2026-07-01T02:00:00.000Z');
    expect((await prunePhoneRecords(db, { days: 365, now: NOW })).removed).toBe(0);
    expect(await db.records.count()).toBe(1);
  });
});
