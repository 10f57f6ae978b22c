// Counts and reads over `records` that need no schema (zod). Home is part of the first load and
// the sync panel loads before any form, so what they read lives here rather than in
// records-repo.ts, whose saves validate and would pull the schema chunk in with them. What is
// waiting to be sent is counted in waiting.ts.
import type { AnyStoredRecord, GoCuaDb, StoredRecord } from './db.js';
import type { WaitingCounts } from './waiting.js';

/** Home's counts (features/home/home-counts.ts reads them through Dexie, first-reads-raw.ts without). */
export interface HomeCounts {
  today: number;
  /** Records waiting to be sent: the one definition (storage/waiting.ts), as the sync status counts. */
  waiting: WaitingCounts;
  drafts: number;
  revisits: number;
}

/** Of the rows whose `surveyedAt` is the day, those Home counts as surveyed that day (also read without Dexie: first-reads-raw.ts). */
export const surveyedThatDay = (r: Pick<StoredRecord, 'voided' | 'outcome'>): boolean => r.voided === 0 && r.outcome === 'surveyed';
/** Of the rows whose `outcome` is 'not_home', those still due for a revisit. */
export const revisitDue = (r: Pick<StoredRecord, 'voided'>): boolean => r.voided === 0;

/** Households surveyed on `date` (YYYY-MM-DD) and not voided: Home's "today". */
export function countSurveyedOn(db: GoCuaDb, date: string): Promise<number> {
  return db.records.where('surveyedAt').equals(date).filter(surveyedThatDay).count();
}

/** Households marked "not home" and not voided (the revisit list's length). */
export function countRevisitsDue(db: GoCuaDb): Promise<number> {
  return db.records.where('outcome').equals('not_home').filter(revisitDue).count();
}

/** Records of any kind the server did not take (rejected or conflict), for the volunteer to fix. */
export function listHeldRecords(db: GoCuaDb): Promise<AnyStoredRecord[]> {
  return db.records.where('syncState').anyOf('rejected', 'conflict').toArray();
}
