// Issue 15 (points 1 and 4): the city roll-up reads every ward of a province, and at a million
// households `indicator_counters` (ward × tổ dân phố × day × age band × sex) holds well over a
// million rows: one scan of them costs more than the roll-up's 500 ms. The roll-up needs
// neither the tổ nor the sex, so `indicator_day_counters` keeps the same sums per ward × day ×
// age band (≈ 114 wards × the days with data × 7 bands: tens of thousands of rows), written by
// the same writers in the same transactions (services/indicator-counters.ts). Filled here from
// the kept counters; a ward not counted yet is filled by its recount.
// Added, never edited (see migrations/index.ts).
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** The measures of indicator_counters (20261203T111000), frozen here as there. */
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
    .createTable('indicator_day_counters')
    // Idempotent: the audit chain's upgrade test forgets later migrations and runs them again.
    .ifNotExists()
    .addColumn('ward_code', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('age_from', 'integer', (c) => c.notNull());
  for (const m of MEASURES) table = table.addColumn(m, 'integer', (c) => c.notNull().defaultTo(0));
  table = table.addPrimaryKeyConstraint('indicator_day_counters_pk', ['ward_code', 'day', 'age_from']);
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) table = table.modifyEnd(sql`without rowid`);
  await table.execute();
  // Rows already there are kept (a second run adds nothing); `WHERE 1 = 1`: SQLite's upsert
  // after a SELECT needs a WHERE clause to parse.
  const columns = ['ward_code', 'day', 'age_from', ...MEASURES].join(', ');
  const sums = MEASURES.map((m) => `SUM(${m})`).join(', ');
  await sql`INSERT INTO indicator_day_counters (${sql.raw(columns)})
    SELECT ward_code, day, age_from, ${sql.raw(sums)} FROM indicator_counters WHERE 1 = 1 GROUP BY ward_code, day, age_from
    ON CONFLICT (ward_code, day, age_from) DO NOTHING`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('The indicator day counters migration is not reversible.');
}
