// The survey date of a household (`data.surveyedAt`): the day of the visit that SURVEYED it.
// A "not home" or "refused" visit has its own date until a later visit surveys the household;
// that visit (the one turning the outcome into "surveyed") sets the date to its own day, and
// plain edits of a surveyed household keep it. Ages are computed on this date and the
// dashboard counts a household in the month (and up to the cut-off) of this date, so a
// revisit must not keep the failed visit's day.
//
// Two users of one rule:
// - the phone, when it saves a rev (`surveyedAtForSave`, app/storage/records-repo.ts);
// - the ward endpoint, which derives the date from its revision history
//   (`surveyDateAfter`, folded over the revs by the sync ingest and the migration
//   20261203T080000-survey-date-from-history), because app versions before this rule kept
//   the failed visit's day in the revs they sent.
import type { VisitOutcome } from '../schema/household-constants.js';
import { todayInVietnam } from './iso-week.js';

/** What the rule reads of a household's rev. */
export interface SurveyVisit {
  outcome: VisitOutcome;
  /** YYYY-MM-DD */
  surveyedAt: string;
}

/** Whether a rev with `outcome` following `previous` is the visit that surveys the household. */
export function isSurveyingVisit(previous: SurveyVisit | undefined, outcome: VisitOutcome): boolean {
  return outcome === 'surveyed' && previous !== undefined && previous.outcome !== 'surveyed';
}

/**
 * The phone's rule for the rev it is saving. `previous` is the stored rev it follows (none for
 * a new household); `visitDay` the local day of this save. A new household takes `visitDay`; a
 * visit that turns not_home / refused into surveyed takes `visitDay`; anything else (a plain
 * edit, a void, another failed visit) keeps the date it had.
 */
export function surveyedAtForSave(previous: SurveyVisit | undefined, outcome: VisitOutcome, visitDay: string): string {
  if (!previous || isSurveyingVisit(previous, outcome)) return visitDay;
  return previous.surveyedAt;
}

/** One stored rev as the server's history holds it. */
export interface RevisionVisit extends SurveyVisit {
  /** The rev's clientUpdatedAt (ISO date-time, UTC): when the phone saved it. */
  clientUpdatedAt: string;
}

/**
 * The server's rule: the survey date of a rev given the previous rev's outcome and DERIVED
 * date (undefined for the first rev stored). Mirrors `surveyedAtForSave`:
 * - the first rev stored, or a rev that is not surveyed: the date it carries;
 * - a plain edit of a surveyed household: the previous derived date (even if the rev carries
 *   another: an older app kept a failed visit's date, and keeps sending it on every edit);
 * - the surveying visit: the date it carries when the phone set a new one (this rule on the
 *   phone), else — it carries the failed visit's date unchanged, as older app versions did —
 *   the day it was saved, `clientUpdatedAt` as a date in Asia/Ho_Chi_Minh (every ward is in
 *   Vietnam, UTC+7), which is the day the phone's rule would have set.
 */
export function surveyDateAfter(previous: SurveyVisit | undefined, rev: RevisionVisit): string {
  if (!previous || rev.outcome !== 'surveyed') return rev.surveyedAt;
  if (previous.outcome === 'surveyed') return previous.surveyedAt;
  if (rev.surveyedAt !== previous.surveyedAt) return rev.surveyedAt;
  const saved = new Date(rev.clientUpdatedAt);
  return Number.isNaN(saved.getTime()) ? rev.surveyedAt : todayInVietnam(saved);
}

/** The derived survey date of a history (oldest rev first); undefined for an empty one. */
export function surveyDateOfHistory(revs: readonly RevisionVisit[]): string | undefined {
  let state: SurveyVisit | undefined;
  for (const rev of revs) state = { outcome: rev.outcome, surveyedAt: surveyDateAfter(state, rev) };
  return state?.surveyedAt;
}
