// Reads the bearer token and finds who is calling. Routes say which kinds of caller they take.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDb } from '../db/connect.js';
import { HttpError } from '../http-error.js';
import { parseWaitingHeader, WAITING_HEADER } from '../../shared/protocol/sync.js';
import { authenticateSession, lookupDevice, type DevicePrincipal, type Principal } from '../services/accounts.js';
import type { DeviceContacts } from '../services/device-contact.js';
import type { FailureLimiter } from '../services/failure-limiter.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export interface DeviceHookOptions {
  /** Per-IP count of missing or unknown tokens. */
  failures?: FailureLimiter | undefined;
  /** Where contacts (time, waiting count) are noted; a lost device's refused call included. */
  contacts?: DeviceContacts | undefined;
  /** Admit a retired device (marked `retired`): only the sync route, which still takes its outbox. */
  admitRetired?: boolean;
}

/**
 * A device's token, checked: an unknown one is 401 (and counts as a failure of the client's IP,
 * see requireDevice); a LOST device gets 410 `device_lost` (its contact and waiting count
 * noted, nothing else read); a RETIRED one 410 `device_retired` unless `admitRetired`.
 */
async function deviceFromToken(server: ServerDb, request: FastifyRequest, token: string, options: DeviceHookOptions): Promise<DevicePrincipal | null> {
  const found = await lookupDevice(server.db, token);
  if (!found) return null;
  if (found.revocation === null) return found.principal;
  if (found.revocation === 'retired' && options.admitRetired) return { ...found.principal, retired: true };
  const waiting = parseWaitingHeader(request.headers[WAITING_HEADER]);
  await options.contacts?.note(found.principal.deviceId, waiting ?? undefined, new Date().toISOString());
  if (found.revocation === 'lost') throw new HttpError(410, 'device_lost');
  throw new HttpError(410, 'device_retired');
}

/**
 * A hook (onRequest or preHandler) that admits enrolled devices only. Given `failures`, a
 * missing or unknown token counts as a failure of the client's IP, and an IP that has used up
 * its failures gets 429 instead of 401: guessing tokens is stopped, while honest phones behind
 * the same campaign Wi-Fi (whose tokens are good: one indexed lookup) still pass. A revoked
 * device's token is a real one: it gets 410 (deviceFromToken), never counted as a failure.
 */
export function requireDevice(server: ServerDb, options: DeviceHookOptions = {}) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    const device = token ? await deviceFromToken(server, request, token, options) : null;
    if (!device) {
      options.failures?.check(request.ip, reply);
      options.failures?.fail(request.ip, reply);
      throw new HttpError(401, 'unauthorized', token ? 'unauthorized' : 'missing_token');
    }
    request.principal = device;
  };
}

/**
 * A device token or a ward staff session token (failures counted as in requireDevice). A
 * retired device may still read its ward's configuration while it drains its outbox.
 */
export function requireDeviceOrStaff(server: ServerDb, failures?: FailureLimiter, contacts?: DeviceContacts) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    const principal = token
      ? ((await deviceFromToken(server, request, token, { contacts, admitRetired: true })) ?? (await authenticateSession(server.db, token)))
      : null;
    if (!principal) {
      failures?.check(request.ip, reply);
      failures?.fail(request.ip, reply);
      throw new HttpError(401, 'unauthorized', token ? 'unauthorized' : 'missing_token');
    }
    request.principal = principal;
  };
}

export function devicePrincipal(request: FastifyRequest): DevicePrincipal {
  const p = request.principal;
  if (!p || p.role !== 'device') throw new HttpError(401, 'unauthorized');
  return p;
}
