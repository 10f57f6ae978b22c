// The phone's cryptography, in one place:
// - the DATA KEY: 256 random bits that encrypt personal fields at rest (AES-256-GCM);
// - its WRAPPING by a key derived from the PIN (PBKDF2-SHA256, PBKDF2_ITERATIONS, a random
//   16-byte salt; AES-GCM), with WebCrypto. A wrong PIN fails the GCM tag: nothing else tells.
// - the DEVICE KEY: a non-extractable WebCrypto AES-GCM key kept in IndexedDB (a CryptoKey is
//   structured-cloneable; its bytes cannot be read by script), which wraps the device token so
//   sync works while the phone is locked (sync/device-store.ts).
// - ROW ENCRYPTION with the data key: synchronous AES-256-GCM from @noble/ciphers. IndexedDB
//   commits a transaction as soon as its code awaits anything that is not an IndexedDB request,
//   and crypto.subtle is promise-based, so WebCrypto cannot run inside the transaction that
//   writes a record and its outbox entry together; a synchronous, audited implementation can
//   (security/at-rest.ts). The format is WebCrypto's (ciphertext || 16-byte tag), so either
//   implementation reads what the other wrote (tests/e2e/helpers/idb.ts decrypts with WebCrypto).
//
// Sealed blob layout (data key and device key alike): 1 byte version (1) | 12 bytes IV | ciphertext+tag.
import { gcm } from '@noble/ciphers/aes.js';
import { provideRowCipher } from './row-cipher.js';

export const PBKDF2_ITERATIONS = 600_000;
export const DATA_KEY_BYTES = 32;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const BLOB_VERSION = 1;
const WRAP_AAD = new TextEncoder().encode('go-cua:data-key:v1');

/** The data key wrapped by the PIN, as stored in meta `lock` (no secret in clear). */
export interface WrappedDataKey {
  kdf: 'PBKDF2-SHA256';
  iterations: number;
  salt: Uint8Array;
  /** Sealed blob of the data key under the PIN-derived key. */
  wrapped: Uint8Array;
}

/** The PIN did not unwrap the data key (or the stored wrap was altered: indistinguishable). */
export class WrongPinError extends Error {
  constructor() {
    super('Wrong PIN');
    this.name = 'WrongPinError';
  }
}

/** A sealed blob failed its authentication tag: altered, truncated or under another key. */
export class TamperedDataError extends Error {
  constructor(what: string) {
    super(`Encrypted data could not be authenticated (${what})`);
    this.name = 'TamperedDataError';
  }
}

export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

export function newDataKey(): Uint8Array {
  return randomBytes(DATA_KEY_BYTES);
}

function seal(iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + IV_BYTES + ciphertext.length);
  out[0] = BLOB_VERSION;
  out.set(iv, 1);
  out.set(ciphertext, 1 + IV_BYTES);
  return out;
}

function unseal(blob: Uint8Array, what: string): { iv: Uint8Array; ciphertext: Uint8Array } {
  if (!(blob instanceof Uint8Array) || blob.length < 1 + IV_BYTES + 16 || blob[0] !== BLOB_VERSION) throw new TamperedDataError(what);
  return { iv: blob.subarray(1, 1 + IV_BYTES), ciphertext: blob.subarray(1 + IV_BYTES) };
}

// WebCrypto wants ArrayBuffer-backed views; copies keep TypeScript's BufferSource type happy.
const buf = (u: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(u);

// ---- Row encryption (synchronous; see the header) ----

/** AES-256-GCM with the data key; `aad` binds the blob to its place (table and primary key). */
export function encryptSync(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  return seal(iv, gcm(key, iv, aad).encrypt(plaintext));
}

export function decryptSync(key: Uint8Array, blob: Uint8Array, aad: Uint8Array): Uint8Array {
  const { iv, ciphertext } = unseal(blob, 'row');
  try {
    return gcm(key, iv, aad).decrypt(ciphertext);
  } catch {
    throw new TamperedDataError('row');
  }
}

// The at-rest middleware reaches the cipher through row-cipher.ts (see there for why).
provideRowCipher({ encrypt: encryptSync, decrypt: decryptSync });

// ---- The PIN ----

async function pinKey(pin: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', buf(new TextEncoder().encode(pin.normalize('NFC'))), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: buf(salt), iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function wrapDataKey(dataKey: Uint8Array, pin: string): Promise<WrappedDataKey> {
  const salt = randomBytes(SALT_BYTES);
  const key = await pinKey(pin, salt, PBKDF2_ITERATIONS);
  const iv = randomBytes(IV_BYTES);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: buf(WRAP_AAD) }, key, buf(dataKey)));
  return { kdf: 'PBKDF2-SHA256', iterations: PBKDF2_ITERATIONS, salt, wrapped: seal(iv, ct) };
}

/** The data key, or WrongPinError. */
export async function unwrapDataKey(wrap: WrappedDataKey, pin: string): Promise<Uint8Array> {
  // A stored wrap asking for fewer iterations than this build's minimum is refused, not used.
  if (wrap.kdf !== 'PBKDF2-SHA256' || !(wrap.iterations >= PBKDF2_ITERATIONS)) throw new WrongPinError();
  const { iv, ciphertext } = unseal(wrap.wrapped, 'data key');
  const key = await pinKey(pin, wrap.salt, wrap.iterations);
  try {
    const raw = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: buf(WRAP_AAD) }, key, buf(ciphertext)));
    if (raw.length !== DATA_KEY_BYTES) throw new WrongPinError();
    return raw;
  } catch {
    throw new WrongPinError();
  }
}

// ---- The device key (not the PIN's) ----

export function newDeviceKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export async function encryptWithDeviceKey(key: CryptoKey, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  const iv = randomBytes(IV_BYTES);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad) }, key, buf(plaintext)));
  return seal(iv, ct);
}

export async function decryptWithDeviceKey(key: CryptoKey, blob: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  const { iv, ciphertext } = unseal(blob, 'device');
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad) }, key, buf(ciphertext)));
  } catch {
    throw new TamperedDataError('device');
  }
}
