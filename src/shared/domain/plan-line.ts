// "Behind plan" for the city roll-up (issue 15): a ward is behind on an indicator when its value
// at the cut-off is below the straight line drawn from the year's start value (the value of the
// households surveyed up to 31/12 of the previous year, with their latest answers) on 1/1 to
// the year's target on 31/12. No household counted before 1/1: the line starts at 0.
// Pure date arithmetic on YYYY-MM-DD strings, shared by the server and the screens.

const DAY_MS = 86_400_000;
const utc = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** How far through `year` the end of `date` is: 0 before 1/1, 1 from 31/12 on (day count / days of the year). */
export function yearFraction(year: string, date: string): number {
  const start = utc(`${year}-01-01`);
  const end = utc(`${Number(year) + 1}-01-01`);
  const daysDone = (utc(date) - start) / DAY_MS + 1; // the cut-off day itself is done
  return Math.min(1, Math.max(0, daysDone / ((end - start) / DAY_MS)));
}

/** The value the straight line asks for at `date` (null without a target). */
export function planValueAt(year: string, date: string, start: number | null, target: number | null): number | null {
  if (target === null) return null;
  const from = start ?? 0;
  return from + (target - from) * yearFraction(year, date);
}

/** True below the line, false on or above it, null when there is no target or no value. */
export function behindPlan(value: number | null, plan: number | null): boolean | null {
  if (value === null || plan === null) return null;
  // Compared on the rounding the screens show (0.1 percentage point), so "84,7% < 84,7%" never happens.
  return Math.round(value * 1000) < Math.round(plan * 1000);
}

/** Cells resting on fewer people than this are hidden from city staff ("<5"). */
export const SMALL_CELL_MIN = 5;
