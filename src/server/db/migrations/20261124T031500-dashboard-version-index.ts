// The dashboard's cache check reads (count, sum of revs, last received_at) of a ward's
// households on every request: a covering index keeps that a scan of one small index range.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('households_ward_version').on('households').columns(['ward_code', 'received_at', 'rev']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Not reversible.');
}
