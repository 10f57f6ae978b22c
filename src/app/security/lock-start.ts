// What every start needs of the phone lock: is a PIN set, and is a pending wipe due. Kept apart
// from pin-lock.ts (its cryptography, the wipe) so that the first screen — the new household's
// first question on a first visit — does not download them (issue 13); they load when a lock
// screen is due, or with the wipe.
import type { GoCuaDb } from '../storage/db.js';
import { getMeta, META_KEYS } from '../storage/meta.js';
import type { LockConfig } from './pin-lock.js';
import type { Keyring, LockStatus } from './lock-state.js';

function isLockConfig(v: unknown): v is LockConfig {
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
  if (!config) {
    keyring.markNoPin();
    return 'no_pin';
  }
  if (!keyring.isUnlocked()) keyring.lock();
  if (config.wipePending) {
    const { completeWipeIfDue } = await import('./pin-lock.js');
    await completeWipeIfDue(db, keyring);
  }
  return keyring.status;
}
