// Issue 10, defects 2 and 3 on every backend, prepared in workers and inline: strict records
// (unknown keys rejected on their path, the parsed record stored), one record's size cap, deep
// nesting rejected with a code while the rest of the batch is stored, a retry across the
// change from raw to parsed bodies still a duplicate, text/plain a 415. The migration that
// strips unknown keys already stored runs on both engines.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up as stripMigration, stripUnknownKeys } from '../../src/server/db/migrations/20261203T093000-strip-unknown-record-keys.js';
import { MAX_RECORD_BYTES } from '../../src/shared/protocol/record-limits.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, householdRecord } from '../helpers/records.js';

const cases = backends.flatMap((backend) => [
  { ...backend, mode: 'in worker threads', syncWorkers: 1 },
  { ...backend, mode: 'inline', syncWorkers: 0 },
]);

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

/** JSON text nesting `depth` levels, built as text: JSON.stringify itself overflows on it. */
function nestedJson(depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '[' : '{"a":';
    close = (i % 2 ? ']' : '}') + close;
  }
  return `${open}"x"${close}`;
}

describe.each(cases)('records on $name, prepared $mode', (backend) => {
  let t: TestServer;
  let token: string;
  let deviceId: string;

  beforeAll(async () => {
    t = await startTestServer(backend, { syncWorkers: backend.syncWorkers });
    ({ token, deviceId } = await t.enrol());
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const revisions = (id: string) => t.db.db.selectFrom('record_revisions').selectAll().where('record_id', '=', id).execute();

  it('rejects unknown keys with their path and stores the good records beside them', async () => {
    const good = householdRecord({ seed: 11 });
    const otp = householdRecord({ seed: 12 }) as any;
    otp.data.otp = '482913';
    const cccds = householdRecord({ seed: 13, outcome: 'refused' }) as any;
    cccds.data.residents = [{ cccd: '001234567890' }];
    const member = householdRecord({ seed: 14 }) as any;
    member.data.members[0].password = 'matkhau';
    const res = await t.sync(token, batch([otp, good, cccds, member]), { 'accept-language': 'en' });
    expect(res.statusCode).toBe(200);
    const results = res.json().results;
    expect(results.map((r: any) => r.status)).toEqual(['rejected', 'accepted', 'rejected', 'rejected']);
    expect(results[0].errors).toEqual([{ path: 'data.otp', code: 'unknown_field', message: 'There is a field that is not supported.' }]);
    expect(results[2].errors).toEqual([expect.objectContaining({ path: 'data.residents', code: 'unknown_field' })]);
    expect(results[3].errors).toEqual([expect.objectContaining({ path: 'data.members.0.password', code: 'unknown_field' })]);
    expect(await revisions(otp.id)).toHaveLength(0);
    expect(await revisions(good.id)).toHaveLength(1);
  });

  it('stores the parsed record: trimmed, defaults filled, hashed as stored', async () => {
    const rec = householdRecord({ seed: 15, outcome: 'not_home' }) as any;
    rec.data.note = '  gõ cửa lần 2  ';
    delete rec.data.members; // defaults to []
    const res = await t.sync(token, batch([rec]));
    expect(res.json().results[0].status).toBe('accepted');
    const [row] = await revisions(rec.id);
    const body = JSON.parse(row!.body);
    expect(body.data.note).toBe('gõ cửa lần 2');
    expect(body.data.members).toEqual([]);
    expect(row!.content_hash).toBe(sha(row!.body));
  });

  it('answers duplicate for a retry of a rev stored raw, the old way', async () => {
    const rec = householdRecord({ seed: 16 }) as any;
    rec.data.note = '  ghi chú  ';
    delete rec.data.members[0].wantsHelp; // filled with [] by the schema
    // As main stored it: the body as sent (untrimmed, defaults missing, keys in the phone's order).
    const raw = JSON.stringify(rec);
    await t.db.db
      .insertInto('record_revisions')
      .values({
        record_id: rec.id, rev: 1, ward_code: rec.data.wardCode, kind: 'household', schema_version: 1, body: raw,
        content_hash: sha(raw), device_id: deviceId, batch_id: randomUUID(), client_updated_at: rec.clientUpdatedAt,
        received_at: new Date().toISOString(),
      })
      .execute();
    const res = await t.sync(token, batch([rec]));
    expect(res.json().results).toEqual([{ id: rec.id, rev: 1, status: 'duplicate' }]);
    const changed = { ...rec, data: { ...rec.data, note: 'khác' } };
    expect((await t.sync(token, batch([changed]))).json().results[0].status).toBe('conflict');
  });

  it('rejects a record nested 6,000 deep with a code, never a 500, and stores the rest', async () => {
    const before = householdRecord({ seed: 17 });
    const after = householdRecord({ seed: 18 });
    const deep = householdRecord({ seed: 19 }) as any;
    deep.data.note = '@DEEP@';
    const deepMember = householdRecord({ seed: 20 }) as any;
    deepMember.data.members = '@DEEP@';
    const text = JSON.stringify(batch([before, deep, deepMember, after])).replaceAll('"@DEEP@"', nestedJson(6000));
    const res = await t.sync(token, text, { 'accept-language': 'en', 'content-type': 'application/json' });
    expect(res.statusCode).toBe(200);
    const results = res.json().results;
    expect(results.map((r: any) => r.status)).toEqual(['accepted', 'rejected', 'rejected', 'accepted']);
    expect(results[1].errors).toEqual([{ path: '', code: 'record_too_deep', message: 'This record is malformed (nested too deeply).' }]);
    expect(await revisions(before.id)).toHaveLength(1);
    expect(await revisions(after.id)).toHaveLength(1);
  });

  it('rejects a record over MAX_RECORD_BYTES with record_too_large, translated, and stores the rest', async () => {
    const good = householdRecord({ seed: 21 });
    const big = householdRecord({ seed: 22 }) as any;
    big.data.note = 'ệ'.repeat(Math.ceil(MAX_RECORD_BYTES / 3) + 10);
    const res = await t.sync(token, batch([big, good]));
    expect(res.statusCode).toBe(200);
    const results = res.json().results;
    expect(results[0]).toMatchObject({ status: 'rejected', errors: [{ path: '', code: 'record_too_large', message: expect.stringContaining('quá lớn') }] });
    expect(results[1].status).toBe('accepted');
  });

  it('answers text/plain with the documented 415', async () => {
    const res = await t.sync(token, JSON.stringify(batch([householdRecord({ seed: 23 })])), { 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });
});

describe.each(backends)('the migration that strips unknown keys, on $name', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('strips unknown keys in revisions and conflicts, rehashes, keeps the rest, and is idempotent', async () => {
    const rec = householdRecord({ seed: 31 }) as any;
    const clean = JSON.stringify(rec);
    const dirty = structuredClone(rec);
    dirty.data.otp = '123456';
    dirty.data.members[0].cccdOfNeighbour = '001234567890';
    dirty.data.members[0].skills.extra = 1;
    dirty.data.address.gps = 'x';
    dirty.token = 'abc';
    const dirtyText = JSON.stringify(dirty);
    const other = householdRecord({ seed: 32 });
    const otherText = JSON.stringify(other);
    const base = { ward_code: rec.data.wardCode, kind: 'household', schema_version: 1, device_id: randomUUID(), batch_id: randomUUID(), client_updated_at: rec.clientUpdatedAt, received_at: '2026-11-20T09:00:00.000Z' };
    await t.db.db
      .insertInto('record_revisions')
      .values([
        { ...base, record_id: rec.id, rev: 1, body: dirtyText, content_hash: sha(dirtyText) },
        { ...base, record_id: other.id, rev: 1, body: otherText, content_hash: sha(otherText) },
        { ...base, record_id: randomUUID(), rev: 1, body: 'not json', content_hash: 'h' },
      ])
      .execute();
    // Two conflicts differing only in unknown keys become one; a third stays.
    const dirty2 = JSON.stringify({ ...dirty, data: { ...dirty.data, otp: '654321' } });
    const conflict = { record_id: rec.id, rev: 2, ward_code: base.ward_code, device_id: base.device_id, batch_id: base.batch_id, received_at: base.received_at };
    await t.db.db
      .insertInto('conflicts')
      .values([
        { ...conflict, id: randomUUID(), body: dirtyText, content_hash: sha(dirtyText) },
        { ...conflict, id: randomUUID(), body: dirty2, content_hash: sha(dirty2) },
        { ...conflict, id: randomUUID(), body: otherText, content_hash: sha(otherText) },
      ])
      .execute();

    await stripMigration(t.db.db as any);
    await stripMigration(t.db.db as any); // idempotent

    const rows = await t.db.db.selectFrom('record_revisions').select(['record_id', 'body', 'content_hash']).execute();
    const byId = new Map(rows.map((r) => [r.record_id, r]));
    expect(JSON.parse(byId.get(rec.id)!.body)).toEqual(JSON.parse(clean));
    expect(byId.get(rec.id)!.content_hash).toBe(sha(byId.get(rec.id)!.body));
    expect(byId.get(other.id)).toEqual({ record_id: other.id, body: otherText, content_hash: sha(otherText) });
    expect(rows.find((r) => r.body === 'not json')).toBeDefined();
    const conflicts = await t.db.db.selectFrom('conflicts').select(['body', 'content_hash']).where('record_id', '=', rec.id).execute();
    expect(conflicts).toHaveLength(2);
    for (const c of conflicts) {
      expect(c.body).not.toMatch(/otp|cccdOfNeighbour|gps|token|extra/);
      expect(c.content_hash).toBe(sha(c.body));
    }
  });

  it('strips only what version 1 of each kind does not know', () => {
    expect(stripUnknownKeys(JSON.stringify(householdRecord({ seed: 33 })))).toBeNull();
    expect(stripUnknownKeys(JSON.stringify({ kind: 'household', schemaVersion: 9, data: { x: 1 } }))).toBeNull();
    expect(JSON.parse(stripUnknownKeys(JSON.stringify({ kind: 'assistance', schemaVersion: 1, data: { person: { name: 'A', pin: '1' } }, x: 1 }))!)).toEqual({
      kind: 'assistance',
      schemaVersion: 1,
      data: { person: { name: 'A' } },
    });
  });
});
