import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toFieldErrors, VALIDATION_CODES } from '../../src/shared/domain/validation.js';
import { validationVi } from '../../src/shared/i18n/validation-vi.js';
import { validationEn } from '../../src/shared/i18n/validation-en.js';
import type { CccdWarning } from '../../src/shared/domain/cccd.js';
import type { PhoneCheck } from '../../src/shared/domain/phone.js';

const viKeys = Object.keys(validationVi).sort();
const enKeys = Object.keys(validationEn).sort();

/** Every code written in the schema sources: `error: 'x'`, `message: 'x'`, `missingOr('x')`. */
function codesInSchemaSources(): string[] {
  const dir = join(import.meta.dirname, '../../src/shared/schema');
  const codes = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const m of source.matchAll(/(?:error|message):\s*'([a-z_0-9]+)'|missingOr\('([a-z_0-9]+)'\)/g)) {
      codes.add((m[1] ?? m[2]) as string);
    }
  }
  return [...codes].sort();
}

describe('validation messages', () => {
  it('has the same keys in Vietnamese and English', () => {
    expect(enKeys).toEqual(viKeys);
  });

  it('has a non-empty message in both languages for every key, and they differ', () => {
    for (const key of viKeys) {
      const vi = validationVi[key as keyof typeof validationVi];
      const en = validationEn[key as keyof typeof validationEn];
      expect(vi.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      expect(vi, key).not.toBe(en);
    }
  });

  it('writes Vietnamese with its diacritics (NFC), not folded to ASCII', () => {
    const all = Object.values(validationVi).join(' ');
    expect(all).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/);
    expect(all).toBe(all.normalize('NFC'));
  });

  it('has a message for every code in VALIDATION_CODES', () => {
    for (const code of VALIDATION_CODES) expect(viKeys, code).toContain(code);
  });

  it('knows every code the schema sources can emit (found by reading them)', () => {
    const codes = codesInSchemaSources();
    expect(codes.length).toBeGreaterThan(15); // the scan itself works
    for (const code of codes) {
      expect(VALIDATION_CODES as readonly string[], code).toContain(code);
      expect(viKeys, code).toContain(code);
    }
  });

  it('has a message for every soft warning (CCCD and phone)', () => {
    const warnings: (CccdWarning | NonNullable<Extract<PhoneCheck, { ok: true }>['warning']>)[] = [
      'cccd_format', 'cccd_province', 'cccd_century_sex', 'cccd_birth_year', 'cccd_sex', 'phone_prefix_unknown',
    ];
    for (const code of warnings) expect(viKeys, code).toContain(code);
  });
});

describe('toFieldErrors', () => {
  const schema = z.object({
    name: z.string().min(1, { error: 'required' }),
    kind: z.enum(['a', 'b']),
    nested: z.object({ n: z.number() }),
    short: z.string().max(3),
    strict: z.strictObject({ x: z.string() }),
    custom: z.string().regex(/^x$/, { error: 'cccd_format' }),
    other: z.string().regex(/^x$/, { error: 'Some English sentence' }),
  });
  const good = { name: 'a', kind: 'a', nested: { n: 1 }, short: 'abc', strict: { x: 'y' }, custom: 'x', other: 'x' };

  function codes(input: unknown, prefix?: string) {
    const result = schema.safeParse(input);
    if (result.success) return [];
    return toFieldErrors(result.error, prefix);
  }

  it('keeps a known code and joins the path with dots', () => {
    expect(codes({ ...good, name: '' })).toEqual([{ path: 'name', code: 'required' }]);
    expect(codes({ ...good, custom: 'y' })).toEqual([{ path: 'custom', code: 'cccd_format' }]);
  });

  it('prefixes the path when asked (e.g. a record inside a batch)', () => {
    expect(codes({ ...good, nested: { n: 'x' } }, 'records.3')).toEqual([{ path: 'records.3.nested.n', code: 'invalid' }]);
  });

  it('maps zod codes: missing → required, wrong type → invalid, bad enum → invalid_option, too big → too_long, extra key → unknown_field', () => {
    expect(codes({ ...good, nested: {} })).toEqual([{ path: 'nested.n', code: 'required' }]);
    expect(codes({ ...good, nested: { n: 'x' } })).toEqual([{ path: 'nested.n', code: 'invalid' }]);
    expect(codes({ ...good, kind: 'c' })).toEqual([{ path: 'kind', code: 'invalid_option' }]);
    expect(codes({ ...good, short: 'abcd' })).toEqual([{ path: 'short', code: 'too_long' }]);
    expect(codes({ ...good, strict: { x: 'y', y: 1 } })).toEqual([{ path: 'strict.y', code: 'unknown_field' }]);
  });

  it('turns a message that is not a code into "invalid", never showing English text to a user', () => {
    expect(codes({ ...good, other: 'y' })).toEqual([{ path: 'other', code: 'invalid' }]);
  });

  it('tells missing from wrong type also when zod reports the input', () => {
    const result = schema.safeParse({ ...good, nested: { n: 'x' } }, { reportInput: true });
    expect(result.success).toBe(false);
    if (!result.success) expect(toFieldErrors(result.error)).toEqual([{ path: 'nested.n', code: 'invalid' }]);
    const missing = schema.safeParse({ ...good, nested: {} }, { reportInput: true });
    expect(missing.success).toBe(false);
    if (!missing.success) expect(toFieldErrors(missing.error)).toEqual([{ path: 'nested.n', code: 'required' }]);
  });
});
