// Slow clients are cut; an honest upload as slow as the phone tolerates is not. The timeouts
// are scaled down (the phone's 120 s base becomes 1.5 s) so the test runs in seconds; the
// shipped values are checked by tests/integration/as-shipped.test.ts and below.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, DEFAULT_BODY_LIMIT } from '../../src/server/app.js';
import { bodyDeadlineMs, DEFAULT_TIMEOUTS, type Timeouts } from '../../src/server/timeouts.js';
import { clientRequestTimeoutMs } from '../../src/shared/protocol/sync.js';
import { sqliteBackend, type OpenedDb } from '../helpers/server-db.js';
import { FIXTURE_WARDS_DIR } from '../helpers/records.js';
import { slowUpload, trickle } from '../helpers/slow-client.js';

const scaled: Timeouts = { headersMs: 1000, clientBaseMs: 1500, bodyMarginMs: 500, keepAliveMs: 1000, checkIntervalMs: 200 };
let app: FastifyInstance;
let opened: OpenedDb;
let port: number;

beforeAll(async () => {
  opened = await sqliteBackend.open();
  app = await buildServer({ db: opened.server, seedsDir: FIXTURE_WARDS_DIR, timeouts: scaled, syncWorkers: 0 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app?.close();
  await opened?.cleanup();
});

const loginHead = (length: number) =>
  `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('slow clients', () => {
  it('30 clients trickling header bytes are all cut once the headers timeout passes', async () => {
    const clients = Array.from({ length: 30 }, () => trickle(port, 'GET /api/health HTTP/1.1\r\n', 'X-Slow: ' + 'a'.repeat(200), 200, 10_000));
    const closed = await Promise.all(clients.map((c) => c.closedAfter));
    for (const ms of closed) {
      expect(ms).not.toBeNull();
      expect(ms!).toBeGreaterThanOrEqual(scaled.headersMs - 50);
      expect(ms!).toBeLessThan(scaled.headersMs + 3 * scaled.checkIntervalMs + 1000);
    }
  });

  it('30 clients trickling a body byte by byte are cut at the deadline for their declared size', async () => {
    const body = JSON.stringify({ username: 'x', password: 'y'.repeat(80) });
    const clients = Array.from({ length: 30 }, () => trickle(port, loginHead(body.length), body, 200, 10_000));
    const closed = await Promise.all(clients.map((c) => c.closedAfter));
    const deadline = bodyDeadlineMs(body.length, scaled); // 2 s here
    for (const ms of closed) {
      expect(ms).not.toBeNull();
      expect(ms!).toBeGreaterThanOrEqual(deadline - 50);
      expect(ms!).toBeLessThan(deadline + 1500);
    }
  });

  it('an honest upload that finishes within the phone\'s own patience is answered, not cut', async () => {
    // 6000 bytes: the phone waits max(1.5 s, 3 s) = 3 s; this one takes about 2.8 s.
    const padding = 'đ'.repeat(2900);
    const body = Buffer.from(JSON.stringify({ username: 'x', password: 'y', padding }));
    expect(clientRequestTimeoutMs(body.length, scaled.clientBaseMs)).toBeGreaterThan(2800);
    const answer = await slowUpload(port, loginHead(body.length).replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'), body, 14, 2800);
    expect(answer).toMatch(/^HTTP\/1.1 (400|401) /); // answered (the body is not a valid sign-in), never reset
  });
});

describe('the shipped timeouts', () => {
  it('stay above the phone\'s wait for every body up to the limit, and cut within minutes', () => {
    for (const bytes of [0, 1, 1000, 240_000, 256 * 1024, 600_000, DEFAULT_BODY_LIMIT]) {
      expect(bodyDeadlineMs(bytes)).toBeGreaterThan(clientRequestTimeoutMs(bytes));
    }
    expect(bodyDeadlineMs(100)).toBe(150_000);
    expect(DEFAULT_TIMEOUTS.headersMs).toBeLessThanOrEqual(30_000);
    expect(bodyDeadlineMs(DEFAULT_BODY_LIMIT)).toBeLessThan(10 * 60_000);
  });
});
