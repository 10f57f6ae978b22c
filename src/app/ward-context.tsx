// The ward configuration for the whole app, loaded once from storage (cached server copy or
// the bundled demo ward) and shared through context.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { WardConfig } from '../shared/schema/ward-config.js';
import { DEMO_WARD } from './demo-ward.js';
import { appDbLoaded, readAppDb } from './storage/app-store.js';
import { looksLikeWardConfig } from './storage/ward-config-shape.js';

const WardContext = createContext<WardConfig | undefined>(undefined);

let loaded: WardConfig | undefined;
let loading: Promise<WardConfig> | undefined;

// Loaded lazily: the configuration's schema (zod) is not needed for the first paint. A blank
// phone (storage/app-store.ts) has the bundled demo ward until it enrols.
function readWard(stored?: Promise<{ value: unknown } | undefined>): Promise<WardConfig> {
  const viaDexie = () => readAppDb((db) => import('./storage/ward-config.js').then((m) => m.getWardConfig(db)), DEMO_WARD);
  // A warm start's copy read without Dexie (storage/first-reads-raw.ts): judged as getWardConfig
  // judges it, and fully checked once the database is loaded.
  const read = stored
    ? stored.then((s) => {
        if (!s) return viaDexie();
        if (!looksLikeWardConfig(s.value)) return DEMO_WARD;
        const cached = s.value;
        void appDbLoaded.then((db) => import('./storage/ward-config.js').then((m) => m.checkLater(db, cached)));
        return cached;
      })
    : viaDexie();
  return read.then((w) => (loaded = w));
}

/**
 * Starts reading the ward configuration (main.tsx calls it at start-up, so the read runs while
 * React loads instead of after the first render); `fresh` reads it again after a new copy was cached.
 */
export function preloadWard(fresh = false, stored?: Promise<{ value: unknown } | undefined>): Promise<WardConfig> {
  if (fresh || !loading) loading = readWard(stored);
  return loading;
}

export function WardProvider({ children }: { children: ReactNode }) {
  const [ward, setWard] = useState<WardConfig | undefined>(loaded);
  useEffect(() => {
    let alive = true;
    void preloadWard().then((w) => alive && setWard(w));
    // Enrolment and sync cache the ward's configuration from the server (sync/enrolment.ts).
    const reload = () => void preloadWard(true).then((w) => alive && setWard(w));
    window.addEventListener('go-cua:ward-config', reload);
    return () => {
      alive = false;
      window.removeEventListener('go-cua:ward-config', reload);
    };
  }, []);
  return <WardContext.Provider value={ward}>{children}</WardContext.Provider>;
}

/** The ward configuration, or undefined while it loads (a few ms from IndexedDB). */
export function useWard(): WardConfig | undefined {
  return useContext(WardContext);
}

export function groupName(ward: WardConfig | undefined, code: string): string {
  return ward?.groups.find((g) => g.code === code)?.name ?? code;
}
