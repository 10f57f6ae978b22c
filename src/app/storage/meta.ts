// Small settings kept in the `meta` table, one row per key. META_KEYS below is the one list of
// them, each with the type of its value, so `getMeta(db, META_KEYS.x)` is typed by its key and a
// key that is not in the table does not compile. The language is mirrored in localStorage so the
// first paint can already speak it before IndexedDB answers.
import type { GoCuaDb } from './db.js';

export type Language = 'vi' | 'en';

/** What the phone keeps about its enrolment (written by sync/enrolment.ts, sync/device-store.ts). */
export interface DeviceCredentials {
  deviceId: string;
  /** The only secret the phone holds; it leaves this database only in sync requests' Authorization header. */
  token: string;
  wardCode: string;
  volunteerName: string;
  enrolledAt: string;
  /** Set when the server answered 401 to this token: the device must enrol again. */
  revokedAt?: string;
}

/** Why the phone's personal data was wiped (storage/wipe.ts). */
export type WipeReason = 'too_many_pins' | 'retired' | 'lost' | 'retention';

export interface WipeRecord {
  reason: WipeReason;
  /** ISO time of the wipe. */
  at: string;
}

/** The device's signing key for rescue files (sync/signing-key.ts). */
export interface StoredSigningKey {
  /** Non-extractable ECDSA P-256 private key. */
  privateKey: CryptoKey;
  /** Its public point, base64url, as registered with the ward. */
  publicKey: string;
  /** The enrolment it belongs to: a new enrolment makes a new key. */
  deviceId: string;
  /** Whether the ward holds it: 'yes', 'no' (not yet: registered at the next refresh), 'other' (the ward holds another key). */
  registered: 'yes' | 'no' | 'other';
}

declare const valueType: unique symbol;
/** A meta key carrying the type of its value (a plain string at run time). */
export type MetaKey<T> = string & { readonly [valueType]: T };
const key = <T,>(name: string) => name as MetaKey<T>;

export const META_KEYS = {
  /** The phone's own install id: made on first use, then never changes. */
  installId: key<string>('installId'),
  /** The ward configuration as last fetched; `unknown` because ward-config.ts checks it on read. */
  wardConfig: key<unknown>('wardConfig'),
  /** ISO time of the last successful fetch of the ward configuration. */
  wardConfigFetchedAt: key<string>('wardConfigFetchedAt'),
  language: key<Language>('language'),
  /** Home's practice switch: new records are marked practice (they sync but never count). */
  practiceMode: key<boolean>('practiceMode'),
  /** The enrolment's credentials (sync/device-store.ts). */
  device: key<unknown>('device'),
  /** ISO time of the last batch the server acknowledged (shown to the volunteer). */
  lastSyncAt: key<string>('lastSyncAt'),
  /** The campaign ("đợt ra quân") and place of the last assistance, and the recent campaigns. */
  assistCampaign: key<string>('assist.campaign'),
  assistPlace: key<string>('assist.place'),
  assistRecentCampaigns: key<string[]>('assist.recentCampaigns'),
  /** The entry being filled on the assistance screen (not yet saved; its shape is the screen's): survives a reload. */
  assistEntry: key<unknown>('assist.entry'),
  /** The id of the last help saved on this phone ("Sửa lượt vừa lưu"). */
  assistLastSaved: key<string>('assist.lastSaved'),
  /** Staff changes the phone took from the server, for the volunteer (storage/server-state.ts checks the shape on read). */
  serverNotices: key<unknown[]>('serverNotices'),
  /** Server states applied here, acknowledged by the next sync request (storage/server-state.ts). */
  pendingApplied: key<unknown[]>('pendingApplied'),
  /** High-contrast theme and larger text (storage/display-settings.ts), per phone; checked on read. */
  display: key<unknown>('display'),
  /** Why and when the phone's personal data was wiped (storage/wipe.ts); cleared by a new enrolment. */
  wiped: key<WipeRecord>('wiped'),
  /** The last phone-retention run (storage/phone-retention.ts): when, how many records left, how many the follow-up list kept. */
  phoneRetention: key<{ at: string; removed: number; keptForFollowUp: number; days: number }>('phoneRetention'),
  /** The PIN lock: the data key wrapped by the PIN (security/pin-lock.ts); no secret in clear. */
  lock: key<unknown>('lock'),
  /** Wrong PINs so far and until when the next try waits (security/pin-lock.ts): survives a reload. */
  lockAttempts: key<unknown>('lock.attempts'),
  /** The non-extractable WebCrypto key that wraps the device token (sync/device-store.ts). */
  deviceKey: key<CryptoKey>('deviceKey'),
  /** The device's signing key for rescue files (sync/signing-key.ts); not personal. */
  signingKey: key<StoredSigningKey>('signingKey'),
} as const;

export const LANGUAGE_STORAGE_KEY = 'go-cua.language';

/** The stored value of `key`, as written through setMeta (undefined when never written). */
export async function getMeta<T>(db: GoCuaDb, key: MetaKey<T>): Promise<T | undefined> {
  const row = await db.meta.get(key);
  return row?.value as T | undefined;
}

export async function setMeta<T>(db: GoCuaDb, key: MetaKey<T>, value: T): Promise<void> {
  await db.meta.put({ key, value });
}

export async function deleteMeta(db: GoCuaDb, key: MetaKey<unknown>): Promise<void> {
  await db.meta.delete(key);
}

/** The phone's own install id: made on first use, then never changes. */
export async function getInstallId(db: GoCuaDb): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await db.meta.get(META_KEYS.installId);
    if (typeof existing?.value === 'string') return existing.value;
    const id = crypto.randomUUID();
    await db.meta.put({ key: META_KEYS.installId, value: id });
    return id;
  });
}

export async function getLanguage(db: GoCuaDb): Promise<Language> {
  const stored = await getMeta(db, META_KEYS.language);
  return stored === 'en' ? 'en' : 'vi';
}

export async function setLanguage(db: GoCuaDb, language: Language): Promise<void> {
  await setMeta(db, META_KEYS.language, language);
  try {
    globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // localStorage can be unavailable (private mode); IndexedDB keeps the choice anyway.
  }
}

/** The language for the first paint, read synchronously; Vietnamese unless English was chosen. */
export function initialLanguage(): Language {
  try {
    return globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

/** Whether new records are practice records (Home's switch). */
export async function isPracticeMode(db: GoCuaDb): Promise<boolean> {
  return (await getMeta(db, META_KEYS.practiceMode)) === true;
}

export async function setPracticeMode(db: GoCuaDb, on: boolean): Promise<void> {
  await setMeta(db, META_KEYS.practiceMode, on);
}
