// Home's counts, kept free of React so that boot.ts can start reading them as the database loads
// (a warm start on Home, issue 13: ui/early-reads.ts), and the first render has them. Home's live
// query takes over from this first answer.
import type { GoCuaDb } from '../../storage/db.js';
import { countDrafts } from '../../storage/drafts-repo.js';
import { countRevisitsDue, countSurveyedOn, type HomeCounts } from '../../storage/record-queries.js';
import { readWaiting } from '../../storage/waiting.js';
import { localDate } from '../../ui/dates.js';
import { preloadRead } from '../../ui/early-reads.js';

export type Counts = HomeCounts;

export async function loadCounts(db: GoCuaDb): Promise<Counts> {
  const [todayCount, waiting, drafts, revisits] = await Promise.all([
    countSurveyedOn(db, localDate()),
    readWaiting(db),
    countDrafts(db),
    countRevisitsDue(db),
  ]);
  return { today: todayCount, waiting, drafts, revisits };
}

/** A blank phone's counts (storage/app-store.ts), before its database is loaded. */
export const NOTHING_YET: Counts = { today: 0, waiting: { total: 0, byKind: {}, held: 0, heldByKind: {} }, drafts: 0, revisits: 0 };

/** Starts reading the counts as soon as the database is loaded (boot.ts, when the app opens on Home). */
export function preloadHomeCounts(stored?: Promise<{ value: Counts } | undefined>): void {
  preloadRead(loadCounts, stored);
}
