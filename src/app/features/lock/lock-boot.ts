// The phone lock's start, kept free of React so that boot.ts runs it before the app is evaluated:
// the lock's state is read (and, on a locked phone, the PIN screen's code and strings fetched)
// while React loads, rather than in a waterfall after the first render (issue 13, warm start).
import { afterFirstScreen } from '../../first-screen.js';
import { loadAllLocales } from '../../i18n/index.js';
import { applyLockConfig, initLock, isLockConfig } from '../../security/lock-start.js';
import type { Keyring } from '../../security/lock-state.js';
import { isBlankPhone, loadAppDb } from '../../storage/app-store.js';
import type { GoCuaDb } from '../../storage/db.js';
import { getMeta, META_KEYS } from '../../storage/meta.js';
import type { SummaryIndex } from '../../storage/search-index.js';

/** The lock screens' chunk (with the cryptography). */
export const loadLockScreens = () => import('./LockScreens.js');

/** Whether the phone holds anything a PIN must guard: an enrolment, a record or a draft (Home opens without a PIN only when it holds none). */
export async function phoneHoldsData(db: GoCuaDb): Promise<boolean> {
  return (await getMeta(db, META_KEYS.device)) !== undefined || (await db.records.count()) > 0 || (await db.drafts.count()) > 0;
}

let started: Promise<unknown> | undefined;
let startedSettled = false;

/** Whether the lock's start (startLock) has finished: the lock gate's first render is then ready. */
export function lockStarted(): boolean {
  return startedSettled;
}

/**
 * Once per page: the lock's state from storage, and an old clear token sealed. `db` null: the
 * app's database, which a blank phone does not load for this (it has no PIN: app-store.ts).
 */
export function startLock(given: GoCuaDb | null, keyring: Keyring, stored?: Promise<{ value: unknown } | undefined>): Promise<unknown> {
  if (!started) {
    const database = () => (given ? Promise.resolve(given) : loadAppDb());
    // The in-memory search index holds names and addresses: dropped the moment the phone locks
    // and built again at the unlock (screens that search also build it: ui/use-summary-index.ts).
    // Its module loads with the unlock, not with the first screen; an index exists only once it has.
    let index: SummaryIndex | undefined;
    keyring.subscribe((status) => {
      if (status !== 'unlocked') {
        index?.clear();
        return;
      }
      // Built at unlock, in the background, so the list's search is warm when it opens.
      void Promise.all([import('../../storage/search-index.js'), database()])
        .then(([m, db]) => {
          index = m.summaryIndexFor(db);
          // Locked again while the module loaded: nothing is built.
          return keyring.isUnlocked() ? index.build() : undefined;
        })
        .catch(() => undefined);
    });
    const blank = given ? Promise.resolve(false) : isBlankPhone();
    // A warm start's lock entry read without Dexie (storage/first-reads-raw.ts) decides it, unless
    // a wipe is pending (only initLock, with the database, can do one).
    const fromStored = (stored ?? Promise.resolve(undefined)).then((s) => {
      const config = s && isLockConfig(s.value) ? s.value : undefined;
      return s && !config?.wipePending ? applyLockConfig(config, keyring) : undefined;
    });
    started = Promise.all([blank, fromStored])
      .then(([isBlank, status]) => {
        if (status) return status;
        if (!isBlank) return database().then((db) => initLock(db, keyring));
        keyring.markNoPin();
        return keyring.status;
      })
      .then((status) => {
        // A locked phone shows the PIN screen whatever the address: its code and strings now.
        if (status === 'locked') void Promise.all([loadLockScreens(), loadAllLocales()]).catch(() => undefined);
        startedSettled = true;
        return status;
      });
    // Not needed by the first screen (its module brings the cryptography): sealed once the first
    // question is up (first-screen.ts).
    void Promise.all([started, afterFirstScreen])
      .then(() => Promise.all([import('../../sync/device-store.js'), database()]))
      .then(([m, db]) => m.sealDeviceCredentials(db))
      .catch(() => undefined);
  }
  return started;
}
