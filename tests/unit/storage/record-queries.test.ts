// The reads screens use instead of touching Dexie: Home's counts, the sync panel's held list, and
// the by-id reads that tell the two record kinds apart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getAssistance, saveAssistance } from '../../../src/app/storage/assistance-repo.js';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { countDrafts, saveDraft } from '../../../src/app/storage/drafts-repo.js';
import { countRevisitsDue, countSurveyedOn, listHeldRecords } from '../../../src/app/storage/record-queries.js';
import { getHousehold, saveHousehold, voidHousehold } from '../../../src/app/storage/records-repo.js';
import { notHomeHousehold, surveyedHousehold } from './household-fixture.js';

let db: GoCuaDb;
beforeEach(() => {
  db = new GoCuaDb(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

const NOW = new Date('2026-11-24T09:30:00+07:00');

async function saved<T extends { ok: boolean }>(p: Promise<T>): Promise<Extract<T, { ok: true }>> {
  const r = await p;
  if (!r.ok) throw new Error('save failed');
  return r as Extract<T, { ok: true }>;
}

const assistance = {
  wardCode: '10546',
  helpedAt: '2026-11-24T02:00:00.000Z',
  person: { birthYear: 1955 },
  kinds: ['install_vneid' as const],
  outcome: 'done' as const,
};

describe('record queries', () => {
  it("counts Home's figures: surveyed today (not voided), revisits due, drafts", async () => {
    const a = await saved(saveHousehold(db, surveyedHousehold({ surveyedAt: '2026-11-24' }), { now: NOW }));
    await saved(saveHousehold(db, surveyedHousehold({ surveyedAt: '2026-11-24' }), { now: NOW }));
    await saved(saveHousehold(db, surveyedHousehold({ surveyedAt: '2026-11-23' }), { now: NOW }));
    await saved(saveHousehold(db, notHomeHousehold('3'), { now: NOW }));
    const gone = await saved(saveHousehold(db, notHomeHousehold('4'), { now: NOW }));
    await voidHousehold(db, gone.record.id, 'nhập nhầm', { now: NOW });
    await voidHousehold(db, a.record.id, 'nhập nhầm', { now: NOW });
    await saveDraft(db, { id: 'd1', form: {}, step: 'address', searchText: '' });

    expect(await countSurveyedOn(db, '2026-11-24')).toBe(1);
    expect(await countSurveyedOn(db, '2026-11-23')).toBe(1);
    expect(await countRevisitsDue(db)).toBe(1);
    expect(await countDrafts(db)).toBe(1);
  });

  it('lists held records of both kinds', async () => {
    const h = await saved(saveHousehold(db, surveyedHousehold(), { now: NOW }));
    const x = await saved(saveAssistance(db, assistance));
    await saved(saveHousehold(db, surveyedHousehold(), { now: NOW }));
    await db.records.update(h.record.id, { syncState: 'rejected' });
    await db.records.update(x.record.id, { syncState: 'conflict' });
    await db.outbox.where('recordId').anyOf(h.record.id, x.record.id).modify({ state: 'held' });

    expect((await listHeldRecords(db)).map((r) => [r.kind, r.syncState]).sort()).toEqual([
      ['assistance', 'conflict'],
      ['household', 'rejected'],
    ]);
  });

  it('reads by id only the kind asked for', async () => {
    const h = await saved(saveHousehold(db, surveyedHousehold(), { now: NOW }));
    const x = await saved(saveAssistance(db, assistance));
    expect((await getHousehold(db, h.record.id))?.record.id).toBe(h.record.id);
    expect(await getHousehold(db, x.record.id)).toBeUndefined();
    expect((await getAssistance(db, x.record.id))?.record.id).toBe(x.record.id);
    expect(await getAssistance(db, h.record.id)).toBeUndefined();
    expect(await getHousehold(db, 'no-such-id')).toBeUndefined();
  });
});
