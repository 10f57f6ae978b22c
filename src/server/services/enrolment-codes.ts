// Enrolment codes: short, typable secrets that let a phone become a device of one ward.
//
// - Stored as HMAC-SHA-256 under the server's key (server-secret.ts), never in clear: the key
//   is outside the database, so a stolen backup alone cannot be brute-forced offline (a plain
//   SHA-256 of a ~37-bit code space falls in seconds on a GPU).
// - Every code expires (default 7 days) and can be revoked; the list shows uses, expiry and who
//   issued it, never the code.
// - Uses are capped by who issues them: ward staff at most 50 phones per code, ward admins and
//   the server's operator (the CLI) at most 1000.
// Codes issued before the HMAC (plain SHA-256) were expired by the migration that added
// expiry: they cannot be re-keyed without the code itself.
import { createHmac, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EnrolmentCodeInfo } from '../../shared/protocol/dashboard.js';
import type { Database, WardRole } from '../db/schema.js';
import { requireWard } from './accounts.js';
import { writeAudit, type AuditContext } from './audit.js';
import { newEnrolmentCode, newToken, normaliseEnrolmentCode, safeEqualText, sha256 } from './secrets.js';

/** What the enrolment code functions need: the database (or a transaction) and the server's key. */
export interface KeyedDb {
  db: Kysely<Database>;
  enrolmentKey: Buffer;
}

export const DEFAULT_EXPIRES_DAYS = 7;
export const MAX_EXPIRES_DAYS = 90;
/** The most phones one code may enrol, by who issues it ('cli': the server's operator). */
export const MAX_USES: Readonly<Record<WardRole | 'cli', number>> = { ward_staff: 50, ward_admin: 1000, cli: 1000 };

export function enrolmentCodeHash(key: Buffer, code: string): string {
  return createHmac('sha256', key).update(normaliseEnrolmentCode(code), 'utf8').digest('base64url');
}

export interface IssueOptions {
  /** Days until the code stops working (1 … 90, default 7). */
  expiresDays?: number;
  /** Who issues it: caps the uses (MAX_USES). Default 'cli'. */
  issuer?: WardRole | 'cli';
  /** Username of the staff member, for the list; null from the CLI. */
  issuedBy?: string | null;
}

export interface IssuedCode {
  id: string;
  /** In clear, returned once: never stored, logged or audited. */
  code: string;
  uses: number;
  expiresAt: string;
}

/** Issues an enrolment code for `uses` devices of one ward. */
export async function issueEnrolmentCode(
  server: KeyedDb,
  wardCode: string,
  uses = 1,
  now = new Date(),
  options: IssueOptions = {},
): Promise<IssuedCode> {
  const issuer = options.issuer ?? 'cli';
  const max = MAX_USES[issuer];
  if (!Number.isInteger(uses) || uses < 1 || uses > max) throw new RangeError(`uses must be a whole number from 1 to ${max}`);
  const days = options.expiresDays ?? DEFAULT_EXPIRES_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRES_DAYS) throw new RangeError(`expires-days must be a whole number from 1 to ${MAX_EXPIRES_DAYS}`);
  await requireWard(server.db, wardCode);
  const code = newEnrolmentCode();
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + days * 86_400_000).toISOString();
  await server.db
    .insertInto('enrolment_codes')
    .values({
      id,
      code_hash: enrolmentCodeHash(server.enrolmentKey, code),
      ward_code: wardCode,
      uses_left: uses,
      uses_total: uses,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
      issued_by: options.issuedBy ?? null,
    })
    .execute();
  return { id, code, uses, expiresAt };
}

export type { EnrolmentCodeInfo };

/** The codes of a ward (or all), newest first, without their hashes. */
export async function listEnrolmentCodes(db: Kysely<Database>, wardCode?: string, now = new Date()): Promise<EnrolmentCodeInfo[]> {
  let q = db
    .selectFrom('enrolment_codes')
    .select(['id', 'ward_code', 'uses_left', 'uses_total', 'created_at', 'expires_at', 'revoked_at', 'issued_by'])
    .orderBy('created_at', 'desc');
  if (wardCode) q = q.where('ward_code', '=', wardCode);
  const rows = await q.execute();
  const at = now.toISOString();
  return rows.map((r) => ({
    id: r.id,
    wardCode: r.ward_code,
    usesLeft: Number(r.uses_left),
    usesTotal: Number(r.uses_total),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    issuedBy: r.issued_by,
    state: r.revoked_at !== null ? 'revoked' : r.expires_at <= at ? 'expired' : Number(r.uses_left) <= 0 ? 'used_up' : 'usable',
  }));
}

/** Revokes a code (of `wardCode` when given). False when there is no such code there. */
export async function revokeEnrolmentCode(db: Kysely<Database>, id: string, wardCode?: string, now = new Date()): Promise<boolean> {
  let q = db.updateTable('enrolment_codes').set({ revoked_at: now.toISOString() }).where('id', '=', id).where('revoked_at', 'is', null);
  if (wardCode) q = q.where('ward_code', '=', wardCode);
  if (Number((await q.executeTakeFirst()).numUpdatedRows) === 1) return true;
  let e = db.selectFrom('enrolment_codes').select('id').where('id', '=', id);
  if (wardCode) e = e.where('ward_code', '=', wardCode);
  return (await e.executeTakeFirst()) !== undefined; // already revoked: still a success
}

export type EnrolOutcome = { ok: true; deviceId: string; token: string } | { ok: false; reason: 'invalid_code' | 'other_ward' };

/** Spends one use of an enrolment code and makes a device of the code's ward. */
export async function enrolDevice(
  server: KeyedDb,
  input: { wardCode: string; enrolmentCode: string; volunteerName: string; signingKey?: string | undefined },
  now = new Date(),
  context: AuditContext = {},
): Promise<EnrolOutcome> {
  const codeHash = enrolmentCodeHash(server.enrolmentKey, input.enrolmentCode);
  const at = now.toISOString();
  return server.db.transaction().execute(async (trx) => {
    const code = await trx
      .selectFrom('enrolment_codes')
      .select(['id', 'code_hash', 'ward_code', 'uses_left', 'expires_at', 'revoked_at'])
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    if (!code || !safeEqualText(code.code_hash, codeHash) || code.uses_left <= 0 || code.revoked_at !== null || code.expires_at <= at) {
      return { ok: false, reason: 'invalid_code' } as const;
    }
    if (code.ward_code !== input.wardCode) return { ok: false, reason: 'other_ward' } as const;
    // The guards in the WHERE clause make the last use count once even with two phones at once.
    const spent = await trx
      .updateTable('enrolment_codes')
      .set((eb) => ({ uses_left: eb('uses_left', '-', 1) }))
      .where('code_hash', '=', codeHash)
      .where('uses_left', '>', 0)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) return { ok: false, reason: 'invalid_code' } as const;
    const deviceId = randomUUID();
    const token = newToken();
    await trx
      .insertInto('devices')
      .values({
        id: deviceId,
        ward_code: code.ward_code,
        volunteer_name: input.volunteerName,
        token_hash: sha256(token),
        created_at: at,
        revoked_at: null,
        last_seen_at: null,
        // Checked by the route (a P-256 point on the curve): it verifies the phone's rescue files.
        signing_key: input.signingKey ?? null,
        signing_key_at: input.signingKey ? at : null,
      })
      .execute();
    // The new device is the actor: ids only (the code's id, never the code).
    await writeAudit(trx, { userId: deviceId, username: 'device', wardCode: code.ward_code }, 'device.enrol', deviceId, { enrolmentCodeId: code.id }, now, context);
    return { ok: true, deviceId, token } as const;
  });
}
