// Wiring of the sync engine into the app. Call startAppSync() once at start-up (main.tsx); it
// installs the engine for requestSync() (called by features after each save), attaches the
// triggers (online event, every minute) and runs once.
//
// Test hook: `window.__goCuaSync = { engine, db }` is set so browser tests and the phone-sync
// benchmark (bench/phone-sync.ts) can queue records and watch the engine in a real page. It
// gives a page script nothing it could not already read from IndexedDB itself.
import { appDb } from '../storage/app-db.js';
import type { GoCuaDb } from '../storage/db.js';
import { currentLanguage } from '../i18n/index.js';
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
    afterSuccessfulRun: async () => {
      await refreshWardConfig(db, { language: currentLanguage() });
    },
  });
  installSyncEngine(engine);
  (globalThis as { __goCuaSync?: unknown }).__goCuaSync = { engine, db };
  void engine.start();
  return engine;
}
