// POST /api/v1/sync. The body's bytes go to services/sync-prepare.ts (envelope, JSON, each
// record; in a worker thread, see sync-prepare-pool.ts) and the prepared batch to
// services/sync-ingest.ts (one transaction).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseWaitingHeader, WAITING_HEADER, type SyncResponse } from '../../shared/protocol/sync.js';
import { noteWrite, type ServerDb } from '../db/connect.js';
import { HttpError } from '../http-error.js';
import { pickLang } from '../services/messages.js';
import type { DeviceContacts } from '../services/device-contact.js';
import type { FailureLimiter } from '../services/failure-limiter.js';
import { SyncIngest } from '../services/sync-ingest.js';
import type { PreparePool } from '../services/sync-prepare-pool.js';
import { RecentSyncDevices } from '../services/recent-sync-devices.js';
import { devicePrincipal, requireDevice } from './principal.js';

export interface SyncRouteOptions {
  db: ServerDb;
  perMinute: number;
  preparePool: PreparePool;
  /** Per-IP count of requests with a missing or unknown device token. */
  badTokens?: FailureLimiter;
  contacts?: DeviceContacts;
}

export async function syncRoutes(app: FastifyInstance, options: SyncRouteOptions): Promise<void> {
  const ingest = new SyncIngest(options.db);
  const recentDevices = new RecentSyncDevices();
  // In this plugin only: JSON bodies arrive as bytes (size-limited and gunzipped as
  // everywhere) and are parsed with the rest of the batch, off the main thread.
  // JSON only: every other type (text/plain included, which Fastify parses by default) is
  // the documented 415 before the body is read.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post(
    '/api/v1/sync',
    {
      // The device is authenticated from the Authorization header as the request arrives,
      // before a byte of the body is read: a stranger gets 401 (and, after repeated failures
      // from one address, 429) without making the server read or parse a megabyte.
      onRequest: [
        requireDevice(options.db, { failures: options.badTokens, contacts: options.contacts, admitRetired: true }),
        // Open (services/recent-sync-devices.ts) from here, authenticated, until the answer is
        // sent or the connection closes, whichever comes first: the response's 'close' follows
        // both, also after a 4xx, a 429 or an aborted body. A connection already closed (while
        // the token was checked) never emits it again: ended at once.
        async (request, reply) => {
          const end = recentDevices.opened(devicePrincipal(request).deviceId);
          if (reply.raw.destroyed) end();
          else reply.raw.once('close', end);
        },
      ],
      config: {
        rateLimit: {
          max: options.perMinute,
          timeWindow: 60_000,
          // Runs after requireDevice and the open count (the plugin appends its hook to the
          // route's onRequest list).
          hook: 'onRequest',
          // Per verified device, not per token string or IP: a stranger rotating random tokens
          // never gets here, and a whole team behind one campaign Wi-Fi never throttles itself.
          keyGenerator: (request: FastifyRequest) => `device:${devicePrincipal(request).deviceId}`,
        },
      },
    },
    async (request): Promise<SyncResponse> => {
      const device = devicePrincipal(request);
      const waiting = parseWaitingHeader(request.headers[WAITING_HEADER]);
      if (waiting === null) throw new HttpError(400, 'bad_request', 'bad_waiting');
      await options.contacts?.note(device.deviceId, waiting, new Date().toISOString());
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const receivedAt = new Date().toISOString();
      const alone = recentDevices.alone(device.deviceId);
      const [groups, ages, sealingKeys] = await Promise.all([
        ingest.groups(device.wardCode),
        ingest.ages(device.wardCode),
        // Sealed records are opened where the batch is prepared (a worker thread, or inline).
        options.db.wardKeys.privateKeys(device.wardCode),
      ]);
      const context = { wardCode: device.wardCode, deviceId: device.deviceId, groups, ages, receivedAt, sealingKeys };
      const batch = await options.preparePool.prepare(bytes, context, alone);
      if (!batch.ok) throw new HttpError(batch.status, batch.code, batch.messageKey);
      // A retired device's outbox is still taken; asking with nothing left (no records, nothing
      // waiting — an older app that sends no count asks empty only once drained) ends it.
      if (device.retired && batch.records.length === 0 && (waiting ?? 0) === 0) throw new HttpError(410, 'device_retired');
      const answer = await ingest.ingest(device, batch, receivedAt, { lang: pickLang(request.headers['accept-language']), alone });
      // Before answering: the ward's next dashboard reads wait for a read replica to replay this batch.
      await noteWrite(options.db, [device.wardCode]).catch((error: unknown) => request.log.warn({ err: error }, 'write position not noted'));
      return device.retired ? { ...answer, device: 'retired' } : answer;
    },
  );
}
