// The ward dashboard's read API: indicators (overview, breakdowns, weekly trend), team
// activity, data quality, a household drill-down and the staff void. The audit viewer is in
// dashboard-audit.js. Ward staff of the ward in
// the URL only (routes/dashboard-access.ts). Registered by app.ts; the admin endpoints live
// in dashboard-admin.ts and the exports in dashboard-exports.ts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { noteWrite, readerFor, type ServerDb } from '../db/connect.js';
import { writeAudit } from '../services/audit.js';
import { teamActivity } from '../services/activity.js';
import { readHousehold, voidHousehold } from '../services/households-staff.js';
import { computeIndicators, computeWeekly, registerGroups } from '../services/indicators.js';
import { cached } from '../services/indicator-cache.js';
import { dataQuality } from '../services/quality.js';
import { DashboardError, installDashboardErrors, requireWardStaff, staff } from './dashboard-access.js';
import { parseCommonQuery, wardConfigOrThrow } from './dashboard-query.js';
import { dashboardAdminRoutes } from './dashboard-admin.js';
import { dashboardExportRoutes } from './dashboard-exports.js';
import { dashboardAssistanceRoutes } from './dashboard-assistances.js';
import { dataSubjectRoutes } from './data-subject.js';
import { dashboardAuditRoutes } from './dashboard-audit.js';
import { dashboardRescueRoutes } from './dashboard-rescue.js';

export interface DashboardRouteOptions {
  db: ServerDb;
}

type WardParams = { code: string };
type HouseholdParams = { code: string; id: string };

const voidBody = z.object({ reason: z.string().trim().min(1).max(200) });

export async function dashboardRoutes(app: FastifyInstance, options: DashboardRouteOptions): Promise<void> {
  const { db } = options.db;
  installDashboardErrors(app);
  // Read-your-writes with a read replica: a change made through a ward's dashboard (a void, an
  // admin action, an erasure) is noted before the answer leaves, so the ward's next reads wait
  // for the standby to replay it (db/read-replica.ts). Added before the child plugins: they inherit it.
  if (options.db.replica) {
    app.addHook('onSend', async (request, reply, payload) => {
      const code = (request.params as { code?: unknown } | undefined)?.code;
      if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400 && typeof code === 'string') {
        await noteWrite(options.db, [code]).catch((error: unknown) => request.log.warn({ err: error }, 'write position not noted'));
      }
      return payload;
    });
  }
  // Child plugins inherit the dashboard's error handler.
  await app.register(dashboardAdminRoutes, { db: options.db });
  await app.register(dashboardExportRoutes, { db: options.db });
  await app.register(dashboardAssistanceRoutes, { db: options.db });
  await app.register(dataSubjectRoutes, { db: options.db });
  await app.register(dashboardAuditRoutes, { db: options.db });
  await app.register(dashboardRescueRoutes, { db: options.db });
  const guard = { preHandler: requireWardStaff(options.db) };

  // The tallies read the replica when one is configured (readerFor: the primary until the
  // ward's own last write is replayed, or when the standby is down).
  async function common(wardCode: string, query: unknown) {
    const reader = await readerFor(options.db, [wardCode]);
    const config = await wardConfigOrThrow(reader, wardCode);
    const groups = new Set((await registerGroups(reader, wardCode)).map((g) => g.code));
    return { reader, config, q: parseCommonQuery(query, groups) };
  }

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/indicators', guard, async (request) => {
    const { reader, config, q } = await common(request.params.code, request.query);
    return cached(reader, config, 'indicators', q, () => computeIndicators(reader, config, { wardCode: request.params.code, ...q }));
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/indicators/weekly', guard, async (request) => {
    const { reader, config, q } = await common(request.params.code, request.query);
    const weekly = { year: q.year, group: q.group, asOf: q.asOf };
    return cached(reader, config, 'weekly', weekly, () => computeWeekly(reader, config, { wardCode: request.params.code, ...weekly }));
  });

  app.get<{ Params: WardParams; Querystring: { weeks?: string } }>('/api/v1/wards/:code/activity', guard, async (request) => {
    const weeks = request.query.weeks === undefined ? 8 : Number(request.query.weeks);
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 104) throw new DashboardError(400, 'bad_request', 'bad_request');
    return teamActivity(await readerFor(options.db, [request.params.code]), request.params.code, { weeks });
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/quality', guard, async (request) => {
    return dataQuality(await readerFor(options.db, [request.params.code]), request.params.code);
  });

  app.get<{ Params: HouseholdParams }>('/api/v1/wards/:code/households/:id', guard, async (request) => {
    const who = staff(request);
    const household = await readHousehold(db, request.params.code, request.params.id);
    if (!household) throw new DashboardError(404, 'not_found', 'household_not_found');
    await writeAudit(db, who, 'household.view', request.params.id, { rev: household.rev });
    return household;
  });

  app.post<{ Params: HouseholdParams }>('/api/v1/wards/:code/households/:id/void', guard, async (request) => {
    const who = staff(request);
    const body = voidBody.safeParse(request.body);
    if (!body.success) throw new DashboardError(400, 'bad_request', 'void_reason_required');
    const outcome = await voidHousehold(options.db, who, request.params.id, body.data.reason);
    if (outcome.kind === 'not_found') throw new DashboardError(404, 'not_found', 'household_not_found');
    if (outcome.kind === 'already_voided') throw new DashboardError(409, 'conflict', 'already_voided');
    return { recordId: request.params.id, rev: outcome.rev, voided: true };
  });
}
