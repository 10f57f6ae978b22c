// Enrolment, device tokens, staff sign-in, the ward configuration endpoint, rate limits and
// security headers, on every storage backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, revokeDevice } from '../../src/server/services/accounts.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { backends, sqliteBackend } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, householdRecord, OTHER_WARD, WARD } from '../helpers/records.js';

function enrolReq(t: TestServer, payload: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: payload as object, headers });
}

describe.each(backends)('accounts on $name', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('enrols with a valid code (201), counts uses, refuses a used-up code (401)', async () => {
    const code = (await issueEnrolmentCode(t.db, WARD, 2)).code;
    const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`; // as read aloud: dash and lower case
    const a = await enrolReq(t, { wardCode: WARD, enrolmentCode: typed, volunteerName: 'Phạm Thu' });
    expect(a.statusCode).toBe(201);
    expect(Object.keys(a.json()).sort()).toEqual(['deviceId', 'token']);
    const b = await enrolReq(t, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Phạm Thu 2' });
    expect(b.statusCode).toBe(201);
    const c = await enrolReq(t, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Phạm Thu 3' });
    expect(c.statusCode).toBe(401);
    expect(c.json().error.code).toBe('unauthorized');
    const row = await t.db.db.selectFrom('devices').select('token_hash').where('id', '=', a.json().deviceId).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toBe(a.json().token); // stored hashed
  });

  it('401 for a wrong code, 403 for a valid code of another ward, 400 for a bad body', async () => {
    expect((await enrolReq(t, { wardCode: WARD, enrolmentCode: 'AAAAAAAA', volunteerName: 'X' })).statusCode).toBe(401);
    const other = (await issueEnrolmentCode(t.db, OTHER_WARD, 1)).code;
    const res = await enrolReq(t, { wardCode: WARD, enrolmentCode: other, volunteerName: 'X' }, { 'accept-language': 'en' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: { code: 'forbidden', message: 'This enrolment code belongs to another ward.' } });
    // The 403 did not spend the code.
    expect((await enrolReq(t, { wardCode: OTHER_WARD, enrolmentCode: other, volunteerName: 'X' })).statusCode).toBe(201);
    expect((await enrolReq(t, { wardCode: WARD })).statusCode).toBe(400);
  });

  it('a revoked (lost) device gets 410 device_lost on sync and config', async () => {
    const { deviceId, token } = await t.enrol();
    expect((await t.sync(token, batch([householdRecord({ seed: 1 })]))).statusCode).toBe(200);
    expect(await revokeDevice(t.db.db, deviceId)).toBe(true);
    const res = await t.sync(token, batch([householdRecord({ seed: 2 })]));
    expect(res.statusCode).toBe(410);
    expect(res.json().error.code).toBe('device_lost');
    const cfg = await t.app.inject({ method: 'GET', url: '/api/v1/config', headers: { authorization: `Bearer ${token}` } });
    expect(cfg.statusCode).toBe(410);
  });

  it('serves the ward configuration to a device of that ward', async () => {
    const { token } = await t.enrol(OTHER_WARD);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/config', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const cfg = res.json();
    expect(cfg.code).toBe(OTHER_WARD);
    expect(cfg.groups.length).toBeGreaterThan(0);
    expect(cfg.settings.adultAge).toBe(18);
    expect(cfg.currentNoticeVersion).toBe('2026-01');
    expect(cfg.consentNotices[0].text.vi.length).toBeGreaterThan(10);
    expect(cfg.targets).toBeTypeOf('object');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/config' })).statusCode).toBe(401);
  });

  it('signs staff in; a wrong password and an unknown user get the same 401', async () => {
    await createUser(t.db.db, { wardCode: WARD, username: 'can.bo', password: 'mật khẩu đủ dài', role: 'ward_staff' });
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'can.bo', password: 'mật khẩu đủ dài' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ token: expect.any(String), wardCode: WARD, role: 'ward_staff', mustChangePassword: false });
    const wrongPw = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'can.bo', password: 'sai' } });
    const noUser = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'khong.co', password: 'sai' } });
    expect(wrongPw.statusCode).toBe(401);
    expect(noUser.statusCode).toBe(401);
    expect(wrongPw.json()).toEqual(noUser.json());
    // A session token reads its ward's configuration but cannot sync.
    const session = ok.json().token as string;
    const cfg = await t.app.inject({ method: 'GET', url: '/api/v1/config', headers: { authorization: `Bearer ${session}` } });
    expect(cfg.json().code).toBe(WARD);
    expect((await t.sync(session, batch([householdRecord({ seed: 3 })]))).statusCode).toBe(401);
    const sessions = await t.db.db.selectFrom('sessions').select('token_hash').execute();
    expect(sessions.map((s) => s.token_hash)).not.toContain(session);
    // Signing out ends the session.
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${session}` } });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/config', headers: { authorization: `Bearer ${session}` } })).statusCode).toBe(401);
  });
});

describe('rate limits and headers', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(sqliteBackend, { rateLimits: { syncPerMinute: 3, authPerMinute: 2, enrolPerMinute: 3 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('per IP only failed sign-ins and enrolments count; 429 with Retry-After in the error shape', async () => {
    await createUser(t.db.db, { wardCode: WARD, username: 'limit.ok', password: 'mật khẩu đủ dài nhé', role: 'ward_staff' });
    const login = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'limit.ok', password } });
    // Successful sign-ins from one office address are free…
    for (let i = 0; i < 3; i++) expect((await login('mật khẩu đủ dài nhé')).statusCode).toBe(200);
    // …failures are counted: 2 allowed, then 429 even for the right password.
    const first = await login('sai');
    expect(first.statusCode).toBe(401);
    expect(first.headers['x-ratelimit-limit']).toBe('2');
    expect((await login('sai')).statusCode).toBe(401);
    const limited = await login('mật khẩu đủ dài nhé');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error.code).toBe('rate_limited');

    // A whole team enrolling at one table: successes are free, failures are limited (3).
    const devices = [];
    for (let i = 0; i < 5; i++) devices.push(await t.enrol());
    for (let i = 0; i < 3; i++) expect((await enrolReq(t, { wardCode: WARD, enrolmentCode: 'AAAAAAAA', volunteerName: 'X' })).statusCode).toBe(401);
    const enrolLimited = await enrolReq(t, { wardCode: WARD, enrolmentCode: 'AAAAAAAA', volunteerName: 'X' });
    expect(enrolLimited.statusCode).toBe(429);
    expect(enrolLimited.json().error.code).toBe('rate_limited');

    // Sync: per verified device.
    const [a, b] = [devices[0]!, devices[1]!];
    for (let i = 0; i < 3; i++) expect((await t.sync(a.token, batch([]))).statusCode).toBe(200);
    const res = await t.sync(a.token, batch([]));
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    // Another device behind the same address is not throttled by the first.
    expect((await t.sync(b.token, batch([]))).statusCode).toBe(200);
  });

  it('sends security headers with a Content-Security-Policy', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests'); // ward servers on a LAN may be plain http
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
