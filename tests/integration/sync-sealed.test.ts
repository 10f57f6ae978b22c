// Sealed records on the real endpoint (docs/sync-protocol.md, "Sealed records"), on SQLite and
// PostgreSQL, prepared in worker threads and inline: the ward's key reaches the device in its
// configuration; a record sealed to it is opened, checked and stored as the parsed record;
// a retry is `duplicate`; whatever does not open is a per-record `unsealable`, never a 500.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealText } from '../../src/shared/crypto/hpke.js';
import { sealingPublicKeySchema, type SealingPublicKey } from '../../src/shared/crypto/sealed.js';
import { canonicalJson } from '../../src/shared/protocol/canonical-json.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { runAdmin } from '../helpers/spawn-server.js';
import { batch, householdRecord, OTHER_WARD, WARD } from '../helpers/records.js';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';

const cases = backends.flatMap((backend) => [
  { ...backend, mode: 'in worker threads', syncWorkers: 1 },
  { ...backend, mode: 'inline', syncWorkers: 0 },
]);

describe.each(cases)('sealed sync on $name, prepared $mode', (backend) => {
  let t: TestServer;
  let token: string;
  let key: SealingPublicKey;

  beforeAll(async () => {
    t = await startTestServer(backend, { syncWorkers: backend.syncWorkers });
    ({ token } = await t.enrol());
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/config', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    key = sealingPublicKeySchema.parse(res.json().sealingKey);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const seal = (rec: HouseholdRecord, id = rec.id, rev = rec.rev, ward = WARD) => sealText(key, ward, id, rev, canonicalJson(rec));
  const stored = (id: string) => t.db.db.selectFrom('record_revisions').selectAll().where('record_id', '=', id).orderBy('rev').execute();

  it('sends the ward’s newest key in the configuration, the one made at start in DATA_DIR', async () => {
    expect(key).toEqual(await t.db.wardKeys.publicKey(WARD));
    // Each ward its own key.
    expect((await t.db.wardKeys.publicKey(OTHER_WARD)).kid).not.toBe(key.kid);
  });

  it('accepts a sealed record, stores the parsed record (never the sealed text), and answers a retry duplicate', async () => {
    const rec = householdRecord({ seed: 31, members: 3, note: 'Ông Lê Văn Bình' });
    const sealed = await seal(rec);
    const body = batch([{ id: rec.id, rev: 1, sealed }]);
    const res = await t.sync(token, body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ batchId: body.batchId, results: [{ id: rec.id, rev: 1, status: 'accepted' }] });
    const revs = await stored(rec.id);
    expect(revs).toHaveLength(1);
    expect(JSON.parse(revs[0]!.body)).toEqual(rec);
    expect(revs[0]!.body).not.toContain(sealed.ct.slice(0, 40));
    const members = await t.db.db.selectFrom('members').select('birth_year').where('record_id', '=', rec.id).orderBy('position').execute();
    expect(members.map((m) => m.birth_year)).toEqual(rec.data.members.map((m) => m.birthYear));
    // The same sealed item again (its first answer lost), a fresh sealing of it, and the clear envelope.
    for (const again of [{ id: rec.id, rev: 1, sealed }, { id: rec.id, rev: 1, sealed: await seal(rec) }, rec]) {
      const retry = await t.sync(token, batch([again]));
      expect(retry.json().results).toEqual([{ id: rec.id, rev: 1, status: 'duplicate' }]);
    }
    expect(await stored(rec.id)).toHaveLength(1);
  });

  it('answers unsealable per record — tampered, replayed under another id or rev, unknown kid, malformed — and stores the good ones beside', async () => {
    const good = householdRecord({ seed: 32 });
    const victim = householdRecord({ seed: 33 });
    const sealed = await seal(victim);
    const otherId = randomUUID();
    // Sealed with the AAD of its outer id+rev, but the record inside names another id.
    const inner = householdRecord({ seed: 34 });
    const lying = await seal(inner, otherId, 1);
    const items = [
      { id: victim.id, rev: 1, sealed: { ...sealed, ct: (sealed.ct[3] === 'A' ? sealed.ct.slice(0, 3) + 'B' : sealed.ct.slice(0, 3) + 'A') + sealed.ct.slice(4) } },
      { id: otherId, rev: 1, sealed },
      { id: victim.id, rev: 2, sealed },
      { id: victim.id, rev: 1, sealed: { ...sealed, kid: 'A'.repeat(22) } },
      { id: victim.id, rev: 1, sealed: { ...sealed, extra: 1 } },
      { id: victim.id, rev: 1, sealed: 'not an object' },
      { id: otherId, rev: 1, sealed: lying },
      { id: victim.id, rev: 1, sealed: await seal(victim, victim.id, 1, OTHER_WARD) },
      good,
      { id: victim.id, rev: 1, sealed },
    ];
    const res = await t.sync(token, batch(items), { 'accept-language': 'en' });
    expect(res.statusCode).toBe(200);
    const results = res.json().results as { id: string; rev: number; status: string; errors?: { path: string; code: string; message: string }[] }[];
    expect(results.map((r) => [r.id, r.rev, r.status])).toEqual([
      [victim.id, 1, 'rejected'],
      [otherId, 1, 'rejected'],
      [victim.id, 2, 'rejected'],
      [victim.id, 1, 'rejected'],
      [victim.id, 1, 'rejected'],
      [victim.id, 1, 'rejected'],
      [otherId, 1, 'rejected'],
      [victim.id, 1, 'rejected'],
      [good.id, 1, 'accepted'],
      [victim.id, 1, 'accepted'],
    ]);
    for (const r of results.slice(0, 8)) {
      expect(r.errors?.[0]?.code).toBe('unsealable');
      expect(r.errors?.[0]?.message).toMatch(/could not open this sealed record/);
    }
    expect(results[3]!.errors![0]!.path).toBe('sealed.kid');
    expect(await stored(otherId)).toHaveLength(0);
    expect(await stored(victim.id)).toHaveLength(1);
    // Vietnamese by default.
    const vi = await t.sync(token, batch([items[0]]));
    expect(vi.json().results[0].errors[0].message).toMatch(/niêm phong/);
  });

  it('checks an opened record like any other: another ward’s record sealed to this ward is wrong_ward', async () => {
    const rec = householdRecord({ seed: 35, wardCode: OTHER_WARD });
    const res = await t.sync(token, batch([{ id: rec.id, rev: 1, sealed: await seal(rec) }]));
    expect(res.json().results).toEqual([{ id: rec.id, rev: 1, status: 'rejected', errors: [expect.objectContaining({ path: 'data.wardCode', code: 'wrong_ward' })] }]);
  });
});

describe.each(backends)('sealing key rotation with the admin CLI on $name', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('rotate-sealing-key: the running server hands out the new key at once and still opens the old one', async () => {
    const { token } = await t.enrol();
    const config = async () =>
      sealingPublicKeySchema.parse((await t.app.inject({ method: 'GET', url: '/api/v1/config', headers: { authorization: `Bearer ${token}` } })).json().sealingKey);
    const old = await config();
    const r = runAdmin(['rotate-sealing-key', '--ward', WARD], t.env);
    expect(r.code).toBe(0);
    const kid = r.stdout.trim();
    expect(kid).not.toBe(old.kid);
    const fresh = await config();
    expect(fresh.kid).toBe(kid);
    const before = householdRecord({ seed: 41 });
    const after = householdRecord({ seed: 42 });
    const items = [
      { id: before.id, rev: 1, sealed: await sealText(old, WARD, before.id, 1, canonicalJson(before)) },
      { id: after.id, rev: 1, sealed: await sealText(fresh, WARD, after.id, 1, canonicalJson(after)) },
    ];
    expect((await t.sync(token, batch(items))).json().results.map((x: { status: string }) => x.status)).toEqual(['accepted', 'accepted']);
    expect(runAdmin(['rotate-sealing-key', '--ward', '99999'], t.env).code).toBe(2);
  }, 60_000);
});
