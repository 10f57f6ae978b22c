// Number formats of the dashboard: Vietnamese first (84,7%, 1.234), English when chosen.
import { INDICATORS, type IndicatorCode } from '../../../shared/domain/indicators.js';

// Dates, times and weeks: the app's one helper (dd/mm/yyyy, HH:mm dd/mm/yyyy, "Tuần 49 (…)").
export { formatDate, formatDateTime, formatWeek, formatWeekShort } from '../../../shared/domain/date-format.js';

const locale = (lang: string) => (lang === 'en' ? 'en-GB' : 'vi-VN');

export function formatPercent(value: number | null | undefined, lang: string): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

export function formatNumber(value: number, lang: string): string {
  return new Intl.NumberFormat(locale(lang)).format(value);
}

export function indicatorName(code: IndicatorCode | string, lang: string): string {
  const def = INDICATORS.find((i) => i.code === code);
  if (!def) return code;
  return lang === 'en' ? def.name.en : def.name.vi;
}

/** Whether the indicator counts households (the others count members). */
export function countsHouseholds(code: IndicatorCode | string): boolean {
  const def = INDICATORS.find((i) => i.code === code);
  return def !== undefined && def.over !== 'members';
}

/** Today as YYYY-MM-DD in Vietnam (the exports' default cut-off). */
export function todayVietnam(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** `go-cua-10546-2026-11-24.xlsx` */
export function exportFileName(wardCode: string, asOf: string, ext: string): string {
  return `go-cua-${wardCode}-${asOf}.${ext}`;
}

/** Saves a Blob (the download carries the Authorization header: it is fetched first). */
export { saveBlob } from '../../ui/save-blob.js';
