// Staff accounts hardened: the password policy (and the forced change for older passwords), the
// lockout per account + IP, disable/enable/unlock from the admin CLI, the 30-minute idle
// timeout and the purge, sign-ins in the audit log, and scrypt at N = 2^17 with rehashing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticateSession,
  insertUser,
  lockDurationMs,
  login,
  purgeSessions,
} from '../../src/server/services/accounts.js';
import { listAudit } from '../../src/server/services/audit.js';
import { hashPassword, lowerPasswordCostForTests, SCRYPT_COST } from '../../src/server/services/secrets.js';
import { sqliteBackend } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { runAdmin } from '../helpers/spawn-server.js';
import { WARD } from '../helpers/records.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(sqliteBackend, { rateLimits: { authPerMinute: 1000 } });
});
afterAll(async () => {
  await t?.close();
});

let n = 0;
/** An account whose stored password was set under an older policy (no check here). */
async function account(password: string, role: 'ward_staff' | 'ward_admin' = 'ward_staff') {
  const username = `acct${++n}`;
  const { id } = await insertUser(t.db.db, { wardCode: WARD, username, role, passwordHash: await hashPassword(password) });
  return { id, username, password };
}

const signIn = (username: string, password: string, ip = '192.0.2.10') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { username, password } });
const overview = (token: string) => t.app.inject({ method: 'GET', url: `/api/v1/wards/${WARD}/indicators`, headers: { authorization: `Bearer ${token}` } });

describe('scrypt cost (the real one)', () => {
  it('hashes at N = 2^17, r = 8, and rehashes an older-cost hash at sign-in', async () => {
    expect(SCRYPT_COST).toEqual({ N: 131072, r: 8, p: 1 });
    expect(await hashPassword('hoa sen nở bên hồ Tây')).toMatch(/^scrypt\$131072\$8\$1\$/);
    lowerPasswordCostForTests(16384); // what main shipped before
    const old = await account('hoa sen nở bên hồ Tây');
    lowerPasswordCostForTests(SCRYPT_COST.N);
    const before = await t.db.db.selectFrom('users').select('password_hash').where('id', '=', old.id).executeTakeFirstOrThrow();
    expect(before.password_hash).toMatch(/^scrypt\$16384\$/);
    expect((await signIn(old.username, old.password)).statusCode).toBe(200);
    const after = await t.db.db.selectFrom('users').select('password_hash').where('id', '=', old.id).executeTakeFirstOrThrow();
    expect(after.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await signIn(old.username, old.password)).statusCode).toBe(200); // the new hash verifies
  }, 60_000);
});

describe('with a lower cost (the rules below are not about the cost)', () => {
  beforeAll(() => lowerPasswordCostForTests(1024));

  it('an older, shorter password signs in once, then must be changed before anything else', async () => {
    const old = await account('ten chars!'); // 10 characters: allowed before
    const res = await signIn(old.username, old.password);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ wardCode: WARD, mustChangePassword: true });
    const token = res.json().token as string;
    const blocked = await overview(token);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('password_change_required');

    const change = (currentPassword: string, newPassword: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' }, payload: { currentPassword, newPassword } });
    expect((await change('wrong one here', 'ngõ 12 nhà số 7 hẻm')).json().error.message).toBe('The current password is wrong.');
    expect((await change(old.password, 'short one')).json().error.message).toMatch(/at least 12/);
    expect((await change(old.password, 'password123456')).json().error.message).toMatch(/too common/);
    expect((await change(old.password, 'ngõ 12 nhà số 7 hẻm')).statusCode).toBe(204);
    expect((await overview(token)).statusCode).toBe(200);
    const again = await signIn(old.username, 'ngõ 12 nhà số 7 hẻm');
    expect(again.json().mustChangePassword).toBe(false);
  });

  it('refuses weak passwords when accounts are made (CLI and dashboard alike)', async () => {
    const admin = await account('quản trị viên phường', 'ward_admin');
    const token = (await signIn(admin.username, admin.password)).json().token as string;
    const add = (password: string) =>
      t.app.inject({ method: 'POST', url: `/api/v1/wards/${WARD}/users`, headers: { authorization: `Bearer ${token}` }, payload: { username: `new${++n}`, password } });
    expect((await add(' '.repeat(10))).statusCode).toBe(400); // ten spaces, accepted on main
    expect((await add('qwertyuiop123')).statusCode).toBe(400);
    expect((await add('mật khẩu thử nghiệm')).statusCode).toBe(201);
    const cli = runAdmin(['create-user', '--ward', WARD, '--username', 'cli.weak', '--password-stdin'], t.env, '          \n');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/at least 12 characters/);
  });

  it('locks an account for one IP after 5 failures (doubling waits, 15 minutes at most); other IPs still sign in', async () => {
    const a = await account('mật khẩu của chị Lan');
    for (let i = 0; i < 5; i++) expect((await signIn(a.username, 'sai mật khẩu rồi', '198.51.100.1')).statusCode).toBe(401);
    const locked = await signIn(a.username, a.password, '198.51.100.1'); // even the right password
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(50);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(60);
    // A stranger elsewhere cannot lock the owner out of the office.
    expect((await signIn(a.username, a.password, '203.0.113.50')).statusCode).toBe(200);
    expect([5, 6, 7, 8, 9, 10, 20].map((f) => lockDurationMs(f) / 60_000)).toEqual([1, 2, 4, 8, 15, 15, 15]);
    // After the wait, one more failure locks for 2 minutes.
    const later = new Date(Date.now() + 61_000);
    expect(await login(t.db.db, a.username, 'sai nữa rồi', { ip: '198.51.100.1', now: later })).toEqual({ ok: false, reason: 'invalid' });
    const stillLocked = await login(t.db.db, a.username, a.password, { ip: '198.51.100.1', now: new Date(later.getTime() + 1000) });
    expect(stillLocked).toMatchObject({ ok: false, reason: 'locked' });
    expect((stillLocked as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(110);
    // unlock-user (the admin CLI, another process) clears it at once.
    const r = runAdmin(['unlock-user', '--username', a.username], t.env);
    expect(r.code).toBe(0);
    expect((await signIn(a.username, a.password, '198.51.100.1')).statusCode).toBe(200);
  });

  it('disable-user ends the sessions and refuses sign-in; enable-user restores it', async () => {
    const a = await account('mật khẩu của anh Minh');
    const token = (await signIn(a.username, a.password)).json().token as string;
    expect((await overview(token)).statusCode).toBe(200);
    expect(runAdmin(['disable-user', '--username', a.username], t.env).code).toBe(0);
    expect((await overview(token)).statusCode).toBe(401);
    expect((await signIn(a.username, a.password)).statusCode).toBe(401);
    expect(runAdmin(['enable-user', '--username', a.username], t.env).code).toBe(0);
    expect((await signIn(a.username, a.password)).statusCode).toBe(200);
    expect(runAdmin(['disable-user', '--username', 'no.such.user'], t.env).code).toBe(2);
  });

  it('ends a session idle for 30 minutes, and purges expired and idle sessions', async () => {
    const a = await account('mật khẩu của cô Hoa');
    const token = (await signIn(a.username, a.password)).json().token as string;
    const now = Date.now();
    expect(await authenticateSession(t.db.db, token, new Date(now + 29 * 60_000))).not.toBeNull(); // used: the clock restarts
    expect(await authenticateSession(t.db.db, token, new Date(now + 58 * 60_000))).not.toBeNull();
    expect(await authenticateSession(t.db.db, token, new Date(now + 89 * 60_000))).toBeNull(); // 31 idle minutes
    const count = async () => Number((await t.db.db.selectFrom('sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    expect(await purgeSessions(t.db.db, new Date(now + 13 * 3600_000))).toBe(before);
    expect(await count()).toBe(0);
  });

  it('writes sign-ins and failures to the audit log, never the typed name of an unknown account', async () => {
    const a = await account('mật khẩu của bác Tư');
    await signIn(a.username, a.password, '192.0.2.77');
    await signIn(a.username, 'sai rồi bác ơi', '192.0.2.77');
    const typed = 'my secret passphrase typed as a username';
    await signIn(typed, 'whatever', '192.0.2.78');
    const entries = await listAudit(t.db.db, WARD, { limit: 1000 });
    expect(entries.find((e) => e.action === 'auth.login' && e.actorName === a.username)?.detail).toMatchObject({ ip: '192.0.2.77' });
    expect(entries.find((e) => e.action === 'auth.login_failed' && e.actorName === a.username)?.detail).toMatchObject({ ip: '192.0.2.77', reason: 'password' });
    const all = await t.db.db.selectFrom('audit_log').selectAll().execute();
    const unknown = all.filter((e) => e.action === 'auth.login_failed' && e.detail.includes('unknown_account'));
    expect(unknown.length).toBeGreaterThan(0);
    expect(JSON.stringify(all)).not.toContain(typed);
  });
});
