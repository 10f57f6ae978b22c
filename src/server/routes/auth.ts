// Ward staff sign-in. A wrong username and a wrong password get the same answer in the same time.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

// No control characters (Unicode Cc: C0, DEL and C1): they are never part of a name, code or
// password typed on a phone, and PostgreSQL text cannot hold NUL.
const plain = (min: number, max: number) =>
  z.string().trim().min(min).max(max).regex(/^\P{Cc}*$/u);
import type { ServerDb } from '../db/connect.js';
import { HttpError } from '../http-error.js';
import { authenticateSession, changeOwnPassword, login, logout } from '../services/accounts.js';
import { FailureLimiter } from '../services/failure-limiter.js';
import { bearerToken } from './principal.js';

const loginBody = z.object({
  username: plain(1, 100),
  // Only ever hashed, never sent to the database: any characters.
  password: z.string().min(1).max(200),
});

const passwordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(1000),
});

export interface AuthRouteOptions {
  db: ServerDb;
  authPerMinute: number;
}

export async function authRoutes(app: FastifyInstance, options: AuthRouteOptions): Promise<void> {
  // Failed sign-ins per client IP; successful ones are free (one office, one address).
  const failures = new FailureLimiter(options.authPerMinute);
  app.post('/api/v1/auth/login', { onRequest: async (request, reply) => failures.check(request.ip, reply) }, async (request, reply) => {
    const body = loginBody.safeParse(request.body);
    if (!body.success) throw new HttpError(400, 'bad_request');
    const result = await login(options.db.db, body.data.username, body.data.password, { ip: request.ip, userAgent: request.headers['user-agent'] });
    if (!result.ok) {
      failures.fail(request.ip, reply);
      if (result.reason === 'locked') {
        throw new HttpError(429, 'rate_limited', 'account_locked', { 'retry-after': String(result.retryAfterSeconds) });
      }
      throw new HttpError(401, 'unauthorized', 'invalid_credentials');
    }
    // A city account's answer names its scope: the province and every ward of it held here.
    return { token: result.token, wardCode: result.wardCode, role: result.role, mustChangePassword: result.mustChangePassword, ...(result.province ? { province: result.province } : {}) };
  });

  // The signed-in person's own password: required before anything else when the one they signed
  // in with fails today's policy (mustChangePassword). Wrong current passwords count as failures.
  app.post('/api/v1/auth/password', { onRequest: async (request, reply) => failures.check(request.ip, reply) }, async (request, reply) => {
    const token = bearerToken(request);
    const who = token ? await authenticateSession(options.db.db, token) : null;
    if (!token || !who) throw new HttpError(401, 'unauthorized', token ? 'session_invalid' : 'missing_token');
    const body = passwordBody.safeParse(request.body);
    if (!body.success) throw new HttpError(400, 'bad_request');
    const outcome = await changeOwnPassword(options.db.db, token, { ...who, ip: request.ip, userAgent: request.headers['user-agent'] }, body.data.currentPassword, body.data.newPassword);
    if (!outcome.ok) {
      if (outcome.reason === 'wrong_password') {
        failures.fail(request.ip, reply);
        throw new HttpError(400, 'bad_request', 'current_password_wrong');
      }
      throw new HttpError(400, 'bad_request', outcome.reason === 'common' ? 'password_common' : outcome.reason === 'too_long' ? 'password_too_long' : 'password_too_short');
    }
    return reply.code(204).send();
  });

  app.post('/api/v1/auth/logout', async (request, reply) => {
    const token = bearerToken(request);
    if (token) await logout(options.db.db, token);
    return reply.code(204).send();
  });
}
