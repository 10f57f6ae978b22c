// The PIN lock's life cycle on one phone (the screens are features/lock; the key is lock-state.ts):
// - set-up: a PIN (at least 6 digits) or a longer passcode (at least 8 characters). A new random
//   data key is made, wrapped by the PIN's key (crypto.ts) and kept in meta `lock`; what the
//   phone already holds (a phone updated from a build without the lock) is then encrypted in
//   place, row by row, losing nothing (encryptInPlace).
// - unlock: the PIN unwraps the data key. Wrong PINs are counted in meta `lock.attempts` BEFORE
//   the slow key derivation (a reload mid-try still counts it): the first MAX_FREE_TRIES are
//   free, then each wrong PIN makes the next try wait longer (WAITS_MS). After MAX_WRONG_PINS the
//   phone stops taking PINs and its personal data is wiped once the outbox is empty, so nothing
//   unsynced is lost (the sync engine sends while locked).
// - forgotten PIN: the same wipe, asked for by the volunteer; then a new PIN is set.
// Times come from an injectable clock so tests never sleep.
import type { GoCuaDb } from '../storage/db.js';
import { deleteMeta, getMeta, META_KEYS, setMeta } from '../storage/meta.js';
import { PERSONAL_META_KEYS } from './at-rest.js';
import { newDataKey, unwrapDataKey, wrapDataKey, WrongPinError } from './crypto.js';
import { completeWipeIfDue, getLockConfig, type LockConfig, type SecretKind, type WipeCause } from './lock-start.js';
import type { Keyring } from './lock-state.js';

// At start (lock-start.ts: no cryptography, so the first screen does not download it).
export { completeWipeIfDue, countUnsent, getLockConfig, initLock, type LockConfig, type SecretKind, type WipeCause } from './lock-start.js';

export const MIN_PIN_DIGITS = 6;
export const MIN_PASSCODE_CHARS = 8;
export const MAX_FREE_TRIES = 5;
/** Waits after the 5th, 6th, … wrong PIN. */
export const WAITS_MS = [30_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000] as const;
export const MAX_WRONG_PINS = 10;
export { IDLE_LOCK_MS } from './idle.js';



export interface LockAttempts {
  failures: number;
  /** Epoch ms before which no PIN is tried. */
  waitUntil?: number;
}

export type UnlockResult =
  | { ok: true }
  | { ok: false; reason: 'wrong'; failures: number; waitUntil?: number; triesLeft: number }
  | { ok: false; reason: 'wait'; waitUntil: number }
  | { ok: false; reason: 'wipe_pending' }
  | { ok: false; reason: 'no_pin' };

export interface Clock {
  now(): number;
}
const systemClock: Clock = { now: () => Date.now() };

/** An i18n code for a secret that does not fit its kind, or null. */
export function checkSecret(secret: string, kind: SecretKind): 'lock.error.pinShort' | 'lock.error.pinDigits' | 'lock.error.passcodeShort' | null {
  if (kind === 'pin') {
    if (!/^\d*$/.test(secret)) return 'lock.error.pinDigits';
    return secret.length >= MIN_PIN_DIGITS ? null : 'lock.error.pinShort';
  }
  return [...secret].length >= MIN_PASSCODE_CHARS ? null : 'lock.error.passcodeShort';
}

/** How long the next try waits after `failures` wrong PINs in a row. */
export function waitAfter(failures: number): number {
  if (failures < MAX_FREE_TRIES) return 0;
  return WAITS_MS[Math.min(failures - MAX_FREE_TRIES, WAITS_MS.length - 1)]!;
}

export async function getAttempts(db: GoCuaDb): Promise<LockAttempts> {
  const v = (await getMeta(db, META_KEYS.lockAttempts)) as LockAttempts | undefined;
  return v && typeof v.failures === 'number' ? v : { failures: 0 };
}

/** Sets the first PIN (or a new one after a reset): unlocks and encrypts what is stored. */
export async function setSecret(db: GoCuaDb, keyring: Keyring, secret: string, kind: SecretKind, options: { now?: Date } = {}): Promise<void> {
  const problem = checkSecret(secret, kind);
  if (problem) throw new Error(problem);
  if (await getLockConfig(db)) throw new Error('A PIN is already set on this phone');
  const key = newDataKey();
  const wrap = await wrapDataKey(key, secret);
  const config: LockConfig = { v: 1, kind, wrap, createdAt: (options.now ?? new Date()).toISOString() };
  await setMeta(db, META_KEYS.lock, config);
  await deleteMeta(db, META_KEYS.lockAttempts);
  keyring.unlock(key.slice());
  key.fill(0);
  await finishEncryption(db, keyring, config);
}

async function finishEncryption(db: GoCuaDb, keyring: Keyring, config: LockConfig): Promise<void> {
  if (config.encryptedAt) return;
  await encryptInPlace(db, keyring);
  await setMeta(db, META_KEYS.lock, { ...config, encryptedAt: new Date().toISOString() });
}

const CHUNK = 200;

/**
 * Rewrites every row that holds personal data so the middleware encrypts it (rows already
 * encrypted are decrypted and encrypted again: the run can be repeated after an interruption).
 * One transaction per chunk: each row is replaced whole or not at all; outbox entries are not
 * touched, so everything waiting still syncs.
 */
export async function encryptInPlace(db: GoCuaDb, keyring: Keyring): Promise<{ rows: number }> {
  if (!keyring.isUnlocked()) throw new Error('encryptInPlace needs the phone unlocked');
  let rows = 0;
  for (const table of [db.records, db.summaries, db.drafts] as const) {
    const keys = (await table.toCollection().primaryKeys()) as string[];
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      await db.transaction('rw', table, async () => {
        const found = (await table.bulkGet(chunk)).filter((r) => r !== undefined);
        await (table as typeof db.drafts).bulkPut(found as never[]);
        rows += found.length;
      });
    }
  }
  await db.transaction('rw', db.meta, async () => {
    for (const key of PERSONAL_META_KEYS) {
      const row = await db.meta.get(key);
      if (row) {
        await db.meta.put(row);
        rows++;
      }
    }
  });
  return { rows };
}

/** Tries a PIN (see the header for the waits and the wipe). */
export async function unlockWithSecret(db: GoCuaDb, keyring: Keyring, secret: string, clock: Clock = systemClock): Promise<UnlockResult> {
  const config = await getLockConfig(db);
  if (!config) return { ok: false, reason: 'no_pin' };
  if (config.wipePending) return { ok: false, reason: 'wipe_pending' };
  const before = await getAttempts(db);
  if (before.waitUntil !== undefined && clock.now() < before.waitUntil) return { ok: false, reason: 'wait', waitUntil: before.waitUntil };
  // Counted first, as a failure: a reload during the derivation cannot make a free try.
  const failures = before.failures + 1;
  const wait = waitAfter(failures);
  const counted: LockAttempts = { failures, ...(wait > 0 ? { waitUntil: clock.now() + wait } : {}) };
  await setMeta(db, META_KEYS.lockAttempts, counted);
  try {
    const key = await unwrapDataKey(config.wrap, secret);
    await setMeta(db, META_KEYS.lockAttempts, { failures: 0 });
    keyring.unlock(key);
    await finishEncryption(db, keyring, config);
    return { ok: true };
  } catch (err) {
    if (!(err instanceof WrongPinError)) throw err;
    if (failures >= MAX_WRONG_PINS) {
      await requestWipe(db, keyring, 'too_many_pins');
      return { ok: false, reason: 'wipe_pending' };
    }
    return { ok: false, reason: 'wrong', failures, triesLeft: MAX_WRONG_PINS - failures, ...(counted.waitUntil !== undefined ? { waitUntil: counted.waitUntil } : {}) };
  }
}

/** Stops taking PINs; the personal data is wiped as soon as the outbox is empty (maybe now). */
export async function requestWipe(db: GoCuaDb, keyring: Keyring, cause: WipeCause): Promise<boolean> {
  const config = await getLockConfig(db);
  if (config && !config.wipePending) await setMeta(db, META_KEYS.lock, { ...config, wipePending: cause });
  keyring.lock();
  return completeWipeIfDue(db, keyring);
}

