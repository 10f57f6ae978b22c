// Issue 12, point 4: the ward's retentionMonths is applied (services/retention.ts). Every
// revision and conflict row whose personal fields were erased is marked with the time, so the
// daily run is idempotent and the sync's duplicate check knows a stored body was erased
// (services/sync-ingest.ts). Added, never edited (see migrations/index.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('record_revisions').addColumn('personal_erased_at', 'text').execute();
  await db.schema.alterTable('conflicts').addColumn('personal_erased_at', 'text').execute();
  // The retention run finds records by ward and survey / help date (indexes exist already), then
  // their conflict rows by record id.
  await db.schema.createIndex('conflicts_record').on('conflicts').column('record_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('The retention migration is not reversible.');
}
