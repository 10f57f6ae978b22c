// ISO 8601 weeks (Monday first; week 1 holds the year's first Thursday) of a calendar date.
// Survey dates (surveyedAt) are already local dates in Asia/Ho_Chi_Minh, so no time zone
// arithmetic is needed here: the date is the local day.

const DAY = 86_400_000;

export interface IsoWeek {
  /** "2026-W47" */
  label: string;
  /** Monday, YYYY-MM-DD */
  start: string;
  /** Sunday, YYYY-MM-DD */
  end: string;
}

const ymd = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The ISO week of a YYYY-MM-DD date (a date-time is cut to its date). */
export function isoWeek(date: string): IsoWeek {
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${date}`);
  const monday = t - ((new Date(t).getUTCDay() + 6) % 7) * DAY;
  const year = new Date(monday + 3 * DAY).getUTCFullYear();
  const jan4 = Date.UTC(year, 0, 4);
  const week1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
  const week = 1 + Math.round((monday - week1) / (7 * DAY));
  return { label: `${year}-W${String(week).padStart(2, '0')}`, start: ymd(monday), end: ymd(monday + 6 * DAY) };
}

/** Every ISO week from the one holding `from` to the one holding `to`, in order. */
export function isoWeeksBetween(from: string, to: string): IsoWeek[] {
  const out: IsoWeek[] = [];
  let w = isoWeek(from);
  const last = isoWeek(to).start;
  while (w.start <= last) {
    out.push(w);
    w = isoWeek(ymd(Date.parse(`${w.start}T00:00:00Z`) + 7 * DAY));
  }
  return out;
}

/** Today's date in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
export function todayInVietnam(now = new Date()): string {
  return ymd(now.getTime() + 7 * 3_600_000);
}
