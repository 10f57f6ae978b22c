// Reads the bearer token and finds who is calling. Routes say which kinds of caller they take.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDb } from '../db/connect.js';
import { HttpError } from '../http-error.js';
import { authenticateDevice, authenticateSession, type DevicePrincipal, type Principal } from '../services/accounts.js';

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

export function requireDevice(server: ServerDb) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    if (!token) throw new HttpError(401, 'unauthorized', 'missing_token');
    const device = await authenticateDevice(server.db, token);
    if (!device) throw new HttpError(401, 'unauthorized');
    request.principal = device;
  };
}

/** A device token or a ward staff session token. */
export function requireDeviceOrStaff(server: ServerDb) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    if (!token) throw new HttpError(401, 'unauthorized', 'missing_token');
    const principal = (await authenticateDevice(server.db, token)) ?? (await authenticateSession(server.db, token));
    if (!principal) throw new HttpError(401, 'unauthorized');
    request.principal = principal;
  };
}

export function devicePrincipal(request: FastifyRequest): DevicePrincipal {
  const p = request.principal;
  if (!p || p.role !== 'device') throw new HttpError(401, 'unauthorized');
  return p;
}
