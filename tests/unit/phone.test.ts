import { describe, expect, it } from 'vitest';
import { checkPhone, DEFAULT_MOBILE_PREFIXES, normalisePhone } from '../../src/shared/domain/phone.js';

describe('normalisePhone', () => {
  it.each([
    ['0912345678', '0912345678'],
    ['+84912345678', '0912345678'],
    ['+84 912 345 678', '0912345678'],
    ['84912345678', '0912345678'],
    ['84 912 345 678', '0912345678'],
    ['0912.345.678', '0912345678'],
    ['0912-345-678', '0912345678'],
    ['(091) 234 5678', '0912345678'],
    [' 0912 345 678 ', '0912345678'],
  ])('%j → %j', (typed, normal) => {
    expect(normalisePhone(typed)).toBe(normal);
  });

  it('leaves a 10-digit number that happens to start with 84 alone', () => {
    expect(normalisePhone('8491234567')).toBe('8491234567');
  });
});

describe('checkPhone', () => {
  it('accepts a normalised mobile number with a known prefix, without warning', () => {
    expect(checkPhone('+84 912 345 678')).toEqual({ ok: true, phone: '0912345678' });
    expect(checkPhone('0386.123.456')).toEqual({ ok: true, phone: '0386123456' });
  });

  it.each(['091234567', '09123456789', '912345678', 'số điện thoại', '', '+85 912 345 678'])('rejects %j', (typed) => {
    expect(checkPhone(typed)).toEqual({ ok: false, error: 'phone_format' });
  });

  it('warns (does not reject) on a prefix not in the list', () => {
    expect(checkPhone('0241234567')).toEqual({ ok: true, phone: '0241234567', warning: 'phone_prefix_unknown' });
  });

  it('uses the ward’s prefix list when given (prefixes are editable data)', () => {
    expect(checkPhone('0241234567', ['024'])).toEqual({ ok: true, phone: '0241234567' });
    expect(checkPhone('0912345678', ['024'])).toEqual({ ok: true, phone: '0912345678', warning: 'phone_prefix_unknown' });
  });

  it('lists only well-formed, distinct prefixes', () => {
    for (const prefix of DEFAULT_MOBILE_PREFIXES) expect(prefix).toMatch(/^0\d{2}$/);
    expect(new Set(DEFAULT_MOBILE_PREFIXES).size).toBe(DEFAULT_MOBILE_PREFIXES.length);
  });
});
