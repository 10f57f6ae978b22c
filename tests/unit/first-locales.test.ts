// The first download's strings (issue 13): Home and the survey's first step show only strings
// of locales/first-{vi,en}.generated.ts until the rest arrives, so that file must be exactly the
// chosen sections of the full locale files, and those sections must cover what those screens ask.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firstEn } from '../../src/app/i18n/locales/first-en.generated.js';
import { firstVi } from '../../src/app/i18n/locales/first-vi.generated.js';
import { allEn, allVi } from '../../src/app/i18n/all-locales.js';
import { firstLocalesSources, pickFirst } from '../../scripts/first-locales.js';

describe('the first download’s strings', () => {
  it('are the chosen sections of the full locale files, unchanged (else: npx tsx scripts/first-locales.ts)', () => {
    expect(firstVi).toEqual(pickFirst(allVi));
    expect(firstEn).toEqual(pickFirst(allEn));
    for (const [file, source] of Object.entries(firstLocalesSources())) expect(readFileSync(file, 'utf8'), file).toBe(source);
  });

  it('cover every key Home, the app bar and the address step use', () => {
    const files = ['src/app/App.tsx', 'src/app/features/home/HomeScreen.tsx', 'src/app/features/home/DisplaySettings.tsx', 'src/app/features/survey/AddressStep.tsx', 'src/app/ui/TextField.tsx'];
    const has = (tree: object, key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], tree) !== undefined;
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z_.]+)'/g)) {
        const key = m[1]!;
        expect(has(firstVi, key) || has(firstVi, `${key}_one`), `${file}: ${key}`).toBe(true);
        expect(has(firstEn, key) || has(firstEn, `${key}_one`), `${file}: ${key}`).toBe(true);
      }
    }
  });
});
