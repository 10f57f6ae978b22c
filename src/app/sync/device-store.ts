// What the phone keeps about its enrolment, in the `meta` table (keys and value types:
// storage/meta.ts META_KEYS):
// - `device`: the credentials the ward endpoint issued (the token is the only secret the phone
//   holds; it never leaves this database except in the Authorization header of sync requests).
// - `wardConfig`: the ward's configuration as last fetched, so the app works offline (written
//   through storage/ward-config.ts, which validates it); `wardConfigFetchedAt` says when.
// - `lastSyncAt`: the time of the last batch the server acknowledged (shown to the volunteer).
import type { GoCuaDb } from '../storage/db.js';
import { deleteMeta, getMeta, META_KEYS, setMeta, type DeviceCredentials } from '../storage/meta.js';

export type { DeviceCredentials };

export function getDevice(db: GoCuaDb): Promise<DeviceCredentials | undefined> {
  return getMeta(db, META_KEYS.device);
}

/** Stores a new enrolment; it ends the "this phone was wiped" screen (storage/wipe.ts). */
export async function setDevice(db: GoCuaDb, device: DeviceCredentials): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    await setMeta(db, META_KEYS.device, device);
    await deleteMeta(db, META_KEYS.wiped);
  });
}

/** Marks the stored token as refused by the server; only a new enrolment clears it. */
export async function markDeviceRevoked(db: GoCuaDb, token: string, at: string): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const device = await getDevice(db);
    // Only the token that was refused: a re-enrolment in another tab may have replaced it.
    if (device && device.token === token && !device.revokedAt) {
      await setDevice(db, { ...device, revokedAt: at });
    }
  });
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
