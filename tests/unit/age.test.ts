import { describe, expect, it } from 'vitest';
import { AGE_BANDS, ageBand, ageOnDate, parseBirthYear } from '../../src/shared/domain/age.js';

describe('ageOnDate', () => {
  it('is the difference of years on the survey date (no birth date is asked)', () => {
    expect(ageOnDate(1996, '2026-10-15')).toBe(30);
    expect(ageOnDate(2012, '2026-01-01')).toBe(14);
    expect(ageOnDate(2026, '2026-12-31')).toBe(0);
  });

  it('accepts a date-time as well as a date', () => {
    expect(ageOnDate(1980, '2026-10-15T02:30:00.000Z')).toBe(46);
  });

  it('depends on the survey date, not on today', () => {
    expect(ageOnDate(2012, '2025-06-01')).toBe(13);
    expect(ageOnDate(2012, '2026-06-01')).toBe(14);
  });
});

describe('ageBand', () => {
  it.each([
    [0, '0-13'], [13, '0-13'], [14, '14-17'], [17, '14-17'], [18, '18-39'], [39, '18-39'],
    [40, '40-59'], [59, '40-59'], [60, '60+'], [104, '60+'],
  ] as const)('age %i is in band %s', (age, band) => {
    expect(ageBand(age)).toBe(band);
  });

  it('covers exactly the listed bands', () => {
    const seen = new Set(Array.from({ length: 121 }, (_, age) => ageBand(age)));
    expect([...seen]).toEqual([...AGE_BANDS]);
  });
});

describe('parseBirthYear', () => {
  it('takes four digits as they are', () => {
    expect(parseBirthYear('1985', 2026)).toBe(1985);
    expect(parseBirthYear(' 2010 ', 2026)).toBe(2010);
  });

  it('reads two digits as the latest year not after the survey year', () => {
    expect(parseBirthYear('85', 2026)).toBe(1985);
    expect(parseBirthYear('10', 2026)).toBe(2010);
    expect(parseBirthYear('26', 2026)).toBe(2026);
    expect(parseBirthYear('27', 2026)).toBe(1927);
    expect(parseBirthYear('00', 2026)).toBe(2000);
    expect(parseBirthYear('99', 2000)).toBe(1999);
  });

  it.each(['', '1', '198', '19855', 'abcd', '19a5', '-85', '85.0'])('rejects %j', (typed) => {
    expect(parseBirthYear(typed, 2026)).toBeNull();
  });
});
