// The survey date rule (shared/domain/survey-date.ts): the phone's save and the server's
// derivation from a revision history.
import { describe, expect, it } from 'vitest';
import { surveyDateAfter, surveyDateOfHistory, surveyedAtForSave } from '../../../src/shared/domain/survey-date.js';

describe('surveyedAtForSave (the phone)', () => {
  it('a new household takes the visit day', () => {
    expect(surveyedAtForSave(undefined, 'surveyed', '2026-01-05')).toBe('2026-01-05');
    expect(surveyedAtForSave(undefined, 'not_home', '2026-01-05')).toBe('2026-01-05');
  });

  it('the revisit that surveys a not-home or refused household takes its own day', () => {
    expect(surveyedAtForSave({ outcome: 'not_home', surveyedAt: '2025-12-20' }, 'surveyed', '2026-01-05')).toBe('2026-01-05');
    expect(surveyedAtForSave({ outcome: 'refused', surveyedAt: '2025-12-20' }, 'surveyed', '2026-01-05')).toBe('2026-01-05');
  });

  it('plain edits, voids and further failed visits keep the date', () => {
    expect(surveyedAtForSave({ outcome: 'surveyed', surveyedAt: '2026-01-05' }, 'surveyed', '2026-03-01')).toBe('2026-01-05');
    expect(surveyedAtForSave({ outcome: 'not_home', surveyedAt: '2025-12-20' }, 'not_home', '2026-01-05')).toBe('2025-12-20');
    expect(surveyedAtForSave({ outcome: 'surveyed', surveyedAt: '2026-01-05' }, 'refused', '2026-03-01')).toBe('2026-01-05');
  });
});

const rev = (outcome: 'surveyed' | 'not_home' | 'refused', surveyedAt: string, clientUpdatedAt: string) => ({ outcome, surveyedAt, clientUpdatedAt });

describe('surveyDateOfHistory (the server)', () => {
  it('a household surveyed at once keeps its date through edits', () => {
    expect(surveyDateOfHistory([rev('surveyed', '2026-01-05', '2026-01-05T02:00:00Z'), rev('surveyed', '2026-01-05', '2026-02-01T02:00:00Z')])).toBe('2026-01-05');
  });

  it('an old app kept the failed visit\'s date: the surveying rev\'s save day (Vietnam time) counts', () => {
    // Saved 2026-01-04 20:00 UTC = 2026-01-05 03:00 in Hải Phòng.
    const history = [rev('not_home', '2025-12-20', '2025-12-20T03:00:00Z'), rev('surveyed', '2025-12-20', '2026-01-04T20:00:00Z')];
    expect(surveyDateOfHistory(history)).toBe('2026-01-05');
    // …and the old app's later plain edits, still carrying 2025-12-20, keep the derived date.
    expect(surveyDateOfHistory([...history, rev('surveyed', '2025-12-20', '2026-03-01T02:00:00Z')])).toBe('2026-01-05');
  });

  it('a phone with the rule sets the survey day itself: it is taken as sent', () => {
    expect(surveyDateOfHistory([rev('refused', '2025-12-20', '2025-12-20T03:00:00Z'), rev('surveyed', '2026-01-06', '2026-01-06T02:00:00Z')])).toBe('2026-01-06');
  });

  it('the first surveyed rev after the LAST failed one counts', () => {
    const history = [
      rev('not_home', '2025-11-01', '2025-11-01T03:00:00Z'),
      rev('surveyed', '2025-11-01', '2025-11-10T03:00:00Z'),
      rev('not_home', '2025-11-01', '2025-12-01T03:00:00Z'),
      rev('surveyed', '2025-11-01', '2026-02-02T03:00:00Z'),
    ];
    expect(surveyDateOfHistory(history)).toBe('2026-02-02');
  });

  it('a household not surveyed keeps the date it carries', () => {
    expect(surveyDateOfHistory([rev('not_home', '2025-12-20', '2025-12-20T03:00:00Z'), rev('refused', '2025-12-20', '2026-01-05T03:00:00Z')])).toBe('2025-12-20');
    expect(surveyDateOfHistory([])).toBeUndefined();
  });

  it('one step at a time gives the same as the whole history', () => {
    expect(surveyDateAfter({ outcome: 'not_home', surveyedAt: '2025-12-20' }, rev('surveyed', '2025-12-20', '2026-01-05T02:00:00Z'))).toBe('2026-01-05');
    expect(surveyDateAfter(undefined, rev('surveyed', '2025-12-20', '2026-01-05T02:00:00Z'))).toBe('2025-12-20');
  });
});
