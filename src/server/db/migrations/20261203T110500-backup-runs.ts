// Issue 14, point 3: every backup run, successful or not (services/backup.ts), so the ward
// dashboard and /api/health can say when the last good backup was taken. `kind`: manual (the
// admin CLI), scheduled (`backup --keep N --dir DIR`, a systemd timer) or pre_migration (taken
// at open before pending schema migrations). `error` is the one-line failure message. Added,
// never edited (see migrations/index.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Idempotent, as the migrations after the audit chain are: its upgrade test runs them again
  // over a database that has them.
  await db.schema
    .createTable('backup_runs')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint')
    .addColumn('file', 'text')
    .addColumn('encryption', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('backup_runs_finished').ifNotExists().on('backup_runs').columns(['ok', 'finished_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('The backup runs migration is not reversible.');
}
