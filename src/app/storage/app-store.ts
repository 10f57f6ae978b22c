// The app's database, loaded lazily (issue 13): Dexie and the schema (storage/app-db.ts) are 27 KB
// on the wire, and a volunteer's first visit, which has nothing stored yet, shows its first
// question without them. What decides when they load (boot.ts): at once when the phone holds a
// database (or a service worker serves the app); on a blank phone once the first screen is up
// (first-screen.ts), or sooner if something writes (loadAppDb). Until then a blank phone's reads
// have their empty answers (isBlankPhone), which hold since only Dexie ever creates the database.
import type { GoCuaDb } from './db.js';
import { databaseExists, earlyDatabaseProbe } from './first-read.js';

/** The database's name (GoCuaDb's default). */
export const APP_DB_NAME = 'go-cua';

let loaded: GoCuaDb | undefined;
let loading: Promise<GoCuaDb> | undefined;
let markLoaded: (db: GoCuaDb) => void = () => {};
/** Resolves once the database has been loaded, by whoever asked for it (never asks itself). */
export const appDbLoaded: Promise<GoCuaDb> = new Promise((resolve) => (markLoaded = resolve));

/** Loads Dexie and the app's database (once; a failed load, e.g. a chunk missing, is retried by the next call). */
export function loadAppDb(): Promise<GoCuaDb> {
  loading ??= import('./app-db.js').then(
    (m) => {
      loaded = m.appDb;
      markLoaded(m.appDb);
      return m.appDb;
    },
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

/** The database if it has been loaded already. */
export function loadedAppDb(): GoCuaDb | undefined {
  return loaded;
}

let blank: Promise<boolean> | undefined;
/**
 * Whether the phone had no database when the app started (asked once, at start: storage/first-read.ts).
 * Once the database is loaded its own reads are the truth, whatever this said.
 */
export function isBlankPhone(): Promise<boolean> {
  // Served by the service worker: not a first visit, and not worth an IndexedDB round trip before
  // Dexie's own open on a warm start (were the database gone, loading Dexie is right anyway).
  if (!blank && globalThis.navigator?.serviceWorker?.controller) blank = Promise.resolve(false);
  // Asked by index.html's first inline script already on a first visit (storage/first-read.ts).
  blank ??= (earlyDatabaseProbe() ?? databaseExists(APP_DB_NAME)).then(
    (exists) => !exists,
    () => false,
  );
  return blank;
}

/**
 * `query` on the app's database, or `blankAnswer` without loading it when the phone is blank and
 * the database not loaded yet.
 */
export async function readAppDb<T>(query: (db: GoCuaDb) => Promise<T>, blankAnswer: T): Promise<T> {
  if (!loaded && (await isBlankPhone()) && !loaded) return blankAnswer;
  return query(loaded ?? (await loadAppDb()));
}
