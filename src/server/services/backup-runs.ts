// Backup runs as the server and the admin CLI take them (services/backup.ts does the file):
// each run recorded in backup_runs (the dashboard and /api/health show the last good one),
// audited in every ward's chain, and a failure said loudly: one `BACKUP FAILED: …` line on
// stderr. Also the backup taken at open before pending schema migrations (docs/backup.md).
import path from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from '../db/migrations/index.js';
import type { Database } from '../db/schema.js';
import { writeAudit } from './audit.js';
import { BACKUPS_DIR, BackupError, createBackup, recordBackupRun, type BackupKind, type BackupResult, type BackupRun, type Encryption } from './backup.js';

export interface BackupDb {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  sqlite?: SqliteDatabase.Database;
  databaseUrl?: string;
  dataDir: string;
}

/** The admin CLI's actor (cliActor of record-owners.ts, repeated: services must not import each other in a cycle). */
const cli = (wardCode: string) => ({ userId: 'cli', username: 'admin-cli', wardCode });

async function auditEveryWard(db: Kysely<Database>, action: 'backup.create' | 'backup.restore', target: string | null, detail: Record<string, unknown>): Promise<void> {
  for (const { code } of await db.selectFrom('wards').select('code').execute()) await writeAudit(db, cli(code), action, target, detail);
}

export function sayBackupFailed(message: string): void {
  process.stderr.write(`BACKUP FAILED: ${message}\n`);
}

/** Takes a backup, records the run (good or failed) and audits it; a failure is said and rethrown. */
export async function takeBackup(source: BackupDb, kind: BackupKind, out: string, encryption: Encryption): Promise<BackupResult> {
  const startedAt = new Date();
  let result: BackupResult;
  try {
    result = await createBackup(source, out, encryption, startedAt);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    sayBackupFailed(message);
    await recordBackupRun(source.db, { kind, startedAt, finishedAt: new Date(), ok: false, file: out, error: message }).catch((recordError: unknown) => {
      process.stderr.write(`(the failure could not be recorded in the database either: ${recordError instanceof Error ? recordError.message : String(recordError)})\n`);
    });
    throw error;
  }
  const run: BackupRun = { kind, startedAt, finishedAt: new Date(), ok: true, size: result.size, file: result.file, encryption: result.encryption };
  const id = await recordBackupRun(source.db, run);
  await auditEveryWard(source.db, 'backup.create', id, { kind, file: path.basename(result.file), sizeBytes: result.size, encryption: result.encryption });
  return result;
}

/** Audits a restore in every ward of the restored database. */
export async function auditRestore(db: Kysely<Database>, file: string, createdAt: string): Promise<void> {
  await auditEveryWard(db, 'backup.restore', null, { file: path.basename(file), backupCreatedAt: createdAt });
}

/** Migrations known to the code and not applied yet; null when the database is empty (none applied). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[] | null> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const all = await migrator.getMigrations();
  if (!all.some((m) => m.executedAt)) return null;
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

/**
 * Before pending migrations of a non-empty database: a backup in DATA_DIR/backups, encrypted to
 * `recipient` when set, else unencrypted (0600 in a 0700 folder: no worse than the live database
 * beside it). Its path is logged. A failure stops the open: nothing is migrated without a copy.
 * Returns the run to record once migrations have made the backup_runs table.
 */
export async function backupBeforeMigrations(source: BackupDb, recipient?: string): Promise<BackupRun | null> {
  const pending = await pendingMigrations(source.db);
  if (!pending || pending.length === 0) return null;
  const startedAt = new Date();
  const dir = path.join(source.dataDir, BACKUPS_DIR);
  const out = path.join(dir, `before-${pending[0]}-${startedAt.toISOString().replace(/[-:.]/g, '')}.${recipient ? 'age' : 'gocua'}`);
  try {
    const result = await createBackup(source, out, recipient ? { recipient } : { none: true }, startedAt);
    process.stderr.write(`Backup before ${pending.length} schema migration(s): ${result.file} (${result.size} bytes${recipient ? ', encrypted to BACKUP_RECIPIENT' : ', unencrypted, 0600'})\n`);
    return { kind: 'pre_migration', startedAt, finishedAt: new Date(), ok: true, size: result.size, file: result.file, encryption: result.encryption };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    sayBackupFailed(`before schema migrations: ${message}`);
    throw new BackupError(
      error instanceof BackupError ? error.failure : 'failed',
      `the backup before schema migrations failed (${message}); nothing was migrated. Fix it, or set BACKUP_BEFORE_MIGRATIONS=off to migrate without a backup`,
    );
  }
}

export async function recordPreMigrationBackup(db: Kysely<Database>, run: BackupRun): Promise<void> {
  const id = await recordBackupRun(db, run);
  await auditEveryWard(db, 'backup.create', id, { kind: run.kind, file: path.basename(run.file ?? ''), sizeBytes: run.size, encryption: run.encryption });
}
