// City staff (issue 15 point 1): an account is scoped to ONE ward (ward staff and admins, as
// before) or to ONE province by its administrative code (city_staff, city_admin: Hải Phòng is
// 31). `users.province_code` holds the province; `users.ward_code` becomes nullable, and a
// CHECK keeps exactly one of the two set.
//
// PostgreSQL drops the NOT NULL in place. SQLite cannot, so the table is rebuilt the way the
// SQLite manual prescribes (foreign keys off, copy, drop, rename, foreign_key_check, on):
// the migrator runs SQLite migrations outside a transaction (Kysely's SQLite adapter has no
// transactional DDL), which is what lets `PRAGMA foreign_keys` change here; the copy itself
// runs in one transaction, so a failure leaves the old table.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

const ONE_SCOPE = sql`CHECK ((ward_code IS NULL) <> (province_code IS NULL))`;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    // Idempotent (a test that rewinds the audit chain runs the later migrations again).
    await sql`ALTER TABLE users ADD COLUMN IF NOT EXISTS province_code text`.execute(db);
    await sql`ALTER TABLE users ALTER COLUMN ward_code DROP NOT NULL`.execute(db);
    await sql`ALTER TABLE users DROP CONSTRAINT IF EXISTS users_one_scope`.execute(db);
    await sql`ALTER TABLE users ADD CONSTRAINT users_one_scope ${ONE_SCOPE}`.execute(db);
    await sql`CREATE INDEX IF NOT EXISTS users_province ON users (province_code)`.execute(db);
    return;
  }
  // Run again on a table that has the column already, the rebuild keeps its values.
  const columns = await sql<{ name: string }>`PRAGMA table_info(users)`.execute(db);
  const province = columns.rows.some((c) => c.name === 'province_code') ? sql`province_code` : sql`NULL`;
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql`CREATE TABLE users_new (
        id text PRIMARY KEY,
        ward_code text REFERENCES wards (code),
        province_code text,
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        role text NOT NULL,
        created_at text NOT NULL,
        disabled_at text,
        CONSTRAINT users_one_scope ${ONE_SCOPE}
      )`.execute(trx);
      await sql`INSERT INTO users_new (id, ward_code, province_code, username, password_hash, role, created_at, disabled_at)
        SELECT id, ward_code, ${province}, username, password_hash, role, created_at, disabled_at FROM users`.execute(trx);
      await sql`DROP TABLE users`.execute(trx);
      await sql`ALTER TABLE users_new RENAME TO users`.execute(trx);
      await sql`CREATE INDEX users_province ON users (province_code)`.execute(trx);
      const broken = await sql`PRAGMA foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) throw new Error(`city-staff migration: ${broken.rows.length} foreign key problems after rebuilding users`);
    });
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}

/** Undoes up() when no province account exists (tests that rewind the schema use it). */
export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE ward_code IS NULL)`.execute(db);
    await sql`DELETE FROM users WHERE ward_code IS NULL`.execute(db);
    await sql`ALTER TABLE users DROP CONSTRAINT users_one_scope`.execute(db);
    await sql`DROP INDEX users_province`.execute(db);
    await sql`ALTER TABLE users DROP COLUMN province_code`.execute(db);
    await sql`ALTER TABLE users ALTER COLUMN ward_code SET NOT NULL`.execute(db);
    return;
  }
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql`DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE ward_code IS NULL)`.execute(trx);
      await sql`CREATE TABLE users_old (
        id text PRIMARY KEY,
        ward_code text NOT NULL REFERENCES wards (code),
        username text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        role text NOT NULL,
        created_at text NOT NULL,
        disabled_at text
      )`.execute(trx);
      await sql`INSERT INTO users_old SELECT id, ward_code, username, password_hash, role, created_at, disabled_at FROM users WHERE ward_code IS NOT NULL`.execute(trx);
      await sql`DROP TABLE users`.execute(trx);
      await sql`ALTER TABLE users_old RENAME TO users`.execute(trx);
    });
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}
