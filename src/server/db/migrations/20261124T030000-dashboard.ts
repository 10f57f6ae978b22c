// Ward dashboard: the audit log, a cache of normalised addresses for the duplicate check, and
// indexes for the dashboard's aggregates. Added, never edited (see migrations/index.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Who did what, when, in a ward: drill-downs, voids, exports, config and register changes
  // (old → new in `detail`). Never holds a password, a token or an enrolment code.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_ward_at').on('audit_log').columns(['ward_code', 'at']).execute();

  // The duplicate check folds addresses (diacritics, "số"/"ngõ"), which SQL cannot do the same
  // way on both dialects; the key is computed in JS once per (record, rev) and kept here.
  await db.schema
    .createTable('household_address_keys')
    .addColumn('record_id', 'text', (c) => c.primaryKey())
    .addColumn('rev', 'integer', (c) => c.notNull())
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('address_key', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('household_address_keys_ward').on('household_address_keys').columns(['ward_code', 'address_key']).execute();

  // The overview reads a ward's counted members and households (ward_code, then the filters).
  await db.schema.createIndex('members_ward_surveyed').on('members').columns(['ward_code', 'surveyed_at']).execute();
  await db.schema.createIndex('households_ward_surveyed').on('households').columns(['ward_code', 'surveyed_at']).execute();
  await db.schema.createIndex('households_device').on('households').columns(['device_id']).execute();
  await db.schema.createIndex('record_revisions_device').on('record_revisions').columns(['device_id']).execute();
  await db.schema.createIndex('conflicts_ward').on('conflicts').columns(['ward_code', 'received_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('The dashboard migration is not reversible.');
}
