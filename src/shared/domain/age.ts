// Ages are computed from the year of birth on the survey date: the survey never asks for a
// full birth date, so age is the difference of years (what the plans' "từ 15 tuổi" counts use).

/** Age in whole years on `isoDate` (YYYY-MM-DD or an ISO date-time) for someone born in `birthYear`. */
export function ageOnDate(birthYear: number, isoDate: string): number {
  const year = Number(isoDate.slice(0, 4));
  return year - birthYear;
}

export const AGE_BANDS = ['0-13', '14-17', '18-39', '40-59', '60+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function ageBand(age: number): AgeBand {
  if (age <= 13) return '0-13';
  if (age <= 17) return '14-17';
  if (age <= 39) return '18-39';
  if (age <= 59) return '40-59';
  return '60+';
}

/**
 * Reads a year of birth typed on a number pad: four digits as they are, or two digits taken as
 * the latest year not after the survey year ("85" in 2026 → 1985, "10" → 2010).
 */
export function parseBirthYear(typed: string, surveyYear: number): number | null {
  const digits = typed.trim();
  if (/^\d{4}$/.test(digits)) return Number(digits);
  if (/^\d{2}$/.test(digits)) {
    const yy = Number(digits);
    const century = Math.floor(surveyYear / 100) * 100;
    return century + yy <= surveyYear ? century + yy : century - 100 + yy;
  }
  return null;
}
