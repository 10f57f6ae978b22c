import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/protocol/canonical-json.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('leaves out undefined properties and reads 1.0 as 1', () => {
    expect(canonicalJson({ a: undefined, b: 1.0 })).toBe('{"b":1}');
  });
});
