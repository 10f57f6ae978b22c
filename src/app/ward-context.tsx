// The ward configuration for the whole app, loaded once from storage (cached server copy or
// the bundled demo ward) and shared through context.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { WardConfig } from '../shared/schema/ward-config.js';

const WardContext = createContext<WardConfig | undefined>(undefined);

export function WardProvider({ children }: { children: ReactNode }) {
  const [ward, setWard] = useState<WardConfig>();
  useEffect(() => {
    let alive = true;
    // Loaded lazily: the configuration's schema (zod) is not needed for the first paint.
    const load = () =>
      void import('./storage/ward-config.js')
        .then((m) => m.getWardConfig())
        .then((w) => alive && setWard(w));
    load();
    // Enrolment and sync cache the ward's configuration from the server (sync/enrolment.ts).
    window.addEventListener('go-cua:ward-config', load);
    return () => {
      alive = false;
      window.removeEventListener('go-cua:ward-config', load);
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
