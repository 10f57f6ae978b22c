// features/survey/choices.ts: the translated answer lists, each made when a step first reads it.
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { choicesFor } from '../../src/app/features/survey/choices.js';

describe('choicesFor', () => {
  it('translates nothing until a list is read, then that list once', () => {
    const asked: string[] = [];
    const t = ((key: string) => {
      asked.push(key);
      return `«${key}»`;
    }) as unknown as TFunction;
    const choices = choicesFor(t);
    expect(asked).toEqual([]);
    const yesNo = choices.yesNo;
    expect(yesNo).toEqual([
      { value: 'yes', label: '«yesNo.yes»' },
      { value: 'no', label: '«yesNo.no»' },
      { value: 'unknown', label: '«yesNo.unknown»' },
    ]);
    // The same array each time (the memoised inputs compare it by identity).
    expect(choices.yesNo).toBe(yesNo);
    expect(asked).toEqual(['yesNo.yes', 'yesNo.no', 'yesNo.unknown']);
    expect(choices.qr.map((c) => c.value)).toEqual(['yes', 'no', 'no_business', 'unknown']);
    expect(Object.keys(choices).sort()).toEqual(['helpTopics', 'method', 'outcome', 'qr', 'relation', 'sex', 'skill', 'vneid', 'yesNo']);
  });
});
