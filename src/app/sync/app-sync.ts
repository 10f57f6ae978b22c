// Wiring of the sync engine into the app. Call startAppSync() once at start-up (main.tsx); it
// installs the engine for requestSync() (called by features after each save), attaches the
// triggers (online event, every minute) and runs once. No test hook is exposed: browser tests
// drive the UI and read IndexedDB themselves (tests/e2e/helpers/idb.ts).
import { appLock } from '../security/lock-state.js';
import { appDb } from '../storage/app-db.js';
import type { GoCuaDb } from '../storage/db.js';
import { currentLanguage } from '../i18n/index.js';
import { phoneRetentionDays } from '../../shared/schema/ward-config.js';
import { prunePhoneRecords } from '../storage/phone-retention.js';
import { getWardConfig } from '../storage/ward-config.js';
import { refreshWardConfig } from './enrolment.js';
import { createSyncEngine, getSyncEngine, installSyncEngine, type SyncEngine } from './sync-engine.js';

export function startAppSync(db: GoCuaDb = appDb): SyncEngine {
  const existing = getSyncEngine();
  if (existing) return existing;
  const engine = createSyncEngine({
    db,
    language: currentLanguage,
    // With nothing queued, ask for staff changes (a void) at most every 10 minutes.
    pollEveryMs: 10 * 60 * 1000,
    // After each run the server acknowledged: one small GET; a failure keeps the cached copy.
    // Then the ward's phone retention, with the settings just fetched.
    afterSuccessfulRun: async () => {
      await refreshWardConfig(db, { language: currentLanguage() }).catch(() => undefined);
      await pruneByWardSetting(db);
    },
  });
  installSyncEngine(engine);
  // At start too: a phone that has not synced for weeks still forgets on schedule.
  void pruneByWardSetting(db).catch((error: unknown) => console.error('phone retention failed', error));
  void engine.start();
  // A locked phone sends its sealed entries; clear ones (saved before the ward's key came) and
  // server states wait for the unlock, which starts a run for them.
  appLock.subscribe((status) => {
    if (status === 'unlocked') void engine.requestSync();
  });
  return engine;
}

/** Removes synced records past the ward's phoneRetentionDays (storage/phone-retention.ts). */
export async function pruneByWardSetting(db: GoCuaDb = appDb) {
  // Locked rows lack the personal parts the follow-up rules read: decide only when unlocked.
  if (appLock.status === 'locked') return undefined;
  const ward = await getWardConfig(db);
  return prunePhoneRecords(db, { days: phoneRetentionDays(ward.settings) });
}
