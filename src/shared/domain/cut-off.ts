// The dashboard's cut-off date (`asOf`: households surveyed up to that day, with their latest
// answers). A year's targets are judged on that year's data: for a past year the cut-off is
// 31/12 of that year unless the user picks another day ("tính đến ngày 31/12/2025" in the
// plans); for the current year (or a later one) there is none — everything synced so far.
// Used by the ward endpoint (routes/dashboard-query.ts) and the dashboard screens alike.

/** 31/12 of `year` when it is before the year of `today` (both as YYYY / YYYY-MM-DD); else undefined. */
export function defaultCutOff(year: string, today: string): string | undefined {
  return /^\d{4}$/.test(year) && year < today.slice(0, 4) ? `${year}-12-31` : undefined;
}

/** The cut-off used: the chosen one, else the year's default, else undefined (no cut-off). */
export function cutOffFor(year: string, chosen: string | undefined, today: string): string | undefined {
  return chosen || defaultCutOff(year, today);
}
