// The authorization matrix (issue 10): every route the server registers × every kind of caller
// → the expected status. The routes are read from the server itself (registeredRoutes, an
// onRoute hook in app.ts), so a route added without a row here FAILS this test. Every /api
// answer must also say `Cache-Control: no-store` (personal data, tokens).
//
// Callers: no token, a garbage token, a revoked device, a device of this ward (A), ANOTHER
// device of this ward (B), a device of another ward, ward staff, a ward admin, an admin of
// another ward, and city staff and a city admin of the ward's province (Hải Phòng, 31: issue 15),
// who read the province roll-up and nothing of a ward's own routes.
//
// Not here: which RECORDS device B may write (ownership inside a ward: the sync answers 200 with
// a per-record `rejected`/not_owner) is the ownership work's own test; this matrix checks the
// HTTP answer only.
import { randomUUID, webcrypto } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredRoutes } from '../../src/server/app.js';
import { revokeDevice } from '../../src/server/services/accounts.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { createUser } from '../../src/server/services/accounts.js';
import { signIn, signInCity } from '../helpers/dashboard.js';
import { batch, householdRecord, OTHER_WARD, WARD } from '../helpers/records.js';
import { sqliteBackend } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { toBase64Url } from '../../src/shared/crypto/sealed.js';

/** A fresh device signing key (ECDSA P-256 public point, base64url). */
async function freshSigningKey(): Promise<string> {
  const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  return toBase64Url(new Uint8Array(await webcrypto.subtle.exportKey('raw', pair.publicKey)));
}

const CALLERS = ['none', 'garbage', 'revoked', 'device', 'otherDevice', 'deviceOtherWard', 'staff', 'admin', 'otherAdmin', 'city', 'cityAdmin'] as const;
type Caller = (typeof CALLERS)[number];
type Expect = Record<Caller, number>;

interface Request {
  method: string;
  url: string;
  payload?: unknown;
  body?: string;
  headers?: Record<string, string>;
}

interface Row {
  route: string;
  /** Built anew for each caller (a fresh household to void, a fresh device to revoke…). */
  request: (ctx: Ctx) => Promise<Request> | Request;
  expect: Expect;
}

interface Ctx {
  t: TestServer;
  tokens: Record<Caller, string | null>;
  deviceA: string;
}

const W = `/api/v1/wards/${WARD}`;
const Q = '?year=2026&asOf=2026-11-30';

const everyone = (status: number): Expect => Object.fromEntries(CALLERS.map((c) => [c, status])) as Expect;
/** A route of ward staff of the ward; `staff` and `admin` get what the route answers them. */
const wardRoute = (staff: number, admin = staff): Expect => ({
  none: 401,
  garbage: 401,
  revoked: 401,
  device: 403,
  otherDevice: 403,
  deviceOtherWard: 403,
  staff,
  admin,
  otherAdmin: 403,
  city: 403,
  cityAdmin: 403,
});

const P = '/api/v1/provinces/31';
/** A route of city accounts of the province; `city` and `cityAdmin` get what the route answers them. */
const cityRoute = (city: number, cityAdmin = city): Expect => ({
  none: 401,
  garbage: 401,
  revoked: 401,
  device: 403,
  otherDevice: 403,
  deviceOtherWard: 403,
  staff: 403,
  admin: 403,
  otherAdmin: 403,
  city,
  cityAdmin,
});

async function freshHousehold(ctx: Ctx): Promise<string> {
  const rec = householdRecord({ groupCode: 'TDP01' });
  const res = await ctx.t.sync(ctx.tokens.device!, batch([rec]));
  expect(res.json().results[0].status).toBe('accepted');
  return rec.id;
}

const NEW_REQUEST = (kind: string) => ({ kind, requester: 'self', identityCheck: 'cccd_seen', receivedOn: '2026-12-04' });

/** A registered request (made by a ward admin of the ward), optionally linked to a fresh household. */
async function freshRequest(ctx: Ctx, kind: string, linked = false): Promise<string> {
  return linked ? (await linkedRequest(ctx, kind)).id : (await adminSend(ctx, 'POST', `${W}/data-requests`, NEW_REQUEST(kind))).id;
}

async function linkedRequest(ctx: Ctx, kind: string): Promise<{ id: string; recordId: string }> {
  const { id } = await adminSend(ctx, 'POST', `${W}/data-requests`, NEW_REQUEST(kind));
  const recordId = await freshHousehold(ctx);
  await adminSend(ctx, 'PUT', `${W}/data-requests/${id}/records`, { records: [{ kind: 'household', recordId }] });
  return { id, recordId };
}

async function adminSend(ctx: Ctx, method: 'POST' | 'PUT', url: string, payload: object): Promise<{ id: string }> {
  const res = await ctx.t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${ctx.tokens.admin}` } });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

const ROWS: Row[] = [
  { route: 'GET /api/health', request: () => ({ method: 'GET', url: '/api/health' }), expect: everyone(200) },
  {
    route: 'POST /api/v1/auth/login',
    request: () => ({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody.here', password: 'a wrong password 123' } }),
    expect: everyone(401),
  },
  {
    route: 'POST /api/v1/devices/enrol',
    request: () => ({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: 'AAAA-AAAA', volunteerName: 'X' } }),
    expect: everyone(401),
  },
  {
    route: 'GET /api/v1/config',
    request: () => ({ method: 'GET', url: '/api/v1/config' }),
    // A revoked device (the admin CLI's revoke: lost) is told to wipe: 410 device_lost.
    // A city account has no ward configuration of its own.
    expect: { none: 401, garbage: 401, revoked: 410, device: 200, otherDevice: 200, deviceOtherWard: 200, staff: 200, admin: 200, otherAdmin: 200, city: 403, cityAdmin: 403 },
  },
  {
    route: 'POST /api/v1/sync',
    request: () => ({ method: 'POST', url: '/api/v1/sync', payload: batch([]) }),
    expect: { none: 401, garbage: 401, revoked: 410, device: 200, otherDevice: 200, deviceOtherWard: 200, staff: 401, admin: 401, otherAdmin: 401, city: 401, cityAdmin: 401 },
  },
  {
    // A device enrolled without a signing key registers one (each caller here a fresh key; each device once).
    route: 'POST /api/v1/devices/signing-key',
    request: async () => ({ method: 'POST', url: '/api/v1/devices/signing-key', payload: { publicKey: await freshSigningKey() } }),
    expect: { none: 401, garbage: 401, revoked: 410, device: 201, otherDevice: 201, deviceOtherWard: 201, staff: 401, admin: 401, otherAdmin: 401, city: 401, cityAdmin: 401 },
  },
  // Rescue files: any ward staff (they enrol and revoke the team's phones); an empty body is not a file.
  { route: 'POST /api/v1/wards/:code/rescue', request: () => ({ method: 'POST', url: `${W}/rescue`, payload: {} }), expect: wardRoute(400) },
  { route: 'GET /api/v1/wards/:code/config/targets', request: () => ({ method: 'GET', url: `${W}/config/targets` }), expect: wardRoute(200) },
  { route: 'PUT /api/v1/wards/:code/config/targets', request: () => ({ method: 'PUT', url: `${W}/config/targets`, payload: { targets: { 2026: { vneid: 0.9 } } } }), expect: wardRoute(403, 200) },
  { route: 'GET /api/v1/wards/:code/config/settings', request: () => ({ method: 'GET', url: `${W}/config/settings` }), expect: wardRoute(200) },
  { route: 'PUT /api/v1/wards/:code/config/settings', request: () => ({ method: 'PUT', url: `${W}/config/settings`, payload: { settings: {} } }), expect: wardRoute(403, 200) },
  { route: 'GET /api/v1/wards/:code/groups', request: () => ({ method: 'GET', url: `${W}/groups` }), expect: wardRoute(200) },
  {
    route: 'PUT /api/v1/wards/:code/groups',
    request: async (ctx) => {
      const groups = (await ctx.t.app.inject({ method: 'GET', url: `${W}/groups`, headers: { authorization: `Bearer ${ctx.tokens.admin}` } })).json().groups;
      return { method: 'PUT', url: `${W}/groups`, payload: { groups: groups.map((g: any) => ({ code: g.code, name: g.name, householdsOnRegister: g.householdsOnRegister })) } };
    },
    expect: wardRoute(403, 200),
  },
  {
    route: 'POST /api/v1/wards/:code/groups/import',
    request: async (ctx) => {
      const groups = (await ctx.t.app.inject({ method: 'GET', url: `${W}/groups`, headers: { authorization: `Bearer ${ctx.tokens.admin}` } })).json().groups;
      const csv = ['code,name,householdsOnRegister', ...groups.map((g: any) => `${g.code},${g.name},${g.householdsOnRegister}`)].join('\n');
      return { method: 'POST', url: `${W}/groups/import`, body: csv, headers: { 'content-type': 'text/csv' } };
    },
    expect: wardRoute(403, 200),
  },
  { route: 'GET /api/v1/wards/:code/users', request: () => ({ method: 'GET', url: `${W}/users` }), expect: wardRoute(403, 200) },
  { route: 'GET /api/v1/wards/:code/backups', request: () => ({ method: 'GET', url: `${W}/backups` }), expect: wardRoute(403, 200) },
  {
    route: 'POST /api/v1/wards/:code/users',
    request: () => ({ method: 'POST', url: `${W}/users`, payload: { username: `u${randomUUID().slice(0, 8)}`, password: 'một mật khẩu rất dài 2026', role: 'ward_staff' } }),
    expect: wardRoute(403, 201),
  },
  {
    route: 'POST /api/v1/wards/:code/users/:id/reset-password',
    request: async (ctx) => {
      const { id } = await createUser(ctx.t.db.db, { wardCode: WARD, username: `r${randomUUID().slice(0, 8)}`, password: 'một mật khẩu rất dài 2026', role: 'ward_staff' });
      return { method: 'POST', url: `${W}/users/${id}/reset-password`, payload: { password: 'một mật khẩu mới rất dài 2026' } };
    },
    expect: wardRoute(403, 204),
  },
  { route: 'POST /api/v1/wards/:code/enrolment-codes', request: () => ({ method: 'POST', url: `${W}/enrolment-codes`, payload: { uses: 1 } }), expect: wardRoute(201) },
  { route: 'GET /api/v1/wards/:code/enrolment-codes', request: () => ({ method: 'GET', url: `${W}/enrolment-codes` }), expect: wardRoute(200) },
  {
    route: 'POST /api/v1/wards/:code/enrolment-codes/:id/revoke',
    request: async (ctx) => ({ method: 'POST', url: `${W}/enrolment-codes/${(await issueEnrolmentCode(ctx.t.db, WARD, 1)).id}/revoke` }),
    expect: wardRoute(200),
  },
  { route: 'GET /api/v1/wards/:code/devices', request: () => ({ method: 'GET', url: `${W}/devices` }), expect: wardRoute(200) },
  {
    route: 'POST /api/v1/wards/:code/devices/:id/revoke',
    request: async (ctx) => ({ method: 'POST', url: `${W}/devices/${(await ctx.t.enrol(WARD, 'Máy thử')).deviceId}/revoke`, payload: { kind: 'retired' } }),
    expect: wardRoute(200),
  },
  {
    route: 'POST /api/v1/wards/:code/devices/:id/transfer-records',
    request: async (ctx) => {
      const from = await ctx.t.enrol(WARD, 'Máy cũ');
      const to = await ctx.t.enrol(WARD, 'Máy mới');
      return { method: 'POST', url: `${W}/devices/${from.deviceId}/transfer-records`, payload: { to: to.deviceId } };
    },
    expect: wardRoute(200),
  },
  { route: 'GET /api/v1/wards/:code/export.xlsx', request: () => ({ method: 'GET', url: `${W}/export.xlsx${Q}` }), expect: wardRoute(200) },
  { route: 'GET /api/v1/wards/:code/export.csv', request: () => ({ method: 'GET', url: `${W}/export.csv${Q}` }), expect: wardRoute(200) },
  { route: 'GET /api/v1/wards/:code/report', request: () => ({ method: 'GET', url: `${W}/report${Q}` }), expect: wardRoute(200) },
  { route: 'GET /api/v1/wards/:code/assistances', request: () => ({ method: 'GET', url: `${W}/assistances` }), expect: wardRoute(200) },
  { route: 'GET /api/v1/wards/:code/assistances/export.csv', request: () => ({ method: 'GET', url: `${W}/assistances/export.csv` }), expect: wardRoute(200) },
  { route: 'GET /api/v1/wards/:code/assistances/export.xlsx', request: () => ({ method: 'GET', url: `${W}/assistances/export.xlsx` }), expect: wardRoute(200) },
  { route: 'GET /api/v1/wards/:code/follow-ups', request: () => ({ method: 'GET', url: `${W}/follow-ups` }), expect: wardRoute(200) },
  { route: 'GET /api/v1/wards/:code/indicators', request: () => ({ method: 'GET', url: `${W}/indicators${Q}` }), expect: wardRoute(200) },
  { route: 'GET /api/v1/wards/:code/indicators/weekly', request: () => ({ method: 'GET', url: `${W}/indicators/weekly${Q}` }), expect: wardRoute(200) },
  { route: 'GET /api/v1/wards/:code/activity', request: () => ({ method: 'GET', url: `${W}/activity` }), expect: wardRoute(200) },
  { route: 'GET /api/v1/wards/:code/quality', request: () => ({ method: 'GET', url: `${W}/quality` }), expect: wardRoute(200) },
  {
    route: 'GET /api/v1/wards/:code/households/:id',
    request: async (ctx) => ({ method: 'GET', url: `${W}/households/${await freshHousehold(ctx)}` }),
    expect: wardRoute(200),
  },
  {
    route: 'POST /api/v1/wards/:code/households/:id/void',
    request: async (ctx) => ({ method: 'POST', url: `${W}/households/${await freshHousehold(ctx)}/void`, payload: { reason: 'Phiếu nhập trùng' } }),
    expect: wardRoute(200),
  },
  // Personal-data requests: ward admins only (a resident's whole record and the power to erase it).
  { route: 'GET /api/v1/wards/:code/data-requests', request: () => ({ method: 'GET', url: `${W}/data-requests` }), expect: wardRoute(403, 200) },
  { route: 'POST /api/v1/wards/:code/data-requests', request: () => ({ method: 'POST', url: `${W}/data-requests`, payload: NEW_REQUEST('access') }), expect: wardRoute(403, 201) },
  { route: 'GET /api/v1/wards/:code/data-requests/:id', request: async (ctx) => ({ method: 'GET', url: `${W}/data-requests/${await freshRequest(ctx, 'access')}` }), expect: wardRoute(403, 200) },
  {
    route: 'POST /api/v1/wards/:code/data-requests/:id/status',
    request: async (ctx) => ({ method: 'POST', url: `${W}/data-requests/${await freshRequest(ctx, 'access')}/status`, payload: { status: 'acknowledged' } }),
    expect: wardRoute(403, 200),
  },
  {
    route: 'POST /api/v1/wards/:code/data-requests/:id/search',
    request: async (ctx) => ({ method: 'POST', url: `${W}/data-requests/${await freshRequest(ctx, 'access')}/search`, payload: { name: 'Nguyễn' } }),
    expect: wardRoute(403, 200),
  },
  {
    route: 'PUT /api/v1/wards/:code/data-requests/:id/records',
    request: async (ctx) => ({ method: 'PUT', url: `${W}/data-requests/${await freshRequest(ctx, 'access')}/records`, payload: { records: [{ kind: 'household', recordId: await freshHousehold(ctx) }] } }),
    expect: wardRoute(403, 200),
  },
  {
    route: 'GET /api/v1/wards/:code/data-requests/:id/export.json',
    request: async (ctx) => ({ method: 'GET', url: `${W}/data-requests/${await freshRequest(ctx, 'access', true)}/export.json` }),
    expect: wardRoute(403, 200),
  },
  {
    route: 'GET /api/v1/wards/:code/data-requests/:id/export.html',
    request: async (ctx) => ({ method: 'GET', url: `${W}/data-requests/${await freshRequest(ctx, 'access', true)}/export.html` }),
    expect: wardRoute(403, 200),
  },
  {
    route: 'POST /api/v1/wards/:code/data-requests/:id/correct',
    request: async (ctx) => {
      const { id, recordId } = await linkedRequest(ctx, 'correction');
      return { method: 'POST', url: `${W}/data-requests/${id}/correct`, payload: { ref: { kind: 'household', recordId }, field: 'street', value: 'Lê Lợi' } };
    },
    expect: wardRoute(403, 200),
  },
  {
    route: 'POST /api/v1/wards/:code/data-requests/:id/erase',
    request: async (ctx) => {
      const { id, recordId } = await linkedRequest(ctx, 'erasure');
      return { method: 'POST', url: `${W}/data-requests/${id}/erase`, payload: { ref: { kind: 'household', recordId }, confirm: true } };
    },
    expect: wardRoute(403, 200),
  },
  {
    route: 'POST /api/v1/wards/:code/data-requests/:id/withdraw-consent',
    request: async (ctx) => {
      const { id, recordId } = await linkedRequest(ctx, 'withdraw_consent');
      return { method: 'POST', url: `${W}/data-requests/${id}/withdraw-consent`, payload: { ref: { kind: 'household', recordId }, purpose: 'survey', confirm: true } };
    },
    expect: wardRoute(403, 200),
  },
  // The audit trail is the ward admin's (issue 12 point 5): list, chain check, CSV export.
  { route: 'GET /api/v1/wards/:code/audit', request: () => ({ method: 'GET', url: `${W}/audit` }), expect: wardRoute(403, 200) },
  { route: 'GET /api/v1/wards/:code/audit/verify', request: () => ({ method: 'GET', url: `${W}/audit/verify` }), expect: wardRoute(403, 200) },
  { route: 'GET /api/v1/wards/:code/audit/export.csv', request: () => ({ method: 'GET', url: `${W}/audit/export.csv` }), expect: wardRoute(403, 200) },
  // The city roll-up (issue 15): city accounts of province 31 only; the province log, the city admin only.
  { route: 'GET /api/v1/provinces/:province/rollup', request: () => ({ method: 'GET', url: `${P}/rollup${Q}` }), expect: cityRoute(200) },
  { route: 'GET /api/v1/provinces/:province/rollup/weekly', request: () => ({ method: 'GET', url: `${P}/rollup/weekly${Q}` }), expect: cityRoute(200) },
  { route: 'GET /api/v1/provinces/:province/rollup.csv', request: () => ({ method: 'GET', url: `${P}/rollup.csv${Q}` }), expect: cityRoute(200) },
  { route: 'GET /api/v1/provinces/:province/rollup.xlsx', request: () => ({ method: 'GET', url: `${P}/rollup.xlsx${Q}` }), expect: cityRoute(200) },
  { route: 'GET /api/v1/provinces/:province/report', request: () => ({ method: 'GET', url: `${P}/report${Q}` }), expect: cityRoute(200) },
  { route: 'GET /api/v1/provinces/:province/wards/:code', request: () => ({ method: 'GET', url: `${P}/wards/${WARD}${Q}` }), expect: cityRoute(200) },
  { route: 'GET /api/v1/provinces/:province/wards/:code/weekly', request: () => ({ method: 'GET', url: `${P}/wards/${WARD}/weekly${Q}` }), expect: cityRoute(200) },
  { route: 'GET /api/v1/provinces/:province/wards/:code/export.csv', request: () => ({ method: 'GET', url: `${P}/wards/${WARD}/export.csv${Q}` }), expect: cityRoute(200) },
  { route: 'GET /api/v1/provinces/:province/audit', request: () => ({ method: 'GET', url: `${P}/audit` }), expect: cityRoute(403, 200) },
  // The signed-in person's own password: a session of any ward (here with a wrong current
  // password, so nothing changes); a device token is no session.
  {
    route: 'POST /api/v1/auth/password',
    request: () => ({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'not the current one 42', newPassword: 'a long new passphrase for the ward 7' } }),
    expect: { none: 401, garbage: 401, revoked: 401, device: 401, otherDevice: 401, deviceOtherWard: 401, staff: 400, admin: 400, otherAdmin: 400, city: 400, cityAdmin: 400 },
  },
  // Last: a caller's own session ends here (answered 204 whatever the token, so it tells nothing).
  { route: 'POST /api/v1/auth/logout', request: () => ({ method: 'POST', url: '/api/v1/auth/logout' }), expect: everyone(204) },
];

describe('authorization matrix', () => {
  let t: TestServer;
  let ctx: Ctx;

  beforeAll(async () => {
    t = await startTestServer(sqliteBackend, { rateLimits: { authPerMinute: 10_000, enrolPerMinute: 10_000, syncPerMinute: 10_000 } });
    const a = await t.enrol(WARD, 'Máy A');
    const b = await t.enrol(WARD, 'Máy B');
    const other = await t.enrol(OTHER_WARD, 'Máy phường khác');
    const revoked = await t.enrol(WARD, 'Máy đã thu hồi');
    await revokeDevice(t.db.db, revoked.deviceId);
    ctx = {
      t,
      deviceA: a.deviceId,
      tokens: {
        none: null,
        garbage: 'not-a-token-at-all',
        revoked: revoked.token,
        device: a.token,
        otherDevice: b.token,
        deviceOtherWard: other.token,
        staff: (await signIn(t, WARD, 'ward_staff')).token,
        admin: (await signIn(t, WARD, 'ward_admin')).token,
        otherAdmin: (await signIn(t, OTHER_WARD, 'ward_admin')).token,
        city: (await signInCity(t, '31')).token,
        cityAdmin: (await signInCity(t, '31', 'city_admin')).token,
      },
    };
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('has one row for every registered API route, and no row for a route that is gone', () => {
    const registered = registeredRoutes(t.app).map((r) => `${r.method} ${r.url}`);
    const api = registered.filter((r) => r.split(' ')[1]!.startsWith('/api/'));
    const rows = ROWS.map((r) => r.route);
    expect(api.filter((r) => !rows.includes(r))).toEqual([]); // a new route without a row fails here
    expect(rows.filter((r) => !api.includes(r))).toEqual([]);
    expect(new Set(rows).size).toBe(rows.length);
    // Anything else the server answers is the PWA's static files, public by nature.
    expect(registered.filter((r) => !r.split(' ')[1]!.startsWith('/api/')).filter((r) => !r.startsWith('GET '))).toEqual([]);
  });

  it.each(ROWS.map((r) => [r.route, r] as const))('%s', async (_name, row) => {
    const seen: Partial<Record<Caller, number>> = {};
    for (const caller of CALLERS) {
      const req = await row.request(ctx);
      const token = ctx.tokens[caller];
      const res: LightMyRequestResponse = await t.app.inject({
        method: req.method as 'GET',
        url: req.url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...req.headers },
        ...(req.body !== undefined ? { body: req.body } : req.payload !== undefined ? { payload: req.payload as object } : {}),
      });
      seen[caller] = res.statusCode;
      expect(res.headers['cache-control'], `${row.route} as ${caller}`).toBe('no-store');
      expect(res.statusCode, `${row.route} as ${caller}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
    }
    expect(seen).toEqual(row.expect);
  });
});
