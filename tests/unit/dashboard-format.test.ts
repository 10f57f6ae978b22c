import { describe, expect, it } from 'vitest';
import { countsHouseholds, exportFileName, formatDateTime, formatNumber, formatPercent, indicatorName, todayVietnam } from '../../src/app/features/dashboard/format.js';

describe('dashboard number formats', () => {
  it('shows percentages the Vietnamese way, one decimal at most', () => {
    expect(formatPercent(0.8471, 'vi')).toBe('84,7%');
    expect(formatPercent(0.85, 'vi')).toBe('85%');
    expect(formatPercent(1, 'vi')).toBe('100%');
    expect(formatPercent(0.8471, 'en')).toBe('84.7%');
    expect(formatPercent(null, 'vi')).toBe('—');
  });
  it('groups thousands with a dot in Vietnamese', () => {
    expect(formatNumber(8115, 'vi')).toBe('8.115');
    expect(formatNumber(8115, 'en')).toBe('8,115');
  });
  it('names indicators in both languages and knows which count households', () => {
    expect(indicatorName('vneid', 'vi')).toBe('Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)');
    expect(indicatorName('vneid', 'en')).toBe('Residents with an electronic ID account (VNeID)');
    expect(countsHouseholds('household_fibre')).toBe(true);
    expect(countsHouseholds('coverage')).toBe(true);
    expect(countsHouseholds('vneid')).toBe(false);
  });
  it('dates exports in Vietnam time', () => {
    // 23:30 UTC on the 23rd is already the 24th in Asia/Ho_Chi_Minh (UTC+7).
    expect(todayVietnam(new Date('2026-11-23T23:30:00Z'))).toBe('2026-11-24');
    expect(todayVietnam(new Date('2026-11-24T16:59:00Z'))).toBe('2026-11-24');
    expect(formatDateTime('2026-11-24T03:36:00Z')).toBe('10:36 24/11/2026');
    expect(formatDateTime(null)).toBe('—');
    expect(exportFileName('10546', '2026-11-24', 'xlsx')).toBe('go-cua-10546-2026-11-24.xlsx');
  });
});
