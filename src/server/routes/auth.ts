// Ward staff sign-in. A wrong username and a wrong password get the same answer in the same time.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

// No control characters (Unicode Cc: C0, DEL and C1): they are never part of a name, code or
// password typed on a phone, and PostgreSQL text cannot hold NUL.
const plain = (min: number, max: number) =>
  z.string().trim().min(min).max(max).regex(/^\P{Cc}*$/u);
import type { ServerDb } from '../db/connect.js';
import { HttpError } from '../http-error.js';
import { login, logout } from '../services/accounts.js';
import { bearerToken } from './principal.js';

const loginBody = z.object({
  username: plain(1, 100),
  // Only ever hashed, never sent to the database: any characters.
  password: z.string().min(1).max(200),
});

export interface AuthRouteOptions {
  db: ServerDb;
  authPerMinute: number;
}

export async function authRoutes(app: FastifyInstance, options: AuthRouteOptions): Promise<void> {
  app.post('/api/v1/auth/login', { config: { rateLimit: { max: options.authPerMinute, timeWindow: 60_000 } } }, async (request) => {
    const body = loginBody.safeParse(request.body);
    if (!body.success) throw new HttpError(400, 'bad_request');
    const result = await login(options.db.db, body.data.username, body.data.password);
    if (!result) throw new HttpError(401, 'unauthorized', 'invalid_credentials');
    return result;
  });

  app.post('/api/v1/auth/logout', async (request, reply) => {
    const token = bearerToken(request);
    if (token) await logout(options.db.db, token);
    return reply.code(204).send();
  });
}
