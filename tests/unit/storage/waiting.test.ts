// One definition of "waiting" (storage/waiting.ts): distinct records with a queued rev, by kind;
// held records apart; Home, the sync status, the list and the engine all count through it.
import { afterEach, describe, expect, it } from 'vitest';
import { saveAssistance } from '../../../src/app/storage/assistance-repo.js';
import type { GoCuaDb } from '../../../src/app/storage/db.js';
import { outboxStates, saveHousehold } from '../../../src/app/storage/records-repo.js';
import { countWaiting, outboxRecordStates, readWaiting } from '../../../src/app/storage/waiting.js';
import { freshDb } from '../../helpers/sync-fixtures.js';
import { surveyedHousehold } from './household-fixture.js';

const dbs: GoCuaDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

const q = (recordId: string) => ({ recordId, state: 'queued' as const });
const h = (recordId: string) => ({ recordId, state: 'held' as const });

describe('waiting (pure)', () => {
  it('counts distinct records, by kind: an edited household waits once', () => {
    const kinds: Record<string, 'household' | 'assistance'> = { h1: 'household', h2: 'household', a1: 'assistance', a2: 'assistance', a3: 'assistance' };
    const counts = countWaiting([q('h1'), q('h1'), q('h2'), q('a1'), q('a2'), q('a3')], (id) => kinds[id]);
    expect(counts).toEqual({ total: 5, byKind: { household: 2, assistance: 3 }, held: 0, heldByKind: {} });
  });

  it('a queued rev wins over a held one; held alone is held; unknown records are not counted', () => {
    expect([...outboxRecordStates([h('x'), q('x'), h('y'), q('z')])]).toEqual([
      ['x', 'waiting'],
      ['y', 'held'],
      ['z', 'waiting'],
    ]);
    const counts = countWaiting([h('x'), q('x'), h('y'), q('gone')], (id) => (id === 'gone' ? undefined : 'assistance'));
    expect(counts).toEqual({ total: 1, byKind: { assistance: 1 }, held: 1, heldByKind: { assistance: 1 } });
  });
});

describe('waiting (read from the phone database)', () => {
  it('names households and helps apart, and the list agrees', async () => {
    const db = await freshDb(true);
    dbs.push(db);
    const hh = await saveHousehold(db, surveyedHousehold());
    if (!hh.ok) throw new Error('save failed');
    await saveHousehold(db, surveyedHousehold(), { existingId: hh.record.id }); // an edit: still one household
    for (const year of [1950, 1960, 1970]) {
      const r = await saveAssistance(db, { wardCode: '10546', helpedAt: '2026-11-22T02:00:00.000Z', person: { birthYear: year }, kinds: ['install_vneid'], outcome: 'done' });
      expect(r.ok).toBe(true);
    }
    expect(await db.outbox.count()).toBe(5);
    expect(await readWaiting(db)).toEqual({ total: 4, byKind: { household: 1, assistance: 3 }, held: 0, heldByKind: {} });
    expect((await outboxStates(db)).get(hh.record.id)).toBe('pending');
  });
});
