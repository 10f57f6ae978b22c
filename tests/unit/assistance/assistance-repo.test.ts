// The phone's assistance storage: record + outbox in one transaction, the campaign remembered,
// practice mode on new records (assistances and households), household lists that ignore
// assistance rows, and the one sync engine sending them with the households.
import { afterEach, describe, expect, it } from 'vitest';
import type { GoCuaDb } from '../../../src/app/storage/db.js';
import {
  getCampaignMemory,
  listAssistances,
  saveAssistance,
  type AssistanceDraft,
} from '../../../src/app/storage/assistance-repo.js';
import { setPracticeMode } from '../../../src/app/storage/meta.js';
import { listHouseholds, listRevisits, listSummaries, saveHousehold } from '../../../src/app/storage/records-repo.js';
import { createSyncEngine } from '../../../src/app/sync/sync-engine.js';
import { FakeWard, ManualClock, freshDb } from '../../helpers/sync-fixtures.js';
import { surveyedHousehold } from '../storage/household-fixture.js';

const dbs: GoCuaDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

async function db(): Promise<GoCuaDb> {
  const d = await freshDb(true);
  dbs.push(d);
  return d;
}

function draft(over: Partial<AssistanceDraft> = {}): AssistanceDraft {
  return {
    wardCode: '10546',
    helpedAt: '2026-11-22T02:00:00.000Z',
    person: { birthYear: 1955 },
    kinds: ['install_vneid'],
    outcome: 'done',
    campaign: 'Đợt ra quân 22/11',
    place: 'Nhà văn hóa',
    ...over,
  };
}

describe('assistance repo', () => {
  it('saves the record and its outbox entry together; a next attempt is a new rev', async () => {
    const d = await db();
    const first = await saveAssistance(d, draft({ outcome: 'needs_follow_up', reason: 'forgotten_password' }));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.record).toMatchObject({ kind: 'assistance', rev: 1, schemaVersion: 2 });
    expect(await d.outbox.where('recordId').equals(first.record.id).toArray()).toEqual([expect.objectContaining({ rev: 1, state: 'queued' })]);
    const again = await saveAssistance(d, draft(), { existingId: first.record.id });
    expect(again.ok && again.record.rev).toBe(2);
    expect(await d.outbox.count()).toBe(2);
    expect((await listAssistances(d)).map((r) => r.record.rev)).toEqual([2]);
  });

  it('refuses bad data with codes and writes nothing', async () => {
    const d = await db();
    const bad = await saveAssistance(d, draft({ kinds: [], outcome: 'not_done', reasonNote: 'OTP 123456' }));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.map((e) => `${e.path}:${e.code}`)).toEqual(expect.arrayContaining(['kinds:kinds_required', 'reason:reason_required', 'reasonNote:secret_like_text']));
    expect(await d.records.count()).toBe(0);
    expect(await d.outbox.count()).toBe(0);
  });

  it('remembers the campaign and place, recent campaigns newest first', async () => {
    const d = await db();
    await saveAssistance(d, draft({ campaign: 'A' }));
    await saveAssistance(d, draft({ campaign: 'B', place: 'Chợ' }));
    await saveAssistance(d, draft({ campaign: 'A', place: 'Chợ' }));
    expect(await getCampaignMemory(d)).toEqual({ campaign: 'A', place: 'Chợ', recent: ['A', 'B'] });
  });

  it('household lists, summaries and revisits ignore assistance rows', async () => {
    const d = await db();
    const h = await saveHousehold(d, surveyedHousehold());
    expect(h.ok).toBe(true);
    await saveAssistance(d, draft());
    expect((await listHouseholds(d, { includeVoided: true })).map((r) => r.kind)).toEqual(['household']);
    expect(await listSummaries(d)).toHaveLength(1);
    expect(await d.summaries.count()).toBe(1);
    expect(await listRevisits(d)).toEqual([]);
  });

  it('practice mode marks new assistances and households; edits keep what the first save said', async () => {
    const d = await db();
    await setPracticeMode(d, true);
    const a = await saveAssistance(d, draft());
    const h = await saveHousehold(d, surveyedHousehold());
    expect(a.ok && a.record.data.practice).toBe(true);
    expect(h.ok && h.record.data.practice).toBe(true);
    await setPracticeMode(d, false);
    const a2 = await saveAssistance(d, draft());
    expect(a2.ok && a2.record.data.practice).toBeUndefined();
    if (!h.ok) return;
    const edit = await saveHousehold(d, { ...h.record.data, note: 'sửa' }, { existingId: h.record.id });
    expect(edit.ok && edit.record.data.practice).toBe(true);
  });

  it('the sync engine sends assistances with households and settles them', async () => {
    const d = await db();
    await saveHousehold(d, surveyedHousehold());
    const a = await saveAssistance(d, draft());
    const ward = new FakeWard();
    const engine = createSyncEngine({ db: d, baseUrl: 'http://ward.test', fetch: ward.fetch, clock: new ManualClock(), random: () => 0.5, locks: null, events: null, isOnline: () => true });
    try {
      await engine.syncNow();
    } finally {
      await engine.stop();
    }
    const sent = ward.requests.flatMap((r) => r.body.records.map((x) => x.kind));
    expect(sent.sort()).toEqual(['assistance', 'household']);
    expect(await d.outbox.count()).toBe(0);
    if (!a.ok) return;
    expect((await d.assistanceRecords.get(a.record.id))?.syncState).toBe('synced');
  });
});
