// The ward admin's audit viewer (issue 12 point 5): GET …/audit (filtered, paginated newest
// first), GET …/audit/verify (the chain check and its head) and GET …/audit/export.csv (the
// filtered entries with the chain head on the last line). Ward admins of the ward only; reading
// and exporting the log are themselves written to it (audit.view, audit.export).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerDb } from '../db/connect.js';
import { auditActors, auditChainHead, chainHeadLine, listAudit, verifyAuditChain, writeAudit, type AuditQuery } from '../services/audit.js';
import { csvDocument, type CsvCell } from '../services/csv.js';
import { DashboardError, requireWardAdmin, requireWardStaff, staff } from './dashboard-access.js';

export interface DashboardAuditOptions {
  db: ServerDb;
}

type WardParams = { code: string };

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00+07:00`)));
const auditQuery = z.strictObject({
  action: z.string().regex(/^[a-z_]+\.[a-z_]+$/).max(60).optional(),
  actor: z.string().min(1).max(80).optional(),
  /** Days in Asia/Ho_Chi_Minh, both included. */
  from: day.optional(),
  to: day.optional(),
  /** The next page: entries before this place in the chain. */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** The start of a Vietnamese day as an ISO instant (UTC+7, no summer time). */
const dayStart = (d: string, plusDays = 0): string => new Date(Date.parse(`${d}T00:00:00+07:00`) + plusDays * 86_400_000).toISOString();

function parse(query: unknown): AuditQuery & { filters: Record<string, string | number> } {
  const q = auditQuery.safeParse(query);
  if (!q.success) throw new DashboardError(400, 'bad_request', 'bad_request');
  const { action, actor, from, to, before, limit } = q.data;
  const filters = Object.fromEntries(Object.entries({ action, actor, from, to, before }).filter(([, v]) => v !== undefined)) as Record<string, string | number>;
  return {
    action,
    actorId: actor,
    from: from ? dayStart(from) : undefined,
    to: to ? dayStart(to, 1) : undefined,
    beforeSeq: before,
    limit: limit ?? 50,
    filters,
  };
}

/** Export limit: a ward's whole log for years fits; more is asked for in date ranges. */
const EXPORT_MAX = 100_000;

export async function dashboardAuditRoutes(app: FastifyInstance, options: DashboardAuditOptions): Promise<void> {
  const { db } = options.db;
  const adminOnly = { preHandler: [requireWardStaff(options.db), requireWardAdmin] };

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/audit', adminOnly, async (request) => {
    const who = staff(request);
    const q = parse(request.query);
    const entries = await listAudit(db, request.params.code, q);
    // Filters and the page only: the log holds no personal values to begin with.
    await writeAudit(db, who, 'audit.view', request.params.code, q.filters);
    const last = entries[entries.length - 1];
    return {
      entries,
      nextBefore: entries.length === q.limit && last?.seq ? last.seq : null,
      actors: await auditActors(db, request.params.code),
    };
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/audit/verify', adminOnly, async (request) => {
    return verifyAuditChain(db, request.params.code);
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/audit/export.csv', adminOnly, async (request, reply) => {
    const who = staff(request);
    const q = parse(request.query);
    const entries = await listAudit(db, request.params.code, { ...q, limit: EXPORT_MAX });
    await writeAudit(db, who, 'audit.export', request.params.code, { ...q.filters, entries: entries.length });
    // The head after this export's own entry: the file names the chain it was cut from.
    const head = await auditChainHead(db, request.params.code);
    const lines: CsvCell[][] = [
      ['seq', 'at', 'actor_id', 'actor_name', 'action', 'target', 'detail', 'ip', 'user_agent'],
      ...entries.map((e) => [e.seq ?? '', e.at, e.actorId, e.actorName, e.action, e.target ?? '', JSON.stringify(e.detail), e.ip ?? '', e.userAgent ?? '']),
      [chainHeadLine(head)],
    ];
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="nhat-ky-${request.params.code}.csv"`);
    reply.header('cache-control', 'no-store');
    return reply.send(csvDocument(lines));
  });
}
