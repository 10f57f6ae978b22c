// Helpers for the ward dashboard tests: staff accounts signed in through the real endpoint,
// authorised GETs, and hand-made household records (valid, shaped as the phone syncs them).
import type { LightMyRequestResponse } from 'fastify';
import { createUser } from '../../src/server/services/accounts.js';
import { lowerPasswordCostForTests } from '../../src/server/services/secrets.js';
import type { UserRole } from '../../src/server/db/schema.js';
import type { HouseholdRecord, Member } from '../../src/shared/schema/household.js';
import type { TestServer } from './test-server.js';

// The dashboard tests are not about password hashing: a lower scrypt cost keeps them fast
// (staff-accounts.test.ts and as-shipped.test.ts check the real one).
lowerPasswordCostForTests(1024);

let userCounter = 0;

/** Creates a staff account of `wardCode` and signs it in through POST /api/v1/auth/login. */
export async function signIn(t: TestServer, wardCode: string, role: UserRole = 'ward_staff'): Promise<{ token: string; username: string; userId: string }> {
  const username = `staff${++userCounter}.${wardCode}`;
  const password = 'mật khẩu thử nghiệm';
  const { id } = await createUser(t.db.db, { wardCode, username, password, role });
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return { token: (res.json() as { token: string }).token, username, userId: id };
}

export function get(t: TestServer, token: string | null, url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

export function send(
  t: TestServer,
  token: string | null,
  method: 'POST' | 'PUT',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    ...(typeof payload === 'string' ? { body: payload } : payload === undefined ? {} : { payload: payload as object }),
  });
}

let n = 0;
export const hid = () => `00000000-0000-4000-9000-${String(++n).padStart(12, '0')}`;

/** A member; adult questions (asked from 14) are filled from `adult` when old enough. */
export function member(birthYear: number, over: Partial<Member> = {}, surveyYear = 2026): Member {
  return {
    id: hid(),
    relation: 'other',
    birthYear,
    sex: 'female',
    vneid: 'level2',
    ehr: 'yes',
    digitalServices12m: { health: 'no', education: 'no', insurance: 'no', transport: 'no' },
    wantsHelp: [],
    ...(surveyYear - birthYear >= 14
      ? {
          ownsSmartphone: 'yes',
          usedInternet3m: 'yes',
          skills: { publicServices: 'proficient', shopping: 'proficient', payments: 'proficient', safety: 'proficient', localPlatforms: 'proficient' },
          bankAccount: 'yes',
          cashless30d: 'yes',
          digitalSignature: 'no',
          onlinePublicService12m: 'no',
          cityApp: 'no',
        }
      : {}),
    ...over,
  } as Member;
}

export interface HouseholdSpec {
  id?: string;
  rev?: number;
  wardCode?: string;
  groupCode?: string;
  surveyedAt?: string;
  outcome?: 'surveyed' | 'not_home' | 'refused';
  members?: Member[];
  fibre?: 'yes' | 'no' | 'unknown';
  houseNumber?: string;
  lane?: string;
  street?: string;
  voided?: boolean;
  practice?: boolean;
}

export function household(spec: HouseholdSpec): HouseholdRecord {
  const outcome = spec.outcome ?? 'surveyed';
  const surveyedAt = spec.surveyedAt ?? '2026-11-20';
  return {
    id: spec.id ?? hid(),
    kind: 'household',
    rev: spec.rev ?? 1,
    schemaVersion: 2,
    clientUpdatedAt: `${surveyedAt}T09:00:00.000Z`,
    data: {
      wardCode: spec.wardCode ?? '10546',
      installId: '00000000-0000-4000-8000-00000000abcd',
      surveyedAt,
      groupCode: spec.groupCode ?? 'TDP01',
      address: { houseNumber: spec.houseNumber ?? String(++n), ...(spec.lane ? { lane: spec.lane } : {}), street: spec.street ?? 'Lê Lợi' },
      outcome,
      ...(outcome === 'surveyed'
        ? {
            consent: { given: true as const, consenterRelation: 'head' as const, consentedAt: `${surveyedAt}T08:00:00.000Z`, method: 'verbal' as const, noticeVersion: '2026-01' },
            devices: { smartphones: 1, computerOrTablet: 'no' as const, fixedBroadband: 'yes' as const, fibre: spec.fibre ?? 'yes', wifi: 'yes' as const },
            payments: { billsCashless: 'yes' as const, businessAcceptsQr: 'no_business' as const },
          }
        : {}),
      members: outcome === 'surveyed' ? (spec.members ?? [member(1980)]) : [],
      ...(spec.voided ? { voided: true, voidReason: 'Trùng hộ' } : {}),
      ...(spec.practice ? { practice: true } : {}),
    },
  };
}

/** Syncs records through POST /api/v1/sync and checks every one was accepted. */
export async function syncAll(t: TestServer, token: string, records: HouseholdRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 100) {
    const res = await t.sync(token, { protocolVersion: 1, batchId: crypto.randomUUID(), records: records.slice(i, i + 100) });
    if (res.statusCode !== 200) throw new Error(`sync: ${res.statusCode} ${res.body}`);
    const bad = (res.json() as { results: { status: string; errors?: unknown }[] }).results.filter((r) => r.status !== 'accepted');
    if (bad.length) throw new Error(`sync not accepted: ${JSON.stringify(bad.slice(0, 3))}`);
  }
}

/** Creates a city account of `provinceCode` and signs it in; returns the sign-in answer too. */
export async function signInCity(
  t: TestServer,
  provinceCode: string,
  role: 'city_staff' | 'city_admin' = 'city_staff',
): Promise<{ token: string; username: string; userId: string; answer: Record<string, unknown> }> {
  const username = `city${++userCounter}.${provinceCode}`;
  const password = 'mật khẩu thử nghiệm';
  const { id } = await createUser(t.db.db, { provinceCode, username, password, role });
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const answer = res.json() as Record<string, unknown> & { token: string };
  return { token: answer.token, username, userId: id, answer };
}
