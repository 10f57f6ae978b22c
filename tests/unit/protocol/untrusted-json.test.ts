// parseUntrustedJson (services/sync-prepare.ts) answers as secure-json-parse does: a plain
// JSON.parse only for texts that cannot hold a `__proto__` or `constructor` key.
import secureJson from 'secure-json-parse';
import { describe, expect, it } from 'vitest';
import { parseUntrustedJson } from '../../../src/server/services/sync-prepare.js';

function secure(text: string): { value?: unknown; error?: boolean } {
  try {
    return { value: secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) };
  } catch {
    return { error: true };
  }
}

function ours(text: string): { value?: unknown; error?: boolean } {
  try {
    return { value: parseUntrustedJson(text) };
  } catch {
    return { error: true };
  }
}

const TEXTS = [
  '{"protocolVersion":1,"records":[{"id":"a","note":"Nguyễn Văn Ánh, tổ 3"}]}',
  '{"__proto__":{"polluted":1}}',
  '{"a":{"__proto__":{"polluted":1}}}',
  '{"\\u005f_proto__":{"polluted":1}}',
  '{"_\\u005fproto\\u005f_" :{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"\\u0063onstructor":{"prototype":{"polluted":1}}}',
  '{"note":"a constructor and __proto__ in a value"}',
  '{"note":"an escape \\u00e9 in a value"}',
  '\ufeff{"bom":true}',
  '{"protocolVersion":1,',
  '',
  '[1,2,{"x":"y"}]',
  '"just a string"',
  'null',
];

describe('parseUntrustedJson', () => {
  it.each(TEXTS)('answers %j as secure-json-parse does', (text) => {
    expect(ours(text)).toEqual(secure(text));
  });

  it('refuses prototype keys, plain or escaped', () => {
    for (const text of TEXTS.slice(1, 7)) expect(() => parseUntrustedJson(text)).toThrow();
  });

  it('never hands back an object whose prototype was replaced', () => {
    const parsed = parseUntrustedJson('{"a":1,"b":[{"c":"đ"}]}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(parsed).toEqual({ a: 1, b: [{ c: 'đ' }] });
  });
});
