// A ward endpoint on a backend, built with the fixture wards, driven through app.inject().
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildServer, type RateLimitOptions } from '../../src/server/app.js';
import type { TrustProxy } from '../../src/server/config.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { createPreparePool, type PreparePool } from '../../src/server/services/sync-prepare-pool.js';
import type { Backend } from './server-db.js';
import { FIXTURE_WARDS_DIR, WARD } from './records.js';

export interface TestServer {
  app: FastifyInstance;
  db: Awaited<ReturnType<Backend['open']>>['server'];
  env: Record<string, string>;
  /** The started pool when `syncWorkers` was given. */
  preparePool?: PreparePool;
  enrol(wardCode?: string, volunteerName?: string): Promise<{ deviceId: string; token: string }>;
  sync(token: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  rateLimits?: RateLimitOptions;
  /**
   * Worker threads preparing sync batches, started before the first request so every batch
   * goes through them (0: every batch inline). Default: the server's own lazy pool.
   */
  syncWorkers?: number;
  trustProxy?: TrustProxy;
  /** Ward configurations loaded at start (default: the fixture wards). */
  seedsDir?: string;
}

export async function startTestServer(backend: Backend, options: TestServerOptions = {}): Promise<TestServer> {
  const opened = await backend.open();
  // Every batch to the workers, even one alone (production prepares a lone batch inline).
  const pool = options.syncWorkers === undefined ? undefined : createPreparePool(options.syncWorkers, { inlineWhenAlone: false });
  if (pool && options.syncWorkers! > 0) {
    await pool.start();
    if (pool.size !== options.syncWorkers) throw new Error(`only ${pool.size} of ${options.syncWorkers} sync workers started`);
  }
  const app = await buildServer({ db: opened.server, seedsDir: options.seedsDir ?? FIXTURE_WARDS_DIR, rateLimits: options.rateLimits, syncPreparePool: pool, trustProxy: options.trustProxy });
  return {
    app,
    db: opened.server,
    env: opened.env,
    preparePool: pool,
    async enrol(wardCode = WARD, volunteerName = 'Nguyễn Thị Test') {
      const code = (await issueEnrolmentCode(opened.server, wardCode, 1)).code;
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/devices/enrol',
        payload: { wardCode, enrolmentCode: code, volunteerName },
      });
      if (res.statusCode !== 201) throw new Error(`enrol failed: ${res.statusCode} ${res.body}`);
      return res.json() as { deviceId: string; token: string };
    },
    sync(token, body, headers = {}) {
      const options: InjectOptions = {
        method: 'POST',
        url: '/api/v1/sync',
        headers: { authorization: `Bearer ${token}`, ...headers },
      };
      if (typeof body === 'string' || Buffer.isBuffer(body)) options.body = body;
      else options.payload = body as InjectOptions['payload'];
      return app.inject(options);
    },
    async close() {
      await app.close();
      await pool?.close();
      await opened.cleanup();
    },
  };
}
