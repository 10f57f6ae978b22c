// GET /api/v1/wards/{code}/indicators on small hand-computed fixtures synced through the real
// endpoint: every indicator, "không rõ", an edit (only the latest rev counts), refused and
// not-home visits, voided and practice households, group / asOf / year filters, breakdowns,
// the weekly trend, and the access rules. On SQLite, and PostgreSQL when DATABASE_URL is set.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInVietnam } from '../../src/shared/domain/iso-week.js';
import type { WardConfig } from '../../src/shared/schema/ward-config.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { FIXTURE_WARDS_DIR, OTHER_WARD, WARD } from '../helpers/records.js';
import { get, household, member, signIn, syncAll } from '../helpers/dashboard.js';

const ward = JSON.parse(readFileSync(`${FIXTURE_WARDS_DIR}/${WARD}.json`, 'utf8')) as WardConfig;
const onRegister = ward.groups.reduce((s, g) => s + g.householdsOnRegister, 0);
const tdp02 = ward.groups.find((g) => g.code === 'TDP02')!.householdsOnRegister;

type Ind = { code: string; numerator: number; denominator: number; unknown: number; value: number | null; target: number | null; reached: boolean | null; proxy: boolean };
const byCode = (list: Ind[]) => Object.fromEntries(list.map((i) => [i.code, i])) as Record<string, Ind>;
const nd = (i: Ind | undefined) => (i ? [i.numerator, i.denominator, i.unknown] : undefined);

// Ward 10546: adultAge 18, vneidMinAge 18; targets 2026: vneid 0.85, digital_services 0.82.
const H1 = household({
  groupCode: 'TDP01',
  surveyedAt: '2026-11-02',
  fibre: 'yes',
  members: [
    // 46, male: every answer known; all five skills proficient.
    member(1980, { sex: 'male', vneid: 'level2', ehr: 'yes', digitalServices12m: { health: 'yes', education: 'no', insurance: 'no', transport: 'no' }, digitalSignature: 'no', bankAccount: 'yes', cashless30d: 'yes', onlinePublicService12m: 'yes', ownsSmartphone: 'yes' }),
    // 11, female: no adult questions; EHR "không rõ".
    member(2015, { sex: 'female', vneid: 'none', ehr: 'unknown' }),
  ],
});
const H2id = '00000000-0000-4000-a000-000000000002';
const H2rev1 = household({ id: H2id, groupCode: 'TDP01', surveyedAt: '2026-11-03', members: [member(1990, { vneid: 'none' })] });
const H2rev2 = household({
  id: H2id,
  rev: 2,
  groupCode: 'TDP01',
  surveyedAt: '2026-11-03',
  fibre: 'unknown',
  members: [
    // 36, female: many "không rõ".
    member(1990, {
      sex: 'female',
      vneid: 'level1',
      ehr: 'no',
      digitalServices12m: { health: 'unknown', education: 'no', insurance: 'no', transport: 'no' },
      digitalSignature: 'unknown',
      bankAccount: 'unknown',
      cashless30d: 'no',
      onlinePublicService12m: 'no',
      ownsSmartphone: 'unknown',
      skills: { publicServices: 'proficient', shopping: 'proficient', payments: 'proficient', safety: 'proficient', localPlatforms: 'unknown' },
    }),
    // 16, male: counts for bank_account_15 and EHR, not for adult or VNeID (vneidMinAge 18).
    member(2010, { sex: 'male', vneid: 'level2', ehr: 'yes', bankAccount: 'yes', ownsSmartphone: 'yes', skills: { publicServices: 'needs_help', shopping: 'none', payments: 'proficient', safety: 'unknown', localPlatforms: 'proficient' } }),
  ],
});
const refused = household({ groupCode: 'TDP02', surveyedAt: '2026-11-10', outcome: 'refused' });
const notHome = household({ groupCode: 'TDP02', surveyedAt: '2026-11-10', outcome: 'not_home' });
const voidedId = '00000000-0000-4000-a000-000000000005';
const voidedRev1 = household({ id: voidedId, groupCode: 'TDP02', surveyedAt: '2026-11-11', members: [member(1970), member(1972)] });
const voidedRev2 = { ...voidedRev1, rev: 2, data: { ...voidedRev1.data, voided: true, voidReason: 'Trùng hộ' } };
const practice = household({ groupCode: 'TDP02', surveyedAt: '2026-11-11', practice: true, members: [member(1960)] });

describe.each(backends)('dashboard indicators on $name', (backend) => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer(backend);
    const device = await t.enrol(WARD);
    await syncAll(t, device.token, [H1, H2rev1, refused, notHome, voidedRev1, practice]);
    await syncAll(t, device.token, [H2rev2, voidedRev2]);
    token = (await signIn(t, WARD)).token;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('counts every indicator as hand-computed (latest rev only; không rõ apart; refused, voided, practice)', async () => {
    const res = await get(t, token, `/api/v1/wards/${WARD}/indicators?year=2026`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { wardCode: string; asOf: string | null; households: unknown; indicators: Ind[]; breakdown?: unknown };
    // The fixed shape of issue 4, plus the cut-off used (issue 9): none while 2026 is the
    // current year, its 31/12 once it is past.
    expect(Object.keys(body).sort()).toEqual(['asOf', 'households', 'indicators', 'wardCode']);
    expect(body.wardCode).toBe(WARD);
    expect(body.asOf).toBe(todayInVietnam() > '2026-12-31' ? '2026-12-31' : null);
    expect(body.households).toEqual({ surveyed: 2, notHome: 1, refused: 1, onRegister });
    const i = byCode(body.indicators);
    expect(body.indicators.map((x) => x.code)).toEqual([
      'vneid', 'vneid_level2', 'digital_signature', 'bank_account_15', 'cashless_30d', 'ehr', 'digital_services',
      'online_public_service', 'smartphone_adult', 'household_basic_skills', 'household_fibre', 'coverage',
    ]);
    expect(nd(i.vneid)).toEqual([2, 2, 0]);
    expect(nd(i.vneid_level2)).toEqual([1, 2, 0]);
    expect(nd(i.digital_signature)).toEqual([0, 1, 1]);
    expect(nd(i.bank_account_15)).toEqual([2, 2, 1]);
    expect(nd(i.cashless_30d)).toEqual([1, 2, 0]);
    expect(nd(i.ehr)).toEqual([2, 3, 1]);
    expect(nd(i.digital_services)).toEqual([1, 1, 1]);
    expect(nd(i.online_public_service)).toEqual([1, 2, 0]);
    expect(nd(i.smartphone_adult)).toEqual([1, 1, 1]);
    expect(nd(i.household_basic_skills)).toEqual([1, 1, 1]);
    expect(nd(i.household_fibre)).toEqual([1, 1, 1]);
    expect(nd(i.coverage)).toEqual([2, onRegister, 0]);
    expect(i.vneid).toEqual({ code: 'vneid', numerator: 2, denominator: 2, unknown: 0, value: 1, target: 0.85, reached: true, proxy: false });
    expect(i.vneid_level2).toMatchObject({ value: 0.5, target: null, reached: null });
    expect(i.digital_services).toMatchObject({ value: 1, target: 0.82, reached: true });
    expect(i.cashless_30d!.proxy).toBe(true);
    expect(i.online_public_service!.proxy).toBe(true);
    expect(i.coverage!.value).toBeCloseTo(2 / onRegister, 12);
  });

  it('filters by tổ dân phố: refused and not-home visits count as visits, not in coverage', async () => {
    const body = (await get(t, token, `/api/v1/wards/${WARD}/indicators?group=TDP02`)).json() as { households: unknown; indicators: Ind[] };
    expect(body.households).toEqual({ surveyed: 0, notHome: 1, refused: 1, onRegister: tdp02 });
    const i = byCode(body.indicators);
    expect(nd(i.coverage)).toEqual([0, tdp02, 0]);
    expect(i.coverage!.value).toBe(0);
    expect(i.vneid).toMatchObject({ numerator: 0, denominator: 0, value: null, reached: null });
  });

  it('asOf counts households surveyed up to that date; year picks the targets', async () => {
    const body = (await get(t, token, `/api/v1/wards/${WARD}/indicators?asOf=2026-11-02&year=2025`)).json() as { households: unknown; indicators: Ind[] };
    expect(body.households).toEqual({ surveyed: 1, notHome: 0, refused: 0, onRegister });
    const i = byCode(body.indicators);
    expect(nd(i.ehr)).toEqual([1, 1, 1]);
    expect(i.vneid).toMatchObject({ value: 1, target: null, reached: null });
    // Without a year the cut-off's year is used.
    const b2 = (await get(t, token, `/api/v1/wards/${WARD}/indicators?asOf=2026-11-30`)).json() as { indicators: Ind[] };
    expect(byCode(b2.indicators).vneid!.target).toBe(0.85);
  });

  it('breaks down by group, age band and sex', async () => {
    const g = (await get(t, token, `/api/v1/wards/${WARD}/indicators?by=group`)).json() as { breakdown: { key: string; households: unknown; indicators: Ind[] }[] };
    expect(g.breakdown.map((b) => b.key)).toEqual(ward.groups.map((x) => x.code).sort());
    const t1 = g.breakdown.find((b) => b.key === 'TDP01')!;
    expect(t1.households).toEqual({ surveyed: 2, notHome: 0, refused: 0, onRegister: 140 });
    expect(nd(byCode(t1.indicators).ehr)).toEqual([2, 3, 1]);
    expect(byCode(g.breakdown.find((b) => b.key === 'TDP02')!.indicators).coverage!.numerator).toBe(0);

    const a = (await get(t, token, `/api/v1/wards/${WARD}/indicators?by=ageBand`)).json() as { breakdown: { key: string; households?: unknown; indicators: Ind[] }[] };
    expect(a.breakdown.map((b) => b.key)).toEqual(['0-13', '14-17', '18-39', '40-59', '60+']);
    const band = (k: string) => byCode(a.breakdown.find((b) => b.key === k)!.indicators);
    expect(nd(band('0-13').ehr)).toEqual([0, 0, 1]);
    expect(nd(band('14-17').bank_account_15)).toEqual([1, 1, 0]);
    expect(nd(band('14-17').vneid)).toEqual([0, 0, 0]);
    expect(nd(band('18-39').vneid)).toEqual([1, 1, 0]);
    expect(nd(band('40-59').vneid_level2)).toEqual([1, 1, 0]);
    expect(band('60+').ehr!.denominator).toBe(0);
    expect(a.breakdown[0]!.households).toBeUndefined();
    expect(band('18-39').household_fibre).toBeUndefined(); // per-person splits carry member indicators only

    const s = (await get(t, token, `/api/v1/wards/${WARD}/indicators?by=sex`)).json() as { breakdown: { key: string; indicators: Ind[] }[] };
    expect(s.breakdown.map((b) => b.key)).toEqual(['male', 'female', 'unknown']);
    const sx = (k: string) => byCode(s.breakdown.find((b) => b.key === k)!.indicators);
    expect(nd(sx('male').ehr)).toEqual([2, 2, 0]);
    expect(nd(sx('female').ehr)).toEqual([0, 1, 1]);
  });

  it('weekly trend: cumulative at the end of each ISO week', async () => {
    const res = await get(t, token, `/api/v1/wards/${WARD}/indicators/weekly`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { weeks: { week: string; start: string; newHouseholds: { surveyed: number }; households: { surveyed: number; refused: number }; indicators: Ind[] }[] };
    expect(body.weeks.map((w) => w.week)).toEqual(['2026-W45', '2026-W46']);
    expect(body.weeks[0]!.start).toBe('2026-11-02');
    expect(body.weeks[0]!.households.surveyed).toBe(2);
    expect(nd(byCode(body.weeks[0]!.indicators).ehr)).toEqual([2, 3, 1]);
    expect(body.weeks[1]!.newHouseholds.surveyed).toBe(0);
    expect(body.weeks[1]!.households).toMatchObject({ surveyed: 2, refused: 1 });
  });

  it('answers 400 with a translated message for bad parameters', async () => {
    const bad = await get(t, token, `/api/v1/wards/${WARD}/indicators?asOf=2026-02-30`, { 'accept-language': 'en' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: { code: 'bad_request', message: 'The cut-off date is not valid (YYYY-MM-DD, e.g. 2026-11-30).' } });
    expect((await get(t, token, `/api/v1/wards/${WARD}/indicators?group=NOPE`)).json().error.message).toContain('Tổ dân phố');
    expect((await get(t, token, `/api/v1/wards/${WARD}/indicators?by=street`)).statusCode).toBe(400);
    expect((await get(t, token, `/api/v1/wards/${WARD}/indicators?year=26`)).statusCode).toBe(400);
  });

  it('ward staff of this ward only: no token 401, device token 403, other ward 403', async () => {
    const none = await get(t, null, `/api/v1/wards/${WARD}/indicators`);
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const device = await t.enrol(WARD);
    const dev = await get(t, device.token, `/api/v1/wards/${WARD}/indicators`);
    expect(dev.statusCode).toBe(403);
    expect(dev.json().error.code).toBe('forbidden');
    const other = await signIn(t, OTHER_WARD);
    const res = await get(t, other.token, `/api/v1/wards/${WARD}/indicators`, { 'accept-language': 'vi' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe('Tài khoản này không thuộc phường/xã được yêu cầu.');
    expect((await get(t, 'not-a-token', `/api/v1/wards/${WARD}/indicators`)).statusCode).toBe(401);
    for (const path of ['indicators/weekly', 'activity', 'quality', 'audit']) {
      expect((await get(t, device.token, `/api/v1/wards/${WARD}/${path}`)).statusCode).toBe(403);
      expect((await get(t, other.token, `/api/v1/wards/${WARD}/${path}`)).statusCode).toBe(403);
      expect((await get(t, null, `/api/v1/wards/${WARD}/${path}`)).statusCode).toBe(401);
    }
  });
});
