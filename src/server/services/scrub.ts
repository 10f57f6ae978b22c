// After personal data was erased from stored rows (retention, a data-subject erasure), the old
// bytes must not linger in the database's files. Call scrubErasedBytes once the erasing
// transactions have committed (never inside one).
//
// - SQLite: every connection runs with `secure_delete = ON` (db/connect.ts), so the content an
//   UPDATE or DELETE frees is overwritten with zeros in the page it leaves. The old page images
//   still sit in the write-ahead log until a checkpoint copies the new pages into the database
//   file; `wal_checkpoint(TRUNCATE)` does that and truncates the -wal file to zero bytes. Bytes
//   freed before secure_delete was turned on (an install older than this code) are removed by
//   one VACUUM, run the first time this runs on a database (marked in server_meta).
// - PostgreSQL: an UPDATE leaves the old row version as a dead tuple; `VACUUM` of the touched
//   tables (and their TOAST tables) removes dead tuples so their space is reused. PostgreSQL
//   does not zero that space: the bytes are gone from every query and overwritten as the pages
//   are reused, and WAL segments are recycled after checkpoints; `VACUUM FULL` (an exclusive
//   lock that stops syncing while it rewrites the table) is the documented stronger step
//   (src/server/db/README.md, "Erased data").
import { sql } from 'kysely';
import type { ServerDb } from '../db/connect.js';

/** A plain table name (it goes into SQL as an identifier). */
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const VACUUMED_KEY = 'sqlite_vacuumed_for_secure_delete';

export interface ScrubResult {
  /** SQLite: the checkpoint could not finish within its retries (a reader held an old snapshot); run again later. */
  busy: boolean;
  /** SQLite: the one-time VACUUM ran now. */
  vacuumed: boolean;
}

/**
 * Makes the bytes of erased values leave the database files (see the header). `tables`: the
 * tables the erasure updated or deleted from (PostgreSQL vacuums those; SQLite checkpoints the
 * whole file). Callers may ignore the result; `busy` is worth a log line.
 */
export async function scrubErasedBytes(server: ServerDb, tables: readonly string[]): Promise<ScrubResult> {
  for (const table of tables) if (!TABLE_NAME.test(table)) throw new Error(`scrubErasedBytes: not a table name: ${table}`);
  if (server.dialect === 'postgres') {
    // VACUUM cannot run in a transaction: each statement runs alone on a pool connection.
    for (const table of new Set(tables)) await sql`vacuum ${sql.table(table)}`.execute(server.db);
    return { busy: false, vacuumed: false };
  }
  const sqlite = server.sqlite;
  if (!sqlite) throw new Error('scrubErasedBytes: no SQLite handle');
  if (sqlite.inTransaction) throw new Error('scrubErasedBytes: called inside a transaction');
  // Set by connect.ts already; set again so a handle opened elsewhere is covered too.
  sqlite.pragma('secure_delete = ON');
  let vacuumed = false;
  const marker = sqlite.prepare('select value from server_meta where key = ?').get(VACUUMED_KEY);
  if (!marker) {
    sqlite.exec('VACUUM');
    sqlite.prepare('insert into server_meta (key, value) values (?, ?)').run(VACUUMED_KEY, new Date().toISOString());
    vacuumed = true;
  }
  // The server's WAL worker (db/wal-checkpointer.ts) checkpoints every 40 ms and after a lone
  // phone's batch, for a few milliseconds; while it does, SQLite answers a second checkpoint busy at once, without its
  // busy handler (sqlite3_wal_checkpoint_v2: the checkpoint lock never waits). Try again for up
  // to two seconds; a reader holding an old snapshot longer still leaves it busy.
  let busy = true;
  for (let attempt = 0; busy && attempt < CHECKPOINT_ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, CHECKPOINT_RETRY_MS));
    const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    busy = (result?.busy ?? 0) !== 0;
  }
  return { busy, vacuumed };
}

const CHECKPOINT_ATTEMPTS = 100;
const CHECKPOINT_RETRY_MS = 20;
