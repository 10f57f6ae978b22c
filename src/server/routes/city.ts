// The city roll-up API (issue 15 point 1): GET /api/v1/provinces/{province}/… for city staff of
// that province only — the roll-up of every ward of the province held here, its weekly trend,
// its exports, one ward's indicators, weekly trend and export (read-only, small cells hidden),
// and, for the city admin, the province's audit log. Never a ward's household list, quality
// report, follow-ups or audit: those routes refuse city accounts (dashboard-access.ts).
// Every read is written to the province's audit chain (services/audit.ts provinceChain).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cutOffFor } from '../../shared/domain/cut-off.js';
import { todayInVietnam } from '../../shared/domain/iso-week.js';
import type { ProvinceConfig } from '../../shared/schema/province-config.js';
import type { WardConfig } from '../../shared/schema/ward-config.js';
import { readerFor, type ServerDb } from '../db/connect.js';
import { auditActorOf, authenticateDevice, authenticateSession, isCityPrincipal, type CityPrincipal } from '../services/accounts.js';
import { auditActors, auditChainHead, chainHeadLine, listAudit, provinceChain, writeAudit, type AuditAction } from '../services/audit.js';
import { CITY_REPORT_CSP, rollupCsv, rollupHtml, rollupXlsx, wardDetailCsv } from '../services/city-exports.js';
import { computeProvinceWeekly, computeRollup, computeWardDetail, computeWardWeekly, type RollupQuery } from '../services/city-rollup.js';
import { getWardConfig } from '../services/wards.js';
import { DashboardError, installDashboardErrors } from './dashboard-access.js';
import { parseIsoDate } from './dashboard-query.js';
import { bearerToken } from './principal.js';

export interface CityRouteOptions {
  db: ServerDb;
  /** seeds/provinces, read at start: a province's own targets (optional). */
  provinces: Map<string, ProvinceConfig>;
}

type ProvinceParams = { province: string };
type WardParams = { province: string; code: string };

const cityQuery = z.strictObject({
  year: z.string().regex(/^\d{4}$/).optional(),
  asOf: z.string().max(40).optional(),
});

/** ?year=&asOf=: the cut-off is always a day here (the plan line needs one): the chosen day, a past year's 31/12, else today. */
function parseQuery(query: unknown, now = new Date()): RollupQuery & { chosenAsOf?: string } {
  const q = cityQuery.safeParse(query ?? {});
  if (!q.success) throw new DashboardError(400, 'bad_request', q.error.issues.some((i) => i.path[0] === 'year') ? 'bad_year' : 'bad_request');
  let asOf: string | undefined;
  if (q.data.asOf !== undefined) {
    const date = parseIsoDate(q.data.asOf);
    if (!date) throw new DashboardError(400, 'bad_request', 'bad_as_of');
    asOf = date;
  }
  const today = todayInVietnam(now);
  const year = q.data.year ?? (asOf ?? today).slice(0, 4);
  const cutOff = cutOffFor(year, asOf, today);
  return { year, asOf: cutOff ?? today, ...(cutOff !== undefined ? { chosenAsOf: cutOff } : {}) };
}

/** preHandler: a city account (city_staff or city_admin) of the province in the URL. */
export function requireCityStaff(server: ServerDb) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    if (!token) throw new DashboardError(401, 'unauthorized', 'missing_token');
    const session = await authenticateSession(server.db, token);
    if (!session) {
      if (await authenticateDevice(server.db, token)) throw new DashboardError(403, 'forbidden', 'device_not_staff');
      throw new DashboardError(401, 'unauthorized', 'session_invalid');
    }
    if (!isCityPrincipal(session)) throw new DashboardError(403, 'forbidden', 'ward_staff_not_city');
    if ((request.params as { province?: string }).province !== session.provinceCode) throw new DashboardError(403, 'forbidden', 'other_province');
    if (session.mustChangePassword) throw new DashboardError(403, 'password_change_required', 'password_change_required');
    request.principal = { ...session, ip: request.ip, userAgent: request.headers['user-agent'] };
  };
}

function city(request: FastifyRequest): CityPrincipal {
  const p = request.principal;
  if (!isCityPrincipal(p)) throw new DashboardError(401, 'unauthorized', 'session_invalid');
  return p;
}

async function requireCityAdmin(request: FastifyRequest): Promise<void> {
  if (city(request).role !== 'city_admin') throw new DashboardError(403, 'forbidden', 'city_admin_only');
}

function attachment(reply: FastifyReply, name: string, type: string): void {
  reply.header('content-type', type);
  reply.header('content-disposition', `attachment; filename="${name}"`);
  reply.header('cache-control', 'no-store');
}

const auditQuery = z.strictObject({
  action: z.string().regex(/^[a-z_]+\.[a-z_]+$/).max(60).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export async function cityRoutes(app: FastifyInstance, options: CityRouteOptions): Promise<void> {
  const { db } = options.db;
  installDashboardErrors(app);
  const guard = { preHandler: requireCityStaff(options.db) };
  const adminOnly = { preHandler: [requireCityStaff(options.db), requireCityAdmin] };

  const audit = (request: FastifyRequest, action: AuditAction, target: string, detail: Record<string, unknown>) =>
    writeAudit(db, auditActorOf(city(request)), action, target, detail);

  /**
   * The roll-up's reads on the read replica when one is configured (db/read-replica.ts): the
   * primary while any ward of the province has a write of this server the standby has not replayed.
   */
  async function provinceReader(province: string) {
    if (!options.db.replica) return db;
    const wards = await db.selectFrom('wards').select('code').where('province_code', '=', province).execute();
    return readerFor(options.db, wards.map((w) => w.code));
  }

  /** A ward of the province held here; any other code (another province's included) is 404. */
  async function wardOf(province: string, code: string): Promise<WardConfig> {
    const config = /^\d{1,10}$/.test(code) ? await getWardConfig(db, code) : null;
    if (!config || config.province.code !== province) throw new DashboardError(404, 'not_found', 'not_found');
    return config;
  }

  app.get<{ Params: ProvinceParams }>('/api/v1/provinces/:province/rollup', guard, async (request) => {
    const q = parseQuery(request.query);
    const rollup = await computeRollup(await provinceReader(request.params.province), request.params.province, options.provinces.get(request.params.province), q);
    await audit(request, 'city.rollup_view', request.params.province, { year: q.year, asOf: q.asOf });
    return rollup;
  });

  app.get<{ Params: ProvinceParams }>('/api/v1/provinces/:province/rollup/weekly', guard, async (request) => {
    const q = parseQuery(request.query);
    const weekly = await computeProvinceWeekly(await provinceReader(request.params.province), request.params.province, options.provinces.get(request.params.province), { year: q.year, asOf: q.chosenAsOf });
    await audit(request, 'city.weekly_view', request.params.province, { year: q.year, asOf: q.chosenAsOf ?? null });
    return weekly;
  });

  async function rollupExport(request: FastifyRequest<{ Params: ProvinceParams }>, action: AuditAction) {
    const q = parseQuery(request.query);
    const rollup = await computeRollup(db, request.params.province, options.provinces.get(request.params.province), q);
    await audit(request, action, request.params.province, { year: q.year, asOf: q.asOf });
    // The province chain's head after this export's own entry, printed on the file.
    return { rollup, chain: chainHeadLine(await auditChainHead(db, provinceChain(request.params.province))) };
  }

  app.get<{ Params: ProvinceParams }>('/api/v1/provinces/:province/rollup.csv', guard, async (request, reply) => {
    const { rollup, chain } = await rollupExport(request, 'city.export_csv');
    attachment(reply, `tong-hop-${rollup.province.code}-${rollup.asOf}.csv`, 'text/csv; charset=utf-8');
    return reply.send(rollupCsv(rollup, chain));
  });

  app.get<{ Params: ProvinceParams }>('/api/v1/provinces/:province/rollup.xlsx', guard, async (request, reply) => {
    const { rollup, chain } = await rollupExport(request, 'city.export_xlsx');
    attachment(reply, `tong-hop-${rollup.province.code}-${rollup.asOf}.xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    return reply.send(await rollupXlsx(rollup, chain));
  });

  app.get<{ Params: ProvinceParams }>('/api/v1/provinces/:province/report', guard, async (request, reply) => {
    const { rollup, chain } = await rollupExport(request, 'city.export_report');
    reply.header('content-type', 'text/html; charset=utf-8');
    reply.header('cache-control', 'no-store');
    reply.header('content-security-policy', CITY_REPORT_CSP);
    return reply.send(rollupHtml(rollup, todayInVietnam(), chain));
  });

  app.get<{ Params: WardParams }>('/api/v1/provinces/:province/wards/:code', guard, async (request) => {
    const config = await wardOf(request.params.province, request.params.code);
    const q = parseQuery(request.query);
    const detail = await computeWardDetail(db, config, options.provinces.get(request.params.province), q);
    await audit(request, 'city.ward_view', config.code, { year: q.year, asOf: q.asOf });
    return detail;
  });

  app.get<{ Params: WardParams }>('/api/v1/provinces/:province/wards/:code/weekly', guard, async (request) => {
    const config = await wardOf(request.params.province, request.params.code);
    const q = parseQuery(request.query);
    const weekly = await computeWardWeekly(db, config, { year: q.year, asOf: q.chosenAsOf });
    await audit(request, 'city.ward_weekly_view', config.code, { year: q.year, asOf: q.chosenAsOf ?? null });
    return weekly;
  });

  app.get<{ Params: WardParams }>('/api/v1/provinces/:province/wards/:code/export.csv', guard, async (request, reply) => {
    const config = await wardOf(request.params.province, request.params.code);
    const q = parseQuery(request.query);
    const detail = await computeWardDetail(db, config, options.provinces.get(request.params.province), q);
    await audit(request, 'city.ward_export_csv', config.code, { year: q.year, asOf: q.asOf });
    attachment(reply, `chi-tieu-${config.code}-${q.asOf}.csv`, 'text/csv; charset=utf-8');
    return reply.send(wardDetailCsv(detail, chainHeadLine(await auditChainHead(db, provinceChain(request.params.province)))));
  });

  // The province's log: city accounts' sign-ins and reads (city_admin only; reading it is logged too).
  app.get<{ Params: ProvinceParams }>('/api/v1/provinces/:province/audit', adminOnly, async (request) => {
    const q = auditQuery.safeParse(request.query ?? {});
    if (!q.success) throw new DashboardError(400, 'bad_request', 'bad_request');
    const chain = provinceChain(request.params.province);
    const limit = q.data.limit ?? 50;
    const entries = await listAudit(db, chain, { action: q.data.action, beforeSeq: q.data.before, limit });
    await audit(request, 'city.audit_view', request.params.province, Object.fromEntries(Object.entries(q.data).filter(([, v]) => v !== undefined)));
    const last = entries[entries.length - 1];
    return { entries, nextBefore: entries.length === limit && last?.seq ? last.seq : null, actors: await auditActors(db, chain) };
  });
}
