// HPKE sealing of outbox records: the phone's side (WebCrypto, here Node's) seals to the public
// key the ward endpoint stores in its data folder; only that endpoint's private key opens it, and
// only for the ward, id and rev it was sealed for.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WardKeys, WARD_KEYS_DIR } from '../../../src/server/services/ward-keys.js';
import { isUsableSealingKey, keyIdOf, openText, sealText } from '../../../src/shared/crypto/hpke.js';
import { fromBase64Url, sealedItemSchema, sealingPublicKeySchema, toBase64Url } from '../../../src/shared/crypto/sealed.js';
import { canonicalJson } from '../../../src/shared/protocol/canonical-json.js';
import { householdRecord, WARD, OTHER_WARD } from '../../helpers/records.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gocua-keys-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => statSync(p).mode & 0o777;
const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

describe('HPKE seal and open against the ward endpoint’s stored key', () => {
  it('round trip: the phone seals to the public key, the server opens with the key file in DATA_DIR', async () => {
    const dir = dataDir();
    const keys = new WardKeys(dir);
    const publicKey = await keys.publicKey(WARD);
    expect(sealingPublicKeySchema.parse(publicKey)).toEqual(publicKey);
    expect(await isUsableSealingKey(publicKey)).toBe(true);
    const record = householdRecord({ seed: 1, members: 3, note: 'Bà Nguyễn Thị Hoa cần hỗ trợ' });
    const text = canonicalJson(record);
    const sealed = await sealText(publicKey, WARD, record.id, record.rev, text);
    expect(sealedItemSchema.parse({ id: record.id, rev: record.rev, sealed }).sealed).toEqual(sealed);
    // Nothing personal in clear in what the phone stores and sends.
    for (const clear of ['Nguyễn', 'Trần Hưng Đạo', Buffer.from('Nguyễn').toString('base64url')]) expect(JSON.stringify(sealed)).not.toContain(clear);
    // Another process (a restart) reads the same file and opens it.
    const opened = await openText(await new WardKeys(dir).privateKeys(WARD), WARD, record.id, record.rev, sealed);
    expect(opened).toEqual({ ok: true, text });
  });

  it('refuses a tampered ciphertext or enc, another id or rev (AAD), another ward (info), an unknown kid', async () => {
    const keys = new WardKeys(dataDir());
    const publicKey = await keys.publicKey(WARD);
    const privateKeys = await keys.privateKeys(WARD);
    const record = householdRecord({ seed: 2 });
    const sealed = await sealText(publicKey, WARD, record.id, record.rev, canonicalJson(record));
    const open = (s = sealed, ward = WARD, id = record.id, rev = record.rev) => openText(privateKeys, ward, id, rev, s);
    expect((await open()).ok).toBe(true);
    expect(await open({ ...sealed, ct: flip(sealed.ct, 5) })).toEqual({ ok: false, reason: 'open_failed' });
    expect(await open({ ...sealed, ct: flip(sealed.ct, sealed.ct.length - 3) })).toEqual({ ok: false, reason: 'open_failed' });
    expect(await open({ ...sealed, enc: flip(sealed.enc, 40) })).toEqual({ ok: false, reason: 'open_failed' });
    expect(await open(sealed, WARD, record.id, record.rev + 1)).toEqual({ ok: false, reason: 'open_failed' });
    expect(await open(sealed, WARD, householdRecord({ seed: 3 }).id)).toEqual({ ok: false, reason: 'open_failed' });
    expect(await open(sealed, OTHER_WARD)).toEqual({ ok: false, reason: 'open_failed' });
    expect(await open({ ...sealed, kid: 'A'.repeat(22) })).toEqual({ ok: false, reason: 'unknown_kid' });
    // Another ward's key does not open it either (its kid is not this ward's).
    const otherWardKeys = await keys.privateKeys(OTHER_WARD);
    expect(await openText(otherWardKeys, WARD, record.id, record.rev, sealed)).toEqual({ ok: false, reason: 'unknown_kid' });
    expect(await openText(otherWardKeys.map((k) => ({ ...k, kid: sealed.kid })), WARD, record.id, record.rev, sealed)).toEqual({ ok: false, reason: 'open_failed' });
  });

  it('a phone refuses a key whose kid is not its digest, or that is not a point on the curve', async () => {
    const publicKey = await new WardKeys(dataDir()).publicKey(WARD);
    expect(await isUsableSealingKey({ ...publicKey, kid: 'A'.repeat(22) })).toBe(false);
    const offCurve = toBase64Url(new Uint8Array([4, ...new Uint8Array(64).fill(7)]));
    expect(await isUsableSealingKey({ ...publicKey, publicKey: offCurve, kid: await keyIdOf(offCurve) })).toBe(false);
    expect(sealingPublicKeySchema.safeParse({ ...publicKey, extra: 1 }).success).toBe(false);
    expect(sealingPublicKeySchema.safeParse({ ...publicKey, suite: 'DHKEM(X25519)' }).success).toBe(false);
  });

  it('base64url round-trips every length and refuses other characters', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect([...fromBase64Url(text)]).toEqual([...bytes]);
    }
    expect(() => fromBase64Url('ab+c')).toThrow();
    expect(() => fromBase64Url('abcde')).toThrow();
  });
});

describe('ward key files', () => {
  it('are made once per ward, 0600 in a 0700 folder, outside the database, and kept across restarts', async () => {
    const dir = dataDir();
    const first = await new WardKeys(dir).publicKey(WARD);
    const file = path.join(dir, WARD_KEYS_DIR, `${WARD}.json`);
    expect(mode(path.join(dir, WARD_KEYS_DIR))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(await new WardKeys(dir).publicKey(WARD)).toEqual(first);
    // Looser rights (a careless restore) are tightened on the next start.
    const { chmodSync } = await import('node:fs');
    chmodSync(file, 0o644);
    await new WardKeys(dir).ensure(WARD);
    expect(mode(file)).toBe(0o600);
  });

  it('rotation: the newest key seals, every older one still opens', async () => {
    const dir = dataDir();
    const keys = new WardKeys(dir);
    const old = await keys.publicKey(WARD);
    const record = householdRecord({ seed: 4 });
    const sealedOld = await sealText(old, WARD, record.id, record.rev, canonicalJson(record));
    const rotated = await keys.rotate(WARD);
    expect(rotated.kid).not.toBe(old.kid);
    const restarted = new WardKeys(dir);
    expect(await restarted.publicKey(WARD)).toEqual(rotated);
    expect((await restarted.privateKeys(WARD)).map((k) => k.kid)).toEqual([old.kid, rotated.kid]);
    expect((await openText(await restarted.privateKeys(WARD), WARD, record.id, record.rev, sealedOld)).ok).toBe(true);
    expect(mode(path.join(dir, WARD_KEYS_DIR, `${WARD}.json`))).toBe(0o600);
    // A running server sees a rotation made by another process (the admin CLI) at its next use.
    const again = await new WardKeys(dir).rotate(WARD);
    expect(await keys.publicKey(WARD)).toEqual(again);
    expect((await keys.privateKeys(WARD)).map((k) => k.kid)).toEqual([old.kid, rotated.kid, again.kid]);
  });

  it('first uses at once share one key pair (the file is made once)', async () => {
    const dir = dataDir();
    const keys = new WardKeys(dir);
    // Two instances stand for two processes (the server and the admin CLI) starting at once.
    const [a, b, c] = await Promise.all([keys.publicKey(WARD), keys.publicKey(WARD), new WardKeys(dir).publicKey(WARD)]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(await new WardKeys(dir).publicKey(WARD)).toEqual(a);
    expect(readdirSync(path.join(dir, WARD_KEYS_DIR))).toEqual([`${WARD}.json`]);
  });

  it('a damaged key file stops the ward endpoint with the file named; a bad ward code never becomes a path', async () => {
    const dir = dataDir();
    await new WardKeys(dir).ensure(WARD);
    const file = path.join(dir, WARD_KEYS_DIR, `${WARD}.json`);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { keys: { kid: string }[] };
    json.keys[0]!.kid = 'A'.repeat(22);
    writeFileSync(file, JSON.stringify(json));
    await expect(new WardKeys(dir).ensure(WARD)).rejects.toThrow(file);
    writeFileSync(file, '{"wardCode":"10546","keys":[');
    await expect(new WardKeys(dir).ensure(WARD)).rejects.toThrow(`${file}: the ward's sealing keys are damaged`);
    await expect(new WardKeys(dir).ensure('../../etc')).rejects.toThrow();
  });
});
