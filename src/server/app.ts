import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { ServerDb } from './db/connect.js';
import { HttpError } from './http-error.js';
import { message, pickLang, type MessageKey } from './services/messages.js';
import { listWards, loadWardSeeds } from './services/wards.js';
import { authRoutes } from './routes/auth.js';
import { deviceRoutes } from './routes/devices.js';
import { syncRoutes } from './routes/sync.js';
import { DeviceContacts } from './services/device-contact.js';
import { createPreparePool, defaultSyncWorkerCount, type PreparePool } from './services/sync-prepare-pool.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { cityRoutes } from './routes/city.js';
import { provincesDirBeside, readProvinceSeeds } from './services/provinces.js';
import type { RequestErrorCode } from '../shared/protocol/sync.js';
import { DEFAULT_RATE_LIMITS, mergeRateLimits, type RateLimits, type TrustProxy } from './config.js';
import { FailureLimiter } from './services/failure-limiter.js';
import { checkHealth } from './services/health.js';
import { backupStatus } from './services/backup.js';
import { purgeSessions } from './services/accounts.js';
import { startRetentionSchedule, type RetentionSchedule, type RetentionScheduleOptions } from './services/retention.js';
import { DEFAULT_TIMEOUTS, installBodyDeadline, timedServerFactory, type Timeouts } from './timeouts.js';

/** Any of the limits of config.ts; a missing (or undefined) one keeps its default. */
export type RateLimitOptions = Partial<Record<keyof RateLimits, number | undefined>>;

export interface ServerOptions {
  /** The query layer (SQLite or PostgreSQL), opened and migrated (db/connect.ts). */
  db: ServerDb;
  /** Folder of the production PWA build (vite's dist/); not served when missing. */
  staticRoot?: string;
  /** Ward configurations (seeds/wards); wards missing from the database are loaded at build. */
  seedsDir?: string;
  rateLimits?: RateLimitOptions;
  /**
   * Province configurations (seeds/provinces, optional: a province's own targets for the city
   * roll-up). Default: the `provinces` folder beside seedsDir, when seedsDir is given.
   */
  provincesDir?: string;
  /** false (default) for silence, true for info, or a pino level. */
  logger?: boolean | string;
  /** Largest request body, after gzip decompression (default 1 MB). */
  bodyLimit?: number;
  /**
   * Behind a reverse proxy: how many proxy hops, or which proxy addresses, to believe in
   * X-Forwarded-For for the per-IP limits (config.ts parseTrustProxy). Default: none.
   */
  trustProxy?: TrustProxy;
  /** Socket and request timeouts (timeouts.ts); tests lower them to run in seconds. */
  timeouts?: Partial<Timeouts>;
  /** Worker threads preparing sync batches (default: one per spare core, 1–4; 0 = inline). */
  syncWorkers?: number;
  /** A pool of the caller's (started, shared, closed by the caller) instead of syncWorkers. */
  syncPreparePool?: PreparePool;
  /**
   * Apply every ward's retention (services/retention.ts) shortly after start and then daily;
   * stopped when the server closes. Off unless given (main.ts gives it; tests choose).
   */
  retention?: Pick<RetentionScheduleOptions, 'intervalMs' | 'firstRunDelayMs' | 'now'>;
}

export { DEFAULT_RATE_LIMITS };

/** Helmet's headers that browsers apply to documents (and workers) only, never to a module script or stylesheet. */
const DOCUMENT_ONLY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Fastify's own client-error codes, answered in the project's error shape. */
const FASTIFY_ERRORS: Record<string, { status: number; code: RequestErrorCode; key: MessageKey }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', key: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', key: 'unsupported_media_type' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'bad_request', key: 'bad_json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'bad_request', key: 'bad_json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', key: 'bad_request' },
};

export interface RegisteredRoute {
  method: string;
  url: string;
}
const ROUTES = new WeakMap<FastifyInstance, RegisteredRoute[]>();
const RETENTION = new WeakMap<FastifyInstance, RetentionSchedule>();

/** The retention schedule of a server built with `retention` (tests read its run count). */
export function retentionScheduleOf(app: FastifyInstance): RetentionSchedule | undefined {
  return RETENTION.get(app);
}

/** The routes registered on a server built by buildServer (HEAD left out: Fastify adds it to every GET). */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return ROUTES.get(app) ?? [];
}

/** A URL with the values of secret-bearing query parameters (`code`, `token`) replaced. */
export function redactSecretsInUrl(url: string): string {
  return url.replace(/([?&](?:code|token|enrolmentCode)=)[^&#]*/gi, '$1[redacted]');
}

/**
 * Database errors that are the storage's state, not a fault of the request or the code: answered
 * 503 with Retry-After (phones retry 5xx and wait at least that long). The batch's transaction
 * rolled back, so nothing of it was stored.
 */
export function storageUnavailable(error: unknown): { key: MessageKey; retryAfterSeconds: number } | null {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  // SQLITE_FULL (disk full, or max_page_count), ENOSPC, PostgreSQL 53100 disk_full / 53* resources.
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || /^53\d{3}$/.test(code)) return { key: 'storage_full', retryAfterSeconds: 300 };
  // Another process held the write lock past busy_timeout; PostgreSQL lock timeouts/deadlocks.
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED' || code === '55P03' || code === '40P01') {
    return { key: 'database_busy', retryAfterSeconds: 5 };
  }
  if (/^SQLITE_(CORRUPT|NOTADB|IOERR|CANTOPEN|READONLY)/.test(code) || code === 'EIO' || code === '57P01' || code === '57P03' || code === 'ECONNREFUSED') {
    return { key: 'database_unavailable', retryAfterSeconds: 60 };
  }
  return null;
}

/**
 * Fastify 5.12 treats a numeric trustProxy as "trust nothing", so a hop count becomes the
 * function Express uses: the socket's peer (hop 0) and the next `hops - 1` addresses are
 * proxies; the client is the address the outermost trusted proxy appended. A client's own
 * X-Forwarded-For entries sit to the left of it and are never read.
 */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return trust > 0 ? (_address: string, hop: number) => hop < trust : false;
  return trust;
}

/**
 * Builds the ward endpoint from its dependencies without listening, so tests can use
 * `app.inject()` or listen on a port of their choosing.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const limits = mergeRateLimits(options.rateLimits);
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS };
  for (const [key, value] of Object.entries(options.timeouts ?? {})) if (value !== undefined) timeouts[key as keyof Timeouts] = value;
  const logLevel = options.logger === true ? 'info' : typeof options.logger === 'string' ? options.logger : null;
  const app = Fastify({
    // Pino's default request serializer logs method, url and address only: no bodies, no
    // headers. The redaction is a second belt in case a header is ever logged.
    logger: logLevel
      ? {
          level: logLevel,
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          // An old enrolment link (`/?ward=…&code=…`) still reaches the server: its code never
          // reaches the log. New links carry it in the fragment, which is never sent.
          serializers: {
            req: (request: { method: string; url: string; host?: string; ip?: string }) => ({
              method: request.method,
              url: redactSecretsInUrl(request.url),
              host: request.host,
              remoteAddress: request.ip,
            }),
          },
        }
      : false,
    bodyLimit,
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    serverFactory: timedServerFactory(timeouts, bodyLimit),
  });
  installBodyDeadline(app, timeouts, bodyLimit);

  if (options.seedsDir) await loadWardSeeds(options.db.db, options.seedsDir);
  // Every ward's sealing key pair exists before the first phone asks for it (services/ward-keys.ts);
  // a damaged key file stops the start here, with its name, rather than failing syncs later.
  for (const ward of await listWards(options.db.db)) await options.db.wardKeys.ensure(ward.code);

  // Every route this server answers, as registered (the authorization matrix test walks it,
  // so a route added without a row there fails the test).
  const routes: RegisteredRoute[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });

  app.decorateRequest('principal', null);

  // Sessions past their 12 hours or idle 30 minutes are refused anyway; this deletes their rows
  // (and stale sign-in failure counts), at start and every 10 minutes.
  const purge = () => purgeSessions(options.db.db).catch((error: unknown) => app.log.warn({ err: error }, 'session purge failed'));
  await purge();
  const purgeTimer = setInterval(() => void purge(), 10 * 60_000);
  purgeTimer.unref();
  app.addHook('onClose', async () => clearInterval(purgeTimer));

  if (options.retention) {
    const schedule = startRetentionSchedule(options.db, {
      ...options.retention,
      onReport: (_report, line) => app.log.info(line),
      onError: (error) => {
        // Loud, whatever the log level: names past retention are still stored.
        app.log.error({ err: error }, 'retention run failed');
        if (!logLevel) process.stderr.write(`Gõ Cửa: retention run failed: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    });
    RETENTION.set(app, schedule);
    // Before the database closes (the caller closes it after app.close()).
    app.addHook('onClose', () => schedule.stop());
  }

  // gzip request bodies: decompressed here, and Fastify's body limit then applies to the
  // decompressed size too (receivedEncodedLength is what it compares with Content-Length).
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding === 'identity' || encoding === '') return payload;
    if (encoding !== 'gzip' && encoding !== 'x-gzip') {
      throw new HttpError(415, 'unsupported_media_type', 'not_acceptable_encoding');
    }
    const gunzip = createGunzip() as ReturnType<typeof createGunzip> & { receivedEncodedLength: number };
    gunzip.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => {
      gunzip.receivedEncodedLength += chunk.length;
    });
    payload.on('error', (error) => gunzip.destroy(error));
    // When the body is never read (e.g. a 415 for the content type), a broken gzip stream must
    // not become an uncaught exception; when it is read, Fastify's own listener answers 400.
    gunzip.on('error', () => {});
    payload.pipe(gunzip);
    return gunzip as unknown as Readable & typeof payload;
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const lang = pickLang(request.headers['accept-language']);
    if (error instanceof HttpError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      return reply.code(error.statusCode).send({ error: { code: error.code, message: message(error.messageKey, lang) } });
    }
    const unavailable = storageUnavailable(error);
    if (unavailable) {
      request.log.error({ err: error }, 'storage unavailable');
      reply.header('retry-after', String(unavailable.retryAfterSeconds));
      return reply.code(503).send({ error: { code: 'unavailable', message: message(unavailable.key, lang) } });
    }
    const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
    if (known) return reply.code(known.status).send({ error: { code: known.code, message: message(known.key, lang) } });
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      // A client error Fastify found (bad JSON, a broken gzip stream, …): say so, never a 500.
      const key: MessageKey = error instanceof SyntaxError || /json/i.test(error.message) ? 'bad_json' : 'bad_request';
      return reply.code(status === 413 ? 413 : 400).send({ error: { code: status === 413 ? 'payload_too_large' : 'bad_request', message: message(status === 413 ? 'payload_too_large' : key, lang) } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: { code: 'server_error', message: message('server_error', lang) } });
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // No inline scripts or style attributes: React's `style` prop goes through the CSSOM,
        // which CSP does not block. Checked in Chromium on the built app (home, enrol, survey,
        // list, revisits): no violations.
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // No upgrade-insecure-requests: ward servers on a LAN are often plain http.
      },
    },
    crossOriginEmbedderPolicy: false,
    // HSTS only over HTTPS (below): a ward server on a LAN is often plain http, and a browser
    // told "HTTPS only" for its address could no longer reach it.
    hsts: false,
  });

  app.addHook('onSend', async (request, reply, payload) => {
    // Every API answer may carry personal data or a token (drill-downs, sign-in, enrolment,
    // follow-ups, exports): no browser, proxy or service-worker cache may keep it.
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=15552000; includeSubDomains');
    return payload;
  });

  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, 'rate_limited', 'rate_limited', { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) }),
  });

  app.get('/api/health', async (request, reply) => {
    let problem = await checkHealth(options.db);
    let lastBackup: { at: string; ageSeconds: number } | null = null;
    if (!problem) {
      try {
        const last = (await backupStatus(options.db.db)).lastSuccess;
        if (last) lastBackup = { at: last.at, ageSeconds: last.ageSeconds };
      } catch (error) {
        problem = `backup_runs: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    reply.header('cache-control', 'no-store');
    if (problem) {
      request.log.error({ problem }, 'health check failed');
      reply.header('retry-after', '30');
      return reply.code(503).send({ status: 'unavailable', db: options.db.dialect });
    }
    // Public: only when the last good backup was taken and how long ago, nothing else about it.
    return {
      status: 'ok',
      db: options.db.dialect,
      lastBackup,
    };
  });
  // Requests with a missing or unknown device token, per client IP, across the device routes.
  const badTokens = new FailureLimiter(limits.badTokenPerMinute);
  // Each device's last contact and outbox count (routes/principal.ts, routes/sync.ts).
  const contacts = new DeviceContacts(options.db.db);
  await app.register(authRoutes, { db: options.db, authPerMinute: limits.authPerMinute });
  await app.register(deviceRoutes, { db: options.db, enrolPerMinute: limits.enrolPerMinute, badTokens, contacts });
  const preparePool = options.syncPreparePool ?? createPreparePool(options.syncWorkers ?? defaultSyncWorkerCount(), {
    onProblem: (problem) => app.log.warn(problem),
  });
  // A pool made here is closed here; one passed in belongs to the caller.
  if (!options.syncPreparePool) app.addHook('onClose', () => preparePool.close());
  await app.register(syncRoutes, { db: options.db, perMinute: limits.syncPerMinute, preparePool, badTokens, contacts });
  await app.register(dashboardRoutes, { db: options.db });
  const provincesDir = options.provincesDir ?? (options.seedsDir ? provincesDirBeside(options.seedsDir) : undefined);
  await app.register(cityRoutes, { db: options.db, provinces: readProvinceSeeds(provincesDir) });

  const staticRoot = options.staticRoot;
  const serveStatic = staticRoot !== undefined && existsSync(staticRoot);
  if (serveStatic) {
    await app.register(fastifyStatic, {
      root: path.resolve(staticRoot),
      wildcard: false,
      // The build writes .br and .gz beside every text file (scripts/build/precompress.ts): the
      // best one the browser accepts is sent (br > gzip > the file), with Vary: Accept-Encoding,
      // and nothing is compressed per request. The copies get no routes of their own.
      preCompressed: true,
      globIgnore: ['**/*.br', '**/*.gz'],
      // Caching: hashed assets never change, so they are immutable; the service worker script,
      // the manifest and index.html must be revalidated on every load or updates never arrive.
      setHeaders(reply, filePath) {
        const rel = path.relative(staticRoot, filePath).split(path.sep).join('/');
        if (rel.startsWith('assets/')) {
          reply.header('cache-control', 'public, max-age=31536000, immutable');
          // Hashed module scripts and stylesheets (no worker script lives here): the headers
          // that only a document (or a worker) obeys are dropped, ~500 bytes a file on a
          // volunteer's first, slow download (issue 13). nosniff and CORP stay: they guard
          // subresources. The HTML, sw.js and the manifest keep every header.
          if (/\.(?:js|css)(?:\.(?:br|gz))?$/.test(rel)) for (const name of DOCUMENT_ONLY_HEADERS) reply.removeHeader(name);
        } else {
          reply.header('cache-control', 'no-cache');
        }
      },
    });
  }
  // Client-side routes fall back to the app shell; unknown API paths stay 404 JSON.
  app.setNotFoundHandler((request, reply) => {
    if (!serveStatic || request.url.startsWith('/api/') || request.method !== 'GET') {
      const lang = pickLang(request.headers['accept-language']);
      return reply.code(404).send({ error: { code: 'not_found', message: message('not_found', lang) } });
    }
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  });
  return app;
}
