// Assistance tallies of a ward (issue 5): GET …/assistances?from=&to=&campaign= (JSON) and
// …/assistances/export.csv and export.xlsx (audited, like the indicator exports), and the whole
// team's follow-up list GET …/follow-ups. Ward staff of the ward only.
import type { FastifyInstance } from 'fastify';
import type { ServerDb } from '../db/connect.js';
import { auditChainHead, chainHeadLine, writeAudit } from '../services/audit.js';
import { ASSISTANCE_KIND_VI, ASSISTANCE_REASON_VI, assistanceCsv, assistanceTallies, assistanceXlsx, type AssistanceQuery } from '../services/assistance-tallies.js';
import { wardFollowUps } from '../services/ward-follow-ups.js';
import { DashboardError, requireWardStaff, staff } from './dashboard-access.js';
import { parseIsoDate, wardConfigOrThrow } from './dashboard-query.js';

export interface DashboardAssistanceOptions {
  db: ServerDb;
}

type WardParams = { code: string };

function one(value: unknown): string | undefined {
  if (Array.isArray(value)) return one(value[value.length - 1]);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function parseAssistanceQuery(wardCode: string, query: unknown): AssistanceQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const out: AssistanceQuery = { wardCode };
  for (const key of ['from', 'to'] as const) {
    const text = one(q[key]);
    if (text === undefined) continue;
    const date = parseIsoDate(text);
    if (!date) throw new DashboardError(400, 'bad_request', 'bad_date_range');
    out[key] = date;
  }
  if (out.from !== undefined && out.to !== undefined && out.from > out.to) throw new DashboardError(400, 'bad_request', 'bad_date_range');
  const campaign = one(q.campaign);
  if (campaign !== undefined) out.campaign = campaign;
  return out;
}

const LABELS_VI = {
  kind: (k: string) => ASSISTANCE_KIND_VI[k as keyof typeof ASSISTANCE_KIND_VI] ?? k,
  reason: (r: string) => ASSISTANCE_REASON_VI[r as keyof typeof ASSISTANCE_REASON_VI] ?? r,
};

export async function dashboardAssistanceRoutes(app: FastifyInstance, options: DashboardAssistanceOptions): Promise<void> {
  const { db } = options.db;
  const guard = { preHandler: requireWardStaff(options.db) };

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/assistances', guard, async (request) => {
    await wardConfigOrThrow(db, request.params.code);
    return assistanceTallies(db, parseAssistanceQuery(request.params.code, request.query));
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/assistances/export.csv', guard, async (request, reply) => {
    const who = staff(request);
    await wardConfigOrThrow(db, request.params.code);
    const q = parseAssistanceQuery(request.params.code, request.query);
    const tallies = await assistanceTallies(db, q);
    await writeAudit(db, who, 'export.assistances_csv', request.params.code, { from: q.from ?? null, to: q.to ?? null, campaign: q.campaign ?? null });
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="ho-tro-${request.params.code}.csv"`);
    reply.header('cache-control', 'no-store');
    return reply.send(assistanceCsv(tallies, LABELS_VI, chainHeadLine(await auditChainHead(db, request.params.code))));
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/assistances/export.xlsx', guard, async (request, reply) => {
    const who = staff(request);
    await wardConfigOrThrow(db, request.params.code);
    const q = parseAssistanceQuery(request.params.code, request.query);
    const tallies = await assistanceTallies(db, q);
    await writeAudit(db, who, 'export.assistances_xlsx', request.params.code, { from: q.from ?? null, to: q.to ?? null, campaign: q.campaign ?? null });
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    reply.header('content-disposition', `attachment; filename="ho-tro-${request.params.code}.xlsx"`);
    reply.header('cache-control', 'no-store');
    return reply.send(await assistanceXlsx(tallies, LABELS_VI, chainHeadLine(await auditChainHead(db, request.params.code))));
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/follow-ups', guard, async (request, reply) => {
    const who = staff(request);
    const config = await wardConfigOrThrow(db, request.params.code);
    // Names and addresses of households: never kept by a shared proxy or the browser's cache.
    reply.header('cache-control', 'no-store');
    const list = await wardFollowUps(db, config);
    // A read of residents' names and addresses: audited with the count only.
    await writeAudit(db, who, 'follow_ups.view', request.params.code, { items: list.total });
    return list;
  });
}
