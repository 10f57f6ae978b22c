// Sealing outbox records to the ward's public key with HPKE (RFC 9180, base mode), through
// @hpke/core (dajiaji/hpke-js), a maintained implementation on WebCrypto that runs unchanged
// in the phone's browser and in Node. The phone seals each record when it is saved; only the
// ward endpoint, which keeps the private key outside its database, can open it. So a locked
// phone can still send its outbox: sending needs no key the PIN protects.
//
// Bindings: `info` names the purpose and the ward (a payload sealed for one ward does not open
// for another), the AAD names the record id and rev (a payload cannot be replayed under
// another id or rev). Keys and payloads travel as base64url of their raw bytes (sealed.ts).
import { Aes256Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import {
  fromBase64Url,
  sealAadText,
  sealInfoText,
  SEAL_SUITE,
  toBase64Url,
  type SealedPayload,
  type SealingPublicKey,
} from './sealed.js';

/** A ward's key pair as the server keeps it (services/ward-keys.ts): raw bytes, base64url. */
export interface SealingKeyPair {
  suite: typeof SEAL_SUITE;
  kid: string;
  publicKey: string;
  privateKey: string;
}

/** What opening needs of a key pair: no public key. */
export type SealingPrivateKey = Pick<SealingKeyPair, 'kid' | 'privateKey'>;

// src/shared is typed without the DOM and Node libraries: the few platform parts used here
// (present in every browser and in Node ≥ 20) are named by hand.
interface Platform {
  crypto: { subtle: { digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer> } };
  TextEncoder: new () => { encode(text: string): Uint8Array<ArrayBuffer> };
  TextDecoder: new (label?: string, options?: { fatal?: boolean }) => { decode(bytes: Uint8Array): string };
}
const platform = globalThis as unknown as Platform;

let cachedSuite: CipherSuite | null = null;
function suite(): CipherSuite {
  cachedSuite ??= new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
  return cachedSuite;
}

const utf8 = (text: string) => new platform.TextEncoder().encode(text);

/** The key id of a public key: SHA-256 of its raw bytes, first 16 bytes, base64url. */
export async function keyIdOf(publicKey: string): Promise<string> {
  const digest = await platform.crypto.subtle.digest('SHA-256', fromBase64Url(publicKey));
  return toBase64Url(new Uint8Array(digest).slice(0, 16));
}

/** A new key pair for a ward. */
export async function generateSealingKeyPair(): Promise<SealingKeyPair> {
  const s = suite();
  const pair = await s.kem.generateKeyPair();
  const publicKey = toBase64Url(new Uint8Array(await s.kem.serializePublicKey(pair.publicKey)));
  const privateKey = toBase64Url(new Uint8Array(await s.kem.serializePrivateKey(pair.privateKey)));
  return { suite: SEAL_SUITE, kid: await keyIdOf(publicKey), publicKey, privateKey };
}

/**
 * Whether a public key received from the server is usable: its kid is its own digest (a kid
 * and a key mixed up would seal to a key the server does not look up) and it is a point on
 * the curve (WebCrypto refuses any other).
 */
export async function isUsableSealingKey(key: SealingPublicKey): Promise<boolean> {
  try {
    if ((await keyIdOf(key.publicKey)) !== key.kid) return false;
    await suite().kem.deserializePublicKey(fromBase64Url(key.publicKey).buffer);
    return true;
  } catch {
    return false;
  }
}

/** Seals a record's text (its canonical JSON) for the ward, bound to its id and rev. */
export async function sealText(key: SealingPublicKey, wardCode: string, id: string, rev: number, text: string): Promise<SealedPayload> {
  return sealBound(key, sealInfoText(wardCode), sealAadText(id, rev), text);
}

/**
 * Seals text to a ward's key under the given `info` (the purpose and the ward) and AAD (what the
 * ciphertext belongs to). The outbox (sealText) and the rescue file (rescue-file.ts) each
 * have their own `info`, so a payload of one never opens as the other.
 */
export async function sealBound(key: SealingPublicKey, info: string, aad: string, text: string): Promise<SealedPayload> {
  const s = suite();
  const recipientPublicKey = await s.kem.deserializePublicKey(fromBase64Url(key.publicKey).buffer);
  const sealed = await s.seal({ recipientPublicKey, info: utf8(info) }, utf8(text), utf8(aad));
  return { kid: key.kid, enc: toBase64Url(new Uint8Array(sealed.enc)), ct: toBase64Url(new Uint8Array(sealed.ct)) };
}

// The ward endpoint opens many records with the same few keys: each is imported once.
type RecipientKey = Awaited<ReturnType<CipherSuite['kem']['deserializePrivateKey']>>;
const importedKeys = new Map<string, Promise<RecipientKey>>();
function recipientKeyOf(privateKey: string): Promise<RecipientKey> {
  let key = importedKeys.get(privateKey);
  if (!key) {
    key = suite().kem.deserializePrivateKey(fromBase64Url(privateKey).buffer);
    importedKeys.set(privateKey, key);
    key.catch(() => importedKeys.delete(privateKey));
  }
  return key;
}

export type OpenOutcome = { ok: true; text: string } | { ok: false; reason: 'unknown_kid' | 'open_failed' };

/**
 * Opens a sealed payload with the ward's keys (any kid the ward ever had). Never throws: a
 * payload that does not open — tampered, sealed for another ward, id or rev, or not UTF-8 —
 * is `open_failed`.
 */
export async function openText(
  keys: readonly SealingPrivateKey[],
  wardCode: string,
  id: string,
  rev: number,
  sealed: SealedPayload,
): Promise<OpenOutcome> {
  return openBound(keys, sealInfoText(wardCode), sealAadText(id, rev), sealed);
}

/** Opens what sealBound sealed, with the same `info` and AAD. Never throws (as openText). */
export async function openBound(keys: readonly SealingPrivateKey[], info: string, aad: string, sealed: Pick<SealedPayload, 'kid' | 'enc' | 'ct'>): Promise<OpenOutcome> {
  const key = keys.find((k) => k.kid === sealed.kid);
  if (!key) return { ok: false, reason: 'unknown_kid' };
  try {
    const s = suite();
    const recipientKey = await recipientKeyOf(key.privateKey);
    const plain = await s.open({ recipientKey, enc: fromBase64Url(sealed.enc).buffer, info: utf8(info) }, fromBase64Url(sealed.ct).buffer, utf8(aad));
    return { ok: true, text: new platform.TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(plain)) };
  } catch {
    return { ok: false, reason: 'open_failed' };
  }
}
