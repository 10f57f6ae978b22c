// Staff accounts hardened: sessions end after 30 idle minutes (last_used_at) and a session may
// be limited to changing a password that fails today's policy (must_change_password); failed
// sign-ins are counted per account and client IP for the lockout (login_failures), in the
// database so the admin CLI's `unlock-user` reaches a running server.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('last_used_at', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
  await db.schema
    .createTable('login_failures')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_failure_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_failures_pk', ['user_id', 'ip'])
    .execute();
}

/** Undoes up() (tests that rewind the schema to an earlier migration use it). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_failures').execute();
  await db.schema.dropIndex('sessions_expires_at').execute();
  await db.schema.alterTable('sessions').dropColumn('must_change_password').execute();
  await db.schema.alterTable('sessions').dropColumn('last_used_at').execute();
}
