// Rescue files on the real endpoint (docs/sync-protocol.md, "Rescue files"), on SQLite and,
// with DATABASE_URL, PostgreSQL: a device's signing key registered at enrolment (or once later
// with its token), a file made with the phone's own code (shared/crypto/rescue-seal.ts) and
// uploaded by ward staff: checked, opened, ingested through the sync path, idempotent; every
// refusal a translated 4xx, never a 500, nothing stored.
import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, sealingPublicKeySchema, toBase64Url, type SealingPublicKey } from '../../src/shared/crypto/sealed.js';
import type { RescueFile, RescuePayload } from '../../src/shared/crypto/rescue-file.js';
import { makeRescueFile } from '../../src/shared/crypto/rescue-seal.js';
import { revokeDevice } from '../../src/server/services/accounts.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { signIn } from '../helpers/dashboard.js';
import { batch, householdRecord, OTHER_WARD, WARD } from '../helpers/records.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

interface Phone {
  deviceId: string;
  token: string;
  keys: CryptoKeyPair;
  publicKey: string;
}

async function signingKeyPair(): Promise<{ keys: CryptoKeyPair; publicKey: string }> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const publicKey = toBase64Url(new Uint8Array(await webcrypto.subtle.exportKey('raw', keys.publicKey)));
  return { keys, publicKey };
}

const draft = (over: Partial<RescuePayload['drafts'][number]> = {}) => ({
  id: crypto.randomUUID(),
  kind: 'household' as const,
  step: 'members',
  form: { groupCode: 'TDP01', houseNumber: '12', lane: 'Ngõ 5', street: 'Trần Hưng Đạo', members: [{ name: 'Lê Thị Hoa' }] },
  createdAt: '2026-12-01T08:00:00.000Z',
  updatedAt: '2026-12-01T08:05:00.000Z',
  ...over,
});

describe.each(backends)('rescue files on $name', (backend) => {
  let t: TestServer;
  let staffToken: string;
  let adminOtherWard: string;
  let sealingKey: SealingPublicKey;

  async function enrolWithKey(wardCode = WARD, name = 'Nguyễn Văn Cứu'): Promise<Phone> {
    const { keys, publicKey } = await signingKeyPair();
    const code = (await issueEnrolmentCode(t.db, wardCode, 1)).code;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode, enrolmentCode: code, volunteerName: name, signingKey: publicKey } });
    expect(res.statusCode, res.body).toBe(201);
    return { ...(res.json() as { deviceId: string; token: string }), keys, publicKey };
  }

  const file = (phone: Phone, payload: RescuePayload, over: { wardCode?: string; key?: SealingPublicKey; signWith?: CryptoKey } = {}) =>
    makeRescueFile({
      wardCode: over.wardCode ?? WARD,
      deviceId: phone.deviceId,
      createdAt: new Date().toISOString(),
      sealingKey: over.key ?? sealingKey,
      signingKey: over.signWith ?? phone.keys.privateKey,
      payload,
    });

  const upload = (body: unknown, token = staffToken, lang = 'vi') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/wards/${WARD}/rescue`,
      headers: { authorization: `Bearer ${token}`, 'accept-language': lang, 'content-type': 'application/json' },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const revisions = (id: string) => t.db.db.selectFrom('record_revisions').select(['rev', 'device_id']).where('record_id', '=', id).execute();

  beforeAll(async () => {
    t = await startTestServer(backend);
    staffToken = (await signIn(t, WARD, 'ward_staff')).token;
    adminOtherWard = (await signIn(t, OTHER_WARD, 'ward_admin')).token;
    sealingKey = sealingPublicKeySchema.parse(await t.db.wardKeys.publicKey(WARD));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('stores the signing key sent with enrolment, and refuses a key that is not a P-256 point', async () => {
    const phone = await enrolWithKey();
    const row = await t.db.db.selectFrom('devices').select(['signing_key', 'signing_key_at']).where('id', '=', phone.deviceId).executeTakeFirstOrThrow();
    expect(row.signing_key).toBe(phone.publicKey);
    expect(row.signing_key_at).toMatch(/^\d{4}-/);
    // 65 bytes starting 0x04 but not on the curve; then not base64url; then too short.
    const offCurve = toBase64Url(Uint8Array.from([4, ...new Array(64).fill(7)]));
    for (const signingKey of [offCurve, 'B' + '!'.repeat(86), 'BAAA', 42]) {
      const code = (await issueEnrolmentCode(t.db, WARD, 1)).code;
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: code, volunteerName: 'X', signingKey } });
      expect(res.statusCode, String(signingKey)).toBe(400);
      expect(res.json().error.code).toBe('bad_request');
    }
  });

  it('lets a phone enrolled without a key register one once with its token, never replacing it', async () => {
    const old = await t.enrol(WARD, 'Máy cũ');
    const first = await signingKeyPair();
    const second = await signingKeyPair();
    const post = (publicKey: unknown, token: string | null = old.token) =>
      t.app.inject({ method: 'POST', url: '/api/v1/devices/signing-key', payload: { publicKey }, headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await post(first.publicKey, null)).statusCode).toBe(401);
    expect((await post('not a key')).statusCode).toBe(400);
    expect((await post(toBase64Url(Uint8Array.from([4, ...new Array(64).fill(9)])))).statusCode).toBe(400);
    expect((await post(first.publicKey)).statusCode).toBe(201);
    expect((await post(first.publicKey)).statusCode).toBe(200); // a retry after a lost answer
    const other = await post(second.publicKey);
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('signing_key_exists');
    const row = await t.db.db.selectFrom('devices').select('signing_key').where('id', '=', old.deviceId).executeTakeFirstOrThrow();
    expect(row.signing_key).toBe(first.publicKey);
    const audit = await t.db.db.selectFrom('audit_log').select('action').where('target', '=', old.deviceId).where('action', '=', 'device.signing_key').execute();
    expect(audit).toHaveLength(1);
  });

  it('imports a signed file through the sync path, shows each status, and stores nothing twice', async () => {
    const phone = await enrolWithKey();
    const recs = [householdRecord({ seed: 201, members: 2 }), householdRecord({ seed: 202, members: 1 }), householdRecord({ seed: 203 })];
    const bad = { ...householdRecord({ seed: 204 }), data: { ...householdRecord({ seed: 204 }).data, groupCode: 'NOPE' } };
    const rescue = await file(phone, { records: [...recs, bad], drafts: [draft()] });
    const res = await upload(rescue);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'rejected']);
    expect(body.results[3].errors[0]).toMatchObject({ path: 'data.groupCode', code: 'unknown_group' });
    expect(body.results[3].errors[0].message).toBeTruthy();
    expect(body.counts).toEqual({ accepted: 3, duplicate: 0, stale: 0, conflict: 0, rejected: 1 });
    expect(body.drafts).toEqual([expect.objectContaining({ address: '12, Ngõ 5, Trần Hưng Đạo', members: 1, step: 'members' })]);
    expect(body.volunteerName).toBe('Nguyễn Văn Cứu');
    for (const r of recs) expect(await revisions(r.id)).toEqual([{ rev: 1, device_id: phone.deviceId }]);
    // The phone was not heard from: its "last seen" stays empty.
    expect((await t.db.db.selectFrom('devices').select('last_seen_at').where('id', '=', phone.deviceId).executeTakeFirstOrThrow()).last_seen_at).toBeNull();

    const again = await upload(rescue);
    expect(again.statusCode).toBe(200);
    expect(again.json().results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'rejected']);
    for (const r of recs) expect(await revisions(r.id)).toHaveLength(1);
    // The phone syncing the same records itself later: duplicates too.
    const synced = await t.sync(phone.token, batch(recs));
    expect(synced.json().results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);

    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'detail']).where('target', '=', phone.deviceId).where('action', '=', 'rescue.import').execute();
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ records: 4, drafts: 1, accepted: 3, rejected: 1 });
  });

  it('opens a file sealed to the ward key before a rotation', async () => {
    const phone = await enrolWithKey();
    const rec = householdRecord({ seed: 241 });
    const before = await file(phone, { records: [rec], drafts: [] });
    const rotated = await t.db.wardKeys.rotate(WARD);
    expect(rotated.kid).not.toBe(before.sealed.kid);
    sealingKey = sealingPublicKeySchema.parse(rotated);
    const res = await upload(before);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results[0].status).toBe('accepted');
    // And one sealed to the new key.
    const after = await file(phone, { records: [householdRecord({ seed: 242 })], drafts: [] });
    expect(after.sealed.kid).toBe(rotated.kid);
    expect((await upload(after)).json().results[0].status).toBe('accepted');
  });

  it('takes the file of a retired or lost phone (the point), under the ownership rules', async () => {
    const phone = await enrolWithKey();
    const mine = householdRecord({ seed: 211 });
    await revokeDevice(t.db.db, phone.deviceId);
    // Another phone's record: this device may not write a new rev of it.
    const other = await enrolWithKey();
    const theirs = householdRecord({ seed: 212 });
    expect((await t.sync(other.token, batch([theirs]))).json().results[0].status).toBe('accepted');
    const res = await upload(await file(phone, { records: [mine, { ...theirs, rev: 2 }], drafts: [] }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().deviceRevoked).toBe('lost');
    expect(res.json().results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected']);
    expect(res.json().results[1].errors[0].code).toBe('not_owner');
  });

  it('refuses an altered file, another device’s signature, another ward, an unknown device — nothing stored', async () => {
    const phone = await enrolWithKey();
    const rec = householdRecord({ seed: 221 });
    const good = await file(phone, { records: [rec], drafts: [] });
    const flip = (text: string) => text.slice(0, 30) + (text[30] === 'A' ? 'B' : 'A') + text.slice(31);
    const thief = await enrolWithKey(WARD, 'Máy khác');
    const otherWardPhone = await enrolWithKey(OTHER_WARD, 'Máy phường khác');
    const otherWardKey = sealingPublicKeySchema.parse(await t.db.wardKeys.publicKey(OTHER_WARD));
    const stranger = { ...phone, deviceId: crypto.randomUUID() };
    const noKey = await t.enrol(WARD, 'Máy chưa có khóa');
    const cases: [string, RescueFile, string][] = [
      ['altered ciphertext', { ...good, sealed: { ...good.sealed, ct: flip(good.sealed.ct) } }, 'bad_signature'],
      ['altered count', { ...good, envelope: { ...good.envelope, records: 2 } }, 'bad_signature'],
      ['signed by another device', await file(phone, { records: [rec], drafts: [] }, { signWith: thief.keys.privateKey }), 'bad_signature'],
      ['another device’s id on this device’s file', { ...good, envelope: { ...good.envelope, deviceId: thief.deviceId } }, 'bad_signature'],
      ['a device of another ward', await file(otherWardPhone, { records: [rec], drafts: [] }), 'device_other_ward'],
      ['for another ward', await file(otherWardPhone, { records: [rec], drafts: [] }, { wardCode: OTHER_WARD, key: otherWardKey }), 'other_ward'],
      ['an unknown device', await file(stranger, { records: [rec], drafts: [] }), 'unknown_device'],
      ['a device without a key', await file({ ...phone, deviceId: noKey.deviceId }, { records: [rec], drafts: [] }), 'no_signing_key'],
      ['sealed to another ward’s key', await file(phone, { records: [rec], drafts: [] }, { key: otherWardKey }), 'unsealable'],
    ];
    for (const [name, body, reason] of cases) {
      const res = await upload(body, staffToken, 'en');
      expect(res.statusCode, name).toBe(422);
      expect(res.json().error, name).toMatchObject({ code: 'rescue_refused', reason });
      expect(res.json().error.message, name).toMatch(/Nothing was stored/);
    }
    expect(await revisions(rec.id)).toEqual([]);
    // A signature re-made over an altered ciphertext still does not open.
    const resigned = { ...good, sealed: { ...good.sealed, ct: flip(good.sealed.ct) } };
    const { signRescueFile } = await import('../../src/shared/crypto/rescue-file.js');
    const res = await upload({ ...resigned, signature: await signRescueFile(phone.keys.privateKey, resigned) });
    expect(res.json().error.reason).toBe('unsealable');
    expect(res.json().error.message).toMatch(/Không có gì được lưu/);
    // Staff of another ward cannot upload to this ward at all.
    expect((await upload(good, adminOtherWard)).statusCode).toBe(403);
    expect(await revisions(rec.id)).toEqual([]);
  });

  it('answers garbage with 4xx, never 500', async () => {
    const phone = await enrolWithKey();
    const good = await file(phone, { records: [householdRecord({ seed: 231 })], drafts: [] });
    const bodies: unknown[] = [
      'not json',
      '{"__proto__":{"x":1}}',
      [],
      {},
      null,
      { ...good, extra: 1 },
      { ...good, envelope: { ...good.envelope, version: 2 } },
      { ...good, signature: { alg: 'ES256', sig: 'x' } },
      { ...good, sealed: { ...good.sealed, enc: 'B' + 'A'.repeat(86) } },
      { ...good, sealed: { ...good.sealed, kid: 'A'.repeat(22) } },
      { ...good, envelope: { ...good.envelope, deviceId: 'not-a-uuid' } },
      { ...good, envelope: { ...good.envelope, records: 1e9 } },
      { ...good, signature: { alg: 'ES256', sig: toBase64Url(fromBase64Url(good.signature.sig).map((b) => b ^ 1)) } },
    ];
    for (const body of bodies) {
      const res = await upload(body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBeLessThan(500);
      expect(res.json().error.message).toBeTruthy();
    }
    // The signed payload itself malformed (a phone bug, or a forger holding the key): bad_payload.
    const wrongShape = await makeRescueFile({
      wardCode: WARD,
      deviceId: phone.deviceId,
      createdAt: new Date().toISOString(),
      sealingKey,
      signingKey: phone.keys.privateKey,
      payload: { records: [], drafts: [{ nonsense: true }] } as unknown as RescuePayload,
    });
    const res = await upload(wrongShape);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.reason).toBe('bad_payload');
  });
});
