// Calls of the personal-data requests screen (docs/api.md "Personal-data requests"), bound to
// the dashboard's session. Kept apart from ../api.ts so this feature grows on its own.
import { ApiError, NetworkError, type StaffSession } from '../api.js';

export type RequestKind = 'access' | 'correction' | 'erasure' | 'withdraw_consent';
export const REQUEST_KINDS: readonly RequestKind[] = ['access', 'correction', 'erasure', 'withdraw_consent'];
export const REQUESTERS = ['self', 'guardian', 'representative'] as const;
export const IDENTITY_CHECKS = ['cccd_seen', 'vneid_level2', 'guardian_document', 'other'] as const;

export type SubjectRef =
  | { kind: 'member'; recordId: string; memberId: string }
  | { kind: 'household'; recordId: string }
  | { kind: 'assistance'; recordId: string };

export interface DataRequest {
  id: string;
  wardCode: string;
  kind: RequestKind;
  requester: (typeof REQUESTERS)[number];
  requesterName: string | null;
  identityCheck: (typeof IDENTITY_CHECKS)[number];
  receivedOn: string;
  acknowledgeDue: string;
  answerDue: string;
  acknowledgedOn: string | null;
  answeredOn: string | null;
  status: 'received' | 'acknowledged' | 'answered' | 'rejected';
  records: SubjectRef[];
  consentWithdrawn: string | null;
  actions: { action: string; at: string; by: string; recordIds: string[]; fields?: string[] }[];
  acknowledgeLate: boolean;
  answerLate: boolean;
}

export interface PersonMatch {
  ref: SubjectRef;
  matchedOn: ('name' | 'phone' | 'cccd')[];
  name: string | null;
  birthYear: number | null;
  relation: string | null;
  groupCode: string | null;
  groupName: string | null;
  surveyedAt: string | null;
  address: string | null;
  voided: boolean;
  consenter?: boolean;
  /** Under 16: only a parent's or guardian's request may act on it. */
  child: boolean;
}

export interface ErasurePreview {
  records: { kind: 'household' | 'assistance'; recordId: string; revisions: number; conflicts: number }[];
  fields: string[];
}

export interface NewRequest {
  kind: RequestKind;
  requester: DataRequest['requester'];
  requesterName?: string;
  identityCheck: DataRequest['identityCheck'];
  receivedOn: string;
}

export const sameRef = (a: SubjectRef, b: SubjectRef) =>
  a.kind === b.kind && a.recordId === b.recordId && (a.kind !== 'member' || (b.kind === 'member' && a.memberId === b.memberId));

export function privacyApi(session: StaffSession, lang: string) {
  const base = `/api/v1/wards/${encodeURIComponent(session.wardCode)}/data-requests`;
  const call = async (path: string, method = 'GET', body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { authorization: `Bearer ${session.token}`, 'accept-language': lang };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body), cache: 'no-store' });
    } catch (e) {
      throw new NetworkError(e instanceof Error ? e.message : String(e));
    }
    if (!res.ok) {
      let err: Record<string, unknown> = {};
      try {
        err = ((await res.json()) as { error?: Record<string, unknown> }).error ?? {};
      } catch {
        /* not JSON */
      }
      throw new ApiError(res.status, String(err.code ?? res.status), String(err.message ?? res.statusText), err);
    }
    return res;
  };
  const json = async <T>(path: string, method = 'GET', body?: unknown) => (await call(path, method, body)).json() as Promise<T>;
  const id = (r: string) => `/${encodeURIComponent(r)}`;
  return {
    list: () => json<{ requests: DataRequest[] }>(''),
    register: (r: NewRequest) => json<DataRequest>('', 'POST', r),
    status: (r: string, status: 'acknowledged' | 'answered' | 'rejected') => json<DataRequest>(`${id(r)}/status`, 'POST', { status }),
    search: (r: string, q: { name?: string; phone?: string; cccd?: string }) => json<{ matches: PersonMatch[] }>(`${id(r)}/search`, 'POST', q),
    link: (r: string, records: SubjectRef[]) => json<DataRequest>(`${id(r)}/records`, 'PUT', { records }),
    correct: (r: string, ref: SubjectRef, field: string, value: string | number | null) => json<{ rev: number; field: string }>(`${id(r)}/correct`, 'POST', { ref, field, value }),
    erasePreview: (r: string, ref: SubjectRef) => json<{ preview: ErasurePreview }>(`${id(r)}/erase`, 'POST', { ref, dryRun: true }),
    erase: (r: string, ref: SubjectRef) => json<{ changed: { recordId: string; rev: number }[] }>(`${id(r)}/erase`, 'POST', { ref, confirm: true }),
    withdrawPreview: (r: string, ref: SubjectRef, purpose: 'survey' | 'assistance') => json<{ preview: ErasurePreview }>(`${id(r)}/withdraw-consent`, 'POST', { ref, purpose, dryRun: true }),
    withdraw: (r: string, ref: SubjectRef, purpose: 'survey' | 'assistance') => json<{ changed: { recordId: string; rev: number }[] }>(`${id(r)}/withdraw-consent`, 'POST', { ref, purpose, confirm: true }),
    download: async (r: string, format: 'json' | 'html') => (await call(`${id(r)}/export.${format}${format === 'html' ? `?lang=${lang === 'en' ? 'en' : 'vi'}` : ''}`)).blob(),
  };
}

export type PrivacyApi = ReturnType<typeof privacyApi>;
