// The ward's audit log: who looked at a household, voided one, exported tallies, or changed the
// register, targets, settings, accounts or devices, and when. Config changes carry old → new.
// Never written here: passwords, tokens, enrolment codes, names or phone numbers of residents.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { StaffPrincipal } from './accounts.js';

export type AuditAction =
  | 'household.view'
  | 'household.void'
  | 'config.targets'
  | 'config.settings'
  | 'groups.update'
  | 'groups.import'
  | 'users.create'
  | 'users.reset_password'
  | 'enrolment_code.issue'
  | 'enrolment_code.revoke'
  | 'device.revoke'
  | 'records.transfer'
  | 'export.csv'
  | 'export.xlsx'
  | 'export.report'
  | 'export.assistances_csv'
  | 'export.assistances_xlsx'
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.password_change'
  | 'users.disable'
  | 'users.enable'
  | 'users.unlock'
  | 'data_request.register'
  | 'data_request.view'
  | 'data_request.status'
  | 'data_request.link'
  | 'data_request.search'
  | 'data_request.export'
  | 'data_request.correct'
  | 'data_request.erase'
  | 'data_request.withdraw_consent';

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string;
  actorName: string;
  action: AuditAction;
  target: string | null;
  detail: unknown;
}

export async function writeAudit(
  db: Kysely<Database> | Transaction<Database>,
  actor: StaffPrincipal,
  action: AuditAction,
  target: string | null,
  detail: unknown = {},
  now = new Date(),
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: randomUUID(),
      ward_code: actor.wardCode,
      at: now.toISOString(),
      actor_id: actor.userId,
      actor_name: actor.username,
      action,
      target,
      detail: JSON.stringify(detail),
    })
    .execute();
}

export async function listAudit(
  db: Kysely<Database>,
  wardCode: string,
  options: { action?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().where('ward_code', '=', wardCode);
  if (options.action) q = q.where('action', '=', options.action);
  const rows = await q.orderBy('at', 'desc').orderBy('id').limit(options.limit ?? 100).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action as AuditAction,
    target: r.target,
    detail: JSON.parse(r.detail) as unknown,
  }));
}
