// Reads the bearer token and finds who is calling. Routes say which kinds of caller they take.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDb } from '../db/connect.js';
import { HttpError } from '../http-error.js';
import { authenticateDevice, authenticateSession, type DevicePrincipal, type Principal } from '../services/accounts.js';
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

/**
 * A hook (onRequest or preHandler) that admits enrolled devices only. Given `failures`, a
 * missing or unknown token counts as a failure of the client's IP, and an IP that has used up
 * its failures gets 429 instead of 401: guessing tokens is stopped, while honest phones behind
 * the same campaign Wi-Fi (whose tokens are good: one indexed lookup) still pass.
 */
export function requireDevice(server: ServerDb, failures?: FailureLimiter) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    const device = token ? await authenticateDevice(server.db, token) : null;
    if (!device) {
      failures?.check(request.ip, reply);
      failures?.fail(request.ip, reply);
      throw new HttpError(401, 'unauthorized', token ? 'unauthorized' : 'missing_token');
    }
    request.principal = device;
  };
}

/** A device token or a ward staff session token (failures counted as in requireDevice). */
export function requireDeviceOrStaff(server: ServerDb, failures?: FailureLimiter) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    const principal = token ? ((await authenticateDevice(server.db, token)) ?? (await authenticateSession(server.db, token))) : null;
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
