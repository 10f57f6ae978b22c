// Exports for the monthly report: the XLSX read back with exceljs matches the API (plan sheet
// and per-tổ-dân-phố sheet), the CSV is UTF-8 with BOM in Vietnamese formats, the A4 page has
// the ward's name and date; no names or phone numbers anywhere; each export audited.
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHouseholds } from '../../src/demo/demo-data.js';
import type { WardConfig } from '../../src/shared/schema/ward-config.js';
import { XLSX_LAYOUT } from '../../src/server/services/exports.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { FIXTURE_WARDS_DIR, OTHER_WARD, WARD } from '../helpers/records.js';
import { get, signIn, syncAll } from '../helpers/dashboard.js';

const config = JSON.parse(readFileSync(`${FIXTURE_WARDS_DIR}/${WARD}.json`, 'utf8')) as WardConfig;
const records = generateHouseholds({ wardConfig: config, count: 250, seed: 'exports' });
const asOf = records.map((r) => r.data.surveyedAt).sort()[200]!;
const personal = records.flatMap((r) => r.data.members.flatMap((m) => [m.name, m.phone, m.cccd].filter((x): x is string => !!x)));

type Ind = { code: string; value: number | null; target: number | null; reached: boolean | null };

const vi = (v: number | null) => (v === null ? '' : `${(Math.round(v * 1000) / 10).toFixed(1).replace('.', ',')}%`);

describe.each(backends)('dashboard exports on $name', (backend) => {
  let t: TestServer;
  let token: string;
  let api: { households: { surveyed: number }; indicators: Ind[]; breakdown: { key: string; households: { surveyed: number; notHome: number; refused: number; onRegister: number }; indicators: Ind[] }[] };
  beforeAll(async () => {
    t = await startTestServer(backend);
    const device = await t.enrol(WARD);
    await syncAll(t, device.token, records);
    token = (await signIn(t, WARD)).token;
    api = (await get(t, token, `/api/v1/wards/${WARD}/indicators?year=2026&asOf=${asOf}&by=group`)).json();
    expect(personal.length).toBeGreaterThan(50);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('XLSX: read back, the plan sheet and the per-group sheet match the API', async () => {
    const res = await get(t, token, `/api/v1/wards/${WARD}/export.xlsx?year=2026&asOf=${asOf}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="chi-tieu-${WARD}-${asOf}.xlsx"`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const main = wb.getWorksheet(XLSX_LAYOUT.mainSheet)!;
    expect(String(main.getCell('A1').value)).toContain('Phường Chí Linh');
    expect(String(main.getCell('A2').value)).toContain(asOf.split('-').reverse().join('/'));
    expect(main.getRow(XLSX_LAYOUT.headerRow).values).toEqual([undefined, 'STT', 'Chỉ tiêu', 'Đơn vị tính', 'Chỉ tiêu năm 2026', 'Kết quả', 'Đánh giá']);
    api.indicators.forEach((i, n) => {
      const row = main.getRow(XLSX_LAYOUT.headerRow + 1 + n);
      expect(row.getCell(1).value).toBe(n + 1);
      expect(row.getCell(3).value).toBe('%');
      expect(row.getCell(4).value ?? null).toBe(i.target);
      expect(row.getCell(5).value ?? null).toBe(i.value);
      expect(row.getCell(5).numFmt).toBe('0.0%');
      expect(row.getCell(6).value ?? '').toBe(i.reached === null ? '' : i.reached ? 'Đạt' : 'Chưa đạt');
    });
    expect(main.getRow(XLSX_LAYOUT.headerRow + 1).getCell(2).value).toBe('Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)');
    const groups = wb.getWorksheet(XLSX_LAYOUT.groupSheet)!;
    api.breakdown.forEach((b, n) => {
      const row = groups.getRow(XLSX_LAYOUT.headerRow + 1 + n);
      expect(row.getCell(1).value).toBe(b.key);
      expect([row.getCell(3).value, row.getCell(4).value, row.getCell(5).value, row.getCell(6).value]).toEqual([
        b.households.onRegister, b.households.surveyed, b.households.notHome, b.households.refused,
      ]);
      b.indicators.forEach((i, k) => expect(row.getCell(7 + k).value ?? null).toBe(i.value));
    });
    const text = JSON.stringify(wb.model);
    for (const p of personal.slice(0, 200)) expect(text).not.toContain(p);
  });

  it('CSV: UTF-8 with BOM, the plan layout in Vietnamese formats, a per-group section, no personal data', async () => {
    const res = await get(t, token, `/api/v1/wards/${WARD}/export.csv?asOf=${asOf}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    const lines = text.slice(1).split('\r\n');
    expect(lines[3]).toBe('STT,Chỉ tiêu,Đơn vị tính,Chỉ tiêu năm 2026,Kết quả,Đánh giá');
    const vneid = api.indicators[0]!;
    expect(lines[4]).toBe(`1,Tỷ lệ người dân có tài khoản định danh điện tử (VNeID),%,"${vi(vneid.target)}","${vi(vneid.value)}",${vneid.reached ? 'Đạt' : 'Chưa đạt'}`);
    expect(vi(vneid.value)).toMatch(/^\d{1,3},\d%$/);
    const section = lines.indexOf('Theo tổ dân phố');
    expect(section).toBeGreaterThan(4);
    expect(lines[section + 1]!.startsWith('Mã tổ,Tổ dân phố,Hộ trên sổ,Hộ đã khảo sát,Hộ vắng nhà,Hộ từ chối,')).toBe(true);
    const first = api.breakdown[0]!;
    expect(lines[section + 2]!.startsWith(`${first.key},`)).toBe(true);
    expect(lines[section + 2]).toContain(`,${first.households.onRegister},${first.households.surveyed},${first.households.notHome},${first.households.refused},`);
    for (const p of personal) expect(text).not.toContain(p);
  });

  it('A4 report: ward name, date, the table in Vietnamese formats, strict CSP', async () => {
    const res = await get(t, token, `/api/v1/wards/${WARD}/report?year=2026&asOf=${asOf}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-/);
    const html = res.body;
    expect(html).toContain('PHƯỜNG CHÍ LINH');
    expect(html).toContain('@page{size:A4');
    expect(html).toContain(`Số liệu đến hết ngày ${asOf.split('-').reverse().join('/')}`);
    for (const i of api.indicators) if (i.value !== null) expect(html).toContain(`>${vi(i.value)}<`);
    expect(html).not.toMatch(/<script/i);
    for (const p of personal) expect(html).not.toContain(p);
  });

  it('each export is audited; device 403, other ward 403, no token 401', async () => {
    const entries = (await get(t, (await signIn(t, WARD, 'ward_admin')).token, `/api/v1/wards/${WARD}/audit`)).json().entries as { action: string; detail: { asOf: string; year: string } }[];
    const exports = entries.filter((e) => e.action.startsWith('export.'));
    expect(exports.map((e) => e.action).sort()).toEqual(['export.csv', 'export.report', 'export.xlsx']);
    expect(exports.every((e) => e.detail.asOf === asOf && e.detail.year === '2026')).toBe(true);
    const device = await t.enrol(WARD);
    const other = await signIn(t, OTHER_WARD);
    for (const path of ['export.xlsx', 'export.csv', 'report']) {
      expect((await get(t, device.token, `/api/v1/wards/${WARD}/${path}`)).statusCode).toBe(403);
      expect((await get(t, other.token, `/api/v1/wards/${WARD}/${path}`)).statusCode).toBe(403);
      expect((await get(t, null, `/api/v1/wards/${WARD}/${path}`)).statusCode).toBe(401);
    }
    expect((await get(t, token, `/api/v1/wards/${WARD}/export.csv?asOf=yesterday`)).statusCode).toBe(400);
  });
});
