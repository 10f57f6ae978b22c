// The audit log becomes one append-only hash chain per ward (issue 12 point 5): each row gets
// its place in the ward's chain (seq), the previous row's hash, its own keyed hash, and where
// the request came from (client IP, user agent). The HMAC key is the server secret of the data
// folder, which a migration cannot read: rows already here are left with seq NULL and chained
// at the next start by services/audit.ts (sealAuditChains, called by openServerDb), in (at, id)
// order. A trigger refuses UPDATE of a chained row and any DELETE, on both engines (and TRUNCATE
// on PostgreSQL).
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('seq', 'integer').execute();
  await db.schema.alterTable('audit_log').addColumn('prev_hash', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('hash', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('ip', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('user_agent', 'text').execute();
  // Two writers can never both take the same place in a ward's chain (a fork fails here).
  await db.schema.createIndex('audit_log_ward_seq').on('audit_log').columns(['ward_code', 'seq']).unique().execute();
  if (isPostgres(db)) {
    await sql`
      create function audit_log_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'UPDATE' or old.hash is not null then
          raise exception 'audit_log is append-only';
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger audit_log_append_only before update or delete on audit_log for each row execute function audit_log_append_only()`.execute(db);
    await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_log_no_update before update on audit_log when old.hash is not null begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  }
}

/** Undoes up() (tests that rewind the schema to an earlier migration use it). */
export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger audit_log_no_truncate on audit_log`.execute(db);
    await sql`drop trigger audit_log_append_only on audit_log`.execute(db);
    await sql`drop function audit_log_append_only()`.execute(db);
  } else {
    await sql`drop trigger audit_log_no_update`.execute(db);
    await sql`drop trigger audit_log_no_delete`.execute(db);
  }
  await db.schema.dropIndex('audit_log_ward_seq').execute();
  for (const column of ['user_agent', 'ip', 'hash', 'prev_hash', 'seq']) {
    await db.schema.alterTable('audit_log').dropColumn(column).execute();
  }
}
