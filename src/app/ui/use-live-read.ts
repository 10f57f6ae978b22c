// A live read of the phone's database for the screens of the first download (App, Home, the
// lock gate), which must not bring Dexie with them (storage/app-store.ts): like dexie-react-hooks'
// useLiveQuery, re-rendered on every change the query depends on, but subscribed only once the
// database has been loaded by whoever loads it; on a blank phone it answers `blankAnswer` until
// then. Undefined while nothing is known yet; a failed query is thrown at render, as useLiveQuery does.
import { useEffect, useState, type DependencyList } from 'react';
import { appDbLoaded, isBlankPhone, loadedAppDb } from '../storage/app-store.js';
import type { GoCuaDb } from '../storage/db.js';

/**
 * `db`: a database of the caller's own (tests); the app's otherwise. `takeEarly`: an answer read
 * ahead of the mount (features/home/home-counts.ts), shown until the live query's first one.
 */
export function useLiveRead<T>(
  query: (db: GoCuaDb) => Promise<T>,
  blankAnswer: T,
  deps: DependencyList,
  db?: GoCuaDb,
  takeEarly?: () => Promise<T> | undefined,
): T | undefined {
  const [value, setValue] = useState<{ v: T }>();
  const [error, setError] = useState<{ e: unknown }>();
  useEffect(() => {
    let alive = true;
    let answered = false;
    let subscription: { unsubscribe(): void } | undefined;
    void takeEarly?.()?.then(
      (v) => alive && !answered && setValue({ v }),
      () => undefined,
    );
    if (!db && !loadedAppDb()) {
      void isBlankPhone().then((blank) => {
        if (alive && blank && !answered) setValue({ v: blankAnswer });
      });
    }
    // liveQuery's module is Dexie's chunk: imported only once the database is loaded.
    const loaded: Promise<GoCuaDb> = db ? Promise.resolve(db) : appDbLoaded;
    void loaded.then((d) => Promise.all([d, import('../storage/live-query.js')])).then(([target, { liveQuery }]) => {
      if (!alive) return;
      subscription = liveQuery(() => query(target)).subscribe({
        next: (v) => {
          answered = true;
          setValue({ v });
        },
        error: (e: unknown) => setError({ e }),
      });
    });
    return () => {
      alive = false;
      subscription?.unsubscribe();
    };
    // The caller's deps, as with useEffect; `query` and `blankAnswer` are read when they change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [db, ...deps]);
  if (error) throw error.e;
  return value?.v;
}
