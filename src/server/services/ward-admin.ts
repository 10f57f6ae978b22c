// Ward administration from the dashboard: targets and settings (in the ward's configuration),
// the register of tổ dân phố (ward_groups and the configuration the phones cache), staff
// accounts, enrolment codes and devices. Every change writes the audit log (old → new).
// Seeds never overwrite these edits: services/wards.ts only inserts wards it does not have.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { groupSchema, PHONE_RETENTION_TOO_LONG, targetsByYearSchema, wardSettingsFields, wardSettingsSchema, type WardConfig } from '../../shared/schema/ward-config.js';
import type { Database } from '../db/schema.js';
import { createUser, type StaffPrincipal } from './accounts.js';
import { wardDevices } from './activity.js';
import { writeAudit } from './audit.js';
import type { CsvProblem } from './dashboard-messages.js';
import { recountWard } from './indicator-counters.js';
import { hashPassword } from './secrets.js';

export type Targets = z.infer<typeof targetsByYearSchema>;
export type Settings = z.infer<typeof wardSettingsSchema>;

async function readConfig(db: Kysely<Database>, wardCode: string): Promise<WardConfig | null> {
  const row = await db.selectFrom('wards').select('config_json').where('code', '=', wardCode).executeTakeFirst();
  return row ? (JSON.parse(row.config_json) as WardConfig) : null;
}

/** Replaces the targets of the ward. Returns the stored targets. */
export async function updateTargets(db: Kysely<Database>, who: StaffPrincipal, targets: Targets): Promise<Targets> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('wards').select('config_json').where('code', '=', who.wardCode).executeTakeFirstOrThrow();
    const config = JSON.parse(row.config_json) as WardConfig;
    const old = config.targets;
    config.targets = targets;
    await trx.updateTable('wards').set({ config_json: JSON.stringify(config) }).where('code', '=', who.wardCode).execute();
    await writeAudit(trx, who, 'config.targets', who.wardCode, { old, new: targets });
    return targets;
  });
}

export const settingsPatchSchema = wardSettingsFields.partial().strict();

/**
 * Merges a change into the ward's settings (validated whole, the rule across fields included).
 * Returns the stored settings, or the problem: `phone_retention_too_long` (phoneRetentionDays
 * over retentionMonths) or `bad_settings`.
 */
export async function updateSettings(
  db: Kysely<Database>,
  who: StaffPrincipal,
  patch: z.infer<typeof settingsPatchSchema>,
): Promise<Settings | 'bad_settings' | typeof PHONE_RETENTION_TOO_LONG> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('wards').select('config_json').where('code', '=', who.wardCode).executeTakeFirstOrThrow();
    const config = JSON.parse(row.config_json) as WardConfig;
    const merged = wardSettingsSchema.safeParse({ ...config.settings, ...patch });
    if (!merged.success) return merged.error.issues.some((i) => i.message === PHONE_RETENTION_TOO_LONG) ? PHONE_RETENTION_TOO_LONG : 'bad_settings';
    const old = config.settings;
    config.settings = merged.data;
    await trx.updateTable('wards').set({ config_json: JSON.stringify(config) }).where('code', '=', who.wardCode).execute();
    // The ages decide the counters' age bands: recounted with the new ones in this transaction.
    if (old.adultAge !== merged.data.adultAge || old.vneidMinAge !== merged.data.vneidMinAge) {
      await recountWard(trx, who.wardCode, { adultAge: merged.data.adultAge, vneidMinAge: merged.data.vneidMinAge });
    }
    await writeAudit(trx, who, 'config.settings', who.wardCode, { old, new: merged.data });
    return merged.data;
  });
}

export { readConfig };

// --- Register ---------------------------------------------------------------------------

export const registerSchema = z.array(groupSchema.pick({ code: true, name: true, householdsOnRegister: true })).min(1).max(500);
export type RegisterEntry = z.infer<typeof registerSchema>[number];

/** Codes of groups that hold households (any outcome): they cannot leave the register. */
export async function groupsInUse(db: Kysely<Database>, wardCode: string): Promise<Set<string>> {
  const rows = await db.selectFrom('households').select('group_code').distinct().where('ward_code', '=', wardCode).execute();
  return new Set(rows.map((r) => r.group_code));
}

export type RegisterOutcome = { ok: true; groups: RegisterEntry[] } | { ok: false; inUse: string[] };

/**
 * Replaces the ward's register (ward_groups and the configuration's groups, which phones
 * cache). Groups that hold households must stay. Audited as old → new.
 */
export async function replaceRegister(
  db: Kysely<Database>,
  who: StaffPrincipal,
  groups: RegisterEntry[],
  action: 'groups.update' | 'groups.import',
): Promise<RegisterOutcome> {
  const inUse = await groupsInUse(db, who.wardCode);
  const codes = new Set(groups.map((g) => g.code));
  const missing = [...inUse].filter((c) => !codes.has(c)).sort();
  if (missing.length) return { ok: false, inUse: missing };
  await db.transaction().execute(async (trx) => {
    const oldRows = await trx
      .selectFrom('ward_groups')
      .select(['code', 'name', 'households_on_register'])
      .where('ward_code', '=', who.wardCode)
      .orderBy('code')
      .execute();
    const old = oldRows.map((r) => ({ code: r.code, name: r.name, householdsOnRegister: Number(r.households_on_register) }));
    await trx.deleteFrom('ward_groups').where('ward_code', '=', who.wardCode).execute();
    await trx
      .insertInto('ward_groups')
      .values(groups.map((g) => ({ ward_code: who.wardCode, code: g.code, name: g.name, households_on_register: g.householdsOnRegister })))
      .execute();
    const row = await trx.selectFrom('wards').select('config_json').where('code', '=', who.wardCode).executeTakeFirstOrThrow();
    const config = JSON.parse(row.config_json) as WardConfig;
    const before = new Map(config.groups.map((g) => [g.code, g]));
    // A figure the staff typed is the ward's own: the seed's "demo" mark stays only if unchanged.
    config.groups = groups.map((g) => {
      const prev = before.get(g.code);
      const demo = prev?.demo === true && prev.householdsOnRegister === g.householdsOnRegister ? { demo: true } : {};
      return { code: g.code, name: g.name, householdsOnRegister: g.householdsOnRegister, ...demo };
    });
    await trx.updateTable('wards').set({ config_json: JSON.stringify(config) }).where('code', '=', who.wardCode).execute();
    await writeAudit(trx, who, action, who.wardCode, { old, new: groups });
  });
  return { ok: true, groups };
}

/** Splits one CSV line (RFC 4180 quotes: "a, b" and "" for a quote). Null when a quote is open. */
function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) return null;
  out.push(cur);
  return out.map((c) => c.trim());
}

export const CSV_HEADER = 'code,name,householdsOnRegister';

export interface CsvLineError {
  line: number;
  problem: CsvProblem;
}

/**
 * Reads a register CSV: UTF-8, optional BOM, header `code,name,householdsOnRegister`, one tổ
 * dân phố per line, blank lines ignored. All problems are listed; nothing is returned if any.
 */
export function parseRegisterCsv(text: string): { ok: true; groups: RegisterEntry[] } | { ok: false; errors: CsvLineError[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const errors: CsvLineError[] = [];
  const firstNonBlank = lines.findIndex((l) => l.trim() !== '');
  if (firstNonBlank < 0) return { ok: false, errors: [{ line: 1, problem: { kind: 'empty' } }] };
  const header = splitCsvLine(lines[firstNonBlank]!)?.map((h) => h.toLowerCase());
  if (!header || header.join(',') !== CSV_HEADER.toLowerCase()) {
    return { ok: false, errors: [{ line: firstNonBlank + 1, problem: { kind: 'header', expected: CSV_HEADER } }] };
  }
  const groups: RegisterEntry[] = [];
  const seen = new Map<string, number>();
  for (let i = firstNonBlank + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const cells = splitCsvLine(raw);
    if (!cells) {
      errors.push({ line, problem: { kind: 'quote' } });
      continue;
    }
    if (cells.length !== 3) {
      errors.push({ line, problem: { kind: 'columns', count: cells.length } });
      continue;
    }
    const [code, name, count] = cells as [string, string, string];
    let bad = false;
    if (!groupSchema.shape.code.safeParse(code).success) {
      errors.push({ line, problem: { kind: 'code' } });
      bad = true;
    }
    if (!groupSchema.shape.name.safeParse(name).success) {
      errors.push({ line, problem: { kind: 'name' } });
      bad = true;
    }
    if (!/^\d{1,7}$/.test(count)) {
      errors.push({ line, problem: { kind: 'count' } });
      bad = true;
    }
    if (!bad) {
      const first = seen.get(code);
      if (first !== undefined) errors.push({ line, problem: { kind: 'duplicate', firstLine: first } });
      else {
        seen.set(code, line);
        groups.push({ code, name, householdsOnRegister: Number(count) });
      }
    }
  }
  if (errors.length) return { ok: false, errors };
  if (groups.length === 0) return { ok: false, errors: [{ line: firstNonBlank + 2, problem: { kind: 'empty' } }] };
  return { ok: true, groups };
}

// --- Staff accounts ---------------------------------------------------------------------

export async function listUsers(db: Kysely<Database>, wardCode: string) {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'role', 'created_at', 'disabled_at'])
    .where('ward_code', '=', wardCode)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, username: r.username, role: r.role, createdAt: r.created_at, disabledAt: r.disabled_at }));
}

export type AddUserOutcome = { ok: true; id: string; username: string; role: 'ward_staff' | 'ward_admin' } | { ok: false; reason: 'username_taken' };

export async function addUser(
  db: Kysely<Database>,
  who: StaffPrincipal,
  input: { username: string; password: string; role: 'ward_staff' | 'ward_admin' },
): Promise<AddUserOutcome> {
  const username = input.username.toLowerCase();
  const taken = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  if (taken) return { ok: false, reason: 'username_taken' };
  const { id } = await createUser(db, { wardCode: who.wardCode, username, password: input.password, role: input.role });
  await writeAudit(db, who, 'users.create', id, { username, role: input.role });
  return { ok: true, id, username, role: input.role };
}

/** Sets a new password and ends the account's sessions. False when not an account of the ward. */
export async function resetPassword(db: Kysely<Database>, who: StaffPrincipal, userId: string, password: string): Promise<boolean> {
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'username']).where('id', '=', userId).where('ward_code', '=', who.wardCode).executeTakeFirst();
    if (!user) return false;
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await writeAudit(trx, who, 'users.reset_password', userId, { username: user.username });
    return true;
  });
}

// --- Devices ------------------------------------------------------------------------------

export async function listWardDevices(db: Kysely<Database>, wardCode: string, now = new Date()) {
  const devices = await wardDevices(db, wardCode, now);
  const households = await db
    .selectFrom('households')
    .select(['device_id', 'outcome'])
    .select((eb) => eb.fn.countAll().as('n'))
    .where('ward_code', '=', wardCode)
    .where('practice', '=', 0)
    .groupBy(['device_id', 'outcome'])
    .execute();
  const revisions = await db
    .selectFrom('record_revisions')
    .select('device_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('ward_code', '=', wardCode)
    .groupBy('device_id')
    .execute();
  const revCount = new Map(revisions.map((r) => [r.device_id, Number(r.n)]));
  return devices.map((d) => {
    const mine = households.filter((h) => h.device_id === d.id);
    const count = (o: string) => mine.filter((h) => h.outcome === o).reduce((s, h) => s + Number(h.n), 0);
    return {
      ...d,
      records: { households: count('surveyed') + count('not_home') + count('refused'), surveyed: count('surveyed'), notHome: count('not_home'), refused: count('refused'), revisions: revCount.get(d.id) ?? 0 },
    };
  });
}

/**
 * Revokes a device of the ward, as `retired` (its outbox is still taken, then it is told to
 * wipe) or `lost` (refused at once, told to wipe). A device already revoked keeps its first
 * revocation, except that a retired one can still be declared lost (it went missing while
 * draining). null when no such device in the ward. Audited as `device.revoke` with the kind.
 */
export async function revokeWardDevice(
  db: Kysely<Database>,
  who: StaffPrincipal,
  deviceId: string,
  kind: 'retired' | 'lost' = 'lost',
  now = new Date(),
): Promise<{ revokedAt: string; revokeKind: 'retired' | 'lost' } | null> {
  return db.transaction().execute(async (trx) => {
    const dev = await trx
      .selectFrom('devices')
      .select(['id', 'revoked_at', 'revoke_kind', 'volunteer_name'])
      .where('id', '=', deviceId)
      .where('ward_code', '=', who.wardCode)
      .executeTakeFirst();
    if (!dev) return null;
    const current = dev.revoke_kind === 'retired' ? 'retired' : 'lost';
    if (dev.revoked_at && !(current === 'retired' && kind === 'lost')) return { revokedAt: dev.revoked_at, revokeKind: current };
    const at = now.toISOString();
    await trx.updateTable('devices').set({ revoked_at: at, revoke_kind: kind }).where('id', '=', deviceId).execute();
    await writeAudit(trx, who, 'device.revoke', deviceId, { volunteerName: dev.volunteer_name, kind });
    return { revokedAt: at, revokeKind: kind };
  });
}
