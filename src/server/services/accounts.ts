// Who may talk to the ward endpoint: enrolled devices (volunteers' phones, write their ward's
// records) and ward staff (sign in with a password; read their ward). Tokens and codes are
// stored only as hashes; looking a token up by its hash and comparing in constant time means
// neither the database nor the timing gives a usable token away.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, UserRole } from '../db/schema.js';
import { hashPassword, newToken, safeEqualText, sha256, verifyPassword } from './secrets.js';

export type Role = 'device' | UserRole;

export interface DevicePrincipal {
  role: 'device';
  deviceId: string;
  wardCode: string;
}

export interface StaffPrincipal {
  role: UserRole;
  userId: string;
  username: string;
  wardCode: string;
}

export type Principal = DevicePrincipal | StaffPrincipal;

export const SESSION_HOURS = 12;

export async function authenticateDevice(db: Kysely<Database>, token: string): Promise<DevicePrincipal | null> {
  if (!token) return null;
  const hash = sha256(token);
  const row = await db
    .selectFrom('devices')
    .select(['id', 'ward_code', 'token_hash', 'revoked_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || !safeEqualText(row.token_hash, hash) || row.revoked_at !== null) return null;
  return { role: 'device', deviceId: row.id, wardCode: row.ward_code };
}

export async function authenticateSession(
  db: Kysely<Database>,
  token: string,
  now = new Date(),
): Promise<StaffPrincipal | null> {
  if (!token) return null;
  const hash = sha256(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.token_hash', 'sessions.expires_at', 'users.id', 'users.username', 'users.ward_code', 'users.role', 'users.disabled_at'])
    .where('sessions.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || !safeEqualText(row.token_hash, hash) || row.disabled_at !== null) return null;
  if (row.expires_at <= now.toISOString()) return null;
  return { role: row.role, userId: row.id, username: row.username, wardCode: row.ward_code };
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

export async function createUser(
  db: Kysely<Database>,
  input: { wardCode: string; username: string; password: string; role: UserRole },
  now = new Date(),
): Promise<{ id: string }> {
  if (!/^[a-z0-9._-]{3,40}$/i.test(input.username)) throw new RangeError('username: 3–40 letters, digits, ".", "_" or "-"');
  if (input.password.length < 10) throw new RangeError('password: at least 10 characters');
  await requireWard(db, input.wardCode);
  const id = randomUUID();
  await db
    .insertInto('users')
    .values({
      id,
      ward_code: input.wardCode,
      username: input.username.toLowerCase(),
      password_hash: await hashPassword(input.password),
      role: input.role,
      created_at: now.toISOString(),
      disabled_at: null,
    })
    .execute();
  return { id };
}

export interface LoginResult {
  token: string;
  wardCode: string;
  role: UserRole;
}

/** Signs a staff member in; null for a wrong username or password alike (same time, same answer). */
export async function login(
  db: Kysely<Database>,
  username: string,
  password: string,
  now = new Date(),
): Promise<LoginResult | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'ward_code', 'role', 'password_hash', 'disabled_at'])
    .where('username', '=', username.toLowerCase())
    .executeTakeFirst();
  const ok = await verifyPassword(password, user && user.disabled_at === null ? user.password_hash : null);
  if (!ok || !user) return null;
  const token = newToken();
  await db
    .insertInto('sessions')
    .values({
      token_hash: sha256(token),
      user_id: user.id,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
    })
    .execute();
  return { token, wardCode: user.ward_code, role: user.role };
}

export async function logout(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
}

/** Revokes a device: its token gets 401 from now on. False when there is no such device. */
export async function revokeDevice(db: Kysely<Database>, deviceId: string, now = new Date()): Promise<boolean> {
  const result = await db
    .updateTable('devices')
    .set({ revoked_at: now.toISOString() })
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
