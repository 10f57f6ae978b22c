// Device enrolment and the ward configuration a device caches for offline work.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

// No control characters (Unicode Cc: C0, DEL and C1): they are never part of a name, code or
// password typed on a phone, and PostgreSQL text cannot hold NUL.
const plain = (min: number, max: number) =>
  z.string().trim().min(min).max(max).regex(/^\P{Cc}*$/u);
import type { ServerDb } from '../db/connect.js';
import { HttpError } from '../http-error.js';
import { enrolDevice } from '../services/enrolment-codes.js';
import { getWardConfig } from '../services/wards.js';
import { isCityPrincipal } from '../services/accounts.js';
import type { DeviceContacts } from '../services/device-contact.js';
import { FailureLimiter } from '../services/failure-limiter.js';
import { isValidSigningKey, signingPublicKeySchema } from '../../shared/crypto/rescue-file.js';
import { writeAudit } from '../services/audit.js';
import { devicePrincipal, requireDevice, requireDeviceOrStaff } from './principal.js';

const enrolBody = z.object({
  wardCode: plain(1, 10),
  enrolmentCode: plain(1, 40),
  volunteerName: plain(1, 80),
  /** The phone's public signing key (rescue files); optional: older apps enrol without one. */
  signingKey: z.string().max(200).optional(),
});
const signingKeyBody = z.object({ publicKey: z.string().max(200) }).strict();

export interface DeviceRouteOptions {
  db: ServerDb;
  enrolPerMinute: number;
  /** Per-IP count of requests with a missing or unknown token (shared with the sync route). */
  badTokens?: FailureLimiter;
  contacts?: DeviceContacts;
}

export async function deviceRoutes(app: FastifyInstance, options: DeviceRouteOptions): Promise<void> {
  // Failed enrolments per client IP: a whole team enrolling at one campaign table succeeds
  // freely; guessing codes is stopped after a few dozen wrong ones a minute.
  const failures = new FailureLimiter(options.enrolPerMinute);
  app.post(
    '/api/v1/devices/enrol',
    { onRequest: async (request, reply) => failures.check(request.ip, reply) },
    async (request, reply) => {
      const body = enrolBody.safeParse(request.body);
      if (!body.success) throw new HttpError(400, 'bad_request');
      if (body.data.signingKey !== undefined && !(await isValidSigningKey(body.data.signingKey))) throw new HttpError(400, 'bad_request', 'bad_signing_key');
      const outcome = await enrolDevice(options.db, body.data, new Date(), { ip: request.ip, userAgent: request.headers['user-agent'] });
      if (!outcome.ok) {
        failures.fail(request.ip, reply);
        if (outcome.reason === 'other_ward') throw new HttpError(403, 'forbidden', 'enrolment_code_other_ward');
        throw new HttpError(401, 'unauthorized', 'enrolment_code_invalid');
      }
      return reply.code(201).send({ deviceId: outcome.deviceId, token: outcome.token });
    },
  );

  // A phone enrolled before signing keys existed registers its own once. Never replaced: a
  // second, different key is 409 (a stolen token must not swap the key that vouches for the
  // phone's rescue files); the same key again is 200, so a retry after a lost answer is fine.
  app.post(
    '/api/v1/devices/signing-key',
    { onRequest: requireDevice(options.db, { failures: options.badTokens, contacts: options.contacts }) },
    async (request, reply) => {
      const device = devicePrincipal(request);
      const body = signingKeyBody.safeParse(request.body);
      if (!body.success) throw new HttpError(400, 'bad_request');
      const publicKey = body.data.publicKey;
      if (!signingPublicKeySchema.safeParse(publicKey).success || !(await isValidSigningKey(publicKey))) {
        throw new HttpError(400, 'bad_request', 'bad_signing_key');
      }
      const now = new Date();
      const stored = await options.db.db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('devices')
          .set({ signing_key: publicKey, signing_key_at: now.toISOString() })
          .where('id', '=', device.deviceId)
          .where('signing_key', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await writeAudit(trx, { userId: device.deviceId, username: 'device', wardCode: device.wardCode }, 'device.signing_key', device.deviceId, {}, now, {
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
        return true;
      });
      if (stored) return reply.code(201).send({ registered: true });
      const current = await options.db.db.selectFrom('devices').select('signing_key').where('id', '=', device.deviceId).executeTakeFirst();
      if (current?.signing_key === publicKey) return reply.code(200).send({ registered: true });
      throw new HttpError(409, 'signing_key_exists');
    },
  );

  app.get('/api/v1/config', { preHandler: requireDeviceOrStaff(options.db, options.badTokens, options.contacts) }, async (request) => {
    // A city account has no ward of its own: its screens read the roll-up (routes/city.ts).
    if (isCityPrincipal(request.principal)) throw new HttpError(403, 'forbidden');
    const config = request.principal ? await getWardConfig(options.db.db, request.principal.wardCode) : null;
    if (!config) throw new HttpError(404, 'not_found');
    // The ward's newest sealing key: phones seal their outbox records to it (services/ward-keys.ts).
    return { ...config, sealingKey: await options.db.wardKeys.publicKey(config.code) };
  });
}
