// Survey dates from the revision history (issue 9). App versions before the rule in
// src/shared/domain/survey-date.ts kept a "not home" / "refused" visit's date when a revisit
// surveyed the household, so the flattened rows of such households (`households.surveyed_at`,
// `members.surveyed_at` and `members.age`) counted them in a month when nobody answered. For
// every household whose latest rev is surveyed and which has earlier revs, the date is derived
// again from its stored revs (oldest first) with the same rule the sync ingest now applies, and
// the rows are corrected where it differs.
//
// The stored revision bodies are NOT rewritten: they are what the phones sent (the history, and
// what a retry's duplicate check compares with). The derived rows are the dashboard's reading
// of that history; see db/README.md. Added, never edited (see migrations/index.ts). It uses
// the shared rule rather than a frozen copy, so a database migrated later gets the same dates
// the ingest gives.
import { sql, type Kysely } from 'kysely';
import { surveyDateOfHistory, type RevisionVisit } from '../../../shared/domain/survey-date.js';
import { VISIT_OUTCOMES, type VisitOutcome } from '../../../shared/schema/household-constants.js';

const CHUNK = 200;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The rule's input from a stored body; null when the body does not read as a household rev. */
function visitOf(body: string): RevisionVisit | null {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return null;
  }
  const rec = raw as { clientUpdatedAt?: unknown; data?: { outcome?: unknown; surveyedAt?: unknown } } | null;
  const outcome = rec?.data?.outcome;
  const surveyedAt = rec?.data?.surveyedAt;
  const clientUpdatedAt = rec?.clientUpdatedAt;
  if (typeof outcome !== 'string' || !(VISIT_OUTCOMES as readonly string[]).includes(outcome)) return null;
  if (typeof surveyedAt !== 'string' || !DATE.test(surveyedAt) || typeof clientUpdatedAt !== 'string') return null;
  return { outcome: outcome as VisitOutcome, surveyedAt, clientUpdatedAt };
}

// The migration sees the tables as they are at this point, not through the app's current types.
 
export async function up(db: Kysely<any>): Promise<void> {
  // Only households surveyed now and stored with more than one rev can have a failed visit first.
  const candidates: { record_id: string; rev: number | string; surveyed_at: string }[] = await db
    .selectFrom('households as h')
    .select(['h.record_id', 'h.rev', 'h.surveyed_at'])
    .where('h.outcome', '=', 'surveyed')
    .where((eb) => eb.exists(eb.selectFrom('record_revisions as r').select('r.rev').whereRef('r.record_id', '=', 'h.record_id').whereRef('r.rev', '<', 'h.rev')))
    .orderBy('h.record_id')
    .execute();
  for (let i = 0; i < candidates.length; i += CHUNK) {
    const part = candidates.slice(i, i + CHUNK);
    const revs: { record_id: string; rev: number | string; body: string }[] = await db
      .selectFrom('record_revisions')
      .select(['record_id', 'rev', 'body'])
      .where('record_id', 'in', part.map((c) => c.record_id))
      .orderBy('record_id')
      .orderBy('rev')
      .execute();
    const history = new Map<string, (RevisionVisit | null)[]>();
    const latestRev = new Map(part.map((c) => [c.record_id, Number(c.rev)]));
    for (const r of revs) {
      // Revs above the flattened one are not its history (none should exist: a sync writes both).
      if (Number(r.rev) > latestRev.get(r.record_id)!) continue;
      const list = history.get(r.record_id) ?? [];
      list.push(visitOf(r.body));
      history.set(r.record_id, list);
    }
    for (const c of part) {
      const list = history.get(c.record_id) ?? [];
      // A body that does not read as a household rev: leave the household as it is.
      if (list.length === 0 || list.some((v) => v === null)) continue;
      const date = surveyDateOfHistory(list as RevisionVisit[]);
      if (date === undefined || date === c.surveyed_at) continue;
      await db.updateTable('households').set({ surveyed_at: date }).where('record_id', '=', c.record_id).execute();
      // Ages are whole years on the survey date (domain/age.ts: survey year − birth year).
      await db
        .updateTable('members')
        .set({ surveyed_at: date, age: sql`${Number(date.slice(0, 4))} - birth_year` })
        .where('record_id', '=', c.record_id)
        .execute();
    }
  }
}

export async function down(): Promise<void> {
  throw new Error('Not reversible.');
}
