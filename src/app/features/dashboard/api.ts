// The dashboard's HTTP client: the ward staff session (sessionStorage, never IndexedDB: the
// dashboard runs on shared office PCs, so closing the tab signs out) and typed calls to the ward
// API (docs/api.md). Shapes shared with the server: src/shared/protocol/dashboard.ts; only
// tallies, except the drill-down.
import type { IndicatorCode } from '../../../shared/domain/indicators.js';
import type {
  ActivityResponse,
  AssistanceTalliesResponse,
  EnrolmentCodeInfo,
  HouseholdDetail,
  HouseholdTotals,
  IndicatorsResponse,
  IndicatorValue,
  QualityResponse,
  WardFollowUpsResponse,
  WeeklyResponse,
} from '../../../shared/protocol/dashboard.js';
import type { AuditPage, ChainCheck } from '../../../shared/protocol/audit.js';
import type { SyncStatus } from '../../../shared/protocol/sync.js';

export type StaffRole = 'ward_staff' | 'ward_admin';

export interface StaffSession {
  token: string;
  wardCode: string;
  role: StaffRole;
  username: string;
  /** The password signed in with fails today's policy: the dashboard asks for a new one first. */
  mustChangePassword?: boolean;
}

export type CityRole = 'city_staff' | 'city_admin';

/** A city account (issue 15): its province and the wards of it held by this endpoint, from sign-in. */
export interface CitySession {
  token: string;
  role: CityRole;
  username: string;
  province: { code: string; name: string; wards: { code: string; name: string }[] };
  mustChangePassword?: boolean;
}

/** Whoever signed in: ward staff or city staff (who get the roll-up screens, city/). */
export type AnySession = StaffSession | CitySession;

export const isCitySession = (s: AnySession): s is CitySession => s.role === 'city_staff' || s.role === 'city_admin';

const SESSION_KEY = 'go-cua:staff-session';

export function loadSession(): AnySession | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const city = JSON.parse(raw) as Partial<CitySession>;
    if (typeof city.token === 'string' && (city.role === 'city_staff' || city.role === 'city_admin') && city.province && typeof city.province.code === 'string') {
      return { token: city.token, role: city.role, username: city.username ?? '', province: city.province, ...(city.mustChangePassword ? { mustChangePassword: true } : {}) };
    }
    const s = JSON.parse(raw) as Partial<StaffSession>;
    if (typeof s.token !== 'string' || typeof s.wardCode !== 'string' || (s.role !== 'ward_staff' && s.role !== 'ward_admin')) return null;
    return { token: s.token, wardCode: s.wardCode, role: s.role, username: s.username ?? '', ...(s.mustChangePassword ? { mustChangePassword: true } : {}) };
  } catch {
    return null;
  }
}

export function saveSession(session: AnySession | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

export type { ActivityResponse, HouseholdDetail, HouseholdTotals, IndicatorsResponse, IndicatorValue, QualityResponse, WeeklyResponse };

export interface RegisterGroup {
  code: string;
  name: string;
  householdsOnRegister: number;
}

export interface WardSettings {
  adultAge: number;
  vneidMinAge: number;
  retentionMonths: number;
  /** Absent for a ward stored before the setting: phoneRetentionDays() gives the value in force. */
  phoneRetentionDays?: number;
  mobilePrefixes?: string[];
  /** Personal-data request deadlines (absent: the defaults, privacy/Privacy.tsx). */
  dataRequestAcknowledgeWorkingDays?: number;
  dataRequestAnswerDays?: number;
}

export type TargetsByYear = Record<string, Partial<Record<IndicatorCode, number>>>;

/** GET …/backups: the last good backup and the last failure after it (server-wide). */
export interface BackupStatusInfo {
  lastSuccess: { at: string; ageSeconds: number; kind: 'manual' | 'scheduled' | 'pre_migration'; sizeBytes: number; encryption: string | null } | null;
  lastFailure: { at: string; kind: 'manual' | 'scheduled' | 'pre_migration'; error: string } | null;
}

export interface StaffUser {
  id: string;
  username: string;
  role: StaffRole;
  createdAt: string;
  disabledAt: string | null;
}

export interface WardDevice {
  id: string;
  volunteerName: string;
  enrolledAt: string;
  lastSyncAt: string | null;
  revokedAt: string | null;
  /** How it was revoked: 'retired' (sends what waits, then wipes) or 'lost' (wipes at once). */
  revokeKind: 'retired' | 'lost' | null;
  /** Records waiting in the phone's outbox at its last contact (null: never reported). */
  waitingAtLastContact: number | null;
  lastContactAt: string | null;
  stale: boolean;
  records: { households: number; surveyed: number; notHome: number; refused: number; revisions: number };
}

/** GET …/assistances and GET …/follow-ups. */
export type AssistanceTallies = AssistanceTalliesResponse;
export type WardFollowUps = WardFollowUpsResponse;

export interface EnrolmentCode {
  id: string;
  code: string;
  formatted: string;
  link: string;
  uses: number;
  expiresAt: string;
}

export type { EnrolmentCodeInfo };

/** An answer other than 2xx. `message` is the server's, already in the asked language. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** No answer at all (offline, server down). */
export class NetworkError extends Error {}

export async function request(path: string, init: RequestInit & { token?: string; lang: string }): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('accept-language', init.lang);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers, cache: 'no-store' });
  } catch (e) {
    throw new NetworkError(e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) {
    let body: Record<string, unknown> = {};
    try {
      body = ((await res.json()) as { error?: Record<string, unknown> }).error ?? {};
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, String(body.code ?? res.status), String(body.message ?? res.statusText), body);
  }
  return res;
}

export async function login(username: string, password: string, lang: string): Promise<AnySession> {
  const res = await request('/api/v1/auth/login', {
    method: 'POST',
    lang,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { token: string; wardCode: string; role: StaffRole | CityRole; mustChangePassword?: boolean; province?: CitySession['province'] };
  if ((body.role === 'city_staff' || body.role === 'city_admin') && body.province) {
    return { token: body.token, role: body.role, username, province: body.province, ...(body.mustChangePassword ? { mustChangePassword: true } : {}) };
  }
  if (body.role === 'city_staff' || body.role === 'city_admin') throw new ApiError(500, 'bad_answer', 'sign-in answered no province');
  return { token: body.token, wardCode: body.wardCode, role: body.role, username, ...(body.mustChangePassword ? { mustChangePassword: true } : {}) };
}

/** Changes the signed-in person's own password (POST /api/v1/auth/password); the session stays. */
export async function changePassword(session: Pick<AnySession, 'token'>, currentPassword: string, newPassword: string, lang: string): Promise<void> {
  await request('/api/v1/auth/password', {
    method: 'POST',
    lang,
    token: session.token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ currentPassword, newPassword }),
  });
}

export async function logout(session: Pick<AnySession, 'token'>, lang: string): Promise<void> {
  await request('/api/v1/auth/logout', { method: 'POST', token: session.token, lang }).catch(() => undefined);
}

/** Calls bound to one session; every path is under /api/v1/wards/{code}. */
export function wardApi(session: StaffSession, lang: string) {
  const base = `/api/v1/wards/${encodeURIComponent(session.wardCode)}`;
  const call = (path: string, init: RequestInit = {}) => request(`${base}${path}`, { ...init, token: session.token, lang });
  const get = async <T>(path: string): Promise<T> => (await call(path)).json() as Promise<T>;
  const send = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await call(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  return {
    indicators: (q: string) => get<IndicatorsResponse>(`/indicators${q}`),
    weekly: (q: string) => get<WeeklyResponse>(`/indicators/weekly${q}`),
    activity: (weeks = 8) => get<ActivityResponse>(`/activity?weeks=${weeks}`),
    quality: () => get<QualityResponse>('/quality'),
    assistances: (q: string) => get<AssistanceTallies>(`/assistances${q}`),
    followUps: () => get<WardFollowUps>('/follow-ups'),
    household: (id: string) => get<HouseholdDetail>(`/households/${encodeURIComponent(id)}`),
    voidHousehold: (id: string, reason: string) => send<{ rev: number }>('POST', `/households/${encodeURIComponent(id)}/void`, { reason }),
    groups: () => get<{ groups: RegisterGroup[] }>('/groups'),
    saveGroups: (groups: RegisterGroup[]) => send<{ groups: RegisterGroup[] }>('PUT', '/groups', { groups }),
    importGroups: async (csv: string) => (await call('/groups/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv })).json() as Promise<{ groups: RegisterGroup[] }>,
    targets: () => get<{ targets: TargetsByYear; sources?: unknown }>('/config/targets'),
    saveTargets: (targets: TargetsByYear) => send<{ targets: TargetsByYear }>('PUT', '/config/targets', { targets }),
    settings: () => get<{ settings: WardSettings }>('/config/settings'),
    saveSettings: (settings: Partial<WardSettings>) => send<{ settings: WardSettings }>('PUT', '/config/settings', { settings }),
    users: () => get<{ users: StaffUser[] }>('/users'),
    backups: () => get<BackupStatusInfo>('/backups'),
    addUser: (u: { username: string; password: string; role: StaffRole }) => send<{ id: string }>('POST', '/users', u),
    resetPassword: (id: string, password: string) => send<void>('POST', `/users/${encodeURIComponent(id)}/reset-password`, { password }),
    issueCode: (uses: number, expiresDays?: number) => send<EnrolmentCode>('POST', '/enrolment-codes', { uses, ...(expiresDays ? { expiresDays } : {}) }),
    enrolmentCodes: () => get<{ codes: EnrolmentCodeInfo[] }>('/enrolment-codes'),
    revokeCode: (id: string) => send<{ revoked: true }>('POST', `/enrolment-codes/${encodeURIComponent(id)}/revoke`),
    devices: () => get<{ devices: WardDevice[] }>('/devices'),
    revokeDevice: (id: string, kind: 'retired' | 'lost') =>
      send<{ revokedAt: string; revokeKind: 'retired' | 'lost' }>('POST', `/devices/${encodeURIComponent(id)}/revoke`, { kind }),
    transferRecords: (from: string, to: string) => send<{ records: number }>('POST', `/devices/${encodeURIComponent(from)}/transfer-records`, { to }),
    /** The audit log (ward admins): a page newest first, and the chain check. */
    audit: (q: string) => get<AuditPage>(`/audit${q}`),
    auditVerify: () => get<ChainCheck>('/audit/verify'),
    /** A broken phone's rescue file (its parsed JSON), checked and stored by the server. */
    rescue: (file: unknown) => send<RescueImportAnswer>('POST', '/rescue', file),
    /** An export as a Blob (the Authorization header rules out a plain link). */
    download: async (path: string) => (await call(path)).blob(),
  };
}

export type WardApi = ReturnType<typeof wardApi>;

/** The answer to POST …/rescue (src/server/services/rescue-import.ts RescueImportResult). */
export interface RescueImportAnswer {
  envelope: { wardCode: string; deviceId: string; createdAt: string; records: number; drafts: number };
  volunteerName: string;
  deviceRevoked: 'retired' | 'lost' | null;
  results: { id: string; rev: number; kind: string | null; status: SyncStatus; errors?: { path: string; code: string; message: string }[] }[];
  drafts: { id: string; recordId?: string; step: string; updatedAt: string; address: string; groupCode: string; members: number }[];
  counts: Record<SyncStatus, number>;
}
