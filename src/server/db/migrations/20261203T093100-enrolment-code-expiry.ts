// Issue 10, defect 7: enrolment codes get an id (to list and revoke them), an expiry, a
// revocation, their total uses and who issued them; from now on they are stored as
// HMAC-SHA-256 under the server's key (services/enrolment-codes.ts). Codes issued before were
// stored as plain SHA-256 and cannot be re-keyed without the code itself: they are EXPIRED here
// (expires_at = the migration's time), so a code on an old briefing sheet stops working and
// ward staff issue a new one. Added, never edited (see migrations/index.ts).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('enrolment_codes').addColumn('id', 'text').execute();
  await db.schema.alterTable('enrolment_codes').addColumn('uses_total', 'integer').execute();
  await db.schema.alterTable('enrolment_codes').addColumn('expires_at', 'text').execute();
  await db.schema.alterTable('enrolment_codes').addColumn('revoked_at', 'text').execute();
  await db.schema.alterTable('enrolment_codes').addColumn('issued_by', 'text').execute();
  const now = new Date().toISOString();
  const rows: { code_hash: string; uses_left: number }[] = await db.selectFrom('enrolment_codes').select(['code_hash', 'uses_left']).execute();
  for (const row of rows) {
    await db
      .updateTable('enrolment_codes')
      .set({ id: randomUUID(), uses_total: row.uses_left, expires_at: now })
      .where('code_hash', '=', row.code_hash)
      .execute();
  }
  await db.schema.createIndex('enrolment_codes_id').unique().on('enrolment_codes').column('id').execute();
  await db.schema.createIndex('enrolment_codes_ward').on('enrolment_codes').columns(['ward_code', 'created_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('The enrolment code expiry migration is not reversible.');
}
