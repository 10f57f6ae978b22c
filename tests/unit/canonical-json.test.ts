import { describe, expect, it } from 'vitest';
import { canonicalJson, sameContent } from '../../src/server/services/canonical-json.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}');
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('compares record content: kind, schemaVersion and data; not id, rev or clientUpdatedAt', () => {
    const a = JSON.stringify({ id: 'x', rev: 1, kind: 'household', schemaVersion: 1, clientUpdatedAt: 'T1', data: { p: 1, q: [1, 2] } });
    const reordered = JSON.stringify({ data: { q: [1, 2], p: 1 }, clientUpdatedAt: 'T2', schemaVersion: 1, kind: 'household', rev: 1, id: 'x' });
    expect(sameContent(a, reordered)).toBe(true);
    expect(sameContent(a, JSON.stringify({ kind: 'household', schemaVersion: 1, data: { p: 1, q: [2, 1] } }))).toBe(false);
    expect(sameContent(a, JSON.stringify({ kind: 'household', schemaVersion: 2, data: { p: 1, q: [1, 2] } }))).toBe(false);
    expect(sameContent(a, JSON.stringify({ kind: 'household', schemaVersion: 1, data: { p: 1.0, q: [1, 2] } }))).toBe(true);
  });
});
