// The survey date of a household revisited after "not home" (issue 9): the dashboard counts
// it on the day of the visit that surveyed it — at sync (derived from the stored history, for
// revs from app versions that kept the failed visit's date), after a staff void, and for rows
// stored before the rule (migration 20261203T080000-survey-date-from-history). Stored bodies
// stay as the phone sent them. On SQLite, and PostgreSQL when DATABASE_URL is set.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { up as surveyDateMigration } from '../../src/server/db/migrations/20261203T080000-survey-date-from-history.js';
import { migrations } from '../../src/server/db/migrations/index.js';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';
import { get, household, member, send, signIn, syncAll } from '../helpers/dashboard.js';
import { WARD } from '../helpers/records.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** A rev of `id` saved at `savedAt` (clientUpdatedAt) carrying `surveyedAt`. */
function rev(id: string, n: number, outcome: 'surveyed' | 'not_home' | 'refused', surveyedAt: string, savedAt: string, houseNumber: string): HouseholdRecord {
  // Born 2008: 17 on a 2025 date, 18 (adult) on a 2026 one.
  const r = household({ id, rev: n, outcome, surveyedAt, houseNumber, members: [member(2008, { id: `${id.slice(0, 24)}00000000000${n}` }, 2026)] });
  return { ...r, clientUpdatedAt: savedAt };
}

const OLD_APP = '00000000-0000-4000-b000-000000000001'; // revisit carries the failed visit's date
const NEW_APP = '00000000-0000-4000-b000-000000000002'; // revisit carries its own date
const AT_ONCE = '00000000-0000-4000-b000-000000000003'; // surveyed at the first visit
const STILL_AWAY = '00000000-0000-4000-b000-000000000004'; // not home twice
const ONE_BATCH = '00000000-0000-4000-b000-000000000005'; // both visits synced together

const history = {
  [OLD_APP]: [
    rev(OLD_APP, 1, 'not_home', '2025-12-20', '2025-12-20T03:00:00.000Z', '1'),
    // Saved 2026-01-04 20:00 UTC = 2026-01-05 03:00 in Vietnam.
    rev(OLD_APP, 2, 'surveyed', '2025-12-20', '2026-01-04T20:00:00.000Z', '1'),
  ],
  [NEW_APP]: [rev(NEW_APP, 1, 'refused', '2025-12-21', '2025-12-21T03:00:00.000Z', '2'), rev(NEW_APP, 2, 'surveyed', '2026-01-06', '2026-01-06T02:00:00.000Z', '2')],
  [AT_ONCE]: [rev(AT_ONCE, 1, 'surveyed', '2025-12-22', '2025-12-22T03:00:00.000Z', '3')],
  [STILL_AWAY]: [rev(STILL_AWAY, 1, 'not_home', '2025-12-23', '2025-12-23T03:00:00.000Z', '4'), rev(STILL_AWAY, 2, 'not_home', '2025-12-23', '2026-01-07T03:00:00.000Z', '4')],
  [ONE_BATCH]: [rev(ONE_BATCH, 1, 'not_home', '2025-12-24', '2025-12-24T03:00:00.000Z', '5'), rev(ONE_BATCH, 2, 'surveyed', '2025-12-24', '2026-01-08T03:00:00.000Z', '5')],
};

const expected: Record<string, string> = {
  [OLD_APP]: '2026-01-05',
  [NEW_APP]: '2026-01-06',
  [AT_ONCE]: '2025-12-22',
  [STILL_AWAY]: '2025-12-23',
  [ONE_BATCH]: '2026-01-08',
};

describe.each(backends)('survey date of a revisited household on $name', (backend) => {
  let t: TestServer;
  let token: string;
  beforeEach(async () => {
    t = await startTestServer(backend);
    token = (await t.enrol(WARD)).token;
    // Each visit is its own sync, as a phone online at each visit sends it; ONE_BATCH's two revs together.
    await syncAll(t, token, [history[OLD_APP][0]!, history[NEW_APP][0]!, history[AT_ONCE][0]!, history[STILL_AWAY][0]!]);
    await syncAll(t, token, [history[OLD_APP][1]!, history[NEW_APP][1]!, history[STILL_AWAY][1]!, ...history[ONE_BATCH]]);
  }, 60_000);
  afterEach(async () => {
    await t?.close();
  });

  async function rows() {
    const households = await t.db.db.selectFrom('households').select(['record_id', 'surveyed_at']).execute();
    const members = await t.db.db.selectFrom('members').select(['record_id', 'surveyed_at', 'age']).execute();
    return {
      households: Object.fromEntries(households.map((h) => [h.record_id, h.surveyed_at])),
      members: Object.fromEntries(members.map((m) => [m.record_id, { surveyedAt: m.surveyed_at, age: Number(m.age) }])),
    };
  }

  it('sync: the visit that surveyed the household dates it; the stored body stays as sent', async () => {
    const r = await rows();
    expect(r.households).toEqual(expected);
    // Ages on the survey date: 18 in 2026, 17 in 2025.
    expect(r.members[OLD_APP]).toEqual({ surveyedAt: '2026-01-05', age: 18 });
    expect(r.members[ONE_BATCH]).toEqual({ surveyedAt: '2026-01-08', age: 18 });
    expect(r.members[AT_ONCE]).toEqual({ surveyedAt: '2025-12-22', age: 17 });
    const body = await t.db.db.selectFrom('record_revisions').select('body').where('record_id', '=', OLD_APP).where('rev', '=', 2).executeTakeFirstOrThrow();
    expect((JSON.parse(body.body) as HouseholdRecord).data.surveyedAt).toBe('2025-12-20');
  });

  it("the old app's later plain edit and a staff void keep the derived date", async () => {
    await syncAll(t, token, [{ ...rev(OLD_APP, 3, 'surveyed', '2025-12-20', '2026-02-01T03:00:00.000Z', '1'), data: { ...history[OLD_APP][1]!.data, note: 'sửa' } }]);
    expect((await rows()).households[OLD_APP]).toBe('2026-01-05');
    const staffer = await signIn(t, WARD);
    const res = await send(t, staffer.token, 'POST', `/api/v1/wards/${WARD}/households/${OLD_APP}/void`, { reason: 'Trùng hộ' });
    expect(res.statusCode).toBe(200);
    expect((await rows()).households[OLD_APP]).toBe('2026-01-05');
  });

  it('the dashboard counts a revisited household in the month it was surveyed', async () => {
    const staffer = await signIn(t, WARD);
    const to2025 = (await get(t, staffer.token, `/api/v1/wards/${WARD}/indicators?year=2025&asOf=2025-12-31`)).json() as { households: { surveyed: number; notHome: number; refused: number } };
    // Up to 31/12/2025 only AT_ONCE was surveyed; STILL_AWAY is a not-home visit of 2025.
    expect(to2025.households).toMatchObject({ surveyed: 1, notHome: 1, refused: 0 });
    const to2026 = (await get(t, staffer.token, `/api/v1/wards/${WARD}/indicators?year=2026&asOf=2026-01-31`)).json() as { households: { surveyed: number } };
    expect(to2026.households.surveyed).toBe(4);
  });

  it('migration: rows stored before the rule (the failed visit\'s date) are corrected from the history', async () => {
    expect(Object.keys(migrations)).toContain('20261203T080000-survey-date-from-history');
    // The rows as the ingest wrote them before this change: each latest body's own date.
    const stale: Record<string, string> = { [OLD_APP]: '2025-12-20', [ONE_BATCH]: '2025-12-24' };
    for (const [id, date] of Object.entries(stale)) {
      await t.db.db.updateTable('households').set({ surveyed_at: date }).where('record_id', '=', id).execute();
      await t.db.db.updateTable('members').set({ surveyed_at: date, age: 17 }).where('record_id', '=', id).execute();
    }
    expect((await rows()).households).toEqual({ ...expected, ...stale });

    await surveyDateMigration(t.db.db);
    const r = await rows();
    expect(r.households).toEqual(expected);
    expect(r.members[OLD_APP]).toEqual({ surveyedAt: '2026-01-05', age: 18 });
    expect(r.members[ONE_BATCH]).toEqual({ surveyedAt: '2026-01-08', age: 18 });
    expect(r.members[AT_ONCE]).toEqual({ surveyedAt: '2025-12-22', age: 17 });
    // Bodies untouched.
    const bodies = await t.db.db.selectFrom('record_revisions').select(['record_id', 'rev', 'body']).where('record_id', '=', OLD_APP).orderBy('rev').execute();
    expect(bodies.map((b) => (JSON.parse(b.body) as HouseholdRecord).data.surveyedAt)).toEqual(['2025-12-20', '2025-12-20']);
    // Running it again changes nothing.
    await surveyDateMigration(t.db.db);
    expect((await rows()).households).toEqual(expected);
  });
});
