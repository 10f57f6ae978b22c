// POST /api/v1/sync: the envelope is checked here, the records by services/sync-ingest.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  MAX_RECORDS_PER_BATCH,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  syncRequestSchema,
  type SyncResponse,
} from '../../shared/protocol/sync.js';
import type { ServerDb } from '../db/connect.js';
import { HttpError } from '../http-error.js';
import { pickLang } from '../services/messages.js';
import { SyncIngest } from '../services/sync-ingest.js';
import { bearerToken, devicePrincipal, requireDevice } from './principal.js';
import { sha256 } from '../services/secrets.js';

export interface SyncRouteOptions {
  db: ServerDb;
  perMinute: number;
}

export async function syncRoutes(app: FastifyInstance, options: SyncRouteOptions): Promise<void> {
  const ingest = new SyncIngest(options.db);
  app.post(
    '/api/v1/sync',
    {
      config: {
        rateLimit: {
          max: options.perMinute,
          timeWindow: 60_000,
          // Per device, not per IP: a whole team behind one campaign Wi-Fi must not throttle itself.
          keyGenerator: (request: FastifyRequest) => {
            const token = bearerToken(request);
            return token ? `device:${sha256(token)}` : `ip:${request.ip}`;
          },
        },
      },
      preHandler: requireDevice(options.db),
    },
    async (request): Promise<SyncResponse> => {
      const device = devicePrincipal(request);
      const body = request.body as unknown;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'bad_request', 'bad_envelope');
      const { protocolVersion, records } = body as Record<string, unknown>;
      // Version first: an old phone must learn to update even if the rest of its envelope changed.
      if (typeof protocolVersion === 'number' && Number.isInteger(protocolVersion)) {
        if (protocolVersion < MIN_PROTOCOL_VERSION) throw new HttpError(426, 'protocol_too_old');
        if (protocolVersion > PROTOCOL_VERSION) throw new HttpError(426, 'protocol_too_new');
      }
      if (Array.isArray(records) && records.length > MAX_RECORDS_PER_BATCH) {
        throw new HttpError(400, 'bad_request', 'too_many_records');
      }
      const envelope = syncRequestSchema.safeParse(body);
      if (!envelope.success) throw new HttpError(400, 'bad_request', 'bad_envelope');
      return ingest.ingest(device, envelope.data, { lang: pickLang(request.headers['accept-language']) });
    },
  );
}
