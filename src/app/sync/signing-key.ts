// The device's SIGNING KEY (docs/sync-protocol.md, "Rescue files"): an ECDSA P-256 key pair made
// with WebCrypto, the private half non-extractable (its bytes never readable by script, like the
// device key) and kept in IndexedDB meta `signingKey` with its public half and the device it
// belongs to. It signs the rescue file the phone exports when it cannot sync, so the ward can
// tell the file is this phone's and unaltered.
//
// Made at enrolment and sent with it (the server stores it with the device). A phone enrolled
// before this registers its key once, with its token, at its next configuration refresh
// (POST /api/v1/devices/signing-key); a registered key is never replaced (409).
import type { GoCuaDb } from '../storage/db.js';
import { getMeta, META_KEYS, setMeta, type StoredSigningKey } from '../storage/meta.js';
import { toBase64Url } from '../../shared/crypto/sealed.js';

export type { StoredSigningKey };

/** A new key pair, the private half non-extractable; the public half as its raw point, base64url. */
export async function newSigningKey(): Promise<{ privateKey: CryptoKey; publicKey: string }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const publicKey = toBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  return { privateKey: pair.privateKey, publicKey };
}

export async function getSigningKey(db: GoCuaDb): Promise<StoredSigningKey | undefined> {
  const stored = await getMeta(db, META_KEYS.signingKey);
  return stored && typeof stored.publicKey === 'string' && stored.privateKey ? stored : undefined;
}

export function setSigningKey(db: GoCuaDb, key: StoredSigningKey): Promise<void> {
  return setMeta(db, META_KEYS.signingKey, key);
}

interface RegisterOptions {
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
}

/**
 * Makes sure the enrolled device's key is registered with the ward: a phone enrolled without
 * one (an older app) makes one and registers it. Quiet on failure (offline: tried again at the
 * next refresh). Returns the stored key's state.
 */
export async function ensureSigningKeyRegistered(
  db: GoCuaDb,
  device: { deviceId: string; token: string },
  options: RegisterOptions = {},
): Promise<StoredSigningKey['registered'] | undefined> {
  let stored = await getSigningKey(db);
  if (stored?.deviceId === device.deviceId && stored.registered !== 'no') return stored.registered;
  if (!stored || stored.deviceId !== device.deviceId) {
    stored = { ...(await newSigningKey()), deviceId: device.deviceId, registered: 'no' };
    await setSigningKey(db, stored);
  }
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  try {
    const response = await doFetch(`${options.baseUrl ?? ''}/api/v1/devices/signing-key`, {
      method: 'POST',
      headers: { authorization: `Bearer ${device.token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ publicKey: stored.publicKey }),
    });
    // 409: the ward holds another key for this device (never replaced): files from here would be refused.
    const registered = response.status === 200 || response.status === 201 ? 'yes' : response.status === 409 ? 'other' : 'no';
    if (registered !== 'no') await setSigningKey(db, { ...stored, registered });
    return registered;
  } catch {
    return 'no';
  }
}
