// Whether the phone's database exists yet, asked of IndexedDB itself, without Dexie (issue 13).
// On a volunteer's very first visit nothing is stored: every first-screen read (the lock, the
// ward configuration, the draft, Home's counts) has its empty answer, and Dexie (27 KB on the
// wire) can wait until the first question is on screen. The database is opened WITHOUT a
// version, so an existing one opens as it is (never upgraded here); a missing one asks for an
// upgrade, which is aborted at once, so nothing is created (IndexedDB deletes a database whose
// first upgrade was aborted) and Dexie later creates it with its own schema.

/** An existing database opened as it is; `missing` when there is none; `unknown` when IndexedDB cannot say. */
export type OpenedIfExists = { kind: 'open'; db: IDBDatabase } | { kind: 'missing' } | { kind: 'unknown' };

/**
 * Opens `name` without a version and without ever creating it (see the header). An open
 * connection closes itself should another (Dexie) ask to upgrade; the caller closes it when done.
 */
export function openIfExists(name: string, factory: IDBFactory | null = globalThis.indexedDB ?? null): Promise<OpenedIfExists> {
  if (!factory) return Promise.resolve({ kind: 'unknown' });
  return new Promise<OpenedIfExists>((resolve) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name);
    } catch {
      resolve({ kind: 'unknown' });
      return;
    }
    let created = false;
    request.onupgradeneeded = () => {
      created = true;
      request.transaction?.abort();
    };
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => db.close();
      resolve({ kind: 'open', db });
    };
    request.onerror = (event) => {
      // The aborted creation lands here; its error event must not reach window.onerror.
      event.preventDefault();
      resolve({ kind: created ? 'missing' : 'unknown' });
    };
    // Another tab holds an older version open: the database exists, but cannot be read now.
    request.onblocked = () => resolve({ kind: 'unknown' });
  });
}

/** Resolves true when `name` exists (or when IndexedDB cannot say: the caller then reads it through Dexie). */
export function databaseExists(name: string, factory: IDBFactory | null = globalThis.indexedDB ?? null): Promise<boolean> {
  return openIfExists(name, factory).then((opened) => {
    // Closed at once: a connection left open would block Dexie's upgrade.
    if (opened.kind === 'open') opened.db.close();
    return opened.kind !== 'missing';
  });
}

/**
 * The global under which index.html's first inline script (scripts/build/prerender-shell.ts,
 * headScript) leaves its answer to databaseExists(APP_DB_NAME), asked the same way as the page
 * starts parsing: on a new browser profile IndexedDB's first open takes long, and the app's first
 * screen waits for the answer (storage/app-store.ts).
 */
export const DB_PROBE_GLOBAL = '__goCuaDbProbe';

/** That answer, when the page asked (a first visit's page, not one served by the service worker). */
export function earlyDatabaseProbe(): Promise<boolean> | undefined {
  const answer = (globalThis as Record<string, unknown>)[DB_PROBE_GLOBAL];
  return answer instanceof Promise ? (answer as Promise<boolean>) : undefined;
}
