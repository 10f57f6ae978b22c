// What the phone keeps about its enrolment, in the `meta` table:
// - 'device': the credentials the ward endpoint issued (the token is the only secret the phone
//   holds; it never leaves this database except in the Authorization header of sync requests).
// - 'wardConfig': the ward's configuration as last fetched, so the app works offline (written
//   through storage/ward-config.ts, which validates it); 'wardConfigFetchedAt' says when.
// - 'lastSyncAt': the time of the last batch the server acknowledged (shown to the volunteer).
import type { GoCuaDb } from '../storage/db.js';

export interface DeviceCredentials {
  deviceId: string;
  token: string;
  wardCode: string;
  volunteerName: string;
  enrolledAt: string;
  /** Set when the server answered 401 to this token: the device must enrol again. */
  revokedAt?: string;
}

export const META_DEVICE = 'device';
export const META_WARD_CONFIG_FETCHED_AT = 'wardConfigFetchedAt';
export const META_LAST_SYNC_AT = 'lastSyncAt';

export async function getDevice(db: GoCuaDb): Promise<DeviceCredentials | undefined> {
  const row = await db.meta.get(META_DEVICE);
  return row?.value as DeviceCredentials | undefined;
}

export async function setDevice(db: GoCuaDb, device: DeviceCredentials): Promise<void> {
  await db.meta.put({ key: META_DEVICE, value: device });
}

/** Marks the stored token as refused by the server; only a new enrolment clears it. */
export async function markDeviceRevoked(db: GoCuaDb, token: string, at: string): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const device = await getDevice(db);
    // Only the token that was refused: a re-enrolment in another tab may have replaced it.
    if (device && device.token === token && !device.revokedAt) {
      await db.meta.put({ key: META_DEVICE, value: { ...device, revokedAt: at } });
    }
  });
}

export async function getLastSyncAt(db: GoCuaDb): Promise<string | undefined> {
  const row = await db.meta.get(META_LAST_SYNC_AT);
  return typeof row?.value === 'string' ? row.value : undefined;
}
