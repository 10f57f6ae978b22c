import { describe, expect, it } from 'vitest';
import { CCCD_PROVINCE_CODES, checkCccd } from '../../src/shared/domain/cccd.js';
import { householdWarnings } from '../../src/shared/domain/household-warnings.js';
import { householdRecordSchema } from '../../src/shared/schema/household.js';
import { validSurveyed } from '../helpers/household-fixtures.js';

// Structure: province (3) · century and sex (1) · year of birth (2) · serial (6).
describe('checkCccd', () => {
  it('accepts a CCCD that matches its holder', () => {
    expect(checkCccd('031080123456', { birthYear: 1980, sex: 'male' })).toEqual([]); // Hải Phòng, man, 1980
    expect(checkCccd('075183000001', { birthYear: 1983, sex: 'female' })).toEqual([]); // Đồng Nai, woman, 1983
    expect(checkCccd('001205999999', { birthYear: 2005, sex: 'male' })).toEqual([]); // Hà Nội, man, 2005
    expect(checkCccd('079316123456', { birthYear: 2016, sex: 'female' })).toEqual([]); // TP.HCM, girl, 2016
  });

  it('needs exactly 12 digits', () => {
    expect(checkCccd('03108012345', {})).toEqual(['cccd_format']);
    expect(checkCccd('0310801234567', {})).toEqual(['cccd_format']);
    expect(checkCccd('03108012345a', {})).toEqual(['cccd_format']);
  });

  it('warns on a province code that is not one', () => {
    expect(checkCccd('003080123456', { birthYear: 1980, sex: 'male' })).toEqual(['cccd_province']);
    expect(checkCccd('099080123456', { birthYear: 1980, sex: 'male' })).toEqual(['cccd_province']);
  });

  it('knows the 63 province codes (pre-2025 list, kept on issued cards)', () => {
    expect(CCCD_PROVINCE_CODES.size).toBe(63);
    for (const code of ['001', '031', '030', '075', '070', '079', '096']) expect(CCCD_PROVINCE_CODES.has(code)).toBe(true);
  });

  it('warns on a century/sex digit nobody alive can have (born 2100 or later)', () => {
    for (const digit of ['4', '5', '6', '7', '8', '9']) {
      expect(checkCccd(`031${digit}80123456`, {}), digit).toEqual(['cccd_century_sex']);
    }
    for (const digit of ['0', '1', '2', '3']) expect(checkCccd(`031${digit}80123456`, {}), digit).toEqual([]);
  });

  it('warns when the birth year in the CCCD differs from the member’s', () => {
    expect(checkCccd('031080123456', { birthYear: 1981, sex: 'male' })).toEqual(['cccd_birth_year']);
    // Right two digits, wrong century: 2080 is not 1980.
    expect(checkCccd('031280123456', { birthYear: 1980, sex: 'male' })).toEqual(['cccd_birth_year']);
  });

  it('warns when the sex in the CCCD differs from the member’s, but not when sex is unknown', () => {
    expect(checkCccd('031080123456', { birthYear: 1980, sex: 'female' })).toEqual(['cccd_sex']);
    expect(checkCccd('031183123456', { birthYear: 1983, sex: 'male' })).toEqual(['cccd_sex']);
    expect(checkCccd('031080123456', { birthYear: 1980, sex: 'unknown' })).toEqual([]);
  });

  it('checks only the structure when nothing is known of the holder', () => {
    expect(checkCccd('031080123456', {})).toEqual([]);
  });

  it('can report several warnings together', () => {
    expect(checkCccd('003183123456', { birthYear: 1980, sex: 'male' })).toEqual(['cccd_province', 'cccd_birth_year', 'cccd_sex']);
  });
});

describe('householdWarnings', () => {
  it('are soft: the record stays valid, the warnings point at the fields', () => {
    const record = validSurveyed();
    record.data.members[0].cccd = '031183123456'; // woman born 1983 on a man born 1980
    record.data.members[1].phone = '0201234567'; // landline-like prefix
    const parsed = householdRecordSchema.parse(record);
    expect(householdWarnings(parsed.data)).toEqual([
      { path: 'members.0.cccd', code: 'cccd_birth_year' },
      { path: 'members.0.cccd', code: 'cccd_sex' },
      { path: 'members.1.phone', code: 'phone_prefix_unknown' },
    ]);
  });

  it('uses the ward’s own prefix list when given', () => {
    const parsed = householdRecordSchema.parse(validSurveyed());
    expect(householdWarnings(parsed.data)).toEqual([]);
    expect(householdWarnings(parsed.data, ['098'])).toEqual([{ path: 'members.0.phone', code: 'phone_prefix_unknown' }]);
  });
});
