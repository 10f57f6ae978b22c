// Opens the ward endpoint's database: SQLite (better-sqlite3, the embedded default) or
// PostgreSQL when a postgres:// URL is given. Both sit behind the same Kysely query layer, and
// both get the same migrations at open, checked to be a prefix of the list in the code.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type Transaction,
} from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { registerAuditKey, sealAuditChains } from '../services/audit.js';
import { backupBeforeMigrations, recordPreMigrationBackup } from '../services/backup-runs.js';
import { loadServerSecret } from '../services/server-secret.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import { WardKeys } from '../services/ward-keys.js';
import { migrations } from './migrations/index.js';
import { ReadReplica } from './read-replica.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface ServerDb {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, for messages (a file path, or the URL without its password). */
  location: string;
  /** The better-sqlite3 handle (SQLite only), for the batch writer's prepared statements. */
  sqlite?: SqliteDatabase.Database;
  /** The server's key for enrolment code HMACs, from the data folder, never the database (services/server-secret.ts). */
  enrolmentKey: Buffer;
  /** Each ward's HPKE key pairs for sealed outbox records, files of the data folder, never the database (services/ward-keys.ts). */
  wardKeys: WardKeys;
  /** The streaming replica for dashboard reads (PostgreSQL with DATABASE_READ_URL only): use readerFor / noteWrite. */
  replica?: ReadReplica;
  /**
   * SQLite with the WAL checkpointer (db/wal-checkpointer.ts): a write just committed that no
   * other follows at once (a lone phone's batch) is copied into the database file now.
   */
  checkpointSoon?(): void;
  close(): Promise<void>;
}

/**
 * The database to read these wards' dashboard data from: the replica when one is configured,
 * answering, and has replayed this server's last write of these wards; the primary otherwise.
 */
export async function readerFor(server: ServerDb, wardCodes: Iterable<string>): Promise<Kysely<Database>> {
  return server.replica ? server.replica.readerFor(wardCodes) : server.db;
}

/** After a committed write of these wards, before answering: their next reads must see it (read-replica.ts). */
export async function noteWrite(server: ServerDb, wardCodes: Iterable<string>): Promise<void> {
  await server.replica?.noteWrite(wardCodes);
}

export interface OpenOptions {
  /** postgres://… to use PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl?: string;
  /** Folder of the SQLite file, the server's secret key and the wards' sealing keys, whichever the engine (default ./data). */
  dataDir?: string;
  /** postgres://… of a streaming replica for dashboard reads (with a PostgreSQL databaseUrl only). */
  databaseReadUrl?: string;
  /**
   * Back up a non-empty database before applying pending migrations (the server and the admin
   * CLI ask for it; tests opening fresh databases need not): into DATA_DIR/backups, encrypted
   * to `recipient` when given, else unencrypted (0600 in a 0700 folder, beside the live file).
   */
  backupBeforeMigrations?: { recipient?: string };
  /**
   * SQLite: checkpoint the WAL on a worker thread instead of inside the commits of this
   * connection (db/wal-checkpointer.ts). The server asks for it; short-lived CLI commands need not.
   */
  checkpointInBackground?: boolean;
}

export const SQLITE_FILE_NAME = 'go-cua.sqlite';
/** How long a writer waits for another process's write lock before giving up (SQLITE_BUSY). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * The data folder holds residents' personal data and (with other files) the server's secrets:
 * only the server's user may enter it (0700) or read the database (0600). Created so, and
 * tightened at every start when an older install made them world-readable. The -wal and -shm
 * files SQLite makes take the database file's mode; existing ones are tightened too.
 */
export function prepareDataFiles(dataDir: string, file: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f)) chmodSync(f, 0o600);
  }
}

/**
 * Kysely's SQLite driver begins transactions DEFERRED: the first read takes a shared lock and
 * the first write must upgrade it, which SQLite refuses at once with "database is locked" when
 * another process (the admin CLI, a backup) holds the write lock — busy_timeout does not help
 * there. Every transaction here writes, so each begins IMMEDIATE and waits for the lock up
 * front. A rollback after SQLite already rolled back by itself (SQLITE_FULL, an I/O error) is
 * skipped, so the original error reaches the caller instead of "no transaction is active".
 */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(private readonly sqlite: SqliteDatabase.Database) {
    super({ database: sqlite });
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.sqlite.inTransaction) await super.rollbackTransaction(connection);
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly sqlite: SqliteDatabase.Database) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.sqlite);
  }
}

export async function openServerDb(options: OpenOptions = {}): Promise<ServerDb> {
  const url = options.databaseUrl?.trim();
  const enrolmentKey = loadServerSecret(options.dataDir ?? './data');
  const wardKeys = new WardKeys(options.dataDir ?? './data');
  let server: ServerDb;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection dropped by the server (a PostgreSQL restart, an administrator) is
    // emitted here; unheard it would crash the process. The pool reconnects on the next query.
    pool.on('error', (error: Error & { code?: string }) => {
      process.stderr.write(`PostgreSQL idle connection lost (${error.code ?? error.message}); reconnecting on next use\n`);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const readUrl = options.databaseReadUrl?.trim();
    const replica = readUrl ? new ReadReplica(readUrl, db, pool) : undefined;
    server = {
      db,
      dialect: 'postgres',
      location: url.replace(/\/\/[^@/]*@/, '//'),
      enrolmentKey,
      wardKeys,
      ...(replica ? { replica } : {}),
      close: async () => {
        await replica?.close();
        await db.destroy();
      },
    };
  } else {
    if (options.databaseReadUrl?.trim()) throw new Error('DATABASE_READ_URL needs a PostgreSQL DATABASE_URL (a streaming replica of it)');
    const dataDir = options.dataDir ?? './data';
    const file = path.join(dataDir, SQLITE_FILE_NAME);
    prepareDataFiles(dataDir, file);
    const sqlite = new SqliteDatabase(file, { fileMustExist: true });
    // WAL + synchronous=FULL: a committed (acknowledged) batch survives a power cut.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    // Deleted and overwritten content is zeroed in the file (and in the WAL pages written from
    // now on), so an erased name does not linger in free space (services/scrub.ts checkpoints).
    sqlite.pragma('secure_delete = ON');
    // The admin CLI (or a backup) may write while the server runs: wait for the lock instead of
    // failing. Write transactions start IMMEDIATE (below), so the wait happens at BEGIN, where
    // SQLite honours busy_timeout, never at a read→write upgrade, which it refuses at once.
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    // The dashboard scans the members table of a ward; a larger page cache and a memory-mapped
    // file spare it re-reading pages through system calls (measured ~15% less CPU per overview).
    sqlite.pragma('cache_size = -65536'); // 64 MiB
    sqlite.pragma('mmap_size = 268435456'); // 256 MiB
    sqlite.pragma('temp_store = MEMORY');
    const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(sqlite) });
    const checkpointer = options.checkpointInBackground ? startWalCheckpointer(sqlite, file) : null;
    server = {
      db,
      dialect: 'sqlite',
      location: file,
      sqlite,
      enrolmentKey,
      wardKeys,
      ...(checkpointer ? { checkpointSoon: () => checkpointer.checkpointSoon() } : {}),
      close: async () => {
        // The worker's connection first: the last one to close checkpoints the whole WAL and removes it.
        await checkpointer?.close();
        await db.destroy();
      },
    };
  }
  // The audit chain's key is derived from the same server secret (services/audit.ts).
  registerAuditKey(server.db, enrolmentKey, server.dialect);
  try {
    const preMigration = options.backupBeforeMigrations
      ? await backupBeforeMigrations({ ...server, dataDir: options.dataDir ?? './data', databaseUrl: server.dialect === 'postgres' ? url : undefined }, options.backupBeforeMigrations.recipient)
      : null;
    await migrate(server.db);
    // Recorded once the backup_runs table exists (it may be among the migrations just applied).
    if (preMigration) await recordPreMigrationBackup(server.db, preMigration);
    // Rows from before the audit chain (a migration cannot read the key) are chained here.
    const sealed = await sealAuditChains(server.db);
    if (sealed > 0) process.stderr.write(`Audit log: ${sealed} earlier entries chained\n`);
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

/** Applies pending migrations; fails if the database has applied one this code does not know. */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new Error(`Database migration failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Serialises writers of one ward inside a transaction. SQLite has one writer anyway; on
 * PostgreSQL two devices syncing the same record at once would otherwise both see "not
 * stored yet" and race on the primary key.
 */
export async function lockWard(trx: Transaction<Database>, dialect: DialectName, wardCode: string): Promise<void> {
  if (dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock(hashtext(${'ward:' + wardCode}))`.execute(trx);
  }
}
