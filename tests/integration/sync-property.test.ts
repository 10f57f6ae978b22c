// Property: whatever bytes or records a client sends, the sync endpoint never answers 500 and
// never stores a record that is invalid, of another ward or of a tổ dân phố off the register.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { householdRecordSchema } from '../../src/shared/schema/household.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { householdRecord, WARD } from '../helpers/records.js';

vi.setConfig({ testTimeout: 120_000 });

const PATHS = [
  'id', 'rev', 'kind', 'schemaVersion', 'clientUpdatedAt', 'data', 'data.wardCode', 'data.groupCode', 'data.outcome',
  'data.surveyedAt', 'data.installId', 'data.members', 'data.members.0', 'data.members.0.birthYear', 'data.members.0.skills',
  'data.members.0.skills.payments', 'data.members.0.vneid', 'data.members.0.id', 'data.consent', 'data.consent.given',
  'data.devices.smartphones', 'data.voided', 'data.address', 'data.address.houseNumber', 'data.payments',
  'data.consent.noticeVersion', 'data.note', 'data.members.0.name',
];

/** JSON values plus the awkward ones: any code unit (NUL, lone surrogates), huge integers. */
const valueArb = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\ud800', 'a', '\u001f'), maxLength: 5 }),
  fc.integer({ min: 2 ** 31 - 2, max: Number.MAX_SAFE_INTEGER }),
);

function mutate(record: unknown, path: string, value: unknown, remove: boolean): unknown {
  const copy = structuredClone(record) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> | undefined = copy;
  for (const key of keys.slice(0, -1)) {
    const next: unknown = node?.[key];
    node = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : undefined;
  }
  if (node) {
    const last = keys.at(-1)!;
    if (remove) delete node[last];
    else node[last] = value;
  }
  return copy;
}

const recordArb = fc
  .tuple(
    fc.integer({ min: 1, max: 1_000_000 }),
    fc.array(fc.tuple(fc.constantFrom(...PATHS), valueArb, fc.boolean()), { maxLength: 3 }),
  )
  .map(([seed, mutations]) => {
    let rec: unknown = householdRecord({ seed, members: 2 });
    for (const [path, value, remove] of mutations) rec = mutate(rec, path, value, remove);
    return rec;
  });

const envelopeArb = fc.oneof(
  fc.record({
    protocolVersion: fc.oneof(fc.constant(1), fc.integer({ min: -2, max: 3 }), fc.jsonValue()),
    batchId: fc.oneof(fc.constant(randomUUID()), fc.string()),
    records: fc.oneof(fc.array(fc.oneof(recordArb, fc.jsonValue()), { maxLength: 8 }), fc.jsonValue()),
  }, { requiredKeys: [] }),
  fc.record({ protocolVersion: fc.constant(1), batchId: fc.uuid(), records: fc.array(recordArb, { maxLength: 10 }) }),
  fc.jsonValue(),
);

describe.each(backends)('sync never fails on bad input ($name)', (backend) => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer(backend, { syncWorkers: 2 });
    ({ token } = await t.enrol());
  });
  afterAll(async () => {
    await t?.close();
  });

  function checkResponse(res: { statusCode: number; json(): unknown; body: string }, sent: unknown) {
    expect(res.statusCode).toBeLessThan(500);
    const body = res.json() as Record<string, unknown>;
    if (res.statusCode === 200) {
      const records = (sent as { records: unknown[] }).records;
      expect((body.results as unknown[]).length).toBe(records.length);
    } else {
      expect(Object.keys(body)).toEqual(['error']);
      expect([400, 413, 415, 426]).toContain(res.statusCode);
    }
  }

  it('random envelopes and records: never a 500, only valid records stored', async () => {
    await fc.assert(
      fc.asyncProperty(envelopeArb, fc.boolean(), async (body, gzip) => {
        const text = JSON.stringify(body) ?? 'null';
        const res = await t.sync(token, gzip ? gzipSync(text) : text, {
          'content-type': 'application/json',
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        });
        checkResponse(res, body);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes and headers: never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a))),
        fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', 'application/json; charset=utf-8'),
        fc.constantFrom(undefined, 'gzip', 'deflate', 'identity'),
        async (payload, contentType, encoding) => {
          const res = await t.sync(token, payload, { 'content-type': contentType, ...(encoding ? { 'content-encoding': encoding } : {}) });
          expect(res.statusCode).toBeLessThan(500);
          expect(res.statusCode === 200 || Object.keys(res.json() as object).join() === 'error').toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('random enrolment and sign-in bodies: never a 500', async () => {
    const field = fc.oneof(valueArb, fc.constant(WARD), fc.string({ maxLength: 12 }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/v1/devices/enrol', '/api/v1/auth/login'),
        fc.oneof(fc.record({ wardCode: field, enrolmentCode: field, volunteerName: field, username: field, password: field }, { requiredKeys: [] }), fc.jsonValue()),
        async (url, body) => {
          const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) ?? 'null' });
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  afterAll(async () => {
    // Whatever was accepted above is a valid record of the token's ward on its register.
    const groups = new Set((await t.db.db.selectFrom('ward_groups').select('code').where('ward_code', '=', WARD).execute()).map((g) => g.code));
    const rows = await t.db.db.selectFrom('record_revisions').select(['body', 'ward_code']).execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const parsed = householdRecordSchema.safeParse(JSON.parse(row.body));
      expect(parsed.success).toBe(true);
      expect(row.ward_code).toBe(WARD);
      if (parsed.success) {
        expect(parsed.data.data.wardCode).toBe(WARD);
        expect(groups.has(parsed.data.data.groupCode)).toBe(true);
      }
    }
  });
});
