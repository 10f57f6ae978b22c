// Pure helpers of the ward dashboard: ISO weeks and the folded address of the duplicate check.
import { describe, expect, it } from 'vitest';
import { addressKey, normaliseAddressPart } from '../../src/shared/domain/address-key.js';
import { isoWeek, isoWeeksBetween, todayInVietnam } from '../../src/shared/domain/iso-week.js';

describe('isoWeek', () => {
  it('follows ISO 8601 (Monday first, week 1 holds the first Thursday)', () => {
    expect(isoWeek('2026-11-24')).toEqual({ label: '2026-W48', start: '2026-11-23', end: '2026-11-29' });
    expect(isoWeek('2026-01-01').label).toBe('2026-W01'); // a Thursday
    expect(isoWeek('2027-01-01').label).toBe('2026-W53'); // a Friday: last week of 2026
    expect(isoWeek('2024-12-30').label).toBe('2025-W01'); // a Monday in week 1 of 2025
    expect(isoWeek('2026-11-29').label).toBe('2026-W48'); // Sunday ends the week
    expect(isoWeek('2026-11-30').label).toBe('2026-W49');
  });
  it('lists weeks without gaps', () => {
    expect(isoWeeksBetween('2026-12-20', '2027-01-05').map((w) => w.label)).toEqual(['2026-W51', '2026-W52', '2026-W53', '2027-W01']);
  });
  it('today in Asia/Ho_Chi_Minh is UTC+7', () => {
    expect(todayInVietnam(new Date('2026-11-23T16:59:59Z'))).toBe('2026-11-23');
    expect(todayInVietnam(new Date('2026-11-23T17:00:00Z'))).toBe('2026-11-24');
  });
});

describe('addressKey', () => {
  it('folds diacritics, case, spaces, punctuation and the "số"/"ngõ" prefixes', () => {
    const a = addressKey({ houseNumber: 'Số 12', lane: 'Ngõ 5', street: 'Đường Lê Lợi' });
    expect(a).toBe('12|5|le loi');
    expect(addressKey({ houseNumber: '12', lane: 'ngo  5', street: 'le   loi' })).toBe(a);
    expect(addressKey({ houseNumber: 'số nhà 12', lane: 'NGÕ 5', street: 'Lê Lợi.' })).toBe(a);
    expect(normaliseAddressPart('Hẻm 45 / 3')).toBe('45/3');
    expect(normaliseAddressPart('Ngõ5')).toBe('5');
    expect(addressKey({ houseNumber: '12A', street: 'Lê Lợi' })).not.toBe(addressKey({ houseNumber: '12', street: 'Lê Lợi' }));
    expect(addressKey({ houseNumber: '12' })).toBe('12||');
  });
});
