// Counts and reads over `records` that need no schema (zod). Home is part of the first load and
// the sync panel loads before any form, so what they read lives here rather than in
// records-repo.ts, whose saves validate and would pull the schema chunk in with them. What is
// waiting to be sent is counted in waiting.ts.
import type { AnyStoredRecord, GoCuaDb } from './db.js';

/** Households surveyed on `date` (YYYY-MM-DD) and not voided: Home's "today". */
export function countSurveyedOn(db: GoCuaDb, date: string): Promise<number> {
  return db.records
    .where('surveyedAt')
    .equals(date)
    .filter((r) => r.voided === 0 && r.outcome === 'surveyed')
    .count();
}

/** Households marked "not home" and not voided (the revisit list's length). */
export function countRevisitsDue(db: GoCuaDb): Promise<number> {
  return db.records
    .where('outcome')
    .equals('not_home')
    .filter((r) => r.voided === 0)
    .count();
}

/** Records of any kind the server did not take (rejected or conflict), for the volunteer to fix. */
export function listHeldRecords(db: GoCuaDb): Promise<AnyStoredRecord[]> {
  return db.records.where('syncState').anyOf('rejected', 'conflict').toArray();
}
