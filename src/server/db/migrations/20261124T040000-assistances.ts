// Assistance records (issue 5): the latest rev of each, flattened for the dashboard's tallies,
// and its kinds of help one row each (a help can be of several kinds; a join counts by kind on
// both dialects without JSON functions). The whole record stays in record_revisions like every
// kind. Added, never edited (see migrations/index.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('assistances')
    .addColumn('record_id', 'text', (c) => c.primaryKey())
    .addColumn('rev', 'integer', (c) => c.notNull())
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('group_code', 'text')
    .addColumn('household_id', 'text')
    .addColumn('member_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('campaign', 'text')
    .addColumn('place', 'text')
    .addColumn('helped_at', 'text', (c) => c.notNull())
    .addColumn('birth_year', 'integer', (c) => c.notNull())
    .addColumn('teaching_card_id', 'text')
    .addColumn('practice', 'integer', (c) => c.notNull())
    .addColumn('voided', 'integer', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('client_updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('assistances_ward_helped').on('assistances').columns(['ward_code', 'helped_at']).execute();
  await db.schema.createIndex('assistances_household').on('assistances').columns(['household_id']).execute();

  await db.schema
    .createTable('assistance_kinds')
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('assistance_kinds_pk', ['record_id', 'kind'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('The assistances migration is not reversible.');
}
