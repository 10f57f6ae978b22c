// Issue 15, point 2: the indicator tallies kept on ingest (services/indicator-counters.ts).
// `indicator_counters` holds, per ward × tổ dân phố × survey day × age band × sex, every
// numerator and denominator the indicators use, so the dashboard sums a few hundred rows
// instead of recounting every member. `indicator_counter_wards` holds, per ward, the age bands
// its rows were counted with (they follow the ward's settings). No rows are written here: a
// ward without a state row is recounted from its records by the first read (the service's
// code, which this migration must not freeze), and the sync skips its deltas until then.
// Added, never edited (see migrations/index.ts).
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** Household rows (age_from = -1, sex = '') and member rows (age_from ≥ 0) share the table. */
const MEASURES = [
  'units',
  'surveyed',
  'not_home',
  'refused',
  'fibre_yes',
  'fibre_unknown',
  'skills_p',
  'skills_pm',
  'vneid_yes',
  'vneid_unknown',
  'vneid_level2_yes',
  'vneid_level2_unknown',
  'digital_signature_yes',
  'digital_signature_unknown',
  'bank_account_15_yes',
  'bank_account_15_unknown',
  'cashless_30d_yes',
  'cashless_30d_unknown',
  'ehr_yes',
  'ehr_unknown',
  'digital_services_yes',
  'digital_services_unknown',
  'online_public_service_yes',
  'online_public_service_unknown',
  'smartphone_adult_yes',
  'smartphone_adult_unknown',
];

export async function up(db: Kysely<any>): Promise<void> {
  let table = db.schema
    .createTable('indicator_counters')
    // Idempotent: the audit chain's upgrade test forgets later migrations and runs them again.
    .ifNotExists()
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('group_code', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('age_from', 'integer', (c) => c.notNull())
    .addColumn('sex', 'text', (c) => c.notNull());
  for (const m of MEASURES) table = table.addColumn(m, 'integer', (c) => c.notNull().defaultTo(0));
  // ward_code first: every read and write is of one ward (and a partition key, if ever).
  table = table.addPrimaryKeyConstraint('indicator_counters_pk', ['ward_code', 'group_code', 'day', 'age_from', 'sex']);
  // SQLite: the rows live in the primary key's own B-tree (no rowid table beside it), so an
  // upsert of the sync's hot path writes one tree, not two.
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) table = table.modifyEnd(sql`without rowid`);
  await table.execute();
  await db.schema
    .createTable('indicator_counter_wards')
    .ifNotExists()
    .addColumn('ward_code', 'text', (c) => c.primaryKey())
    // JSON array of the lower ages of the bands, e.g. [0,14,15,18,40,60].
    .addColumn('age_bounds', 'text', (c) => c.notNull())
    .addColumn('counted_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('The indicator counters migration is not reversible.');
}
