// Makes erased bytes leave the storage after personal values were overwritten or deleted
// (erasure on request: services/data-subject.ts; retention). SQLite: with secure_delete on,
// freed cell space is zeroed as pages are written; a TRUNCATE checkpoint then copies the new
// pages into the database file and empties the WAL, which still held the old page images.
// PostgreSQL: an UPDATE leaves the old tuple in the table until VACUUM reclaims it.
//
// Minimal version written for the data-subject requests (H4) while the retention work (H5),
// which owns this file, had not landed: same file, same signature; H5's version replaces it.
import { sql } from 'kysely';
import type { ServerDb } from '../db/connect.js';
import type { Database } from '../db/schema.js';

export async function scrubErasedBytes(db: ServerDb, tables: readonly (keyof Database)[]): Promise<void> {
  if (db.dialect === 'sqlite') {
    db.sqlite?.pragma('secure_delete = ON');
    db.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
    return;
  }
  // VACUUM cannot run inside a transaction block; each table on its own statement.
  for (const table of new Set(tables)) await sql`VACUUM ${sql.table(table)}`.execute(db.db);
}
