// The admin CLI against the same database as the server: each command prints only its result.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { login } from '../../src/server/services/accounts.js';
import { backends } from '../helpers/server-db.js';
import { runAdmin } from '../helpers/spawn-server.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, householdRecord, OTHER_WARD, WARD } from '../helpers/records.js';

// Each command is a child process (~1 s to start under tsx).
vi.setConfig({ testTimeout: 60_000 });

describe.each(backends)('admin CLI on $name', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('list-wards prints CODE<TAB>NAME lines only', () => {
    const r = runAdmin(['list-wards'], t.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${WARD}\tPhường Chí Linh\n${OTHER_WARD}\tPhường Nam Đồng\n`);
  });

  it('issue-enrolment-code prints a code that enrols N devices', async () => {
    const r = runAdmin(['issue-enrolment-code', '--ward', WARD, '--uses', '2'], t.env);
    expect(r.code).toBe(0);
    const code = r.stdout.trim().split('\n').at(-1)!;
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const enrol = () =>
      t.app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: code, volunteerName: 'Hà' } });
    expect((await enrol()).statusCode).toBe(201);
    expect((await enrol()).statusCode).toBe(201);
    expect((await enrol()).statusCode).toBe(401);
    const bad = runAdmin(['issue-enrolment-code', '--ward', '99999'], t.env);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toBe('');
  });

  it('create-user reads the password from stdin; the user can sign in', async () => {
    const r = runAdmin(['create-user', '--ward', WARD, '--username', 'Mai.Anh', '--role', 'ward_admin', '--password-stdin'], t.env, 'một mật khẩu dài\n');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\t').slice(1)).toEqual(['mai.anh', 'ward_admin', WARD]);
    expect(r.stdout).not.toContain('mật khẩu');
    expect(await login(t.db.db, 'mai.anh', 'một mật khẩu dài')).toMatchObject({ wardCode: WARD, role: 'ward_admin' });
    const dup = runAdmin(['create-user', '--ward', WARD, '--username', 'mai.anh', '--password-stdin'], t.env, 'một mật khẩu dài\n');
    expect(dup.code).not.toBe(0);
  });

  it('revoke-device makes the token 401', async () => {
    const { deviceId, token } = await t.enrol();
    expect((await t.sync(token, batch([householdRecord({ seed: 1 })]))).statusCode).toBe(200);
    const r = runAdmin(['revoke-device', '--device', deviceId], t.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${deviceId}\n`);
    expect((await t.sync(token, batch([]))).statusCode).toBe(401);
    // The enrolment and the revocation are both in the ward's audit chain.
    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target', '=', deviceId).orderBy('seq').execute();
    expect(audit).toEqual([{ action: 'device.enrol', actor_id: deviceId }, { action: 'device.revoke', actor_id: 'cli' }]);
    expect(runAdmin(['revoke-device', '--device', 'no-such-device'], t.env).code).not.toBe(0);
  });
});
