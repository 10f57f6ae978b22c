import { describe, expect, it } from 'vitest';
import { MAX_WAITING, parseWaitingHeader } from '../../../src/shared/protocol/sync.js';

describe('X-Outbox-Waiting', () => {
  it('reads a whole number 0–9,999,999; absent is undefined; anything else is null (a 400)', () => {
    expect(parseWaitingHeader(undefined)).toBeUndefined();
    expect(parseWaitingHeader('0')).toBe(0);
    expect(parseWaitingHeader(' 42 ')).toBe(42);
    expect(parseWaitingHeader(String(MAX_WAITING))).toBe(MAX_WAITING);
    for (const bad of ['', '-1', '1.5', '1e3', 'abc', '10000000', '0x10']) expect(parseWaitingHeader(bad), bad).toBeNull();
    expect(parseWaitingHeader(['1', '2'])).toBeNull();
  });
});
