// Headers (issue 10, defect 11): no-store on answers carrying a token or personal data (the
// authorization matrix checks every API route; here the successful ones that hand out tokens),
// HSTS only over HTTPS, and the PWA's own files keep their caching.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { sqliteBackend } from '../helpers/server-db.js';
import { signIn } from '../helpers/dashboard.js';
import { WARD } from '../helpers/records.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('security headers', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(sqliteBackend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('no-store on a successful sign-in and enrolment (they answer tokens)', async () => {
    const { username } = await signIn(t, WARD);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'mật khẩu thử nghiệm' } });
    expect(login.statusCode).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const code = (await import('../../src/server/services/enrolment-codes.js')).issueEnrolmentCode(t.db, WARD, 1);
    const enrol = await t.app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: (await code).code, volunteerName: 'Lan' } });
    expect(enrol.statusCode).toBe(201);
    expect(enrol.headers['cache-control']).toBe('no-store');
  });

  it('HSTS only when served over HTTPS', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    // Behind a trusted proxy that terminated TLS.
    const proxied = await buildServer({ db: t.db, trustProxy: 1, syncWorkers: 0 });
    try {
      const https = await proxied.inject({ method: 'GET', url: '/api/health', headers: { 'x-forwarded-proto': 'https' } });
      expect(https.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      const http = await proxied.inject({ method: 'GET', url: '/api/health', headers: { 'x-forwarded-proto': 'http' } });
      expect(http.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await proxied.close();
    }
  });
});
