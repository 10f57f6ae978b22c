// Who may talk to the ward endpoint: enrolled devices (volunteers' phones, write their ward's
// records) and ward staff (sign in with a password; read their ward). Tokens and codes are
// stored only as hashes; looking a token up by its hash and comparing in constant time means
// neither the database nor the timing gives a usable token away.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isCityRole, type CityRole, type Database, type UserRole, type WardRole } from '../db/schema.js';
import { provinceChain, writeAudit, type AuditActor } from './audit.js';
import { checkPassword, type PasswordProblem } from './password-policy.js';
import { hashPassword, needsRehash, newToken, safeEqualText, sha256, verifyPassword } from './secrets.js';

export type Role = 'device' | UserRole;

export interface DevicePrincipal {
  role: 'device';
  deviceId: string;
  wardCode: string;
  /** Set only on the sync route, which still takes a retired device's outbox (routes/principal.ts). */
  retired?: true;
}

export interface StaffPrincipal {
  role: WardRole;
  userId: string;
  username: string;
  wardCode: string;
  /** The password failed the policy at sign-in: only changing it is allowed (dashboard-access.ts). */
  mustChangePassword?: boolean;
  /** Where this request came from, for the audit log (set by the dashboard's preHandler). */
  ip?: string;
  userAgent?: string;
}

/**
 * A province account (city_staff, city_admin): reads the roll-up of the province's wards held by
 * this endpoint, never a ward's records (routes/city.ts). No wardCode: ward routes refuse it.
 */
export interface CityPrincipal {
  role: CityRole;
  userId: string;
  username: string;
  /** The province's administrative code, e.g. "31" (Hải Phòng). */
  provinceCode: string;
  mustChangePassword?: boolean;
  ip?: string;
  userAgent?: string;
}

/** A signed-in person: ward staff or city staff. */
export type SessionPrincipal = StaffPrincipal | CityPrincipal;

export type Principal = DevicePrincipal | SessionPrincipal;

export const isCityPrincipal = (p: Principal | null | undefined): p is CityPrincipal => p !== null && p !== undefined && isCityRole(p.role);

/** Where an account's audit entries go: its ward's chain, or its province's (audit.ts provinceChain). */
export function auditChainOf(account: { ward_code: string | null; province_code: string | null }): string {
  return account.ward_code ?? provinceChain(account.province_code ?? '');
}

/** The audit actor of a signed-in person (a city account writes to its province chain). */
export function auditActorOf(p: SessionPrincipal): AuditActor {
  const chain = 'provinceCode' in p ? provinceChain(p.provinceCode) : p.wardCode;
  return { userId: p.userId, username: p.username, wardCode: chain, ip: p.ip ?? null, userAgent: p.userAgent ?? null };
}

export const SESSION_HOURS = 12;
/** A staff session unused this long is over (a shared office PC left signed in). */
export const SESSION_IDLE_MINUTES = 30;
/** last_used_at is written at most this often (not one write per dashboard request). */
const TOUCH_EVERY_MS = 60_000;

/**
 * The lockout, per account AND client IP (a stranger elsewhere cannot lock the admin out of the
 * office): after 5 failures, each further failure locks for 1 minute, then 2, 4, 8, capped at 15.
 */
export const LOCKOUT = { freeFailures: 5, firstLockMs: 60_000, maxLockMs: 15 * 60_000 } as const;

export function lockDurationMs(failures: number): number {
  if (failures < LOCKOUT.freeFailures) return 0;
  return Math.min(LOCKOUT.maxLockMs, LOCKOUT.firstLockMs * 2 ** (failures - LOCKOUT.freeFailures));
}

export type DeviceRevocation = 'retired' | 'lost';

/**
 * The device a token belongs to, revoked or not (null: no such token). A revocation from before
 * retire/lost existed counts as lost (migration 20261203T100000-device-retirement).
 */
export async function lookupDevice(db: Kysely<Database>, token: string): Promise<{ principal: DevicePrincipal; revocation: DeviceRevocation | null } | null> {
  if (!token) return null;
  const hash = sha256(token);
  const row = await db
    .selectFrom('devices')
    .select(['id', 'ward_code', 'token_hash', 'revoked_at', 'revoke_kind'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || !safeEqualText(row.token_hash, hash)) return null;
  const revocation = row.revoked_at === null ? null : row.revoke_kind === 'retired' ? 'retired' : 'lost';
  return { principal: { role: 'device', deviceId: row.id, wardCode: row.ward_code }, revocation };
}

/** An enrolled device that is not revoked (retired and lost devices are refused here). */
export async function authenticateDevice(db: Kysely<Database>, token: string): Promise<DevicePrincipal | null> {
  const found = await lookupDevice(db, token);
  return found && found.revocation === null ? found.principal : null;
}

export async function authenticateSession(
  db: Kysely<Database>,
  token: string,
  now = new Date(),
): Promise<SessionPrincipal | null> {
  if (!token) return null;
  const hash = sha256(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.token_hash',
      'sessions.expires_at',
      'sessions.created_at',
      'sessions.last_used_at',
      'sessions.must_change_password',
      'users.id',
      'users.username',
      'users.ward_code',
      'users.province_code',
      'users.role',
      'users.disabled_at',
    ])
    .where('sessions.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || !safeEqualText(row.token_hash, hash) || row.disabled_at !== null) return null;
  if (row.expires_at <= now.toISOString()) return null;
  const lastUsed = Date.parse(row.last_used_at ?? row.created_at);
  if (now.getTime() - lastUsed >= SESSION_IDLE_MINUTES * 60_000) return null;
  if (now.getTime() - lastUsed >= TOUCH_EVERY_MS) {
    await db.updateTable('sessions').set({ last_used_at: now.toISOString() }).where('token_hash', '=', hash).execute();
  }
  const principal: SessionPrincipal = isCityRole(row.role)
    ? { role: row.role, userId: row.id, username: row.username, provinceCode: row.province_code ?? '' }
    : { role: row.role, userId: row.id, username: row.username, wardCode: row.ward_code ?? '' };
  // A row whose role and scope disagree (never written by this code) signs nobody in.
  if (isCityRole(row.role) ? row.province_code === null : row.ward_code === null) return null;
  if (Number(row.must_change_password) === 1) principal.mustChangePassword = true;
  return principal;
}

/** Deletes sessions past their 12 hours or idle 30 minutes, and stale sign-in failure counts. */
export async function purgeSessions(db: Kysely<Database>, now = new Date()): Promise<number> {
  const idleSince = new Date(now.getTime() - SESSION_IDLE_MINUTES * 60_000).toISOString();
  const result = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', now.toISOString()),
        eb.and([eb('last_used_at', 'is', null), eb('created_at', '<=', idleSince)]),
        eb('last_used_at', '<=', idleSince),
      ]),
    )
    .executeTakeFirst();
  const dayAgo = new Date(now.getTime() - 24 * 3600_000).toISOString();
  await db
    .deleteFrom('login_failures')
    .where('last_failure_at', '<=', dayAgo)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now.toISOString())]))
    .execute();
  return Number(result.numDeletedRows);
}

export class UnknownWardError extends Error {
  constructor(readonly wardCode: string) {
    super(`Unknown ward ${wardCode}`);
  }
}

export async function requireWard(db: Kysely<Database>, wardCode: string): Promise<void> {
  const ward = await db.selectFrom('wards').select('code').where('code', '=', wardCode).executeTakeFirst();
  if (!ward) throw new UnknownWardError(wardCode);
}

// Enrolment codes (issue, enrol, list, revoke): services/enrolment-codes.ts.

export class PasswordPolicyError extends RangeError {
  constructor(readonly problem: PasswordProblem) {
    super(
      problem === 'too_short'
        ? 'password: at least 12 characters'
        : problem === 'too_long'
          ? 'password: at most 200 characters'
          : 'password: too common or too easy to guess (a common password, the username, or a repeated piece); choose a longer phrase',
    );
  }
}

const USERNAME = /^[a-z0-9._-]{3,40}$/i;

/** Checks the username and the password policy, then hashes: call it before any transaction. */
export async function prepareUser(input: { username: string; password: string }): Promise<{ username: string; passwordHash: string }> {
  if (!USERNAME.test(input.username)) throw new RangeError('username: 3–40 letters, digits, ".", "_" or "-"');
  const problem = checkPassword(input.password, input.username);
  if (problem) throw new PasswordPolicyError(problem);
  return { username: input.username.toLowerCase(), passwordHash: await hashPassword(input.password) };
}

export class UnknownProvinceError extends Error {
  constructor(readonly provinceCode: string) {
    super(`No ward of province ${provinceCode} on this endpoint`);
  }
}

/** A province scope needs at least one ward of that province held here (a typo is refused). */
export async function requireProvince(db: Kysely<Database>, provinceCode: string): Promise<void> {
  const ward = await db.selectFrom('wards').select('code').where('province_code', '=', provinceCode).limit(1).executeTakeFirst();
  if (!ward) throw new UnknownProvinceError(provinceCode);
}

/** Who an account is for: a ward (ward roles) or a province (city roles), never both. */
export interface AccountScope {
  wardCode?: string | undefined;
  provinceCode?: string | undefined;
}

async function checkScope(db: Kysely<Database>, scope: AccountScope, role: UserRole): Promise<{ ward_code: string | null; province_code: string | null }> {
  if (isCityRole(role)) {
    if (scope.provinceCode === undefined || scope.wardCode !== undefined) throw new RangeError(`${role}: a province (--province CODE), not a ward`);
    if (!/^\d{2}$/.test(scope.provinceCode)) throw new RangeError('province: a two-digit administrative code, e.g. 31');
    await requireProvince(db, scope.provinceCode);
    return { ward_code: null, province_code: scope.provinceCode };
  }
  if (scope.wardCode === undefined || scope.provinceCode !== undefined) throw new RangeError(`${role}: a ward (--ward CODE), not a province`);
  await requireWard(db, scope.wardCode);
  return { ward_code: scope.wardCode, province_code: null };
}

/** Inserts an account whose password was hashed by prepareUser (no hashing inside a transaction). */
export async function insertUser(
  db: Kysely<Database>,
  input: AccountScope & { username: string; passwordHash: string; role: UserRole },
  now = new Date(),
): Promise<{ id: string }> {
  const scope = await checkScope(db, input, input.role);
  const id = randomUUID();
  await db
    .insertInto('users')
    .values({
      id,
      ...scope,
      username: input.username.toLowerCase(),
      password_hash: input.passwordHash,
      role: input.role,
      created_at: now.toISOString(),
      disabled_at: null,
    })
    .execute();
  return { id };
}

export async function createUser(
  db: Kysely<Database>,
  input: AccountScope & { username: string; password: string; role: UserRole },
  now = new Date(),
): Promise<{ id: string }> {
  const prepared = await prepareUser(input);
  return insertUser(db, { wardCode: input.wardCode, provinceCode: input.provinceCode, role: input.role, ...prepared }, now);
}

/** A city account's scope as sign-in answers it: the province and every ward of it held here. */
export interface ProvinceScope {
  code: string;
  name: string;
  wards: { code: string; name: string }[];
}

export async function provinceScope(db: Kysely<Database>, provinceCode: string): Promise<ProvinceScope> {
  const wards = await db.selectFrom('wards').select(['code', 'name', 'province_name']).where('province_code', '=', provinceCode).orderBy('code').execute();
  return { code: provinceCode, name: wards[0]?.province_name ?? '', wards: wards.map((w) => ({ code: w.code, name: w.name })) };
}

export interface LoginResult {
  token: string;
  /** The ward of a ward account; null for a city account (see province). */
  wardCode: string | null;
  /** A city account's province and its wards held here; null for a ward account. */
  province: ProvinceScope | null;
  role: UserRole;
  /** The password fails today's policy: the session may only change it (POST /api/v1/auth/password). */
  mustChangePassword: boolean;
}

export type LoginOutcome =
  | ({ ok: true } & LoginResult)
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

/** Who wrote a sign-in entry of the audit log: the account, or nobody known (chain of ward ''). */
async function auditSignIn(
  db: Kysely<Database>,
  account: { id: string; username: string; ward_code: string | null; province_code: string | null } | null,
  action: 'auth.login' | 'auth.login_failed',
  detail: Record<string, unknown>,
  now: Date,
  context: { ip?: string; userAgent?: string },
): Promise<void> {
  // An unknown account's typed username is never written: people type passwords there.
  const actor = { userId: account?.id ?? '', username: account?.username ?? '', wardCode: account ? auditChainOf(account) : '' };
  await writeAudit(db, actor, action, account?.id ?? null, detail, now, context);
}

/**
 * Signs a staff member in. A wrong username and a wrong password get the same answer in the
 * same time; an account that failed 5 times from this IP is locked for that IP (doubling waits,
 * 1 to 15 minutes). Sign-ins and failures go to the audit log; an old-cost hash is redone.
 */
export async function login(
  db: Kysely<Database>,
  username: string,
  password: string,
  options: { ip?: string; userAgent?: string; now?: Date } = {},
): Promise<LoginOutcome> {
  const now = options.now ?? new Date();
  const ip = options.ip ?? '';
  const user = await db
    .selectFrom('users')
    .select(['id', 'ward_code', 'province_code', 'role', 'username', 'password_hash', 'disabled_at'])
    .where('username', '=', username.toLowerCase())
    .executeTakeFirst();
  if (user) {
    const failure = await db.selectFrom('login_failures').select(['failures', 'locked_until']).where('user_id', '=', user.id).where('ip', '=', ip).executeTakeFirst();
    if (failure?.locked_until && failure.locked_until > now.toISOString()) {
      await auditSignIn(db, user, 'auth.login_failed', { ip, reason: 'locked' }, now, options);
      return { ok: false, reason: 'locked', retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(failure.locked_until) - now.getTime()) / 1000)) };
    }
  }
  const ok = await verifyPassword(password, user && user.disabled_at === null ? user.password_hash : null);
  if (!ok || !user) {
    if (user) {
      const before = await db.selectFrom('login_failures').select('failures').where('user_id', '=', user.id).where('ip', '=', ip).executeTakeFirst();
      const failures = Number(before?.failures ?? 0) + 1;
      const lockMs = lockDurationMs(failures);
      const row = { failures, locked_until: lockMs ? new Date(now.getTime() + lockMs).toISOString() : null, last_failure_at: now.toISOString() };
      await db
        .insertInto('login_failures')
        .values({ user_id: user.id, ip, ...row })
        .onConflict((oc) => oc.columns(['user_id', 'ip']).doUpdateSet(row))
        .execute();
      await auditSignIn(db, user, 'auth.login_failed', { ip, reason: user.disabled_at === null ? 'password' : 'disabled', failures }, now, options);
    } else {
      await auditSignIn(db, null, 'auth.login_failed', { ip, reason: 'unknown_account' }, now, options);
    }
    return { ok: false, reason: 'invalid' };
  }
  await db.deleteFrom('login_failures').where('user_id', '=', user.id).where('ip', '=', ip).execute();
  if (needsRehash(user.password_hash)) {
    await db.updateTable('users').set({ password_hash: await hashPassword(password) }).where('id', '=', user.id).execute();
  }
  const mustChangePassword = checkPassword(password, user.username) !== null;
  const token = newToken();
  await db
    .insertInto('sessions')
    .values({
      token_hash: sha256(token),
      user_id: user.id,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
      last_used_at: now.toISOString(),
      must_change_password: mustChangePassword ? 1 : 0,
    })
    .execute();
  await auditSignIn(db, user, 'auth.login', { ip, ...(mustChangePassword ? { mustChangePassword: true } : {}) }, now, options);
  const province = user.province_code !== null ? await provinceScope(db, user.province_code) : null;
  return { ok: true, token, wardCode: user.ward_code, province, role: user.role, mustChangePassword };
}

export type ChangePasswordOutcome = { ok: true } | { ok: false; reason: 'wrong_password' } | { ok: false; reason: PasswordProblem };

/**
 * The signed-in person changes their own password: the current one is checked, the new one must
 * pass the policy; every other session of the account ends, and this one is no longer limited.
 */
export async function changeOwnPassword(
  db: Kysely<Database>,
  token: string,
  who: SessionPrincipal,
  currentPassword: string,
  newPassword: string,
  now = new Date(),
): Promise<ChangePasswordOutcome> {
  const user = await db.selectFrom('users').select(['password_hash']).where('id', '=', who.userId).executeTakeFirst();
  if (!user || !(await verifyPassword(currentPassword, user.password_hash))) return { ok: false, reason: 'wrong_password' };
  const problem = checkPassword(newPassword, who.username);
  if (problem) return { ok: false, reason: problem };
  if (newPassword === currentPassword) return { ok: false, reason: 'common' };
  const hash = await hashPassword(newPassword);
  const tokenHash = sha256(token);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', who.userId).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', who.userId).where('token_hash', '!=', tokenHash).execute();
    await trx.updateTable('sessions').set({ must_change_password: 0, last_used_at: now.toISOString() }).where('token_hash', '=', tokenHash).execute();
    await writeAudit(trx, auditActorOf(who), 'auth.password_change', who.userId, {}, now);
  });
  return { ok: true };
}

/** The admin CLI: disables or enables an account by username (disabling ends its sessions). */
export async function setUserDisabled(db: Kysely<Database>, username: string, disabled: boolean, now = new Date()): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'ward_code', 'province_code', 'username']).where('username', '=', username.toLowerCase()).executeTakeFirst();
    if (!user) return false;
    await trx.updateTable('users').set({ disabled_at: disabled ? now.toISOString() : null }).where('id', '=', user.id).execute();
    if (disabled) await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    const cli = { userId: 'cli', username: 'admin CLI', wardCode: auditChainOf(user) };
    await writeAudit(trx, cli, disabled ? 'users.disable' : 'users.enable', user.id, { username: user.username }, now);
    return true;
  });
}

/** The admin CLI: clears the lockout of an account (every IP). */
export async function unlockUser(db: Kysely<Database>, username: string, now = new Date()): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'ward_code', 'province_code', 'username']).where('username', '=', username.toLowerCase()).executeTakeFirst();
    if (!user) return false;
    await trx.deleteFrom('login_failures').where('user_id', '=', user.id).execute();
    await writeAudit(trx, { userId: 'cli', username: 'admin CLI', wardCode: auditChainOf(user) }, 'users.unlock', user.id, { username: user.username }, now);
    return true;
  });
}

export async function logout(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
}

/**
 * Revokes a device (admin CLI): 'lost' (default, as the old revoke: nothing more is stored from
 * it and it is told to wipe) or 'retired' (it may still send its outbox, then wipes). False when
 * there is no such device. A device already revoked keeps its first revocation.
 */
export async function revokeDevice(db: Kysely<Database>, deviceId: string, now = new Date(), kind: DeviceRevocation = 'lost'): Promise<boolean> {
  const result = await db
    .updateTable('devices')
    .set({ revoked_at: now.toISOString(), revoke_kind: kind })
    .where('id', '=', deviceId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return true;
  const exists = await db.selectFrom('devices').select('id').where('id', '=', deviceId).executeTakeFirst();
  return exists !== undefined; // already revoked: still a success
}

export async function listDevices(db: Kysely<Database>, wardCode?: string) {
  let q = db.selectFrom('devices').select(['id', 'ward_code', 'volunteer_name', 'created_at', 'revoked_at', 'last_seen_at']);
  if (wardCode) q = q.where('ward_code', '=', wardCode);
  return q.orderBy('created_at').execute();
}
