// The sync endpoint's contract, run against every storage backend (SQLite always, PostgreSQL
// when DATABASE_URL is set): every status, every whole-request error, mixed and repeated
// batches, another ward's token, reordered revisions, two devices at once, gzip bodies.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { householdRecordSchema } from '../../src/shared/schema/household.js';
import { revokeDevice } from '../../src/server/services/accounts.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, householdRecord, OTHER_WARD, WARD } from '../helpers/records.js';

// Batches are prepared in worker threads in production; the inline path (no workers, or a
// worker that failed) must answer exactly the same.
const cases = backends.flatMap((backend) => [
  { ...backend, mode: 'in worker threads', syncWorkers: 2 },
  { ...backend, mode: 'inline', syncWorkers: 0 },
]);

describe.each(cases)('sync on $name, prepared $mode', (backend) => {
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

  async function stored(id: string) {
    return t.db.db.selectFrom('record_revisions').selectAll().where('record_id', '=', id).orderBy('rev').execute();
  }

  it('health names the database', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.json()).toEqual({ status: 'ok', db: backend.name, lastBackup: null });
  });

  it('accepts a valid record, stores it whole and as dashboard rows', async () => {
    const rec = householdRecord({ seed: 1, members: 3, groupCode: 'TDP03' });
    const body = batch([rec]);
    const res = await t.sync(token, body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ batchId: body.batchId, results: [{ id: rec.id, rev: 1, status: 'accepted' }] });
    const revs = await stored(rec.id);
    expect(revs).toHaveLength(1);
    expect(JSON.parse(revs[0]!.body)).toEqual(rec);
    expect(revs[0]!.device_id).toBe(deviceId);
    const hh = await t.db.db.selectFrom('households').selectAll().where('record_id', '=', rec.id).executeTakeFirstOrThrow();
    expect(hh).toMatchObject({ ward_code: WARD, group_code: 'TDP03', outcome: 'surveyed', voided: 0, practice: 0, rev: 1, member_count: 3, device_id: deviceId });
    const members = await t.db.db.selectFrom('members').selectAll().where('record_id', '=', rec.id).orderBy('position').execute();
    expect(members.map((m) => m.birth_year)).toEqual(rec.data.members.map((m) => m.birthYear));
    expect(members[0]).toMatchObject({ vneid: rec.data.members[0]!.vneid, skill_payments: rec.data.members[0]!.skills!.payments, ward_code: WARD });
  });

  it('answers duplicate for the same id+rev and content, ignoring key order and clientUpdatedAt', async () => {
    const rec = householdRecord({ seed: 2 });
    await t.sync(token, batch([rec]));
    const reordered = {
      data: Object.fromEntries(Object.entries(rec.data).reverse()),
      schemaVersion: 2,
      clientUpdatedAt: '2026-11-21T00:00:00.000Z',
      rev: 1,
      kind: 'household',
      id: rec.id,
    };
    const res = await t.sync(token, batch([reordered]));
    expect(res.json().results).toEqual([{ id: rec.id, rev: 1, status: 'duplicate' }]);
    expect(await stored(rec.id)).toHaveLength(1);
  });

  it('answers conflict for the same id+rev with other content, keeps it for review, changes nothing', async () => {
    const rec = householdRecord({ seed: 3 });
    await t.sync(token, batch([rec]));
    const other = { ...rec, data: { ...rec.data, note: 'khác' } };
    const res = await t.sync(token, batch([other]));
    const [result] = res.json().results;
    expect(result).toMatchObject({ id: rec.id, rev: 1, status: 'conflict' });
    expect(result.errors[0].message).toMatch(/cán bộ phường/);
    const revs = await stored(rec.id);
    expect(revs).toHaveLength(1);
    expect(JSON.parse(revs[0]!.body).data.note).toBeUndefined();
    const conflicts = await t.db.db.selectFrom('conflicts').selectAll().where('record_id', '=', rec.id).execute();
    expect(conflicts).toHaveLength(1);
    expect(JSON.parse(conflicts[0]!.body).data.note).toBe('khác');
    // Resending the same conflicting copy answers conflict again and is kept once.
    expect((await t.sync(token, batch([other]))).json().results[0].status).toBe('conflict');
    expect(await t.db.db.selectFrom('conflicts').selectAll().where('record_id', '=', rec.id).execute()).toHaveLength(1);
  });

  it('accepts a higher rev from the owning device, rewrites members, and answers stale for a lower one', async () => {
    const rec = householdRecord({ seed: 4, members: 4 });
    await t.sync(token, batch([rec]));
    const rev2 = { ...rec, rev: 2, data: { ...rec.data, members: rec.data.members.slice(0, 2) } };
    expect((await t.sync(token, batch([rev2]))).json().results[0].status).toBe('accepted');
    const hh = await t.db.db.selectFrom('households').selectAll().where('record_id', '=', rec.id).executeTakeFirstOrThrow();
    expect(hh).toMatchObject({ rev: 2, member_count: 2, device_id: deviceId });
    expect(await t.db.db.selectFrom('members').select('member_id').where('record_id', '=', rec.id).execute()).toHaveLength(2);
    // Another device of the same ward may not write it (tests/integration/sync-ownership.test.ts).
    const second = await t.enrol(WARD, 'Trần Văn Hai');
    const rev3 = { ...rev2, rev: 3 };
    expect((await t.sync(second.token, batch([rev3]))).json().results[0]).toMatchObject({ status: 'rejected', errors: [{ path: 'id', code: 'not_owner' }] });
    // An unseen lower rev arriving late: stale, nothing changed.
    const rev1b = { ...rec, id: randomUUID() };
    await t.sync(token, batch([{ ...rev1b, rev: 3 }]));
    const res = await t.sync(token, batch([rev1b]));
    expect(res.json().results).toEqual([{ id: rev1b.id, rev: 1, status: 'stale' }]);
    expect((await stored(rev1b.id)).map((r) => r.rev)).toEqual([3]);
    expect((await stored(rec.id)).map((r) => r.rev)).toEqual([1, 2]);
  });

  it('handles revisions reordered inside one batch', async () => {
    const rec = householdRecord({ seed: 5 });
    const rev2 = { ...rec, rev: 2, data: { ...rec.data, note: 'sửa' } };
    const res = await t.sync(token, batch([rev2, rec]));
    expect(res.json().results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'stale']);
    const hh = await t.db.db.selectFrom('households').select('rev').where('record_id', '=', rec.id).executeTakeFirstOrThrow();
    expect(hh.rev).toBe(2);
  });

  it('rejects bad records with translated errors and stores the good ones beside them', async () => {
    const good1 = householdRecord({ seed: 6 });
    const good2 = householdRecord({ seed: 7 });
    const badBirth = householdRecord({ seed: 8, members: 1 });
    badBirth.data.members[0]!.birthYear = 2099;
    const badId = { ...householdRecord({ seed: 9 }), id: 'not-a-uuid' };
    const badKind = { ...householdRecord({ seed: 10 }), kind: 'shop' };
    const badVersion = { ...householdRecord({ seed: 11 }), schemaVersion: 99 };
    const otherWard = householdRecord({ seed: 12, wardCode: OTHER_WARD });
    const unknownGroup = householdRecord({ seed: 13, groupCode: 'TDP99' });
    const notObject = 42;
    const body = batch([good1, badBirth, badId, badKind, badVersion, otherWard, unknownGroup, notObject, good2]);
    const res = await t.sync(token, body, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(res.statusCode).toBe(200);
    const results = res.json().results as { id: string; rev: number; status: string; errors?: { path: string; code: string; message: string }[] }[];
    expect(results.map((r) => r.status)).toEqual([
      'accepted', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'accepted',
    ]);
    expect(results[1]!.errors).toContainEqual({ path: 'data.members.0.birthYear', code: 'birth_year_future', message: 'The year of birth is after the survey date.' });
    expect(results[2]).toMatchObject({ id: 'not-a-uuid', errors: [{ path: 'id', code: 'invalid_uuid' }] });
    expect(results[3]!.errors).toContainEqual(expect.objectContaining({ path: 'kind', code: 'unknown_kind' }));
    expect(results[4]!.errors).toContainEqual(expect.objectContaining({ path: 'schemaVersion', code: 'newer_schema_version' }));
    expect(results[5]!.errors).toEqual([{ path: 'data.wardCode', code: 'wrong_ward', message: 'This record belongs to another ward than this device.' }]);
    expect(results[6]!.errors).toEqual([expect.objectContaining({ path: 'data.groupCode', code: 'unknown_group' })]);
    expect(results[7]).toMatchObject({ id: '', rev: 0, status: 'rejected' });
    for (const r of [badBirth, badId, otherWard, unknownGroup]) {
      if (typeof r.id === 'string') expect(await stored(r.id)).toHaveLength(0);
    }
    expect(await stored(good1.id)).toHaveLength(1);
    expect(await stored(good2.id)).toHaveLength(1);
  });

  it('handles values the database columns cannot hold as such (huge rev, NUL in free text)', async () => {
    const huge = householdRecord({ seed: 30, rev: 2 ** 31 });
    const nul = householdRecord({ seed: 31 });
    nul.data.consent!.noticeVersion = '2026-01\u0000';
    const res = await t.sync(token, batch([huge, nul]));
    expect(res.statusCode).toBe(200);
    expect(res.json().results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'accepted']);
    expect(res.json().results[0].errors[0]).toMatchObject({ path: 'rev', code: 'rev_invalid' });
    expect(JSON.parse((await stored(nul.id))[0]!.body).data.consent.noticeVersion).toBe('2026-01\u0000');
    const enrol = await t.app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: 'AAAA-AAAA', volunteerName: 'a\u0000b' } });
    expect(enrol.statusCode).toBe(400);
  });

  it('speaks Vietnamese by default', async () => {
    const bad = householdRecord({ seed: 14, groupCode: 'KHONGCO' });
    const res = await t.sync(token, batch([bad]));
    expect(res.json().results[0].errors[0].message).toBe('Tổ dân phố không có trong danh sách của phường.');
  });

  it('soft warnings (a CCCD that does not match) never reject', async () => {
    const rec = householdRecord({ seed: 15, members: 1 });
    (rec.data.members[0] as { cccd?: string }).cccd = '001099000001'; // born 1999 per CCCD, not the member's year
    expect((await t.sync(token, batch([rec]))).json().results[0].status).toBe('accepted');
  });

  it('gives the same statuses to the same batch sent twice, except accepted → duplicate', async () => {
    const a = householdRecord({ seed: 16 });
    const b = householdRecord({ seed: 17, groupCode: 'NOPE' });
    const c = householdRecord({ seed: 18 });
    await t.sync(token, batch([{ ...c, rev: 2 }]));
    const body = batch([a, b, c]);
    const first = (await t.sync(token, body)).json();
    const second = (await t.sync(token, body)).json();
    expect(first.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected', 'stale']);
    expect(second.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'rejected', 'stale']);
    expect(second.batchId).toBe(body.batchId);
  });

  it('keeps a record id to the ward that first stored it', async () => {
    const rec = householdRecord({ seed: 19 });
    await t.sync(token, batch([rec]));
    const other = await t.enrol(OTHER_WARD);
    const hijack = { ...rec, rev: 2, data: { ...rec.data, wardCode: OTHER_WARD, groupCode: 'TDP01' } };
    const res = await t.sync(other.token, batch([hijack]));
    expect(res.json().results[0]).toMatchObject({ status: 'rejected', errors: [{ path: 'id', code: 'wrong_ward' }] });
    expect((await stored(rec.id)).map((r) => r.ward_code)).toEqual([WARD]);
  });

  it("rejects every record naming another ward than the token's", async () => {
    const other = await t.enrol(OTHER_WARD);
    const recs = [householdRecord({ seed: 20 }), householdRecord({ seed: 21 })];
    const res = await t.sync(other.token, batch(recs));
    expect(res.json().results.map((r: { errors: { code: string }[] }) => r.errors[0]!.code)).toEqual(['wrong_ward', 'wrong_ward']);
  });

  it('stores each record exactly once when two devices send overlapping batches at the same time', async () => {
    const d2 = await t.enrol(WARD, 'Lê Thị Ba');
    const recs = Array.from({ length: 40 }, (_, i) => householdRecord({ seed: 1000 + i }));
    const bodies = [batch(recs.slice(0, 30)), batch(recs.slice(10, 40)), batch(recs.slice(5, 35))];
    const responses = await Promise.all([t.sync(token, bodies[0]), t.sync(d2.token, bodies[1]), t.sync(token, bodies[2])]);
    const statuses = new Map<string, string[]>();
    for (const res of responses) {
      expect(res.statusCode).toBe(200);
      for (const r of res.json().results) statuses.set(r.id, [...(statuses.get(r.id) ?? []), r.status]);
    }
    for (const rec of recs) {
      const s = statuses.get(rec.id)!;
      expect(s.filter((x) => x === 'accepted')).toHaveLength(1);
      expect(s.every((x) => x === 'accepted' || x === 'duplicate')).toBe(true);
      expect(await stored(rec.id)).toHaveLength(1);
    }
    const count = await t.db.db
      .selectFrom('households')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('record_id', 'in', recs.map((r) => r.id))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(40);
  });

  it('accepts gzip-compressed bodies', async () => {
    const rec = householdRecord({ seed: 22 });
    const body = gzipSync(JSON.stringify(batch([rec])));
    const res = await t.sync(token, body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0].status).toBe('accepted');
  });

  describe('whole-request errors', () => {
    function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string) {
      expect(res.statusCode).toBe(status);
      const body = res.json() as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(5);
      expect(Object.keys(body)).toEqual(['error']);
    }

    it('400 for a malformed envelope', async () => {
      for (const body of [[1, 2], 'x', null, { protocolVersion: 1, batchId: randomUUID(), records: 'no' }, { protocolVersion: 1, batchId: 'nope', records: [] }, { batchId: randomUUID(), records: [] }, { protocolVersion: 1.5, batchId: randomUUID(), records: [] }]) {
        expectError(await t.sync(token, JSON.stringify(body), { 'content-type': 'application/json' }), 400, 'bad_request');
      }
      const many = batch(Array.from({ length: 501 }, () => ({})));
      expectError(await t.sync(token, many), 400, 'bad_request');
    });

    it('400 for bad JSON, translated', async () => {
      const res = await t.sync(token, '{"protocolVersion":1,', { 'content-type': 'application/json', 'accept-language': 'en' });
      expectError(res, 400, 'bad_request');
      expect(res.json().error.message).toBe('The body is not valid JSON.');
      expectError(await t.sync(token, '', { 'content-type': 'application/json' }), 400, 'bad_request');
      expectError(await t.sync(token, Buffer.from('not gzip'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 400, 'bad_request');
    });

    it('401 for a missing or wrong token; 410 device_lost for a revoked one', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/sync', payload: batch([]) });
      expectError(res, 401, 'unauthorized');
      expectError(await t.sync('wrong-token', batch([])), 401, 'unauthorized');
      // A device that synced a moment ago, then revoked (lost, the default): its next batch is
      // refused and it is told to wipe (tests/integration/device-retirement.test.ts for more).
      const other = await t.enrol();
      expect((await t.sync(other.token, batch([householdRecord({ seed: 29 })]))).statusCode).toBe(200);
      expect(await revokeDevice(t.db.db, other.deviceId)).toBe(true);
      expectError(await t.sync(other.token, batch([householdRecord({ seed: 30 })])), 410, 'device_lost');
      // The token of this suite's own device still works: the revocation hit that device only.
      expect((await t.sync(token, batch([]))).statusCode).toBe(200);
    });

    it('413 for a body over 1 MB, also when gzip hides it', async () => {
      const big = batch([householdRecord({ seed: 23, note: 'x'.repeat(200) })]);
      const padded = { ...big, padding: 'x'.repeat(1024 * 1024) };
      expectError(await t.sync(token, padded), 413, 'payload_too_large');
      const zipped = gzipSync(JSON.stringify(padded));
      expect(zipped.length).toBeLessThan(100_000);
      expectError(await t.sync(token, zipped, { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 413, 'payload_too_large');
    });

    it('415 for another content type or encoding', async () => {
      expectError(await t.sync(token, 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
      expectError(await t.sync(token, JSON.stringify(batch([])), { 'content-type': 'application/json', 'content-encoding': 'br' }), 415, 'unsupported_media_type');
    });

    it('426 for a protocol version too old or too new, with what to update', async () => {
      const old = await t.sync(token, { ...batch([]), protocolVersion: 0 });
      expectError(old, 426, 'protocol_too_old');
      expect(old.json().error.message).toMatch(/cập nhật/);
      const neu = await t.sync(token, { ...batch([]), protocolVersion: 2 }, { 'accept-language': 'en' });
      expectError(neu, 426, 'protocol_too_new');
      expect(neu.json().error.message).toMatch(/update the Gõ Cửa server/);
    });

    it('404 for an unknown API path in the same shape', async () => {
      expectError(await t.app.inject({ method: 'GET', url: '/api/v1/nothing' }), 404, 'not_found');
    });
  });

  it('every stored revision parses as a valid household record', async () => {
    const rows = await t.db.db.selectFrom('record_revisions').select('body').execute();
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(householdRecordSchema.safeParse(JSON.parse(row.body)).success).toBe(true);
  });

  it('prepared every batch where this suite says', () => {
    const prepared = t.preparePool!.prepared;
    if (backend.syncWorkers > 0) {
      expect(prepared.inWorkers).toBeGreaterThan(20);
      expect(prepared.inline).toBe(0);
    } else {
      expect(prepared.inWorkers).toBe(0);
      expect(prepared.inline).toBeGreaterThan(20);
    }
  });
});

// PostgreSQL only (SQLite has no connections to drop): a describe of its own, so that without
// DATABASE_URL it is absent (and announced by tests/helpers/report-backends.ts), never "skipped".
const postgresBackends = backends.filter((b) => b.name === 'postgres');
if (postgresBackends.length > 0) {
  describe.each(postgresBackends)('sync on $name when the database drops connections', (backend) => {
    let t: TestServer;
    let token: string;

    beforeAll(async () => {
      t = await startTestServer(backend, { syncWorkers: 0 });
      ({ token } = await t.enrol());
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    it('keeps working after PostgreSQL drops its connections', async () => {
      const url = new URL(t.env.DATABASE_URL!);
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const killed = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [url.pathname.slice(1)]);
      await admin.end();
      expect(killed.rowCount).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 100)); // let the pool hear about it
      const rec = householdRecord({ seed: 40 });
      const res = await t.sync(token, batch([rec]));
      expect(res.statusCode).toBe(200);
      expect(res.json().results[0].status).toBe('accepted');
    });
  });
}
