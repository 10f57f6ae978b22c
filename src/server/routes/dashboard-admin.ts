// Ward administration endpoints of the dashboard: targets, settings, the register of tổ dân
// phố (JSON and CSV import), staff accounts, enrolment codes and devices. Reads: any ward
// staff of the ward; writes to targets, settings, register and accounts: ward_admin only.
// Issuing enrolment codes and revoking devices: any ward staff (they run the team briefings).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { targetsByYearSchema } from '../../shared/schema/ward-config.js';
import type { ServerDb } from '../db/connect.js';
import { DEFAULT_EXPIRES_DAYS, issueEnrolmentCode, listEnrolmentCodes, MAX_EXPIRES_DAYS, MAX_USES, revokeEnrolmentCode } from '../services/enrolment-codes.js';
import { checkPassword as checkPasswordPolicy } from '../services/password-policy.js';
import { writeAudit } from '../services/audit.js';
import { backupStatus } from '../services/backup.js';
import { csvProblemMessage } from '../services/dashboard-messages.js';
import { registerGroups } from '../services/indicators.js';
import { transferRecords } from '../services/record-owners.js';
import { formatEnrolmentCode } from '../services/secrets.js';
import {
  addUser,
  listUsers,
  listWardDevices,
  parseRegisterCsv,
  readConfig,
  registerSchema,
  replaceRegister,
  resetPassword,
  revokeWardDevice,
  settingsPatchSchema,
  updateSettings,
  updateTargets,
  type RegisterEntry,
} from '../services/ward-admin.js';
import { DashboardError, requireWardAdmin, requireWardStaff, staff } from './dashboard-access.js';

export interface DashboardAdminOptions {
  db: ServerDb;
}

type WardParams = { code: string };
type IdParams = { code: string; id: string };

const USERNAME = /^[a-z0-9._-]{3,40}$/i;
const newUserBody = z.object({
  username: z.string().trim(),
  password: z.string(),
  role: z.enum(['ward_staff', 'ward_admin']).default('ward_staff'),
});
const passwordBody = z.object({ password: z.string() });
const revokeBody = z.object({ kind: z.enum(['retired', 'lost']).default('lost') }).strict();
const transferBody = z.object({ to: z.string().min(1).max(100) });
const usesBody = z.object({
  uses: z.number().int().min(1).max(MAX_USES.ward_admin).default(1),
  expiresDays: z.number().int().min(1).max(MAX_EXPIRES_DAYS).default(DEFAULT_EXPIRES_DAYS),
});

function checkPassword(password: string, username?: string): void {
  const problem = checkPasswordPolicy(password, username);
  if (problem) throw new DashboardError(400, 'bad_request', problem === 'common' ? 'password_common' : 'password_too_short');
}

export async function dashboardAdminRoutes(app: FastifyInstance, options: DashboardAdminOptions): Promise<void> {
  const { db } = options.db;
  const staffOnly = { preHandler: requireWardStaff(options.db) };
  const adminOnly = { preHandler: [requireWardStaff(options.db), requireWardAdmin] };

  // The register CSV may be posted as text/csv (or text/plain); this parser is scoped to this plugin.
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => done(null, body));

  async function config(wardCode: string) {
    const c = await readConfig(db, wardCode);
    if (!c) throw new DashboardError(404, 'not_found', 'not_found');
    return c;
  }

  // --- Targets and settings ---------------------------------------------------------------
  app.get<{ Params: WardParams }>('/api/v1/wards/:code/config/targets', staffOnly, async (request) => {
    const c = await config(request.params.code);
    return { wardCode: c.code, targets: c.targets, sources: c.sources };
  });

  app.put<{ Params: WardParams }>('/api/v1/wards/:code/config/targets', adminOnly, async (request) => {
    const raw = request.body as Record<string, unknown> | null;
    const parsed = targetsByYearSchema.safeParse(raw && typeof raw === 'object' && 'targets' in raw ? raw.targets : raw);
    if (!parsed.success) throw new DashboardError(400, 'bad_request', 'bad_targets');
    await config(request.params.code);
    return { wardCode: request.params.code, targets: await updateTargets(db, staff(request), parsed.data) };
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/config/settings', staffOnly, async (request) => {
    const c = await config(request.params.code);
    return { wardCode: c.code, settings: c.settings };
  });

  app.put<{ Params: WardParams }>('/api/v1/wards/:code/config/settings', adminOnly, async (request) => {
    const raw = request.body as Record<string, unknown> | null;
    const parsed = settingsPatchSchema.safeParse(raw && typeof raw === 'object' && 'settings' in raw ? raw.settings : raw);
    if (!parsed.success) throw new DashboardError(400, 'bad_request', 'bad_settings');
    await config(request.params.code);
    const settings = await updateSettings(db, staff(request), parsed.data);
    if (typeof settings === 'string') throw new DashboardError(400, 'bad_request', settings);
    return { wardCode: request.params.code, settings };
  });

  // --- Register -----------------------------------------------------------------------------
  app.get<{ Params: WardParams }>('/api/v1/wards/:code/groups', staffOnly, async (request) => {
    return { wardCode: request.params.code, groups: await registerGroups(db, request.params.code) };
  });

  async function applyRegister(request: { params: WardParams }, who: ReturnType<typeof staff>, groups: RegisterEntry[], action: 'groups.update' | 'groups.import') {
    const outcome = await replaceRegister(db, who, groups, action);
    if (!outcome.ok) throw new DashboardError(409, 'group_in_use', 'group_in_use', () => ({ groups: outcome.inUse }));
    return { wardCode: request.params.code, groups: outcome.groups };
  }

  app.put<{ Params: WardParams }>('/api/v1/wards/:code/groups', adminOnly, async (request) => {
    const raw = request.body as unknown;
    const list = raw && typeof raw === 'object' && !Array.isArray(raw) && 'groups' in raw ? (raw as { groups: unknown }).groups : raw;
    const parsed = registerSchema.safeParse(list);
    if (!parsed.success) throw new DashboardError(400, 'bad_request', 'bad_groups');
    const codes = parsed.data.map((g) => g.code);
    if (new Set(codes).size !== codes.length) throw new DashboardError(400, 'bad_request', 'duplicate_group_code');
    return applyRegister(request, staff(request), parsed.data, 'groups.update');
  });

  app.post<{ Params: WardParams }>('/api/v1/wards/:code/groups/import', adminOnly, async (request) => {
    const raw = request.body as unknown;
    const text = typeof raw === 'string' ? raw : raw && typeof raw === 'object' && typeof (raw as { csv?: unknown }).csv === 'string' ? (raw as { csv: string }).csv : null;
    if (text === null) throw new DashboardError(400, 'bad_request', 'invalid_csv', () => ({ lines: [] }));
    const parsed = parseRegisterCsv(text);
    if (!parsed.ok) {
      const errors = parsed.errors;
      throw new DashboardError(400, 'invalid_csv', 'invalid_csv', (lang) => ({
        lines: errors.map((e) => ({ line: e.line, problem: e.problem.kind, message: csvProblemMessage(e.problem, lang) })),
      }));
    }
    return applyRegister(request, staff(request), parsed.groups, 'groups.import');
  });

  // --- Staff accounts -----------------------------------------------------------------------
  app.get<{ Params: WardParams }>('/api/v1/wards/:code/users', adminOnly, async (request) => {
    return { wardCode: request.params.code, users: await listUsers(db, request.params.code) };
  });

  // The last good backup and the last failure since (services/backup.ts): server-wide, shown
  // to every ward's admins, who must know when the copy is stale or failing.
  app.get<{ Params: WardParams }>('/api/v1/wards/:code/backups', adminOnly, async (request) => {
    return { wardCode: request.params.code, ...(await backupStatus(db)) };
  });

  app.post<{ Params: WardParams }>('/api/v1/wards/:code/users', adminOnly, async (request, reply) => {
    const body = newUserBody.safeParse(request.body);
    if (!body.success) throw new DashboardError(400, 'bad_request', 'bad_request');
    if (!USERNAME.test(body.data.username)) throw new DashboardError(400, 'bad_request', 'username_invalid');
    checkPassword(body.data.password, body.data.username);
    const outcome = await addUser(db, staff(request), body.data);
    if (!outcome.ok) throw new DashboardError(409, 'username_taken', 'username_taken');
    return reply.code(201).send({ id: outcome.id, username: outcome.username, role: outcome.role });
  });

  app.post<{ Params: IdParams }>('/api/v1/wards/:code/users/:id/reset-password', adminOnly, async (request, reply) => {
    const body = passwordBody.safeParse(request.body);
    if (!body.success) throw new DashboardError(400, 'bad_request', 'password_too_short');
    checkPassword(body.data.password);
    if (!(await resetPassword(db, staff(request), request.params.id, body.data.password))) {
      throw new DashboardError(404, 'not_found', 'user_not_found');
    }
    return reply.code(204).send();
  });

  // --- Enrolment codes and devices -----------------------------------------------------------
  app.post<{ Params: WardParams }>('/api/v1/wards/:code/enrolment-codes', staffOnly, async (request, reply) => {
    const raw = (request.body ?? {}) as Record<string, unknown>;
    const body = usesBody.safeParse(raw);
    if (!body.success) {
      const expiryWrong = typeof raw === 'object' && raw !== null && 'expiresDays' in raw && !usesBody.shape.expiresDays.safeParse(raw.expiresDays).success;
      throw new DashboardError(400, 'bad_request', expiryWrong ? 'bad_expiry' : 'bad_uses');
    }
    const who = staff(request);
    // Ward staff run briefings of a team; a code for more phones is a ward admin's to issue.
    if (body.data.uses > MAX_USES[who.role]) throw new DashboardError(403, 'forbidden', 'uses_over_role_cap');
    const issued = await issueEnrolmentCode(options.db, who.wardCode, body.data.uses, new Date(), {
      expiresDays: body.data.expiresDays,
      issuer: who.role,
      issuedBy: who.username,
    });
    // The link opens the app with its enrolment form filled in (src/app/sync/enrolment.ts). The
    // code rides in the fragment, which browsers never send: no server or proxy log sees it.
    const origin = `${request.protocol}://${request.host}`;
    const link = `${origin}/#/enrol?ward=${encodeURIComponent(who.wardCode)}&code=${encodeURIComponent(issued.code)}`;
    // The code itself is a secret: never written to the audit log.
    await writeAudit(db, who, 'enrolment_code.issue', issued.id, { uses: issued.uses, expiresAt: issued.expiresAt });
    return reply
      .code(201)
      .send({ id: issued.id, code: issued.code, formatted: formatEnrolmentCode(issued.code), link, uses: issued.uses, expiresAt: issued.expiresAt });
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/enrolment-codes', staffOnly, async (request) => {
    return { wardCode: request.params.code, codes: await listEnrolmentCodes(db, request.params.code) };
  });

  app.post<{ Params: IdParams }>('/api/v1/wards/:code/enrolment-codes/:id/revoke', staffOnly, async (request) => {
    const who = staff(request);
    if (!(await revokeEnrolmentCode(db, request.params.id, who.wardCode))) throw new DashboardError(404, 'not_found', 'enrolment_code_not_found');
    await writeAudit(db, who, 'enrolment_code.revoke', request.params.id, {});
    return { id: request.params.id, revoked: true };
  });

  app.get<{ Params: WardParams }>('/api/v1/wards/:code/devices', staffOnly, async (request) => {
    return { wardCode: request.params.code, devices: await listWardDevices(db, request.params.code) };
  });

  // Body `{ kind: 'retired' | 'lost' }`; without a body, 'lost' (the revoke of before: refused at once).
  app.post<{ Params: IdParams }>('/api/v1/wards/:code/devices/:id/revoke', staffOnly, async (request) => {
    const body = revokeBody.safeParse(request.body ?? {});
    if (!body.success) throw new DashboardError(400, 'bad_request', 'bad_revoke_kind');
    const outcome = await revokeWardDevice(db, staff(request), request.params.id, body.data.kind);
    if (!outcome) throw new DashboardError(404, 'not_found', 'device_not_found');
    return { id: request.params.id, revokedAt: outcome.revokedAt, revokeKind: outcome.revokeKind };
  });

  // Hands the right to write this device's records to another device of the ward (a phone
  // re-enrolled under a new id keeps its records). Nothing is sent to the phones. Audited.
  app.post<{ Params: IdParams }>('/api/v1/wards/:code/devices/:id/transfer-records', staffOnly, async (request) => {
    const body = transferBody.safeParse(request.body ?? {});
    if (!body.success) throw new DashboardError(400, 'bad_request', 'bad_request');
    const who = staff(request);
    const outcome = await transferRecords(options.db, { from: request.params.id, to: body.data.to, wardCode: who.wardCode, actor: () => who });
    if (!outcome.ok) {
      if (outcome.reason === 'from_not_found' || outcome.reason === 'to_not_found') throw new DashboardError(404, 'not_found', 'device_not_found');
      if (outcome.reason === 'to_revoked') throw new DashboardError(409, 'device_revoked', 'transfer_to_revoked');
      throw new DashboardError(400, 'bad_request', 'transfer_same_device');
    }
    return { from: request.params.id, to: body.data.to, records: outcome.records };
  });
}
