// The default cut-off (shared/domain/cut-off.ts) and how the dashboard's query reads it.
import { describe, expect, it } from 'vitest';
import { cutOffFor, defaultCutOff } from '../../../src/shared/domain/cut-off.js';
import { parseCommonQuery } from '../../../src/server/routes/dashboard-query.js';

describe('defaultCutOff', () => {
  it('is 31/12 of a past year, none for this year or a later one', () => {
    expect(defaultCutOff('2025', '2026-12-03')).toBe('2025-12-31');
    expect(defaultCutOff('2026', '2026-12-03')).toBeUndefined();
    expect(defaultCutOff('2027', '2026-12-03')).toBeUndefined();
    expect(defaultCutOff('', '2026-12-03')).toBeUndefined();
  });

  it('a chosen cut-off wins', () => {
    expect(cutOffFor('2025', '2026-03-01', '2026-12-03')).toBe('2026-03-01');
    expect(cutOffFor('2025', '', '2026-12-03')).toBe('2025-12-31');
  });
});

describe('parseCommonQuery cut-off', () => {
  const now = new Date('2026-12-03T05:00:00Z');
  const groups = new Set<string>();
  it('defaults a past year to its 31/12, keeps a chosen day, adds none for this year', () => {
    expect(parseCommonQuery({ year: '2025' }, groups, now)).toEqual({ year: '2025', asOf: '2025-12-31' });
    expect(parseCommonQuery({ year: '2025', asOf: '2026-06-30' }, groups, now)).toEqual({ year: '2025', asOf: '2026-06-30' });
    expect(parseCommonQuery({ year: '2026' }, groups, now)).toEqual({ year: '2026' });
    expect(parseCommonQuery({}, groups, now)).toEqual({ year: '2026' });
    expect(parseCommonQuery({ asOf: '2025-06-30' }, groups, now)).toEqual({ year: '2025', asOf: '2025-06-30' });
  });
  it('on 1/1 in Vietnam (still 31/12 in UTC) the year just ended is past', () => {
    expect(parseCommonQuery({ year: '2026' }, groups, new Date('2026-12-31T18:00:00Z'))).toEqual({ year: '2026', asOf: '2026-12-31' });
  });
});
