// How dates, times and weeks are written for people, on the phone and on the dashboard alike:
// dates dd/mm/yyyy, times "HH:mm dd/mm/yyyy", weeks "Tuần 49 (1/12–7/12)" ("Week 49 (…)" in
// English), the year written out only when a week spans two years. One helper so the app no
// longer shows six formats. API fields and file names stay ISO (YYYY-MM-DD): this is display only.
// Pure arithmetic, no Intl: the output must not depend on the device's locale or ICU data.
import { isoWeek } from './iso-week.js';

/** Vietnam's offset from UTC in minutes (Asia/Ho_Chi_Minh has no daylight saving). */
export const VIETNAM_OFFSET_MINUTES = 7 * 60;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A calendar date (YYYY-MM-DD) as dd/mm/yyyy; an instant (a date-time with its zone) as its day
 * in Vietnam; '—' when empty.
 */
export function formatDate(isoDate: string | null | undefined, offsetMinutes = VIETNAM_OFFSET_MINUTES): string {
  if (!isoDate) return '—';
  if (/T.*(Z|[+-]\d{2}:?\d{2})$/.test(isoDate) && !Number.isNaN(Date.parse(isoDate))) {
    const d = new Date(Date.parse(isoDate) + offsetMinutes * 60_000);
    return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return isoDate;
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/**
 * An instant (ISO date-time) as "HH:mm dd/mm/yyyy" in Vietnam's time (the ward's clock, the
 * same on every device); '—' when empty, the text itself when it is not a date.
 */
export function formatDateTime(iso: string | null | undefined, offsetMinutes = VIETNAM_OFFSET_MINUTES): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t + offsetMinutes * 60_000);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} ${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** The words for "week" in each interface language. */
const WEEK_WORD: Record<string, string> = { vi: 'Tuần', en: 'Week' };

/**
 * An ISO week as "Tuần 49 (1/12–7/12)" / "Week 49 (1/12–7/12)"; when the week spans two years,
 * both dates carry their year: "Tuần 1 (29/12/2025–4/1/2026)". `start` and `end` are its Monday
 * and Sunday (YYYY-MM-DD), as the API sends them.
 */
export function formatWeek(week: { start: string; end: string }, lang: string): string {
  const n = Number(isoWeek(week.start).label.slice(-2));
  const [sy, sm, sd] = week.start.slice(0, 10).split('-').map(Number) as [number, number, number];
  const [ey, em, ed] = week.end.slice(0, 10).split('-').map(Number) as [number, number, number];
  const range = sy === ey ? `${sd}/${sm}–${ed}/${em}` : `${sd}/${sm}/${sy}–${ed}/${em}/${ey}`;
  return `${WEEK_WORD[lang] ?? WEEK_WORD.vi} ${n} (${range})`;
}

/** A week's short label for a chart's axis: its Monday as "1/12" (the full label is in the table). */
export function formatWeekShort(week: { start: string }): string {
  const [, m, d] = week.start.slice(0, 10).split('-').map(Number);
  return `${d}/${m}`;
}

/**
 * What a person typed as a date, read as dd/mm/yyyy (separators /, - or .; one-digit day and
 * month allowed): the ISO date, or null when it is not a real calendar day.
 */
export function parseDayMonthYear(text: string): string | null {
  const m = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/.exec(text);
  if (!m) return null;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || year < 1900) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}
