// A past year's targets are judged on that year's data (issue 9): `?year=2025` for Phù Liễn
// (ward 11446, seeds/wards: VNeID 70% "tính đến ngày 31/12/2025") counts the households
// surveyed up to 31/12/2025 unless another cut-off is chosen, and the API and the exports say
// which cut-off was used. On SQLite, and PostgreSQL when DATABASE_URL is set.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';
import { get, household, member, signIn, syncAll } from '../helpers/dashboard.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const PHU_LIEN = '11446';

// 2025: 25 people aged 14+, 14 with VNeID (0.56). 2026: 65 more, all with VNeID: 79/90 = 0.878.
function households(year: number, count: number, withVneid: (i: number) => boolean): HouseholdRecord[] {
  return Array.from({ length: count }, (_, h) =>
    household({
      wardCode: PHU_LIEN,
      groupCode: 'TDP01',
      surveyedAt: `${year}-${year === 2025 ? '11' : '01'}-${String(10 + h).padStart(2, '0')}`,
      members: Array.from({ length: 5 }, (_, m) => member(1980, { vneid: withVneid(h * 5 + m) ? 'level2' : 'none' }, year)),
    }),
  );
}
const records = [...households(2025, 5, (i) => i < 14), ...households(2026, 13, () => true)];

type Ind = { code: string; numerator: number; denominator: number; value: number | null; target: number | null; reached: boolean | null };
type Overview = { asOf: string | null; households: { surveyed: number }; indicators: Ind[] };
const vneid = (o: Overview) => o.indicators.find((i) => i.code === 'vneid')!;

describe.each(backends)('cut-off of a past year on $name', (backend) => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer(backend, { seedsDir: 'seeds/wards' });
    const device = await t.enrol(PHU_LIEN);
    await syncAll(t, device.token, records);
    token = (await signIn(t, PHU_LIEN)).token;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const overview = async (query: string) => {
    const res = await get(t, token, `/api/v1/wards/${PHU_LIEN}/indicators${query}`);
    expect(res.statusCode).toBe(200);
    return res.json() as Overview;
  };

  it('?year=2025 judges the 2025 target on data up to 31/12/2025: 0.56, not reached', async () => {
    const o = await overview('?year=2025');
    expect(vneid(o)).toMatchObject({ numerator: 14, denominator: 25, value: 0.56, target: 0.7, reached: false });
    expect(o.households.surveyed).toBe(5);
    expect(o.asOf).toBe('2025-12-31');
  });

  it('a cut-off the user picks is used as given', async () => {
    const o = await overview('?year=2025&asOf=2026-11-30');
    expect(o.asOf).toBe('2026-11-30');
    expect(vneid(o)).toMatchObject({ numerator: 79, denominator: 90, target: 0.7, reached: true });
    expect(vneid(o).value).toBeCloseTo(0.878, 3);
  });

  it('the current year has no cut-off: every household synced so far (asOf null)', async () => {
    const thisYear = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    const o = await overview(`?year=${thisYear}`);
    expect(o.asOf).toBeNull();
    expect(o.households.surveyed).toBe(18);
  });

  it('the weekly trend of a past year ends at its 31/12', async () => {
    const res = await get(t, token, `/api/v1/wards/${PHU_LIEN}/indicators/weekly?year=2025`);
    const body = res.json() as { asOf: string | null; weeks: { end: string; households: { surveyed: number } }[] };
    expect(body.asOf).toBe('2025-12-31');
    expect(body.weeks.at(-1)!.end <= '2026-01-04').toBe(true);
    expect(body.weeks.at(-1)!.households.surveyed).toBe(5);
  });

  it('the exports of ?year=2025 use and state the cut-off 31/12/2025', async () => {
    const csv = await get(t, token, `/api/v1/wards/${PHU_LIEN}/export.csv?year=2025`);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="chi-tieu-${PHU_LIEN}-2025-12-31.csv"`);
    expect(csv.body).toContain('Số liệu đến hết ngày 31/12/2025.');
    expect(csv.body).toMatch(/\r\n1,[^\r\n]*,%,"70,0%","56,0%",Chưa đạt\r\n/);

    const xlsx = await get(t, token, `/api/v1/wards/${PHU_LIEN}/export.xlsx?year=2025`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Chỉ tiêu')!;
    expect(String(sheet.getCell('A2').value)).toContain('31/12/2025');
    expect(sheet.getRow(5).getCell(5).value).toBe(0.56);
    expect(sheet.getRow(5).getCell(6).value).toBe('Chưa đạt');

    const report = await get(t, token, `/api/v1/wards/${PHU_LIEN}/report?year=2025`);
    expect(report.body).toContain('Số liệu đến hết ngày 31/12/2025');

    const audit = (await get(t, (await signIn(t, PHU_LIEN, 'ward_admin')).token, `/api/v1/wards/${PHU_LIEN}/audit?action=export.csv`)).json() as { entries: { detail: { year: string; asOf: string } }[] };
    expect(audit.entries[0]!.detail).toEqual({ year: '2025', asOf: '2025-12-31' });
  });
});
