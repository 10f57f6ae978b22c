// Which synced records leave a volunteer's phone after the ward's phoneRetentionDays (issue 12,
// point 2). Pure: the phone's storage (src/app/storage/phone-retention.ts) reads the rows and
// deletes what this picks.
//
// A record leaves when ALL hold:
// - the server has it (syncState 'synced') and nothing of it waits or is held in the outbox, and
//   no draft edits it (`pinned`);
// - it was last saved, surveyed or helped more than `days` days ago (the latest of those);
// - its content is readable here (a row whose personal part is locked away is never judged);
// - the follow-up list does not need it (shared/domain/follow-up.ts, the list the volunteer's
//   follow-up screen shows): an open revisit, a member who asked for help, an unfinished
//   assistance — and the household such an assistance is linked to (its address labels the
//   item). A done assistance linked to a household that stays stays too: it is what closes
//   that household's members' help requests, and without it they would come back on the list.
import type { AssistanceRecord } from '../schema/assistance.js';
import type { HouseholdRecord } from '../schema/household.js';
import type { TeachingCard } from '../schema/teaching-card.js';
import { buildFollowUpList } from './follow-up.js';

export type RetentionRow =
  | { id: string; kind: 'household'; record: HouseholdRecord | undefined; synced: boolean; touchedAt: readonly (string | undefined)[] }
  | { id: string; kind: 'assistance'; record: AssistanceRecord | undefined; synced: boolean; touchedAt: readonly (string | undefined)[] };

export interface RetentionInput {
  rows: readonly RetentionRow[];
  /** Record ids with an outbox entry or a draft: never removed. */
  pinned: ReadonlySet<string>;
  days: number;
  now: Date | number;
  cards?: readonly TeachingCard[];
}

export interface RetentionSelection {
  /** Ids to remove from the phone. */
  remove: string[];
  /** Old enough and synced, kept because the follow-up list needs them. */
  keptForFollowUp: number;
}

const DAY_MS = 86_400_000;

function latestMs(times: readonly (string | undefined)[]): number {
  let latest = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    const ms = t === undefined ? Number.NaN : Date.parse(t);
    if (!Number.isNaN(ms) && ms > latest) latest = ms;
  }
  return latest;
}

export function selectForRetention({ rows, pinned, days, now, cards }: RetentionInput): RetentionSelection {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const cutoff = nowMs - days * DAY_MS;
  const expired = new Set<string>();
  for (const row of rows) {
    if (!row.synced || pinned.has(row.id) || row.record?.data === undefined) continue;
    const touched = latestMs(row.touchedAt);
    // No readable time: kept (never removed on a guess).
    if (touched === Number.NEGATIVE_INFINITY || touched >= cutoff) continue;
    expired.add(row.id);
  }
  if (expired.size === 0) return { remove: [], keptForFollowUp: 0 };

  const households: HouseholdRecord[] = [];
  const assistances: AssistanceRecord[] = [];
  for (const row of rows) {
    if (row.record?.data === undefined) continue;
    if (row.kind === 'household') households.push(row.record);
    else assistances.push(row.record);
  }
  const needed = new Set<string>();
  const assistanceById = new Map(assistances.map((a) => [a.id, a]));
  for (const group of buildFollowUpList({ households, assistances, now: nowMs, cards: cards ?? [] }).groups) {
    for (const item of group.items) {
      needed.add(item.recordId);
      if (item.kind === 'assistance') {
        const linked = assistanceById.get(item.recordId)?.data.household?.householdId;
        if (linked) needed.add(linked);
      }
    }
  }
  let keptForFollowUp = 0;
  for (const id of needed) if (expired.delete(id)) keptForFollowUp++;
  // Done assistances closing the help requests of a household that stays, stay.
  const householdIds = new Set(households.map((h) => h.id));
  for (const a of assistances) {
    const linked = a.data.household?.householdId;
    if (linked && expired.has(a.id) && !expired.has(linked) && householdIds.has(linked)) {
      expired.delete(a.id);
      keptForFollowUp++;
    }
  }
  return { remove: [...expired], keptForFollowUp };
}
