// Opens the ward endpoint's database: SQLite (better-sqlite3, the embedded default) or
// PostgreSQL when a postgres:// URL is given. Both sit behind the same Kysely query layer, and
// both get the same migrations at open, checked to be a prefix of the list in the code.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { loadServerSecret } from '../services/server-secret.js';
import { migrations } from './migrations/index.js';
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
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… to use PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl?: string;
  /** Folder of the SQLite file and of the server's secret key, whichever the engine (default ./data). */
  dataDir?: string;
}

export const SQLITE_FILE_NAME = 'go-cua.sqlite';

export async function openServerDb(options: OpenOptions = {}): Promise<ServerDb> {
  const url = options.databaseUrl?.trim();
  const enrolmentKey = loadServerSecret(options.dataDir ?? './data');
  let server: ServerDb;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection dropped by the server (a PostgreSQL restart, an administrator) is
    // emitted here; unheard it would crash the process. The pool reconnects on the next query.
    pool.on('error', (error: Error & { code?: string }) => {
      process.stderr.write(`PostgreSQL idle connection lost (${error.code ?? error.message}); reconnecting on next use\n`);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    server = { db, dialect: 'postgres', location: url.replace(/\/\/[^@/]*@/, '//'), enrolmentKey, close: () => db.destroy() };
  } else {
    const dataDir = options.dataDir ?? './data';
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, SQLITE_FILE_NAME);
    const sqlite = new SqliteDatabase(file);
    // WAL + synchronous=FULL: a committed (acknowledged) batch survives a power cut.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    // The admin CLI may write while the server runs: wait for the lock instead of failing.
    sqlite.pragma('busy_timeout = 5000');
    // The dashboard scans the members table of a ward; a larger page cache and a memory-mapped
    // file spare it re-reading pages through system calls (measured ~15% less CPU per overview).
    sqlite.pragma('cache_size = -65536'); // 64 MiB
    sqlite.pragma('mmap_size = 268435456'); // 256 MiB
    sqlite.pragma('temp_store = MEMORY');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    server = { db, dialect: 'sqlite', location: file, sqlite, enrolmentKey, close: () => db.destroy() };
  }
  try {
    await migrate(server.db);
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
