// Soft checks of the 12-digit citizen ID (CCCD). There is no checksum; the structure is:
// 3 digits province of birth registration, 1 digit century + sex, 2 digits birth year, 6 digits.
// A mismatch is a warning the volunteer can override (people mistype, and records are old).

/** Province codes used in CCCD numbers (the 63 provinces before the 2025 mergers; kept on issued cards). */
export const CCCD_PROVINCE_CODES = new Set([
  '001', '002', '004', '006', '008', '010', '011', '012', '014', '015', '017', '019', '020', '022', '024', '025',
  '026', '027', '030', '031', '033', '034', '035', '036', '037', '038', '040', '042', '044', '045', '046', '048',
  '049', '051', '052', '054', '056', '058', '060', '062', '064', '066', '067', '068', '070', '072', '074', '075',
  '077', '079', '080', '082', '083', '084', '086', '087', '089', '091', '092', '093', '094', '095', '096',
]);

export type CccdWarning = 'cccd_format' | 'cccd_province' | 'cccd_century_sex' | 'cccd_birth_year' | 'cccd_sex';

/**
 * Returns the warnings for a CCCD given what is known of its holder. `format` means it is not
 * 12 digits (the schema rejects that; here it is reported for completeness of typing feedback).
 */
export function checkCccd(cccd: string, holder: { birthYear?: number; sex?: 'male' | 'female' | 'unknown' }): CccdWarning[] {
  if (!/^\d{12}$/.test(cccd)) return ['cccd_format'];
  const warnings: CccdWarning[] = [];
  if (!CCCD_PROVINCE_CODES.has(cccd.slice(0, 3))) warnings.push('cccd_province');
  const genderCentury = Number(cccd[3]);
  const centuryStart = 1900 + Math.floor(genderCentury / 2) * 100; // 0,1 → 1900s; 2,3 → 2000s; …
  const female = genderCentury % 2 === 1;
  // 4 and up mean born in 2100 or later: nobody alive yet.
  if (centuryStart >= 2100) warnings.push('cccd_century_sex');
  const yearFromId = centuryStart + Number(cccd.slice(4, 6));
  if (holder.birthYear !== undefined && yearFromId !== holder.birthYear) warnings.push('cccd_birth_year');
  if (holder.sex && holder.sex !== 'unknown' && (holder.sex === 'female') !== female) warnings.push('cccd_sex');
  return warnings;
}
