// What every start needs of the phone lock: is a PIN set, and is a pending wipe due (and then the
// wipe itself, which needs no key). Kept apart from pin-lock.ts (its cryptography) so that the
// first screen — the new household's first question on a first visit — does not download it
// (issue 13); it loads when a lock screen is due.
import type { GoCuaDb } from '../storage/db.js';
import { deleteMeta, getMeta, META_KEYS } from '../storage/meta.js';
import { wipePersonalData } from '../storage/wipe.js';
import type { WrappedDataKey } from './crypto.js';
import type { Keyring, LockStatus } from './lock-state.js';

export type SecretKind = 'pin' | 'passcode';

export type WipeCause = 'too_many_pins' | 'forgotten';

export interface LockConfig {
  v: 1;
  kind: SecretKind;
  wrap: WrappedDataKey;
  createdAt: string;
  /** Set when every row held at set-up was encrypted (a later unlock finishes an interrupted run). */
  encryptedAt?: string;
  /** PINs are no longer taken: the personal data is wiped as soon as the outbox is empty. */
  wipePending?: WipeCause;
}

export function isLockConfig(v: unknown): v is LockConfig {
  const c = v as LockConfig | undefined;
  return !!c && c.v === 1 && (c.kind === 'pin' || c.kind === 'passcode') && !!c.wrap && c.wrap.salt instanceof Uint8Array;
}

export async function getLockConfig(db: GoCuaDb): Promise<LockConfig | undefined> {
  const v = await getMeta(db, META_KEYS.lock);
  return isLockConfig(v) ? v : undefined;
}

/**
 * At start: the keyring is 'locked' when a PIN is set, 'no_pin' otherwise. A wipe that waited for
 * the outbox is done now if the outbox has emptied.
 */
export async function initLock(db: GoCuaDb, keyring: Keyring): Promise<LockStatus> {
  const config = await getLockConfig(db);
  const status = applyLockConfig(config, keyring);
  if (config?.wipePending) await completeWipeIfDue(db, keyring);
  return status === 'no_pin' ? status : keyring.status;
}

/**
 * The keyring's state from the stored lock entry (no PIN, or locked unless unlocked already);
 * initLock does this, and so does a warm start that read the entry without Dexie (when no wipe
 * is pending: only initLock can do one).
 */
export function applyLockConfig(config: LockConfig | undefined, keyring: Keyring): LockStatus {
  if (!config) {
    keyring.markNoPin();
    return 'no_pin';
  }
  if (!keyring.isUnlocked()) keyring.lock();
  return keyring.status;
}

/**
 * Outbox entries still to send (the wipe waits for 0). Held entries (refused by the server, for
 * the volunteer to fix) do not count: nobody can fix them without the PIN.
 */
export function countUnsent(db: GoCuaDb): Promise<number> {
  return db.outbox.where('state').equals('queued').count();
}

/**
 * Does a pending wipe when nothing waits in the outbox: the personal data goes, the lock is
 * removed (the phone asks for a new PIN), the enrolment stays so the phone keeps syncing.
 */
export async function completeWipeIfDue(db: GoCuaDb, keyring: Keyring): Promise<boolean> {
  const config = await getLockConfig(db);
  if (!config?.wipePending) return false;
  if ((await countUnsent(db)) > 0) return false;
  // WipeReason has no "forgotten PIN": both causes are the PIN failing to open the data.
  await wipePersonalData(db, 'too_many_pins');
  await deleteMeta(db, META_KEYS.lock);
  await deleteMeta(db, META_KEYS.lockAttempts);
  keyring.markNoPin();
  return true;
}

