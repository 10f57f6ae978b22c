// The monthly-report exports: the indicator table in the plans' own layout
// (STT | Chỉ tiêu | Đơn vị tính | Chỉ tiêu năm | Kết quả | Đánh giá) and a per-tổ-dân-phố table,
// as XLSX (exceljs), CSV (UTF-8 with BOM so Excel reads Vietnamese) and a printable A4 HTML page.
// Tallies only: never a name, a phone number or an address. Figures as of a cut-off date.
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { INDICATORS, type IndicatorCode } from '../../shared/domain/indicators.js';
import type { WardConfig } from '../../shared/schema/ward-config.js';
import type { Database } from '../db/schema.js';
import { csvDocument, figure, type CsvCell } from './csv.js';
import { cached } from './indicator-cache.js';
import { computeIndicators, registerGroups, type IndicatorsResponse, type IndicatorValue, type RegisterGroup } from './indicators.js';

export interface ExportData {
  wardCode: string;
  wardName: string;
  provinceName: string;
  year: string;
  /** YYYY-MM-DD: households surveyed up to this date. */
  asOf: string;
  overview: IndicatorsResponse;
  groups: RegisterGroup[];
  /** The ward's audit chain head after this export's own entry (services/audit.ts chainHeadLine), printed at the foot. */
  auditChain?: string;
}

export async function exportData(db: Kysely<Database>, config: WardConfig, q: { year: string; asOf: string }): Promise<ExportData> {
  const query = { wardCode: config.code, year: q.year, asOf: q.asOf, by: 'group' as const };
  const overview = await cached(db, config, 'indicators', query, () => computeIndicators(db, config, query));
  return {
    wardCode: config.code,
    wardName: config.name,
    provinceName: config.province.name,
    year: q.year,
    asOf: q.asOf,
    overview,
    groups: await registerGroups(db, config.code),
  };
}

// --- Vietnamese number formats -----------------------------------------------------------

/** 0.847 → "84,7%" (one decimal, comma). null → "". */
export function percentVi(value: number | null): string {
  if (value === null) return '';
  return `${(Math.round(value * 1000) / 10).toFixed(1).replace('.', ',')}%`;
}

/** 20000 → "20.000". */
export function integerVi(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** "2026-11-24" → "24/11/2026". */
export function dateVi(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

export function assessmentVi(i: IndicatorValue): string {
  return i.reached === null ? '' : i.reached ? 'Đạt' : 'Chưa đạt';
}

const names = new Map(INDICATORS.map((d) => [d.code, d.name.vi]));
const nameVi = (code: IndicatorCode): string => names.get(code) ?? code;

export const MAIN_HEADER = ['STT', 'Chỉ tiêu', 'Đơn vị tính', 'Chỉ tiêu năm', 'Kết quả', 'Đánh giá'] as const;

/** The plan-layout rows, formatted as text (CSV, HTML). */
export function mainRows(data: ExportData): string[][] {
  return data.overview.indicators.map((i, n) => [String(n + 1), nameVi(i.code), '%', percentVi(i.target), percentVi(i.value), assessmentVi(i)]);
}

const GROUP_FIXED = ['Mã tổ', 'Tổ dân phố', 'Hộ trên sổ', 'Hộ đã khảo sát', 'Hộ vắng nhà', 'Hộ từ chối'];

export function groupHeader(data: ExportData): string[] {
  return [...GROUP_FIXED, ...data.overview.indicators.map((i) => `${nameVi(i.code)} (%)`)];
}

export function groupRows(data: ExportData): { group: RegisterGroup; households: NonNullable<IndicatorsResponse['breakdown']>[number]['households']; indicators: IndicatorValue[] }[] {
  const byKey = new Map((data.overview.breakdown ?? []).map((b) => [b.key, b]));
  return data.groups.map((g) => {
    const b = byKey.get(g.code);
    return { group: g, households: b?.households, indicators: b?.indicators ?? [] };
  });
}

/** The plan table's header, its target column naming the year. */
function mainHeader(data: ExportData): string[] {
  return [...MAIN_HEADER.slice(0, 3), `Chỉ tiêu năm ${data.year}`, ...MAIN_HEADER.slice(4)];
}

/** A tổ dân phố row's first cells (CSV and XLSX alike): code, name, register, then the counts. */
function groupCounts(r: ReturnType<typeof groupRows>[number]): [string, string, number, number, number, number] {
  const h = r.households;
  return [r.group.code, r.group.name, r.group.householdsOnRegister, h?.surveyed ?? 0, h?.notHome ?? 0, h?.refused ?? 0];
}

function titleLines(data: ExportData): string[] {
  const h = data.overview.households;
  return [
    `${data.wardName}, ${data.provinceName}: kết quả các chỉ tiêu chuyển đổi số (khảo sát hộ gia đình Gõ Cửa), năm ${data.year}`,
    `Số liệu đến hết ngày ${dateVi(data.asOf)}. Hộ đã khảo sát: ${integerVi(h.surveyed)} / ${integerVi(h.onRegister)} hộ trên sổ; vắng nhà: ${integerVi(h.notHome)}; từ chối: ${integerVi(h.refused)}.`,
  ];
}

// --- CSV ------------------------------------------------------------------------------------

/** CSV, UTF-8 with BOM, CRLF: the plan table, then a per-tổ-dân-phố section. */
export function exportCsv(data: ExportData): string {
  const lines: CsvCell[][] = [];
  for (const t of titleLines(data)) lines.push([t]);
  lines.push([]);
  lines.push(mainHeader(data));
  // The plan rows: number, name, unit, then figures this exporter formatted.
  lines.push(...mainRows(data).map(([n, name, unit, ...figures]) => [figure(n!), name!, figure(unit!), ...figures.map(figure)]));
  lines.push([]);
  lines.push(['Theo tổ dân phố']);
  lines.push(groupHeader(data));
  for (const r of groupRows(data)) {
    lines.push([...groupCounts(r), ...r.indicators.map((i) => figure(percentVi(i.value)))]);
  }
  if (data.auditChain) lines.push([], [data.auditChain]);
  return csvDocument(lines);
}

// --- XLSX -----------------------------------------------------------------------------------

/** Sheet names and layout the e2e test and other tools read back. */
export const XLSX_LAYOUT = {
  mainSheet: 'Chỉ tiêu',
  groupSheet: 'Theo tổ dân phố',
  /** Row of the table header on both sheets (1-based); data start on the next row. */
  headerRow: 4,
} as const;

const PERCENT_FORMAT = '0.0%';

/**
 * XLSX: sheet "Chỉ tiêu" in the plan layout (targets and results as numbers formatted 0.0%,
 * which Excel shows as 84,7% under Vietnamese regional settings), sheet "Theo tổ dân phố".
 */
export async function exportXlsx(data: ExportData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Gõ Cửa';
  wb.created = new Date(`${data.asOf}T00:00:00Z`);
  const title = titleLines(data);

  const main = wb.addWorksheet(XLSX_LAYOUT.mainSheet, { pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  main.getCell('A1').value = title[0]!;
  main.getCell('A1').font = { bold: true, size: 13 };
  main.getCell('A2').value = title[1]!;
  const header = main.getRow(XLSX_LAYOUT.headerRow);
  header.values = mainHeader(data);
  header.font = { bold: true };
  data.overview.indicators.forEach((i, n) => {
    const row = main.getRow(XLSX_LAYOUT.headerRow + 1 + n);
    row.values = [n + 1, nameVi(i.code), '%', i.target ?? null, i.value ?? null, assessmentVi(i)];
    row.getCell(4).numFmt = PERCENT_FORMAT;
    row.getCell(5).numFmt = PERCENT_FORMAT;
  });
  main.columns = [{ width: 6 }, { width: 70 }, { width: 12 }, { width: 16 }, { width: 12 }, { width: 12 }];
  main.getColumn(2).alignment = { wrapText: true, vertical: 'top' };

  const groups = wb.addWorksheet(XLSX_LAYOUT.groupSheet, { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  groups.getCell('A1').value = `${data.wardName}: kết quả theo tổ dân phố, năm ${data.year}`;
  groups.getCell('A1').font = { bold: true, size: 13 };
  groups.getCell('A2').value = title[1]!;
  const gh = groups.getRow(XLSX_LAYOUT.headerRow);
  gh.values = groupHeader(data);
  gh.font = { bold: true };
  gh.alignment = { wrapText: true, vertical: 'top' };
  groupRows(data).forEach((r, n) => {
    const row = groups.getRow(XLSX_LAYOUT.headerRow + 1 + n);
    row.values = [...groupCounts(r), ...r.indicators.map((i) => i.value ?? null)];
    for (let c = GROUP_FIXED.length + 1; c <= GROUP_FIXED.length + r.indicators.length; c++) row.getCell(c).numFmt = PERCENT_FORMAT;
  });
  groups.columns = groupHeader(data).map((_, c) => ({ width: c === 1 ? 28 : c < GROUP_FIXED.length ? 10 : 16 }));
  // Two rows below the plan table, outside every range a reader of the layout takes.
  if (data.auditChain) main.getCell(`A${XLSX_LAYOUT.headerRow + data.overview.indicators.length + 3}`).value = data.auditChain;

  return Buffer.from(await wb.xlsx.writeBuffer());
}

// --- Printable A4 page ------------------------------------------------------------------------

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const REPORT_CSS = `@page{size:A4;margin:15mm}
body{font-family:"Times New Roman",serif;font-size:12pt;color:#000;margin:0}
h1{font-size:14pt;text-align:center;margin:0 0 4pt}
h2{font-size:13pt;margin:14pt 0 4pt}
p{margin:2pt 0}
table{border-collapse:collapse;width:100%;margin-top:6pt;page-break-inside:auto}
th,td{border:1px solid #000;padding:3pt 4pt;vertical-align:top}
th{background:#eee}
td.n{text-align:right;white-space:nowrap}
td.c{text-align:center}
tr{page-break-inside:avoid}
.small{font-size:10pt}
.center{text-align:center}
@media screen{body{max-width:180mm;margin:12mm auto;padding:0 4mm}}`;

/** The CSP for the report: no scripts at all, the one stylesheet allowed by its hash. */
export const REPORT_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(REPORT_CSS, 'utf8').digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`;

/** A4 printable HTML: ward name, date, the plan table and the per-tổ-dân-phố table. */
export function exportHtml(data: ExportData, printedOn: string): string {
  const title = titleLines(data);
  const main = mainRows(data)
    .map((r) => `<tr><td class="c">${esc(r[0]!)}</td><td>${esc(r[1]!)}</td><td class="c">${esc(r[2]!)}</td><td class="n">${esc(r[3]!)}</td><td class="n">${esc(r[4]!)}</td><td class="c">${esc(r[5]!)}</td></tr>`)
    .join('\n');
  const coverage = (i: IndicatorValue[]) => i.find((x) => x.code === 'coverage')?.value ?? null;
  const groups = groupRows(data)
    .map((r) => {
      const h = r.households;
      return `<tr><td>${esc(r.group.code)}</td><td>${esc(r.group.name)}</td><td class="n">${integerVi(r.group.householdsOnRegister)}</td><td class="n">${integerVi(h?.surveyed ?? 0)}</td><td class="n">${integerVi(h?.notHome ?? 0)}</td><td class="n">${integerVi(h?.refused ?? 0)}</td><td class="n">${percentVi(coverage(r.indicators))}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>${esc(data.wardName)}: chỉ tiêu chuyển đổi số, ${esc(dateVi(data.asOf))}</title>
<style>${REPORT_CSS}</style></head>
<body>
<h1>${esc(data.wardName.toUpperCase())}</h1>
<p class="small center">${esc(data.provinceName)}</p>
<h2>${esc(title[0]!)}</h2>
<p>${esc(title[1]!)}</p>
<table>
<thead><tr><th>STT</th><th>Chỉ tiêu</th><th>Đơn vị tính</th><th>Chỉ tiêu năm ${esc(data.year)}</th><th>Kết quả</th><th>Đánh giá</th></tr></thead>
<tbody>
${main}
</tbody></table>
<h2>Theo tổ dân phố</h2>
<table class="small">
<thead><tr><th>Mã tổ</th><th>Tổ dân phố</th><th>Hộ trên sổ</th><th>Đã khảo sát</th><th>Vắng nhà</th><th>Từ chối</th><th>Tỷ lệ khảo sát</th></tr></thead>
<tbody>
${groups}
</tbody></table>
<p class="small">Số liệu tổng hợp từ khảo sát hộ gia đình (chỉ số đếm, không có thông tin cá nhân). Chỉ số đánh dấu “chỉ số thay thế từ khảo sát” là ước lượng từ câu trả lời của người dân, không phải số liệu đo trực tiếp. In ngày ${esc(dateVi(printedOn))}.</p>
${data.auditChain ? `<p class="small">${esc(data.auditChain)}</p>
` : ''}</body></html>
`;
}
