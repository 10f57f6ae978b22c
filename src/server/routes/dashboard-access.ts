// Who may use the ward dashboard API: a signed-in ward staff member of the ward in the URL.
// No token → 401; a device token → 403 (phones never read tallies); another ward's code → 403;
// writes to the register, targets, settings and accounts need the ward_admin role (403).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDb } from '../db/connect.js';
import { authenticateDevice, authenticateSession, isCityPrincipal, type StaffPrincipal } from '../services/accounts.js';
import { dashboardMessage, type DashboardMessageKey } from '../services/dashboard-messages.js';
import { pickLang } from '../services/messages.js';
import { bearerToken } from './principal.js';

/** An error of the dashboard API: answered {"error":{"code","message", …extra}}. */
export class DashboardError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly messageKey: DashboardMessageKey,
    /** Extra fields inside `error` (e.g. the lines of a CSV import). */
    readonly extra: (lang: 'vi' | 'en') => Record<string, unknown> = () => ({}),
  ) {
    super(`${statusCode} ${code}`);
  }
}

/**
 * Answers DashboardError in the project's error shape; anything else is passed on (thrown) to
 * the server's own error handler in app.ts, which Fastify calls for errors a child handler throws.
 */
export function installDashboardErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | DashboardError, request, reply) => {
    if (error instanceof DashboardError) {
      const lang = pickLang(request.headers['accept-language']);
      return reply
        .code(error.statusCode)
        .send({ error: { code: error.code, message: dashboardMessage(error.messageKey, lang), ...error.extra(lang) } });
    }
    throw error;
  });
}

export function staff(request: FastifyRequest): StaffPrincipal {
  const p = request.principal;
  if (!p || p.role === 'device') throw new DashboardError(401, 'unauthorized', 'session_invalid');
  if (isCityPrincipal(p)) throw new DashboardError(403, 'forbidden', 'city_not_ward');
  return p;
}

/** preHandler: a ward staff session of the ward named by the `code` route parameter. */
export function requireWardStaff(server: ServerDb) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request);
    if (!token) throw new DashboardError(401, 'unauthorized', 'missing_token');
    const session = await authenticateSession(server.db, token);
    if (!session) {
      if (await authenticateDevice(server.db, token)) throw new DashboardError(403, 'forbidden', 'device_not_staff');
      throw new DashboardError(401, 'unauthorized', 'session_invalid');
    }
    // City staff read the province roll-up (routes/city.ts), never a ward route: no household
    // list, quality report, follow-up, drill-down, audit log, admin or export of the ward's own.
    if (isCityPrincipal(session)) throw new DashboardError(403, 'forbidden', 'city_not_ward');
    const wardCode = (request.params as { code?: string }).code;
    if (wardCode !== session.wardCode) throw new DashboardError(403, 'forbidden', 'other_ward');
    // Signed in with a password that fails today's policy: change it first (POST /api/v1/auth/password).
    if (session.mustChangePassword) throw new DashboardError(403, 'password_change_required', 'password_change_required');
    // The request's origin rides on the principal, so every writeAudit(…, who, …) records it.
    request.principal = { ...session, ip: request.ip, userAgent: request.headers['user-agent'] };
  };
}

/** preHandler after requireWardStaff: ward_admin only. */
export async function requireWardAdmin(request: FastifyRequest): Promise<void> {
  if (staff(request).role !== 'ward_admin') throw new DashboardError(403, 'forbidden', 'admin_only');
}
