import { describe, expect, it } from 'vitest';
import { en } from '../../src/app/i18n/locales/en.js';
import { vi } from '../../src/app/i18n/locales/vi.js';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('UI translations', () => {
  it('vi and en have exactly the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(vi).sort());
  });

  it('no message is empty, and interpolation variables match between languages', () => {
    const flat = (obj: object) => Object.fromEntries(keys(obj).map((k) => [k, k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], obj)]));
    const fv = flat(vi);
    const fe = flat(en);
    for (const key of Object.keys(fv)) {
      expect(String(fv[key]).trim(), key).not.toBe('');
      expect(String(fe[key]).trim(), key).not.toBe('');
      const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      expect(vars(String(fe[key])), key).toEqual(vars(String(fv[key])));
    }
  });

  it('Vietnamese is written with full diacritics', () => {
    expect(vi.home.newSurvey).toBe('Khảo sát hộ mới');
    expect(vi.yesNo.unknown).toBe('Không rõ');
  });
});
