// Issue 14 point 4 (safe updates): every revision keeps the schema version the phone's record
// carried when it arrived, beside the body stored migrated to the current version
// (docs/sync-protocol.md, "Record versions"). `record_revisions.received_schema_version` and
// `conflicts.received_schema_version`: null for rows the server wrote itself (a staff change)
// and for rows stored before this migration (their received version was not recorded; the
// assistance consent migration had already rewritten v1 bodies to v2).
import type { Kysely } from 'kysely';

// Idempotent (a column already there is left alone): tests that rewind the schema run the
// migrations after theirs again.
export async function up(db: Kysely<unknown>): Promise<void> {
  const tables = await db.introspection.getTables();
  for (const table of ['record_revisions', 'conflicts']) {
    const columns = tables.find((t) => t.name === table)?.columns ?? [];
    if (columns.some((c) => c.name === 'received_schema_version')) continue;
    await db.schema.alterTable(table).addColumn('received_schema_version', 'integer').execute();
  }
}

/** Undoes up() (tests that rewind the schema to an earlier migration use it). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conflicts').dropColumn('received_schema_version').execute();
  await db.schema.alterTable('record_revisions').dropColumn('received_schema_version').execute();
}
