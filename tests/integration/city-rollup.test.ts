// The city roll-up (issue 15 point 1) against a real server and database: the totals are sums
// of the wards' numerators and denominators (checked against the ward staff's own endpoint, and
// against the mean of percentages it must NOT be), small cells hidden for city staff (and the
// one cell that would give a small one back), the straight-line plan rule, the scope of a city
// account (its province only, never a ward route), the province audit log, and the exports.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CityCell, CityRollup, CityWardDetail, CityWeekly } from '../../src/shared/protocol/city.js';
import type { IndicatorsResponse } from '../../src/shared/protocol/dashboard.js';
import { planValueAt } from '../../src/shared/domain/plan-line.js';
import { get, household, member, signIn, signInCity, syncAll } from '../helpers/dashboard.js';
import { backends, tempDir } from '../helpers/server-db.js';
import { runAdmin } from '../helpers/spawn-server.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

vi.setConfig({ testTimeout: 60_000 });

/** Seeds: the two fixture wards of Hải Phòng, Hồng Bàng (31, no data) and Minh Hưng (75, Đồng Nai). */
function seeds(): string {
  const root = tempDir('gocua-city-');
  const wards = path.join(root, 'wards');
  mkdirSync(wards);
  for (const f of ['10546.json', '10837.json']) cpSync(path.join('tests/fixtures/wards', f), path.join(wards, f));
  for (const f of ['11311.json', '25441.json']) cpSync(path.join('seeds/wards', f), path.join(wards, f));
  mkdirSync(path.join(root, 'provinces'));
  writeFileSync(path.join(root, 'provinces', '31.json'), JSON.stringify({ code: '31', name: 'Thành phố Hải Phòng', sources: ['Kế hoạch thử nghiệm'], targets: { 2026: { vneid: 0.9 } } }));
  return wards;
}

/** One CSV line's cells (RFC 4180 quoting: "80,0%" is one cell). */
function cells(line: string): string[] {
  const out: string[] = [];
  const re = /("([^"]|"")*"|[^,]*)(,|$)/g;
  for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) out.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!);
  return out;
}

const adults = (count: number, vneid: 'level2' | 'none', year = 2026) => Array.from({ length: count }, () => member(1980, { vneid }, year));
const cellOf = (cells: CityCell[], code: string) => cells.find((c) => c.code === code)!;

describe.each(backends)('city roll-up on $name', (backend) => {
  let t: TestServer;
  let wardsDir: string;
  let city: string;
  let cityAdmin: string;
  let login: Record<string, unknown>;

  beforeAll(async () => {
    wardsDir = seeds();
    t = await startTestServer(backend, { seedsDir: wardsDir });
    // Chí Linh (VNeID from 18, target 85%; digital services target 82%): 6 adults by 31/12/2025
    // (3 with VNeID), 6 more in March 2026 (all with VNeID) and a 15-year-old (not in its VNeID denominator).
    const chiLinh = (await t.enrol('10546', 'Máy Chí Linh')).token;
    await syncAll(t, chiLinh, [
      household({ wardCode: '10546', surveyedAt: '2025-12-10', members: [...adults(3, 'level2', 2025), ...adults(3, 'none', 2025)] }),
      household({ wardCode: '10546', surveyedAt: '2026-03-02', members: [...adults(6, 'level2'), member(2011, { vneid: 'level2' })] }),
    ]);
    // Nam Đồng (VNeID from 14): three teenagers in May — a VNeID denominator of 3, a small cell.
    const namDong = (await t.enrol('10837', 'Máy Nam Đồng')).token;
    await syncAll(t, namDong, [household({ wardCode: '10837', surveyedAt: '2026-05-04', members: [member(2010), member(2010), member(2011)] })]);
    // Minh Hưng (province 75): another province's ward, with data.
    const minhHung = (await t.enrol('25441', 'Máy Minh Hưng')).token;
    await syncAll(t, minhHung, [household({ wardCode: '25441', groupCode: 'KP01', surveyedAt: '2026-05-04', members: adults(6, 'level2') })]);
    const signed = await signInCity(t, '31');
    city = signed.token;
    login = signed.answer;
    cityAdmin = (await signInCity(t, '31', 'city_admin')).token;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('sign-in answers the scope: role, province and its wards held here', () => {
    expect(login.role).toBe('city_staff');
    expect(login.wardCode).toBeNull();
    expect(login.province).toEqual({
      code: '31',
      name: 'Thành phố Hải Phòng',
      wards: [
        { code: '10546', name: 'Phường Chí Linh' },
        { code: '10837', name: 'Phường Nam Đồng' },
        { code: '11311', name: 'Phường Hồng Bàng' },
      ],
    });
  });

  it('totals are sums of the wards’ numerators over sums of their denominators (not a mean of percentages)', async () => {
    const res = await get(t, city, '/api/v1/provinces/31/rollup?year=2026&asOf=2026-11-30');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as CityRollup;
    expect(r.wards.map((w) => w.code)).toEqual(['10546', '10837', '11311']);
    // Independently: each ward's own figures as its ward staff read them (nothing hidden).
    const own: IndicatorsResponse[] = [];
    for (const ward of ['10546', '10837', '11311']) {
      const staff = (await signIn(t, ward)).token;
      const w = await get(t, staff, `/api/v1/wards/${ward}/indicators?year=2026&asOf=2026-11-30`);
      expect(w.statusCode).toBe(200);
      own.push(w.json());
    }
    for (const code of ['vneid', 'ehr', 'bank_account_15', 'coverage', 'digital_services']) {
      const n = own.reduce((s, o) => s + o.indicators.find((i) => i.code === code)!.numerator, 0);
      const d = own.reduce((s, o) => s + o.indicators.find((i) => i.code === code)!.denominator, 0);
      const total = cellOf(r.total.indicators, code);
      expect([total.numerator, total.denominator], code).toEqual([n, d]);
      expect(total.value, code).toBeCloseTo(n / d, 12);
    }
    // VNeID: Chí Linh 9/12, Nam Đồng 3/3 → 12/15 = 80%; the mean of the two rates would be 87.5%.
    const vneid = cellOf(r.total.indicators, 'vneid');
    expect([vneid.numerator, vneid.denominator, vneid.value]).toEqual([12, 15, 0.8]);
    // Households: the sum, and coverage over every ward's register (Hồng Bàng's included).
    expect(r.total.households).toEqual({
      surveyed: 3,
      notHome: 0,
      refused: 0,
      onRegister: own.reduce((s, o) => s + o.households.onRegister, 0),
    });
    // A province target only from seeds/provinces/31.json: VNeID 90%, nothing else.
    expect(vneid.target).toBe(0.9);
    expect(cellOf(r.total.indicators, 'digital_services').target).toBeNull();
    expect(r.targetSources).toEqual(['Kế hoạch thử nghiệm']);
    // The wards count VNeID from different ages: said so.
    expect(r.denominatorDifferences).toEqual([
      { setting: 'vneidMinAge', indicators: ['vneid', 'vneid_level2'], values: [{ age: 14, wards: ['10837', '11311'] }, { age: 18, wards: ['10546'] }] },
    ]);
    // Hồng Bàng: listed, no data.
    const hongBang = r.wards.find((w) => w.code === '11311')!;
    expect(hongBang.hasData).toBe(false);
    expect(cellOf(hongBang.indicators, 'vneid')).toMatchObject({ value: null, suppressed: null, denominator: 0 });
  });

  it('hides cells resting on fewer than 5 people, and the one cell that would give a small one back', async () => {
    const r = (await get(t, city, '/api/v1/provinces/31/rollup?year=2026&asOf=2026-11-30')).json() as CityRollup;
    const namDong = r.wards.find((w) => w.code === '10837')!;
    const chiLinh = r.wards.find((w) => w.code === '10546')!;
    expect(cellOf(namDong.indicators, 'vneid')).toMatchObject({ suppressed: 'small', numerator: null, denominator: null, value: null, unknown: null });
    // Total minus Chí Linh would be Nam Đồng's 3/3: Chí Linh's VNeID is hidden too.
    expect(cellOf(chiLinh.indicators, 'vneid')).toMatchObject({ suppressed: 'complementary', numerator: null, value: null });
    // Digital services are asked from 18: Nam Đồng's teenagers are not in it, nothing small, nothing hidden.
    expect(cellOf(chiLinh.indicators, 'digital_services')).toMatchObject({ suppressed: null, numerator: 0, denominator: 12 });
    // The drill-down of one ward hides its own small cells (no total beside it to subtract from).
    const detail = (await get(t, city, '/api/v1/provinces/31/wards/10837?year=2026&asOf=2026-11-30')).json() as CityWardDetail;
    expect(cellOf(detail.ward.indicators, 'vneid')).toMatchObject({ suppressed: 'small', numerator: null });
    expect(detail.smallCellMin).toBe(5);
    // Chí Linh's page and weekly trend keep its complementary cell hidden: with the total they would give Nam Đồng's back.
    const chiLinhPage = (await get(t, city, '/api/v1/provinces/31/wards/10546?year=2026&asOf=2026-11-30')).json() as CityWardDetail;
    expect(cellOf(chiLinhPage.ward.indicators, 'vneid')).toMatchObject({ suppressed: 'complementary', numerator: null });
    const chiLinhWeeks = (await get(t, city, '/api/v1/provinces/31/wards/10546/weekly?year=2026')).json() as CityWeekly;
    const weeks = chiLinhWeeks.weeks;
    expect(cellOf(weeks[weeks.length - 1]!.indicators, 'vneid').suppressed).toBe('complementary');
    // Before Nam Đồng's first survey nothing was small: Chí Linh's VNeID shows (9 of 12).
    const march = weeks.find((p) => p.start <= '2026-03-02' && p.end >= '2026-03-02')!;
    expect(cellOf(march.indicators, 'vneid')).toMatchObject({ suppressed: null, numerator: 9, denominator: 12 });
  });

  it('behind plan: below the straight line from the value at 31/12 of the year before to the target at 31/12', async () => {
    // On 30/11/2026 Chí Linh's digital services (0 of 12; start 0/6 = 0%, target 82%) are behind;
    // in late March its VNeID (9/12 = 75%; start 3/6 = 50%, target 85%) is above the line (≈ 58.6%).
    const late = (await get(t, city, '/api/v1/provinces/31/rollup?year=2026&asOf=2026-11-30')).json() as CityRollup;
    const ds = cellOf(late.wards.find((w) => w.code === '10546')!.indicators, 'digital_services');
    expect(ds.startValue).toBe(0);
    expect(ds.planValue).toBeCloseTo(0.82 * (334 / 365), 10);
    expect(ds.behindPlan).toBe(true);
    expect(late.startAsOf).toBe('2025-12-31');
    const march = (await get(t, city, '/api/v1/provinces/31/rollup?year=2026&asOf=2026-03-31')).json() as CityRollup;
    const chiLinh = march.wards.find((w) => w.code === '10546')!;
    const vneid = cellOf(chiLinh.indicators, 'vneid');
    expect(vneid).toMatchObject({ numerator: 9, denominator: 12, startValue: 0.5, suppressed: null, behindPlan: false });
    expect(vneid.planValue).toBeCloseTo(planValueAt('2026', '2026-03-31', 0.5, 0.85)!, 12);
    expect(vneid.planValue).toBeCloseTo(0.5 + 0.35 * (90 / 365), 12);
    // The ward's own page says the same.
    const detail = (await get(t, city, '/api/v1/provinces/31/wards/10546?year=2026&asOf=2026-11-30')).json() as CityWardDetail;
    expect(cellOf(detail.ward.indicators, 'digital_services')).toMatchObject({ value: 0, behindPlan: true });
    // No target, no line.
    expect(cellOf(chiLinh.indicators, 'ehr')).toMatchObject({ target: null, planValue: null, behindPlan: null });
  });

  it('weekly trend: the province’s cumulative sums, and one ward’s', async () => {
    const w = (await get(t, city, '/api/v1/provinces/31/rollup/weekly?year=2026')).json() as CityWeekly;
    expect(w.weeks.length).toBeGreaterThan(0);
    const last = w.weeks[w.weeks.length - 1]!;
    expect(cellOf(last.indicators, 'vneid')).toMatchObject({ numerator: 12, denominator: 15 });
    const march = w.weeks.find((p) => p.start <= '2026-03-02' && p.end >= '2026-03-02')!;
    // Nam Đồng had nothing yet: Chí Linh alone, 9/12.
    expect(cellOf(march.indicators, 'vneid')).toMatchObject({ numerator: 9, denominator: 12 });
    const ward = (await get(t, city, '/api/v1/provinces/31/wards/10837/weekly?year=2026')).json() as CityWeekly;
    expect(ward.wardCode).toBe('10837');
    expect(cellOf(ward.weeks[ward.weeks.length - 1]!.indicators, 'vneid').suppressed).toBe('small');
  });

  it('scope: its own province only, and never a ward route', async () => {
    expect((await get(t, city, '/api/v1/provinces/75/rollup')).statusCode).toBe(403);
    expect((await get(t, city, '/api/v1/provinces/31/wards/25441')).statusCode).toBe(404);
    expect((await get(t, city, '/api/v1/provinces/31/wards/25441/export.csv')).statusCode).toBe(404);
    for (const route of ['indicators', 'quality', 'follow-ups', 'audit', 'users', 'export.csv', 'activity', 'assistances']) {
      expect((await get(t, city, `/api/v1/wards/10546/${route}`)).statusCode, route).toBe(403);
    }
    expect((await get(t, city, '/api/v1/config')).statusCode).toBe(403);
    // Ward staff never read the roll-up; a city account of Đồng Nai reads its own.
    const wardStaff = (await signIn(t, '10546', 'ward_admin')).token;
    expect((await get(t, wardStaff, '/api/v1/provinces/31/rollup')).statusCode).toBe(403);
    const dongNai = (await signInCity(t, '75')).token;
    const r = (await get(t, dongNai, '/api/v1/provinces/75/rollup?year=2026')).json() as CityRollup;
    expect(r.wards.map((x) => x.code)).toEqual(['25441']);
    expect((await get(t, dongNai, '/api/v1/provinces/31/rollup')).statusCode).toBe(403);
    expect((await get(t, city, '/api/v1/provinces/31/rollup?year=26')).statusCode).toBe(400);
    expect((await get(t, city, '/api/v1/provinces/31/rollup?asOf=2026-02-30')).statusCode).toBe(400);
    expect((await get(t, city, '/api/v1/provinces/31/rollup?group=TDP01')).statusCode).toBe(400);
  });

  it('exports: one row per ward and the total, small cells "<5" with no numerator, through the one CSV writer', async () => {
    const csv = await get(t, city, '/api/v1/provinces/31/rollup.csv?year=2026&asOf=2026-11-30');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const lines = csv.body.split('\r\n');
    const header = cells(lines.find((l) => l.startsWith('STT,'))!);
    const rows = lines.filter((l) => /^(\d+,)?\d{5},|^,31,/.test(l));
    expect(rows.map((l) => cells(l)[1])).toEqual(['10546', '10837', '11311', '31']);
    const col = (name: string) => header.indexOf(name);
    const namDong = cells(rows[1]!);
    const vn = 'Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)';
    expect(namDong[col(`${vn}: Kết quả (%)`)]).toBe('<5');
    expect(namDong[col(`${vn}: Tử số`)]).toBe('');
    expect(namDong[col(`${vn}: Mẫu số`)]).toBe('<5');
    expect(cells(rows[2]!)[col('Ghi chú')]).toBe('Chưa có dữ liệu');
    expect(cells(rows[3]!)[col(`${vn}: Tử số`)]).toBe('12');
    expect(cells(rows[3]!)[col(`${vn}: Kết quả (%)`)]).toBe('80,0%');
    expect(csv.body).toContain('không lấy trung bình các tỷ lệ');
    const xlsx = await get(t, city, '/api/v1/provinces/31/rollup.xlsx?year=2026&asOf=2026-11-30');
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Tổng hợp phường')!;
    expect([5, 6, 7, 8].map((r) => sheet.getRow(r).getCell(2).value)).toEqual(['10546', '10837', '11311', '31']);
    const report = await get(t, city, '/api/v1/provinces/31/report?year=2026&asOf=2026-11-30');
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-security-policy']).toContain("default-src 'none'");
    expect(report.body).toContain('Phường Hồng Bàng');
    const ward = await get(t, city, '/api/v1/provinces/31/wards/10837/export.csv?year=2026&asOf=2026-11-30');
    expect(ward.statusCode).toBe(200);
    expect(ward.body.split('\r\n').find((l) => l.startsWith('1,'))).toContain(',<5,,<5,');
  });

  it('city reads go to the province log, which the city admin (only) can read', async () => {
    expect((await get(t, city, '/api/v1/provinces/31/audit')).statusCode).toBe(403);
    const res = await get(t, cityAdmin, '/api/v1/provinces/31/audit?limit=1000');
    expect(res.statusCode).toBe(200);
    const actions = (res.json() as { entries: { action: string }[] }).entries.map((e) => e.action);
    for (const a of ['auth.login', 'city.rollup_view', 'city.ward_view', 'city.export_csv', 'city.export_xlsx', 'city.export_report', 'city.ward_export_csv', 'city.weekly_view']) {
      expect(actions, a).toContain(a);
    }
    // The ward's own chain is not where the city's reads go.
    const wardAdmin = (await signIn(t, '10546', 'ward_admin')).token;
    const ward = (await get(t, wardAdmin, '/api/v1/wards/10546/audit?limit=1000')).json() as { entries: { action: string }[] };
    expect(ward.entries.filter((e) => e.action.startsWith('city.'))).toEqual([]);
    const verify = runAdmin(['audit-verify', '--province', '31'], { ...t.env, SEEDS_DIR: wardsDir });
    expect(verify.stdout, verify.stderr).toMatch(/^OK\tprovince:31\t\d+ entries/);
  });

  it('the admin CLI creates a city account by province, and refuses a province with no ward here', () => {
    const ok = runAdmin(['create-user', '--province', '31', '--username', 'so.khcn', '--role', 'city_staff', '--password-stdin'], { ...t.env, SEEDS_DIR: wardsDir }, 'một mật khẩu dài của sở\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^[0-9a-f-]{36}\tso\.khcn\tcity_staff\tprovince 31\n$/);
    const none = runAdmin(['create-user', '--province', '01', '--username', 'ha.noi', '--role', 'city_staff', '--password-stdin'], { ...t.env, SEEDS_DIR: wardsDir }, 'một mật khẩu dài của sở\n');
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('No ward of province 01');
    const mixed = runAdmin(['create-user', '--ward', '10546', '--username', 'lan.nguyen', '--role', 'city_staff', '--password-stdin'], { ...t.env, SEEDS_DIR: wardsDir }, 'một mật khẩu dài của sở\n');
    expect(mixed.code).not.toBe(0);
  });
});
