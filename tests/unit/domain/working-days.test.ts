import { describe, expect, it } from 'vitest';
import holidaysVn from '../../../seeds/holidays-vn.json' with { type: 'json' };
import { addCalendarDays, addWorkingDays, isWorkingDay, onOrNextWorkingDay, workingDaysBetween } from '../../../src/shared/domain/working-days.js';

const holidays = new Set(holidaysVn.days.map((d) => d.date));
const none = new Set<string>();

describe('working days', () => {
  it('skips Saturday and Sunday: a request received on Friday is due on Tuesday with 2 working days', () => {
    expect(addWorkingDays('2026-12-04', 2, none)).toBe('2026-12-08'); // Fri → Tue
    expect(addWorkingDays('2026-12-07', 2, none)).toBe('2026-12-09'); // Mon → Wed
    expect(addWorkingDays('2026-12-05', 1, none)).toBe('2026-12-07'); // Sat → Mon
    expect(addWorkingDays('2026-12-07', 0, none)).toBe('2026-12-07');
  });

  it('skips the holidays of seeds/holidays-vn.json: Tết, 30/4 and 1/5, 2/9 and its neighbour, Giỗ Tổ', () => {
    // Received Friday 13/2/2026: Tết 16–20/2, so the 2 working days are Mon 23 and Tue 24.
    expect(addWorkingDays('2026-02-13', 2, holidays)).toBe('2026-02-24');
    // Wed 29/4/2026: Thu 30/4 and Fri 1/5 off → Mon 4/5, Tue 5/5.
    expect(addWorkingDays('2026-04-29', 2, holidays)).toBe('2026-05-05');
    // Mon 31/8/2026: 1/9 and 2/9 off → Thu 3/9, Fri 4/9.
    expect(addWorkingDays('2026-08-31', 2, holidays)).toBe('2026-09-04');
    // Fri 24/4/2026: Giỗ Tổ on Sunday 26/4, made up on Monday 27/4 → Tue 28, Wed 29.
    expect(addWorkingDays('2026-04-24', 2, holidays)).toBe('2026-04-29');
    expect(isWorkingDay('2026-04-27', holidays)).toBe(false);
    expect(isWorkingDay('2027-05-03', holidays)).toBe(false); // 1/5/2027 is a Saturday
    expect(isWorkingDay('2026-12-31', holidays)).toBe(true);
    // New Year: Wed 31/12/2026 → Fri 1/1/2027 off → Mon 4/1, Tue 5/1.
    expect(addWorkingDays('2026-12-31', 2, holidays)).toBe('2027-01-05');
  });

  it('lists only weekdays as holidays (a weekend holiday is made up on a weekday), dates in order', () => {
    const dates = holidaysVn.days.map((d) => d.date);
    expect([...dates].sort()).toEqual(dates);
    for (const date of dates) expect(isWorkingDay(date, none), date).toBe(true);
    for (const year of ['2026', '2027']) expect(dates.filter((d) => d.startsWith(year)).length).toBeGreaterThanOrEqual(10);
  });

  it('counts working days between two dates and adds calendar days across months and years', () => {
    expect(workingDaysBetween('2026-12-04', '2026-12-08', none)).toBe(2);
    expect(workingDaysBetween('2026-12-08', '2026-12-04', none)).toBe(0);
    expect(addCalendarDays('2026-12-25', 10)).toBe('2027-01-04');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('moves a period ending on a weekend or holiday to the next working day', () => {
    expect(onOrNextWorkingDay('2027-01-03', holidays)).toBe('2027-01-04'); // Sunday
    expect(onOrNextWorkingDay('2026-02-14', holidays)).toBe('2026-02-23'); // Saturday, then Tết
    expect(onOrNextWorkingDay('2026-12-14', holidays)).toBe('2026-12-14');
  });

  it('refuses what is not a date or a count', () => {
    expect(() => addWorkingDays('2026-02-30', 2, none)).toThrow(RangeError);
    expect(() => addWorkingDays('04/12/2026', 2, none)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-12-04', -1, none)).toThrow(RangeError);
  });
});
