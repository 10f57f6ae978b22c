import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatWeek, formatWeekShort, parseDayMonthYear } from '../../src/shared/domain/date-format.js';

describe('date-format: one way to write dates, times and weeks', () => {
  it('writes a calendar date as dd/mm/yyyy, whatever follows the date', () => {
    expect(formatDate('2026-12-03')).toBe('03/12/2026');
    expect(formatDate('2026-01-09T10:59:00.000Z')).toBe('09/01/2026');
    // An instant is its day in Vietnam: 20:00 UTC is already the next day there.
    expect(formatDate('2026-01-09T20:00:00.000Z')).toBe('10/01/2026');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('')).toBe('—');
    expect(formatDate('not a date')).toBe('not a date');
  });

  it('writes an instant as HH:mm dd/mm/yyyy in Vietnam time', () => {
    expect(formatDateTime('2026-12-02T11:56:00.000Z')).toBe('18:56 02/12/2026');
    // 20:30 UTC is already the next day in Vietnam.
    expect(formatDateTime('2026-12-31T20:30:00Z')).toBe('03:30 01/01/2027');
    expect(formatDateTime('2026-12-02T11:56:00Z', 0)).toBe('11:56 02/12/2026');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('garbage')).toBe('garbage');
  });

  it('writes a week as "Tuần 49 (30/11–6/12)" and in English as "Week 49 (…)"', () => {
    expect(formatWeek({ start: '2026-11-30', end: '2026-12-06' }, 'vi')).toBe('Tuần 49 (30/11–6/12)');
    expect(formatWeek({ start: '2026-11-30', end: '2026-12-06' }, 'en')).toBe('Week 49 (30/11–6/12)');
    expect(formatWeek({ start: '2026-10-12', end: '2026-10-18' }, 'vi')).toBe('Tuần 42 (12/10–18/10)');
  });

  it('adds the years when a week spans two years', () => {
    expect(formatWeek({ start: '2025-12-29', end: '2026-01-04' }, 'vi')).toBe('Tuần 1 (29/12/2025–4/1/2026)');
    expect(formatWeek({ start: '2026-12-28', end: '2027-01-03' }, 'en')).toBe('Week 53 (28/12/2026–3/1/2027)');
  });

  it('labels a chart axis with the week\'s Monday', () => {
    expect(formatWeekShort({ start: '2026-11-30' })).toBe('30/11');
  });

  it('reads dd/mm/yyyy as typed, and nothing that is not a real day', () => {
    expect(parseDayMonthYear('03/12/2026')).toBe('2026-12-03');
    expect(parseDayMonthYear(' 3/1/2026 ')).toBe('2026-01-03');
    expect(parseDayMonthYear('3-1-2026')).toBe('2026-01-03');
    expect(parseDayMonthYear('29.02.2028')).toBe('2028-02-29');
    expect(parseDayMonthYear('29/02/2026')).toBeNull();
    expect(parseDayMonthYear('31/04/2026')).toBeNull();
    expect(parseDayMonthYear('12/13/2026')).toBeNull();
    expect(parseDayMonthYear('00/12/2026')).toBeNull();
    expect(parseDayMonthYear('2026-12-03')).toBeNull();
    expect(parseDayMonthYear('3/12/26')).toBeNull();
    expect(parseDayMonthYear('')).toBeNull();
  });
});
