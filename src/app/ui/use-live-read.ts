// A live read of the phone's database for the screens of the first download (App, Home, the
// lock gate), which must not bring Dexie with them (storage/app-store.ts): like dexie-react-hooks'
// useLiveQuery, re-rendered on every change the query depends on, but subscribed only once the
// database has been loaded by whoever loads it; on a blank phone it answers `blankAnswer` until
// then. Undefined while nothing is known yet; a failed query is thrown at render, as useLiveQuery does.
// A read boot.ts started early (ui/early-reads.ts) gives the first render its answer.
import { useEffect, useState, type DependencyList } from 'react';
import { appDbLoaded, isBlankPhone, loadedAppDb } from '../storage/app-store.js';
import type { GoCuaDb } from '../storage/db.js';
import { earlyRead, samePlainData } from './early-reads.js';

/** `db`: a database of the caller's own (tests); the app's otherwise. */
export function useLiveRead<T>(query: (db: GoCuaDb) => Promise<T>, blankAnswer: T, deps: DependencyList, db?: GoCuaDb): T | undefined {
  // The early read (if any) is taken once, at mount: its answer now when it has one, else when it comes.
  const [early] = useState(() => (db ? undefined : earlyRead(query)));
  const [value, setValue] = useState<{ v: T } | undefined>(() => (early?.settled ? { v: early.settled.value } : undefined));
  const [error, setError] = useState<{ e: unknown }>();
  useEffect(() => {
    let alive = true;
    let answered = false;
    let subscription: { unsubscribe(): void } | undefined;
    // The same answer again (the live query repeating the early read) keeps the rendered one.
    const show = (v: T) => setValue((shown) => (shown && samePlainData(shown.v, v) ? shown : { v }));
    if (early && !early.settled) {
      void early.promise.then(
        (v) => alive && !answered && show(v),
        () => undefined,
      );
    }
    if (!db && !loadedAppDb()) {
      void isBlankPhone().then((blank) => {
        if (alive && blank && !answered) show(blankAnswer);
      });
    }
    // liveQuery's module is Dexie's chunk: imported only once the database is loaded.
    const loaded: Promise<GoCuaDb> = db ? Promise.resolve(db) : appDbLoaded;
    void loaded.then((d) => Promise.all([d, import('../storage/live-query.js')])).then(([target, { liveQuery }]) => {
      if (!alive) return;
      subscription = liveQuery(() => query(target)).subscribe({
        next: (v) => {
          answered = true;
          show(v);
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
