// WAL positions as PostgreSQL prints them ("16/B374D848") compare as numbers, the high word
// first: read-your-writes (src/server/db/read-replica.ts) relies on that order.
import { describe, expect, it } from 'vitest';
import { parseLsn } from '../../src/server/db/read-replica.js';

describe('parseLsn', () => {
  it('orders positions by both halves, not as text', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
    expect(parseLsn('0/A0') > parseLsn('0/9F')).toBe(true);
    // As text "0/9F" > "0/A0" would be false and "9/0" > "10/0" true: both wrong.
    expect(parseLsn('10/0') > parseLsn('9/0')).toBe(true);
  });

  it('refuses what is not a position', () => {
    expect(() => parseLsn('')).toThrow(/not an LSN/);
    expect(() => parseLsn('16-B374')).toThrow(/not an LSN/);
  });
});
