import { describe, expect, it } from 'vitest';
import {
  decryptSync,
  decryptWithDeviceKey,
  encryptSync,
  encryptWithDeviceKey,
  newDataKey,
  newDeviceKey,
  PBKDF2_ITERATIONS,
  TamperedDataError,
  unwrapDataKey,
  wrapDataKey,
  WrongPinError,
} from '../../../src/app/security/crypto.js';

const text = new TextEncoder();
const aad = text.encode('go-cua:records:r1');

describe('PIN wrapping of the data key', () => {
  it('derives with PBKDF2-SHA256 at ≥ 600,000 iterations and a random salt; the right PIN unwraps', async () => {
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    const key = newDataKey();
    expect(key.length).toBe(32);
    const [a, b] = [await wrapDataKey(key, '246810'), await wrapDataKey(key, '246810')];
    expect(a.kdf).toBe('PBKDF2-SHA256');
    expect(a.iterations).toBeGreaterThanOrEqual(600_000);
    expect(a.salt.length).toBe(16);
    expect(Buffer.from(a.salt).equals(Buffer.from(b.salt))).toBe(false);
    // The wrapped blob does not contain the key.
    expect(Buffer.from(a.wrapped).includes(Buffer.from(key))).toBe(false);
    expect([...(await unwrapDataKey(a, '246810'))]).toEqual([...key]);
  });

  it('rejects a wrong PIN, an altered wrap and a wrap asking for fewer iterations', async () => {
    const wrap = await wrapDataKey(newDataKey(), '246810');
    await expect(unwrapDataKey(wrap, '246811')).rejects.toBeInstanceOf(WrongPinError);
    const tampered = { ...wrap, wrapped: wrap.wrapped.slice() };
    tampered.wrapped[20] = tampered.wrapped[20]! ^ 1;
    await expect(unwrapDataKey(tampered, '246810')).rejects.toBeInstanceOf(WrongPinError);
    await expect(unwrapDataKey({ ...wrap, iterations: 1000 }, '246810')).rejects.toBeInstanceOf(WrongPinError);
  });
});

describe('row encryption (synchronous AES-256-GCM)', () => {
  it('round-trips, and WebCrypto reads what it wrote (same format)', async () => {
    const key = newDataKey();
    const plain = text.encode('{"name":"Nguyễn Văn An"}');
    const blob = encryptSync(key, plain, aad);
    expect(Buffer.from(blob).includes(Buffer.from(plain))).toBe(false);
    expect(new TextDecoder().decode(decryptSync(key, blob, aad))).toBe('{"name":"Nguyễn Văn An"}');
    const k = await crypto.subtle.importKey('raw', new Uint8Array(key), 'AES-GCM', false, ['decrypt']);
    const viaWebCrypto = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: blob.slice(1, 13), additionalData: new Uint8Array(aad) }, k, blob.slice(13));
    expect(new TextDecoder().decode(viaWebCrypto)).toBe('{"name":"Nguyễn Văn An"}');
  });

  it('rejects tampered ciphertext, another key and another row (AAD)', () => {
    const key = newDataKey();
    const blob = encryptSync(key, text.encode('secret'), aad);
    const flipped = blob.slice();
    flipped[15] = flipped[15]! ^ 0x80;
    expect(() => decryptSync(key, flipped, aad)).toThrow(TamperedDataError);
    expect(() => decryptSync(newDataKey(), blob, aad)).toThrow(TamperedDataError);
    expect(() => decryptSync(key, blob, text.encode('go-cua:records:r2'))).toThrow(TamperedDataError);
    expect(() => decryptSync(key, blob.slice(0, 20), aad)).toThrow(TamperedDataError);
  });
});

describe('device key', () => {
  it('is a non-extractable AES-GCM key that round-trips and rejects tampering', async () => {
    const key = await newDeviceKey();
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    const blob = await encryptWithDeviceKey(key, text.encode('tok'), aad);
    expect(new TextDecoder().decode(await decryptWithDeviceKey(key, blob, aad))).toBe('tok');
    blob[blob.length - 1] = blob[blob.length - 1]! ^ 1;
    await expect(decryptWithDeviceKey(key, blob, aad)).rejects.toBeInstanceOf(TamperedDataError);
  });
});
