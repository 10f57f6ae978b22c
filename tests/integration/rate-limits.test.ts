// The limits a stranger meets: random device tokens are refused before the body is read and
// counted per IP; a forged X-Forwarded-For never resets a per-IP count, whatever TRUST_PROXY.
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteBackend } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch } from '../helpers/records.js';
import { randomBytes } from 'node:crypto';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const randomToken = () => randomBytes(32).toString('base64url');

describe('device tokens', () => {
  it('authenticates from the header before reading the body: a bad token with a 2 MB body is 401, not 413', async () => {
    t = await startTestServer(sqliteBackend);
    const res = await t.sync(randomToken(), Buffer.alloc(2 * 1024 * 1024, 'x'), { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(401);
  });

  it('a stranger rotating random tokens is limited per IP; enrolled phones behind the same IP are not', async () => {
    t = await startTestServer(sqliteBackend, { rateLimits: { badTokenPerMinute: 5, syncPerMinute: 100 } });
    const phone = await t.enrol();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await t.sync(randomToken(), batch([]))).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // The honest phone keys on its own device, not on the address the stranger shares.
    expect((await t.sync(phone.token, batch([]))).statusCode).toBe(200);
  });

  it('the sync limit keys on the verified device, whatever token string is sent', async () => {
    t = await startTestServer(sqliteBackend, { rateLimits: { syncPerMinute: 2 } });
    const phone = await t.enrol();
    expect((await t.sync(phone.token, batch([]))).statusCode).toBe(200);
    const res = await t.sync(phone.token, batch([]));
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-ratelimit-limit']).toBe('2');
    expect((await t.sync(phone.token, batch([]))).statusCode).toBe(429);
  });
});

describe('X-Forwarded-For', () => {
  const login = (t: TestServer, xff?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '127.0.0.1', // the reverse proxy on this machine
      headers: xff ? { 'x-forwarded-for': xff } : {},
      payload: { username: 'nobody', password: 'wrong' },
    });

  it('with TRUST_PROXY=1 (one hop) a forged left-most value does not reset the per-IP sign-in limit', async () => {
    t = await startTestServer(sqliteBackend, { rateLimits: { authPerMinute: 3 }, trustProxy: 1 });
    const statuses: number[] = [];
    // The client writes a new fake address each time; the proxy appends the real one.
    for (let i = 0; i < 5; i++) statuses.push((await login(t, `10.9.8.${i}, 203.0.113.7`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Another real client behind the same proxy is counted on its own.
    expect((await login(t, '198.51.100.4')).statusCode).toBe(401);
  });

  it('with a list of proxy addresses, only those proxies are believed', async () => {
    t = await startTestServer(sqliteBackend, { rateLimits: { authPerMinute: 2 }, trustProxy: ['127.0.0.1'] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(t, `192.0.2.${i}, 10.1.1.${i}, 203.0.113.8`)).statusCode);
    expect(statuses).toEqual([401, 401, 429, 429]);
  });

  it('without TRUST_PROXY the header is ignored altogether', async () => {
    t = await startTestServer(sqliteBackend, { rateLimits: { authPerMinute: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await login(t, `203.0.113.${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 429, 429]);
  });
});
