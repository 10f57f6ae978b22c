// features/survey/survey-preload.ts: the survey's first reads, started by boot.ts before React,
// taken once by the screen's first mount, and never by a screen mounted after the first one.
import { describe, expect, it } from 'vitest';
import { dropSurveyReads, preloadSurveyReads, settledSurveyReads, takeSurveyReads } from '../../src/app/features/survey/survey-preload.js';
import { appLock } from '../../src/app/security/lock-state.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('survey-preload', () => {
  it('reads nothing ahead while the phone counts as locked; once it has no PIN, a blank phone has its empty answers at once', async () => {
    preloadSurveyReads('d-1');
    await tick();
    expect(settledSurveyReads('d-1')).toBeUndefined();

    appLock.markNoPin();
    preloadSurveyReads('d-1');
    await tick();
    expect(settledSurveyReads('d-1')).toEqual({ draft: undefined, installId: undefined });
    // Taken once: the next mount reads afresh.
    await takeSurveyReads('d-1');
    expect(settledSurveyReads('d-1')).toBeUndefined();
  });

  it('once the first screen is up, drops what was read ahead and reads nothing more ahead', async () => {
    preloadSurveyReads('d-2');
    await tick();
    expect(settledSurveyReads('d-2')).toBeDefined();
    dropSurveyReads();
    expect(settledSurveyReads('d-2')).toBeUndefined();
    preloadSurveyReads('d-3');
    await tick();
    expect(settledSurveyReads('d-3')).toBeUndefined();
  });
});
