// Exports for the monthly report: GET …/export.xlsx, …/export.csv and …/report (printable A4
// HTML), each with ?year=&asOf= (the cut-off defaults to 31/12 of a past year, else today in
// Asia/Ho_Chi_Minh; the files say which). Each
// export is written to the audit log. Tallies only.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { todayInVietnam } from '../../shared/domain/iso-week.js';
import type { ServerDb } from '../db/connect.js';
import { auditChainHead, chainHeadLine, writeAudit, type AuditAction } from '../services/audit.js';
import { exportCsv, exportData, exportHtml, exportXlsx, REPORT_CSP } from '../services/exports.js';
import { registerGroups } from '../services/indicators.js';
import { requireWardStaff, staff } from './dashboard-access.js';
import { parseCommonQuery, wardConfigOrThrow } from './dashboard-query.js';

export interface DashboardExportOptions {
  db: ServerDb;
}

type WardParams = { code: string };

function attachment(reply: FastifyReply, name: string, type: string): void {
  reply.header('content-type', type);
  reply.header('content-disposition', `attachment; filename="${name}"`);
  // Ward figures: never kept by a shared proxy or the browser's cache.
  reply.header('cache-control', 'no-store');
}

export async function dashboardExportRoutes(app: FastifyInstance, options: DashboardExportOptions): Promise<void> {
  const { db } = options.db;
  const guard = { preHandler: requireWardStaff(options.db) };

  async function load(wardCode: string, query: unknown, action: AuditAction, who: ReturnType<typeof staff>) {
    const config = await wardConfigOrThrow(db, wardCode);
    const groups = new Set((await registerGroups(db, wardCode)).map((g) => g.code));
    const q = parseCommonQuery(query, groups);
    // parseCommonQuery set a past year's 31/12 already; an export always names a day.
    const asOf = q.asOf ?? todayInVietnam();
    // Without ?year= the cut-off's year (parseCommonQuery defaults it the same way).
    const year = q.year;
    const data = await exportData(db, config, { year, asOf });
    await writeAudit(db, who, action, wardCode, { year, asOf });
    // The chain head after this export's own entry, printed on the file (issue 12 point 5).
    return { ...data, auditChain: chainHeadLine(await auditChainHead(db, wardCode)) };
  }

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/export.xlsx', guard, async (request, reply) => {
    const data = await load(request.params.code, request.query, 'export.xlsx', staff(request));
    attachment(reply, `chi-tieu-${data.wardCode}-${data.asOf}.xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    return reply.send(await exportXlsx(data));
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/export.csv', guard, async (request, reply) => {
    const data = await load(request.params.code, request.query, 'export.csv', staff(request));
    attachment(reply, `chi-tieu-${data.wardCode}-${data.asOf}.csv`, 'text/csv; charset=utf-8');
    return reply.send(exportCsv(data));
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/report', guard, async (request, reply) => {
    const data = await load(request.params.code, request.query, 'export.report', staff(request));
    reply.header('content-type', 'text/html; charset=utf-8');
    reply.header('cache-control', 'no-store');
    // Replaces the app's CSP for this page only: its one inline stylesheet is allowed by hash.
    reply.header('content-security-policy', REPORT_CSP);
    return reply.send(exportHtml(data, todayInVietnam()));
  });
}
