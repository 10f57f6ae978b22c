// Exports of the city roll-up (issue 15): one row per ward in the plan table's columns (target
// of the year, result, assessment) with numerator, denominator and the plan line, and the
// province total — as CSV (the one CSV writer of every export, services/csv.ts), XLSX and a
// printable A4 page. Cells hidden for city staff stay hidden here: "<5" for a small cell, the
// numerator left empty; "ẩn" for a cell hidden so the total cannot give a small one back.
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { INDICATORS, type IndicatorCode } from '../../shared/domain/indicators.js';
import type { CityCell, CityRollup, CityWardDetail, CityWardRow } from '../../shared/protocol/city.js';
import type { HouseholdTotals } from '../../shared/protocol/dashboard.js';
import { csvDocument, figure, type CsvCell } from './csv.js';
import { dateVi, integerVi, percentVi } from './exports.js';

const names = new Map(INDICATORS.map((d) => [d.code, d.name.vi]));
const nameVi = (code: IndicatorCode): string => names.get(code) ?? code;

/** A cell of an export: its text (CSV, A4) and, for XLSX, a number where it is one. */
interface Out {
  text: string;
  /** A figure this exporter formatted (written verbatim in CSV), not text someone typed. */
  figure: boolean;
  number?: number | null;
  percent?: boolean;
}
const txt = (text: string): Out => ({ text, figure: false });
const fig = (text: string, number: number | null = null, percent = false): Out => ({ text, figure: true, number, percent });
const pct = (v: number | null): Out => fig(percentVi(v), v, true);
const int = (n: number | null): Out => fig(n === null ? '' : integerVi(n), n);

export const SMALL_CELL_TEXT = '<5';
export const COMPLEMENTARY_TEXT = 'ẩn';

export function assessment(c: CityCell): string {
  if (c.suppressed !== null || c.value === null) return '';
  if (c.reached === true) return 'Đạt';
  if (c.behindPlan === true) return 'Chậm so với kế hoạch';
  if (c.behindPlan === false) return 'Đúng tiến độ';
  return c.reached === false ? 'Chưa đạt' : '';
}

const PER_INDICATOR = ['Chỉ tiêu năm (%)', 'Kết quả (%)', 'Tử số', 'Mẫu số', 'Theo kế hoạch đến ngày chốt (%)', 'Đánh giá'];

function indicatorCells(c: CityCell): Out[] {
  const hidden = c.suppressed === 'small' ? SMALL_CELL_TEXT : c.suppressed === 'complementary' ? COMPLEMENTARY_TEXT : null;
  return [
    pct(c.target),
    hidden !== null ? fig(hidden) : pct(c.value),
    // The numerator is never written for a hidden cell; a small cell's denominator says "<5".
    hidden !== null ? fig('') : int(c.numerator),
    hidden !== null ? fig(hidden) : int(c.denominator),
    pct(c.planValue),
    fig(assessment(c)),
  ];
}

const FIXED = ['STT', 'Mã phường/xã', 'Phường/xã', 'Hộ trên sổ', 'Hộ đã khảo sát', 'Hộ vắng nhà', 'Hộ từ chối', 'Ghi chú'];

export function rollupHeader(r: { wards: CityWardRow[] } | CityRollup): string[] {
  const codes = (r.wards[0]?.indicators ?? INDICATORS.map((d) => ({ code: d.code }))).map((i) => i.code);
  return [...FIXED, ...codes.flatMap((code) => PER_INDICATOR.map((h) => `${nameVi(code)}: ${h}`))];
}

function householdCells(h: HouseholdTotals): Out[] {
  return [int(h.onRegister), int(h.surveyed), int(h.notHome), int(h.refused)];
}

function wardLine(w: CityWardRow, n: number): Out[] {
  return [fig(String(n)), txt(w.code), txt(w.name), ...householdCells(w.households), fig(w.hasData ? '' : 'Chưa có dữ liệu'), ...w.indicators.flatMap(indicatorCells)];
}

export function rollupLines(r: CityRollup): Out[][] {
  return [
    ...r.wards.map((w, n) => wardLine(w, n + 1)),
    [fig(''), txt(r.province.code), txt(`Toàn ${r.province.name}`), ...householdCells(r.total.households), fig('Tổng tử số / tổng mẫu số'), ...r.total.indicators.flatMap(indicatorCells)],
  ];
}

const SETTING_VI = { adultAge: 'tuổi trưởng thành', vneidMinAge: 'tuổi tính VNeID' } as const;

/** The notes every roll-up export carries: cut-off, the plan rule, totals, denominators, hidden cells. */
export function rollupNotes(r: CityRollup, wardName: (code: string) => string): string[] {
  const notes = [
    `Số liệu đến hết ngày ${dateVi(r.asOf)}, năm ${r.year}. Mỗi phường so với chỉ tiêu của chính phường đó.`,
    `“Chậm so với kế hoạch”: kết quả thấp hơn đường thẳng nối giá trị đầu năm (số liệu đến hết ngày ${dateVi(r.startAsOf)}; chưa có hộ nào thì tính 0%) với chỉ tiêu năm tại ngày 31/12.`,
    'Dòng toàn tỉnh/thành phố: tổng tử số chia tổng mẫu số của các phường (không lấy trung bình các tỷ lệ).',
    r.targetSources.length > 0 ? `Chỉ tiêu toàn tỉnh/thành phố theo: ${r.targetSources.join('; ')}.` : 'Không có chỉ tiêu chung của tỉnh/thành phố (chưa có cấu hình chỉ tiêu cấp tỉnh).',
    `Ô dựa trên dưới ${r.smallCellMin} người (hoặc hộ) được ẩn (“${SMALL_CELL_TEXT}”, không ghi tử số); khi chỉ một ô của một chỉ tiêu bị ẩn, ô nhỏ nhất tiếp theo cũng được ẩn (“${COMPLEMENTARY_TEXT}”) để không suy ra được từ dòng tổng.`,
  ];
  for (const d of r.denominatorDifferences) {
    notes.push(
      `Mẫu số khác nhau giữa các phường (${SETTING_VI[d.setting]}: ${d.values.map((v) => `${v.age} tuổi ở ${v.wards.map(wardName).join(', ')}`).join('; ')}) — ảnh hưởng: ${d.indicators.map(nameVi).join('; ')}.`,
    );
  }
  return notes;
}

function titleOf(r: CityRollup): string {
  return `${r.province.name}: kết quả các chỉ tiêu chuyển đổi số theo phường/xã (khảo sát hộ gia đình Gõ Cửa), năm ${r.year}`;
}

const csvOf = (o: Out): CsvCell => (o.figure ? figure(o.text) : o.text);

export function rollupCsv(r: CityRollup, auditChain?: string): string {
  const wardName = (code: string) => r.wards.find((w) => w.code === code)?.name ?? code;
  const lines: CsvCell[][] = [[titleOf(r)], ...rollupNotes(r, wardName).map((n) => [n]), [], rollupHeader(r), ...rollupLines(r).map((l) => l.map(csvOf))];
  if (auditChain) lines.push([], [auditChain]);
  return csvDocument(lines);
}

export const CITY_XLSX_LAYOUT = { sheet: 'Tổng hợp phường', headerRow: 4 } as const;

export async function rollupXlsx(r: CityRollup, auditChain?: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Gõ Cửa';
  wb.created = new Date(`${r.asOf}T00:00:00Z`);
  const sheet = wb.addWorksheet(CITY_XLSX_LAYOUT.sheet, { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  sheet.getCell('A1').value = titleOf(r);
  sheet.getCell('A1').font = { bold: true, size: 13 };
  sheet.getCell('A2').value = `Số liệu đến hết ngày ${dateVi(r.asOf)}.`;
  const header = sheet.getRow(CITY_XLSX_LAYOUT.headerRow);
  header.values = rollupHeader(r);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  const lines = rollupLines(r);
  lines.forEach((line, k) => {
    const row = sheet.getRow(CITY_XLSX_LAYOUT.headerRow + 1 + k);
    row.values = line.map((o) => (o.number !== undefined && o.number !== null ? o.number : o.text));
    line.forEach((o, c) => {
      if (o.percent && o.number !== null && o.number !== undefined) row.getCell(c + 1).numFmt = '0.0%';
    });
  });
  const wardName = (code: string) => r.wards.find((w) => w.code === code)?.name ?? code;
  let at = CITY_XLSX_LAYOUT.headerRow + lines.length + 2;
  for (const note of rollupNotes(r, wardName)) sheet.getCell(`A${at++}`).value = note;
  if (auditChain) sheet.getCell(`A${at + 1}`).value = auditChain;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// --- A4 (landscape) -------------------------------------------------------------------------

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CITY_REPORT_CSS = `@page{size:A4 landscape;margin:10mm}
body{font-family:"Times New Roman",serif;font-size:9pt;color:#000;margin:0}
h1{font-size:13pt;text-align:center;margin:0 0 4pt}
p{margin:2pt 0}
table{border-collapse:collapse;width:100%;margin-top:6pt}
th,td{border:1px solid #000;padding:2pt 3pt;vertical-align:top}
th{background:#eee;font-weight:bold}
td.n{text-align:right;white-space:nowrap}
tr{page-break-inside:avoid}
.behind{font-weight:bold}
@media screen{body{max-width:277mm;margin:8mm auto;padding:0 4mm}}`;

export const CITY_REPORT_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CITY_REPORT_CSS, 'utf8').digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`;

function reportCell(c: CityCell): string {
  const shown = c.suppressed === 'small' ? SMALL_CELL_TEXT : c.suppressed === 'complementary' ? COMPLEMENTARY_TEXT : c.value === null ? '–' : percentVi(c.value);
  const target = c.target === null ? '' : ` / ${percentVi(c.target)}`;
  return `<td class="n${c.behindPlan ? ' behind' : ''}">${esc(shown + target)}${c.behindPlan ? ' ▼' : ''}</td>`;
}

export function rollupHtml(r: CityRollup, printedOn: string, auditChain?: string): string {
  const codes = r.total.indicators.map((i) => i.code);
  const wardName = (code: string) => r.wards.find((w) => w.code === code)?.name ?? code;
  const row = (label: string, h: HouseholdTotals, cells: CityCell[], note: string) =>
    `<tr><td>${esc(label)}</td><td class="n">${integerVi(h.surveyed)} / ${integerVi(h.onRegister)}</td>${cells.map(reportCell).join('')}<td>${esc(note)}</td></tr>`;
  const body = [
    ...r.wards.map((w) => row(w.name, w.households, w.indicators, w.hasData ? '' : 'Chưa có dữ liệu')),
    row(`Toàn ${r.province.name}`, r.total.households, r.total.indicators, ''),
  ].join('\n');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>${esc(r.province.name)}: tổng hợp theo phường, ${esc(dateVi(r.asOf))}</title>
<style>${CITY_REPORT_CSS}</style></head>
<body>
<h1>${esc(titleOf(r))}</h1>
<table>
<thead><tr><th>Phường/xã</th><th>Hộ đã khảo sát / trên sổ</th>${codes.map((c) => `<th>${esc(nameVi(c))} (kết quả / chỉ tiêu)</th>`).join('')}<th>Ghi chú</th></tr></thead>
<tbody>
${body}
</tbody></table>
${rollupNotes(r, wardName).map((n) => `<p>${esc(n)}</p>`).join('\n')}
<p>▼: chậm so với kế hoạch. Chỉ số đếm, không có thông tin cá nhân. In ngày ${esc(dateVi(printedOn))}.</p>
${auditChain ? `<p>${esc(auditChain)}</p>\n` : ''}</body></html>
`;
}

/** One ward for city staff: the plan table (one row per indicator) with the same hidden cells. */
export function wardDetailCsv(d: CityWardDetail, auditChain?: string): string {
  const lines: CsvCell[][] = [
    [`${d.ward.name}, ${d.province.name}: kết quả các chỉ tiêu chuyển đổi số, năm ${d.year}`],
    [`Số liệu đến hết ngày ${dateVi(d.asOf)}. Hộ đã khảo sát: ${integerVi(d.ward.households.surveyed)} / ${integerVi(d.ward.households.onRegister)} hộ trên sổ.${d.ward.hasData ? '' : ' Chưa có dữ liệu.'}`],
    [],
    ['STT', 'Chỉ tiêu', 'Đơn vị tính', ...PER_INDICATOR],
    ...d.ward.indicators.map((c, n) => [figure(String(n + 1)), nameVi(c.code), figure('%'), ...indicatorCells(c).map(csvOf)]),
  ];
  if (auditChain) lines.push([], [auditChain]);
  return csvDocument(lines);
}
