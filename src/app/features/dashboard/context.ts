// What every dashboard screen needs: the session, its API client, the shared filters and a way
// to end the session (sign-out, or a 401).
import { createContext, useContext } from 'react';
import { href } from '../../ui/router.js';
import type { StaffSession, WardApi } from './api.js';

export interface Filters {
  /** A tổ dân phố code, or '' for the whole ward. */
  group: string;
  year: string;
  /** YYYY-MM-DD cut-off, or '' for everything synced. */
  asOf: string;
}

export interface DashboardContextValue {
  session: StaffSession;
  api: WardApi;
  filters: Filters;
  setFilters: (f: Filters) => void;
  endSession: () => void;
}

export const DashboardContext = createContext<DashboardContextValue | null>(null);

export function useDashboard(): DashboardContextValue {
  const value = useContext(DashboardContext);
  if (!value) throw new Error('useDashboard outside DashboardScreen');
  return value;
}

/** `?year=2026&asOf=…&group=…` (+ extra) for the indicator endpoints. */
export function filterQuery(f: Filters, extra: Record<string, string> = {}, withGroup = true): string {
  const p = new URLSearchParams();
  if (f.year) p.set('year', f.year);
  if (f.asOf) p.set('asOf', f.asOf);
  if (withGroup && f.group) p.set('group', f.group);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const wardHref = (...sub: string[]) => href({ name: 'ward', sub });
