// What the phone keeps about its enrolment, in the `meta` table (keys and value types:
// storage/meta.ts META_KEYS):
// - `device`: the credentials the ward endpoint issued. The token (the only secret the phone
//   holds; it leaves this database only in the Authorization header of sync requests) and the
//   volunteer's name are stored encrypted with the DEVICE KEY, a non-extractable WebCrypto
//   AES-GCM key kept in meta `deviceKey` (security/crypto.ts) — not the PIN's key, so a locked
//   phone still syncs its outbox. A copy of the database holds no token in clear; a script on the
//   phone can still use the key (it cannot export it): the PIN and the server's revocation do
//   the rest. deviceId, wardCode, enrolledAt and revokedAt stay clear.
//   getDevice() is the ONE way to read the credentials (the sync engine, enrolment, the status).
// - `wardConfig`: the ward's configuration as last fetched, so the app works offline (written
//   through storage/ward-config.ts, which validates it); `wardConfigFetchedAt` says when.
// - `lastSyncAt`: the time of the last batch the server acknowledged (shown to the volunteer).
import { decryptWithDeviceKey, encryptWithDeviceKey, newDeviceKey } from '../security/crypto.js';
import type { GoCuaDb } from '../storage/db.js';
import { deleteMeta, getMeta, META_KEYS, setMeta, type DeviceCredentials } from '../storage/meta.js';

export type { DeviceCredentials };

/** `device` as stored: the secret parts sealed by the device key. */
export interface StoredDevice {
  deviceId: string;
  wardCode: string;
  enrolledAt: string;
  revokedAt?: string;
  /** JSON {token, volunteerName} under the device key (1 | IV | ciphertext+tag). */
  sealed: Uint8Array;
}

const encoder = new TextEncoder();
const aad = (deviceId: string) => encoder.encode(`go-cua:device:${deviceId}`);

function isSealed(v: unknown): v is StoredDevice {
  return !!v && typeof v === 'object' && (v as StoredDevice).sealed instanceof Uint8Array;
}

function isClear(v: unknown): v is DeviceCredentials {
  return !!v && typeof v === 'object' && typeof (v as DeviceCredentials).token === 'string';
}

async function open(key: CryptoKey, stored: StoredDevice): Promise<DeviceCredentials> {
  const secret = JSON.parse(new TextDecoder().decode(await decryptWithDeviceKey(key, stored.sealed, aad(stored.deviceId)))) as {
    token: string;
    volunteerName: string;
  };
  const { sealed: _sealed, ...clear } = stored;
  return { ...clear, token: secret.token, volunteerName: secret.volunteerName };
}

/**
 * The enrolment's credentials, or undefined. Both meta reads come before any WebCrypto await, so
 * a live query (the sync status) still sees what it depends on.
 */
export async function getDevice(db: GoCuaDb): Promise<DeviceCredentials | undefined> {
  const [stored, key] = await Promise.all([getMeta(db, META_KEYS.device), getMeta(db, META_KEYS.deviceKey)]);
  if (isClear(stored)) return stored; // written before the device key existed: sealDeviceCredentials() rewrites it
  if (!isSealed(stored) || !key) return undefined;
  return open(key, stored);
}

async function deviceKey(db: GoCuaDb): Promise<CryptoKey> {
  const existing = await getMeta(db, META_KEYS.deviceKey);
  if (existing) return existing;
  // Made outside the transaction (WebCrypto is async); the first one stored wins.
  const made = await newDeviceKey();
  return db.transaction('rw', db.meta, async () => {
    const raced = await getMeta(db, META_KEYS.deviceKey);
    if (raced) return raced;
    await setMeta(db, META_KEYS.deviceKey, made);
    return made;
  });
}

async function sealed(db: GoCuaDb, device: DeviceCredentials): Promise<StoredDevice> {
  const key = await deviceKey(db);
  const { token, volunteerName, ...clear } = device;
  const blob = await encryptWithDeviceKey(key, encoder.encode(JSON.stringify({ token, volunteerName })), aad(device.deviceId));
  return { ...clear, sealed: blob };
}

/** Stores a new enrolment; it ends the "this phone was wiped" screen (storage/wipe.ts). */
export async function setDevice(db: GoCuaDb, device: DeviceCredentials): Promise<void> {
  // Sealed before the transaction: WebCrypto's await would end an IndexedDB transaction.
  const stored = await sealed(db, device);
  await db.transaction('rw', db.meta, async () => {
    await setMeta(db, META_KEYS.device, stored);
    await deleteMeta(db, META_KEYS.wiped);
  });
}

/** A phone enrolled by a build without the device key: its clear token is sealed now (at start). */
export async function sealDeviceCredentials(db: GoCuaDb): Promise<void> {
  const stored = await getMeta(db, META_KEYS.device);
  if (!isClear(stored)) return;
  const next = await sealed(db, stored);
  await db.transaction('rw', db.meta, async () => {
    // Only if nobody replaced it meanwhile (a new enrolment in another tab).
    const now = await getMeta(db, META_KEYS.device);
    if (isClear(now) && now.token === stored.token) await setMeta(db, META_KEYS.device, next);
  });
}

/** Marks the stored token as refused by the server; only a new enrolment clears it. */
export async function markDeviceRevoked(db: GoCuaDb, token: string, at: string): Promise<void> {
  const device = await getDevice(db);
  // Only the token that was refused: a re-enrolment in another tab may have replaced it.
  if (!device || device.token !== token || device.revokedAt) return;
  const before = await getMeta(db, META_KEYS.device);
  await db.transaction('rw', db.meta, async () => {
    const now = await getMeta(db, META_KEYS.device);
    if (now !== undefined && sameStored(now, before)) await setMeta(db, META_KEYS.device, { ...now, revokedAt: at });
  });
}

function sameStored(a: unknown, b: unknown): boolean {
  if (isSealed(a) && isSealed(b)) return a.sealed.length === b.sealed.length && a.sealed.every((x, i) => x === b.sealed[i]);
  return isClear(a) && isClear(b) && a.token === b.token;
}

export async function getLastSyncAt(db: GoCuaDb): Promise<string | undefined> {
  const value = await getMeta(db, META_KEYS.lastSyncAt);
  return typeof value === 'string' ? value : undefined;
}

export async function setLastSyncAt(db: GoCuaDb, at: string): Promise<void> {
  await setMeta(db, META_KEYS.lastSyncAt, at);
}

export async function setWardConfigFetchedAt(db: GoCuaDb, at: string): Promise<void> {
  await setMeta(db, META_KEYS.wardConfigFetchedAt, at);
}
