// Working days for the deadlines of personal-data requests (NĐ 356/2025: acknowledge within
// 2 working days): Monday–Friday minus the public holidays of seeds/holidays-vn.json. Dates
// are calendar dates ('YYYY-MM-DD', the ward's local day); the arithmetic is done in UTC so
// no time zone or daylight rule can move a day.

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parse(date: string): Date {
  if (!DATE.test(date)) throw new RangeError(`not a date: ${date}`);
  const d = new Date(`${date}T00:00:00.000Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) throw new RangeError(`not a date: ${date}`);
  return d;
}

const format = (d: Date) => d.toISOString().slice(0, 10);

export function addCalendarDays(date: string, days: number): string {
  const d = parse(date);
  d.setUTCDate(d.getUTCDate() + days);
  return format(d);
}

/** Monday–Friday and not a holiday. */
export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const day = parse(date).getUTCDay();
  return day !== 0 && day !== 6 && !holidays.has(date);
}

/**
 * The date `n` working days after `date` (the day a request was received does not count, as
 * a deadline "within n working days of receipt" is read): a request received on Friday with
 * n = 2 is due on Tuesday.
 */
export function addWorkingDays(date: string, n: number, holidays: ReadonlySet<string>): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`not a count of days: ${n}`);
  let d = date;
  parse(d);
  for (let left = n; left > 0; ) {
    d = addCalendarDays(d, 1);
    if (isWorkingDay(d, holidays)) left--;
  }
  return d;
}

/** Working days from `from` (exclusive) to `to` (inclusive); 0 when `to` is not after `from`. */
export function workingDaysBetween(from: string, to: string, holidays: ReadonlySet<string>): number {
  let count = 0;
  for (let d = addCalendarDays(from, 1); d <= to; d = addCalendarDays(d, 1)) if (isWorkingDay(d, holidays)) count++;
  return count;
}

/**
 * The date itself when it is a working day, else the next working day: a period whose last day
 * falls on a weekend or holiday ends on the next working day (Bộ luật Dân sự 2015, Điều 148).
 */
export function onOrNextWorkingDay(date: string, holidays: ReadonlySet<string>): string {
  let d = date;
  while (!isWorkingDay(d, holidays)) d = addCalendarDays(d, 1);
  return d;
}
