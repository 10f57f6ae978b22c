// The city roll-up's HTTP calls (GET /api/v1/provinces/{code}/…, docs/api.md), bound to a city
// session. Shapes shared with the server: src/shared/protocol/city.ts.
import type { AuditPage } from '../../../../shared/protocol/audit.js';
import type { CityRollup, CityWardDetail, CityWeekly } from '../../../../shared/protocol/city.js';
import { request, type CitySession } from '../api.js';

export function cityApi(session: CitySession, lang: string) {
  const base = `/api/v1/provinces/${encodeURIComponent(session.province.code)}`;
  const call = (path: string) => request(`${base}${path}`, { token: session.token, lang });
  const get = async <T>(path: string): Promise<T> => (await call(path)).json() as Promise<T>;
  const ward = (code: string) => `/wards/${encodeURIComponent(code)}`;
  return {
    rollup: (q: string) => get<CityRollup>(`/rollup${q}`),
    weekly: (q: string) => get<CityWeekly>(`/rollup/weekly${q}`),
    ward: (code: string, q: string) => get<CityWardDetail>(`${ward(code)}${q}`),
    wardWeekly: (code: string, q: string) => get<CityWeekly>(`${ward(code)}/weekly${q}`),
    audit: (q: string) => get<AuditPage>(`/audit${q}`),
    /** An export as a Blob (the Authorization header rules out a plain link). */
    download: async (path: string) => (await call(path)).blob(),
  };
}

export type CityApi = ReturnType<typeof cityApi>;

/** `?year=…&asOf=…` */
export function cityQuery(year: string, asOf: string): string {
  const p = new URLSearchParams();
  if (year) p.set('year', year);
  if (asOf) p.set('asOf', asOf);
  const s = p.toString();
  return s ? `?${s}` : '';
}
