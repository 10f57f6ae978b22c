// Enrolment codes (issue 10, defect 7), each point a test that failed on main: the link carries
// the code in the fragment; codes expire (default 7 days, expiresAt answered); they are listed
// and revoked on the dashboard and in the CLI; stored as HMAC-SHA-256 under a key kept in a
// 0600 file of the data folder, not in the database; uses capped per role; and the server's
// request log never shows a code, even from an old `?code=` link.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { SERVER_SECRET_FILE } from '../../src/server/services/server-secret.js';
import { get, send, signIn } from '../helpers/dashboard.js';
import { OTHER_WARD, WARD } from '../helpers/records.js';
import { backends, tempDir } from '../helpers/server-db.js';
import { freePort, runAdmin, spawnServer } from '../helpers/spawn-server.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

vi.setConfig({ testTimeout: 60_000 });

describe.each(backends)('enrolment codes on $name', (backend) => {
  let t: TestServer;
  let staff: string;
  let admin: string;
  let otherAdmin: string;
  beforeAll(async () => {
    t = await startTestServer(backend);
    staff = (await signIn(t, WARD, 'ward_staff')).token;
    admin = (await signIn(t, WARD, 'ward_admin')).token;
    otherAdmin = (await signIn(t, OTHER_WARD, 'ward_admin')).token;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const enrol = (code: string, wardCode = WARD) =>
    t.app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode, enrolmentCode: code, volunteerName: 'Hà' } });
  const issue = (token: string, body: unknown) => send(t, token, 'POST', `/api/v1/wards/${WARD}/enrolment-codes`, body);

  it('answers a link with the code in the fragment, and an expiry 7 days ahead by default', async () => {
    const before = Date.now();
    const res = await issue(staff, { uses: 2 });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const url = new URL(body.link);
    expect(url.search).toBe('');
    expect(url.hash).toBe(`#/enrol?ward=${WARD}&code=${body.code}`);
    const expires = Date.parse(body.expiresAt);
    expect(expires - before).toBeGreaterThanOrEqual(7 * 86_400_000 - 1000);
    expect(expires - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
    expect((await enrol(body.formatted)).statusCode).toBe(201);
  });

  it('caps uses by role: ward staff 50, ward admin 1000, with a translated message', async () => {
    expect((await issue(staff, { uses: 50 })).statusCode).toBe(201);
    const over = await issue(staff, { uses: 51 }, );
    expect(over.statusCode).toBe(403);
    expect(over.json().error.message).toMatch(/50/);
    expect((await issue(admin, { uses: 1000 })).statusCode).toBe(201);
    expect((await issue(admin, { uses: 1001 })).statusCode).toBe(400);
    expect((await issue(admin, { uses: 1, expiresDays: 0 })).json().error.message).toMatch(/90/);
  });

  it('refuses an expired code', async () => {
    const old = await issueEnrolmentCode(t.db, WARD, 5, new Date(Date.now() - 8 * 86_400_000));
    expect((await enrol(old.code)).statusCode).toBe(401);
    const short = await issueEnrolmentCode(t.db, WARD, 5, new Date(Date.now() - 86_400_000 + 60_000), { expiresDays: 1 });
    expect((await enrol(short.code)).statusCode).toBe(201);
  });

  it('lists codes without their secrets and revokes one; another ward can do neither', async () => {
    const issued = (await issue(staff, { uses: 3, expiresDays: 2 })).json();
    const list = await get(t, staff, `/api/v1/wards/${WARD}/enrolment-codes`);
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('no-store');
    const row = list.json().codes.find((c: { id: string }) => c.id === issued.id);
    expect(row).toMatchObject({ usesLeft: 3, usesTotal: 3, state: 'usable', expiresAt: issued.expiresAt, revokedAt: null });
    expect(list.body).not.toContain(issued.code);
    expect(list.body).not.toContain('code_hash');
    expect((await send(t, otherAdmin, 'POST', `/api/v1/wards/${OTHER_WARD}/enrolment-codes/${issued.id}/revoke`)).statusCode).toBe(404);
    expect((await send(t, otherAdmin, 'POST', `/api/v1/wards/${WARD}/enrolment-codes/${issued.id}/revoke`)).statusCode).toBe(403);
    expect((await send(t, staff, 'POST', `/api/v1/wards/${WARD}/enrolment-codes/${issued.id}/revoke`)).statusCode).toBe(200);
    expect((await enrol(issued.code)).statusCode).toBe(401);
    const after = (await get(t, staff, `/api/v1/wards/${WARD}/enrolment-codes`)).json().codes.find((c: { id: string }) => c.id === issued.id);
    expect(after.state).toBe('revoked');
    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'enrolment_code.%').execute();
    expect(audit.map((a) => a.action)).toContain('enrolment_code.revoke');
    expect(JSON.stringify(audit)).not.toContain(issued.code);
  });

  it('stores an HMAC under the key in the data folder (0600), not a plain SHA-256', async () => {
    const issued = await issueEnrolmentCode(t.db, WARD, 1);
    const row = await t.db.db.selectFrom('enrolment_codes').select('code_hash').where('id', '=', issued.id).executeTakeFirstOrThrow();
    const plain = createHash('sha256').update(issued.code).digest('base64url');
    expect(row.code_hash).not.toBe(plain);
    const file = path.join(t.env.DATA_DIR!, SERVER_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
    expect(row.code_hash).toBe(createHmac('sha256', key).update(issued.code).digest('base64url'));
    // The key is nowhere in the database.
    const meta = await t.db.db.selectFrom('server_meta').select('value').execute();
    expect(JSON.stringify(meta)).not.toContain(key.toString('base64url'));
  });

  it('CLI: --expires-days, list-enrolment-codes and revoke-enrolment-code', async () => {
    const r = runAdmin(['issue-enrolment-code', '--ward', WARD, '--uses', '4', '--expires-days', '3'], t.env);
    expect(r.code).toBe(0);
    const code = r.stdout.trim().split('\n').at(-1)!;
    const listed = runAdmin(['list-enrolment-codes', '--ward', WARD], t.env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(code);
    const line = listed.stdout.split('\n').find((l) => l.includes('\t0/4') || l.includes('\t4/4'))!;
    const [id, ward, state, uses, expiresAt, by] = line.split('\t');
    expect([ward, state, uses, by]).toEqual([WARD, 'usable', '4/4', 'cli']);
    expect(Math.round((Date.parse(expiresAt!) - Date.now()) / 86_400_000)).toBe(3);
    expect(runAdmin(['revoke-enrolment-code', '--id', id!], t.env).code).toBe(0);
    expect((await enrol(code)).statusCode).toBe(401);
    expect(runAdmin(['list-enrolment-codes', '--ward', WARD], t.env).stdout).toContain(`${id}\t${WARD}\trevoked\t`);
    expect(runAdmin(['revoke-enrolment-code', '--id', 'nope'], t.env).code).not.toBe(0);
  });
});

describe('the request log of a running server', () => {
  it('never shows an enrolment code, even from an old ?code= link', async () => {
    const dir = tempDir();
    const port = await freePort();
    const server = await spawnServer({ PORT: String(port), DATA_DIR: dir, LOG: 'info' });
    try {
      const url = `http://127.0.0.1:${port}`;
      await fetch(`${url}/?ward=${WARD}&code=QWER-TYUP`);
      await fetch(`${url}/#/enrol?ward=${WARD}&code=ASDF-GHJK`);
      await fetch(`${url}/api/v1/devices/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ wardCode: WARD, enrolmentCode: 'ZXCV-NMKL', volunteerName: 'Lan' }),
      });
      const first = /Enrolment code for a first device[^:]*: ([A-Z0-9-]+)/.exec(server.stdout())![1]!;
      const out = server.stdout() + server.stderr();
      expect(out).toMatch(/"url":"\/\?ward=10546&code=\[redacted\]"/);
      for (const secret of ['QWER-TYUP', 'ASDF-GHJK', 'ZXCV-NMKL']) expect(out).not.toContain(secret);
      // (The first-start banner prints its own code once, by design; it is not a request log line.)
      expect(out.split('\n').filter((l) => l.includes(first))).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
