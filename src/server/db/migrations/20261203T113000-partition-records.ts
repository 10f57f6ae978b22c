// Issue 15, point 3: on PostgreSQL the per-record tables become partitioned by a hash of the
// record id (RECORD_PARTITIONS partitions each). Every primary key of these tables already
// starts with record_id, so no key, unique index or query changes; the rows of an existing
// database are moved into the partitioned tables in this migration's transaction, and every
// index is recreated under its old name on the partitioned parent (one per partition below).
// Why hash and not by ward: src/server/db/README.md ("Partitioning", with the measurements).
// SQLite: nothing (one file per ward endpoint; no partitioning there). Idempotent: an already
// partitioned table is left as it is. Added, never edited.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** Partitions per table. A power of two, so a later split (modulus 32) maps each in two. */
export const RECORD_PARTITIONS = 16;
/** The tables holding one or more rows per record, all keyed by record_id first. */
export const PARTITIONED_TABLES = ['record_revisions', 'households', 'members', 'assistances'] as const;

interface IndexRow {
  indexname: string;
  indexdef: string;
}

interface ConstraintRow {
  conname: string;
  def: string;
}

async function partitionTable(db: Kysely<any>, table: string): Promise<void> {
  // Idempotent: a test (audit-chain) forgets the later migrations and runs them again.
  const done = await sql`select 1 from pg_partitioned_table where partrelid = ${table}::regclass`.execute(db);
  if (done.rows.length > 0) return;
  const old = `${table}_unpartitioned`;
  // The keys and indexes as they are now (whatever earlier migrations added), to rebuild them.
  const constraints = (
    await sql<ConstraintRow>`select conname, pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid = ${table}::regclass and contype in ('p', 'u') order by conname`.execute(db)
  ).rows;
  const indexes = (
    await sql<IndexRow>`select i.indexname, i.indexdef from pg_indexes i
      where i.schemaname = current_schema() and i.tablename = ${table}
        and not exists (select 1 from pg_constraint c where c.conrelid = ${table}::regclass and c.conname = i.indexname)
      order by i.indexname`.execute(db)
  ).rows;
  for (const c of constraints) {
    if (!/\brecord_id\b/.test(c.def)) throw new Error(`${table}.${c.conname} (${c.def}) lacks record_id, the partition key`);
  }
  // `LIKE` copies neither triggers nor foreign keys (from or to the table): none exist today;
  // refuse rather than silently drop one a later change might have added.
  const others = await sql<{ what: string }>`
    select 'trigger ' || tgname as what from pg_trigger where tgrelid = ${table}::regclass and not tgisinternal
    union all select 'foreign key ' || conname from pg_constraint where contype = 'f' and (conrelid = ${table}::regclass or confrelid = ${table}::regclass)`.execute(db);
  if (others.rows.length > 0) throw new Error(`${table}: ${others.rows.map((r) => r.what).join(', ')} would be lost by partitioning; carry it over in this migration`);

  await sql`alter table ${sql.table(table)} rename to ${sql.table(old)}`.execute(db);
  // Constraint and index names are per schema: free them for the new table.
  for (const c of constraints) await sql`alter table ${sql.table(old)} drop constraint ${sql.ref(c.conname)}`.execute(db);
  for (const i of indexes) await sql`drop index ${sql.ref(i.indexname)}`.execute(db);

  await sql`create table ${sql.table(table)} (like ${sql.table(old)} including defaults including generated)
    partition by hash (record_id)`.execute(db);
  for (let r = 0; r < RECORD_PARTITIONS; r++) {
    await sql`create table ${sql.table(`${table}_p${r}`)} partition of ${sql.table(table)}
      for values with (modulus ${sql.lit(RECORD_PARTITIONS)}, remainder ${sql.lit(r)})`.execute(db);
  }
  // Rows moved before the indexes exist: one sort per index instead of a row-by-row build.
  await sql`insert into ${sql.table(table)} select * from ${sql.table(old)}`.execute(db);
  await sql`drop table ${sql.table(old)}`.execute(db);
  for (const c of constraints) {
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(c.conname)} ${sql.raw(c.def)}`.execute(db);
  }
  // pg_indexes gave "CREATE INDEX name ON schema.table USING …": the same statement now builds
  // the index on the partitioned parent, and PostgreSQL makes one per partition.
  for (const i of indexes) await sql.raw(i.indexdef).execute(db);
  await sql`analyze ${sql.table(table)}`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const table of PARTITIONED_TABLES) await partitionTable(db, table);
}

export async function down(): Promise<void> {
  throw new Error('The record partitioning migration is not reversible.');
}
