// The one CSV writer of every export (indicators, assistances, and any added later): UTF-8 with
// a BOM (Excel then reads Vietnamese right), CRLF, RFC 4180 quoting.
//
// Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with =, +, -
// or @ (and, in some, a tab or CR before one) as a formula: `=HYPERLINK(…)` from a campaign
// name typed on any phone, or a tổ dân phố name, would execute on the ward staff's computer.
// Every TEXT cell starting with one of those is prefixed with a single quote, which shows as
// text. Figures the exporter formats itself (counts, "45,2%") are written as they are: they are
// passed as numbers or wrapped with `figure()`, so a negative number is never mangled.

/** A value the exporter formatted itself (never data typed by someone): written verbatim. */
export class CsvFigure {
  constructor(readonly text: string) {}
}
export const figure = (text: string): CsvFigure => new CsvFigure(text);

export type CsvCell = string | number | CsvFigure;

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text that a spreadsheet would read as a formula, made inert with a leading single quote. */
export function neutraliseCsvText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(text: string): string {
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvCell(cell: CsvCell): string {
  if (typeof cell === 'number') return quote(String(cell));
  if (cell instanceof CsvFigure) return quote(cell.text);
  return quote(neutraliseCsvText(cell));
}

/** A whole CSV file: BOM, one line per row, CRLF after every line. */
export function csvDocument(lines: readonly (readonly CsvCell[])[]): string {
  return '\uFEFF' + lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
