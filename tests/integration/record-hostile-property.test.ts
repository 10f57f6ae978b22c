// Property (issue 10): hostile record bodies beside good ones — unknown keys anywhere (an otp, a
// password, a neighbour's CCCD), JSON nested thousands deep, huge strings and arrays — in one
// batch, through the worker path and inline. Whatever the mix: never a 500, never an unknown key
// stored, and every good record of the batch stored.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_RECORD_BYTES } from '../../src/shared/protocol/record-limits.js';
import { parseRecord } from '../../src/shared/schema/registry.js';
import { householdRecord } from '../helpers/records.js';
import { sqliteBackend } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

vi.setConfig({ testTimeout: 180_000 });

/** Objects inside a household record where a key could be slipped in. */
const OBJECT_PATHS = ['', 'data', 'data.address', 'data.consent', 'data.devices', 'data.payments', 'data.members.0', 'data.members.0.digitalServices12m', 'data.members.0.skills'];
const VALUE_PATHS = ['data.note', 'data.members', 'data.address.street', 'data.members.0.name', 'data.consent', 'data.members.0.wantsHelp', 'data.groupCode'];

function at(obj: any, path: string): any {
  return path === '' ? obj : path.split('.').reduce((n, k) => (n && typeof n === 'object' ? n[k] : undefined), obj);
}

function setAt(obj: any, path: string, value: unknown): void {
  const keys = path.split('.');
  const parent = at(obj, keys.slice(0, -1).join('.'));
  if (parent && typeof parent === 'object') parent[keys.at(-1)!] = value;
}

/** Marker replaced by deep JSON text after JSON.stringify (which would itself overflow on it). */
const DEEP = '"@@DEEP@@"';

type Hostile =
  | { kind: 'unknownKey'; path: string; key: string; value: unknown }
  | { kind: 'deep'; path: string; depth: number }
  | { kind: 'hugeString'; path: string; length: number }
  | { kind: 'hugeArray'; path: string; length: number };

const hostileArb: fc.Arbitrary<Hostile> = fc.oneof(
  fc.record({
    kind: fc.constant('unknownKey' as const),
    path: fc.constantFrom(...OBJECT_PATHS),
    key: fc.oneof(fc.constantFrom('otp', 'password', 'cccdOfNeighbour', 'passcode', 'x'), fc.string({ minLength: 1, maxLength: 12 })),
    value: fc.jsonValue({ maxDepth: 3 }),
  }),
  fc.record({ kind: fc.constant('deep' as const), path: fc.constantFrom(...VALUE_PATHS), depth: fc.integer({ min: 40, max: 8000 }) }),
  fc.record({ kind: fc.constant('hugeString' as const), path: fc.constantFrom(...VALUE_PATHS), length: fc.integer({ min: 1000, max: Math.ceil(MAX_RECORD_BYTES / 3) + 5_000 }) }),
  fc.record({ kind: fc.constant('hugeArray' as const), path: fc.constantFrom(...VALUE_PATHS), length: fc.integer({ min: 100, max: 40_000 }) }),
);

function deepText(depth: number): string {
  return '['.repeat(depth) + '0' + ']'.repeat(depth);
}

/** The record as JSON text, made hostile. */
function hostileText(h: Hostile, seed: number): { id: string; text: string } {
  const rec: any = householdRecord({ seed, groupCode: 'TDP01', members: 2 });
  rec.id = randomUUID();
  if (h.kind === 'unknownKey') {
    const target = at(rec, h.path);
    // A key the schema knows is not "unknown": make sure it is not one of them.
    if (target && typeof target === 'object') target[Object.hasOwn(target, h.key) || h.key === '__proto__' ? `${h.key}_extra` : h.key] = h.value;
  } else if (h.kind === 'deep') setAt(rec, h.path, '@@DEEP@@');
  else if (h.kind === 'hugeString') setAt(rec, h.path, 'ệ'.repeat(h.length));
  else setAt(rec, h.path, Array.from({ length: h.length }, (_, i) => i));
  let text = JSON.stringify(rec);
  if (h.kind === 'deep') text = text.replace(DEEP, deepText(h.depth));
  return { id: rec.id, text };
}

/** Every key path of a JSON value (objects only), to find keys the schema does not know. */
function hasUnknownKeys(stored: unknown): boolean {
  const parsed = parseRecord(stored);
  return !parsed.ok && parsed.errors.some((e) => e.code === 'unknown_field');
}

describe.each([
  { mode: 'in worker threads', syncWorkers: 1 },
  { mode: 'inline', syncWorkers: 0 },
])('hostile records beside good ones, prepared $mode', ({ syncWorkers }) => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer(sqliteBackend, { syncWorkers, rateLimits: { syncPerMinute: 100_000 } });
    ({ token } = await t.enrol());
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('never a 500, never an unknown key stored, every good record stored', async () => {
    let batches = 0;
    let tooLarge = 0;
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(hostileArb.map((h) => ({ h })), fc.constant({ h: null })), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 1e6 }), async (items, seed) => {
        const good: string[] = [];
        const texts = items.map(({ h }, i) => {
          if (h === null) {
            const rec = householdRecord({ seed: seed + i, groupCode: 'TDP02' });
            rec.id = randomUUID();
            good.push(rec.id);
            return JSON.stringify(rec);
          }
          return hostileText(h, seed + i).text;
        });
        const body = `{"protocolVersion":1,"batchId":"${randomUUID()}","records":[${texts.join(',')}]}`;
        const res = await t.sync(token, body, { 'content-type': 'application/json' });
        batches++;
        // A batch over the 1 MB body limit is a 413 as a whole: nothing stored, nothing lost (the
        // phone never sends one: its batches stop at 256 KiB, and a record is at most that).
        if (res.statusCode === 413) {
          tooLarge++;
          return;
        }
        expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
        const results = res.json().results as { id: string; status: string; errors?: { code: string }[] }[];
        expect(results).toHaveLength(items.length);
        for (const id of good) expect(results.find((r) => r.id === id)?.status).toBe('accepted');
        items.forEach(({ h }, i) => {
          if (h !== null) expect(results[i]!.status, JSON.stringify(h).slice(0, 200)).toBe('rejected');
          for (const e of results[i]!.errors ?? []) codes.add(e.code);
        });
        const rows = await t.db.db.selectFrom('record_revisions').select('body').where('record_id', 'in', results.map((r) => r.id).filter(Boolean)).execute();
        expect(rows).toHaveLength(good.length);
        for (const row of rows) expect(hasUnknownKeys(JSON.parse(row.body))).toBe(false);
      }),
      {
        numRuns: 40,
        // Always tried as well, so each refusal is met whatever the random runs draw.
        examples: [
          [
            [
              { h: { kind: 'deep', path: 'data.note', depth: 6000 } as Hostile },
              { h: null },
              { h: { kind: 'hugeString', path: 'data.members.0.name', length: Math.ceil(MAX_RECORD_BYTES / 3) + 100 } as Hostile },
              { h: { kind: 'unknownKey', path: 'data', key: 'otp', value: '482913' } as Hostile },
            ],
            7,
          ],
        ],
      },
    );
    // The property held on batches that reached the records, not only on 413s; and each kind of
    // hostility met its own refusal.
    expect(tooLarge).toBeLessThan(batches / 2);
    for (const code of ['unknown_field', 'record_too_deep', 'record_too_large']) expect(codes).toContain(code);
  });
});
