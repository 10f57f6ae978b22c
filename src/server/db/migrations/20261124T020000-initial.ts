// Initial schema. Migrations are only ever added, never edited: a ward server that already
// applied this file must keep the same tables. Types are chosen to mean the same thing on
// SQLite and PostgreSQL (see db/schema.ts).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('server_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('wards')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('province_code', 'text', (c) => c.notNull())
    .addColumn('province_name', 'text', (c) => c.notNull())
    .addColumn('config_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ward_groups')
    .addColumn('ward_code', 'text', (c) => c.notNull().references('wards.code'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('households_on_register', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('ward_groups_pk', ['ward_code', 'code'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ward_code', 'text', (c) => c.notNull().references('wards.code'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ward_code', 'text', (c) => c.notNull().references('wards.code'))
    .addColumn('volunteer_name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_seen_at', 'text')
    .execute();

  await db.schema
    .createTable('enrolment_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('ward_code', 'text', (c) => c.notNull().references('wards.code'))
    .addColumn('uses_left', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('record_revisions')
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('rev', 'integer', (c) => c.notNull())
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('schema_version', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('client_updated_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    // The primary key is what makes a record id + rev stored at most once.
    .addPrimaryKeyConstraint('record_revisions_pk', ['record_id', 'rev'])
    .execute();
  await db.schema.createIndex('record_revisions_ward').on('record_revisions').columns(['ward_code', 'received_at']).execute();

  await db.schema
    .createTable('conflicts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('rev', 'integer', (c) => c.notNull())
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    // A conflicting revision resent (a retry) is kept once.
    .addUniqueConstraint('conflicts_once', ['record_id', 'rev', 'content_hash'])
    .execute();

  await db.schema
    .createTable('households')
    .addColumn('record_id', 'text', (c) => c.primaryKey())
    .addColumn('rev', 'integer', (c) => c.notNull())
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('group_code', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('voided', 'integer', (c) => c.notNull())
    .addColumn('practice', 'integer', (c) => c.notNull())
    .addColumn('surveyed_at', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('client_updated_at', 'text', (c) => c.notNull())
    .addColumn('member_count', 'integer', (c) => c.notNull())
    .addColumn('consent_notice_version', 'text')
    .addColumn('smartphones', 'integer')
    .addColumn('computer_or_tablet', 'text')
    .addColumn('fixed_broadband', 'text')
    .addColumn('fibre', 'text')
    .addColumn('wifi', 'text')
    .addColumn('bills_cashless', 'text')
    .addColumn('business_accepts_qr', 'text')
    .execute();
  await db.schema.createIndex('households_ward_group').on('households').columns(['ward_code', 'group_code']).execute();

  await db.schema
    .createTable('members')
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('group_code', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('voided', 'integer', (c) => c.notNull())
    .addColumn('practice', 'integer', (c) => c.notNull())
    .addColumn('surveyed_at', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('birth_year', 'integer', (c) => c.notNull())
    .addColumn('age', 'integer', (c) => c.notNull())
    .addColumn('sex', 'text', (c) => c.notNull())
    .addColumn('has_cccd', 'integer', (c) => c.notNull())
    .addColumn('has_phone', 'integer', (c) => c.notNull())
    .addColumn('vneid', 'text', (c) => c.notNull())
    .addColumn('ehr', 'text', (c) => c.notNull())
    .addColumn('ds_health', 'text', (c) => c.notNull())
    .addColumn('ds_education', 'text', (c) => c.notNull())
    .addColumn('ds_insurance', 'text', (c) => c.notNull())
    .addColumn('ds_transport', 'text', (c) => c.notNull())
    .addColumn('owns_smartphone', 'text')
    .addColumn('used_internet_3m', 'text')
    .addColumn('skill_public_services', 'text')
    .addColumn('skill_shopping', 'text')
    .addColumn('skill_payments', 'text')
    .addColumn('skill_safety', 'text')
    .addColumn('skill_local_platforms', 'text')
    .addColumn('bank_account', 'text')
    .addColumn('cashless_30d', 'text')
    .addColumn('digital_signature', 'text')
    .addColumn('online_public_service_12m', 'text')
    .addColumn('city_app', 'text')
    .addColumn('wants_help', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('members_pk', ['record_id', 'member_id'])
    .execute();
  await db.schema.createIndex('members_ward_group').on('members').columns(['ward_code', 'group_code']).execute();
}

export async function down(): Promise<void> {
  // Never rolled back: ward data is not thrown away by a migration.
  throw new Error('The initial migration is not reversible.');
}
