// The ONE definition of "waiting to be sent", used by Home, the sync status, the list and the
// sync engine's counts:
// - a record is WAITING when it has at least one `queued` outbox entry (however many revs: an
//   edited household is one household waiting, not two);
// - a record is HELD when its entries are all `held` (the server refused it; the volunteer fixes it);
// - a record with no entry is sent.
// Counts are of distinct records, by record kind, so the words can name each kind
// ("2 hộ, 3 lượt hỗ trợ") instead of calling everything a household.
import type { GoCuaDb, OutboxEntry } from './db.js';

export type OutboxRecordState = 'waiting' | 'held';
/** The kinds kept in `records` (households and assistances); others would be counted by their name. */
export type WaitingKind = 'household' | 'assistance';

export interface WaitingCounts {
  /** Distinct records waiting. */
  total: number;
  /** Distinct records waiting, by kind (only kinds with at least one). */
  byKind: Partial<Record<WaitingKind, number>>;
  /** Distinct records held for the volunteer. */
  held: number;
  heldByKind: Partial<Record<WaitingKind, number>>;
}

/** Each record's state from its outbox entries (pure). */
export function outboxRecordStates(entries: readonly Pick<OutboxEntry, 'recordId' | 'state'>[]): Map<string, OutboxRecordState> {
  const states = new Map<string, OutboxRecordState>();
  for (const e of entries) {
    if (e.state === 'queued') states.set(e.recordId, 'waiting');
    else if (!states.has(e.recordId)) states.set(e.recordId, 'held');
  }
  return states;
}

/**
 * Distinct records waiting and held, by kind (pure). `kindOf` names a record's kind; a record it
 * does not know (its row is gone: the engine drops such entries) is not counted.
 */
export function countWaiting(
  entries: readonly Pick<OutboxEntry, 'recordId' | 'state'>[],
  kindOf: (recordId: string) => WaitingKind | undefined,
): WaitingCounts {
  const counts: WaitingCounts = { total: 0, byKind: {}, held: 0, heldByKind: {} };
  for (const [id, state] of outboxRecordStates(entries)) {
    const kind = kindOf(id);
    if (!kind) continue;
    if (state === 'waiting') {
      counts.total++;
      counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    } else {
      counts.held++;
      counts.heldByKind[kind] = (counts.heldByKind[kind] ?? 0) + 1;
    }
  }
  return counts;
}

/** A `records` row's kind as counted here (also read without Dexie: first-reads-raw.ts). */
export function kindOfRecordRow(row: unknown): WaitingKind {
  return (row as { kind?: unknown }).kind === 'assistance' ? 'assistance' : 'household';
}

/**
 * Reads the outbox and counts. Households are known from their small `summaries` rows; the rest
 * (assistances, a few hundred bytes each) from `records`, so no household's members are read.
 */
export async function readWaiting(db: GoCuaDb): Promise<WaitingCounts> {
  return db.transaction('r', db.outbox, db.summaries, db.records, async () => {
    const entries = await db.outbox.toArray();
    const ids = [...new Set(entries.map((e) => e.recordId))];
    const kinds = new Map<string, WaitingKind>();
    const summaries = await db.summaries.bulkGet(ids);
    const rest: string[] = [];
    ids.forEach((id, i) => (summaries[i] ? kinds.set(id, 'household') : rest.push(id)));
    if (rest.length > 0) {
      const rows = await db.records.bulkGet(rest);
      rows.forEach((row, i) => {
        if (row) kinds.set(rest[i]!, kindOfRecordRow(row));
      });
    }
    return countWaiting(entries, (id) => kinds.get(id));
  });
}
