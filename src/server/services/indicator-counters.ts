// The indicator tallies kept on ingest (issue 15, point 2). `indicator_counters` holds, per
// ward × tổ dân phố × survey day × age band × sex, every numerator and denominator the
// indicators use (src/shared/domain/indicators.ts), so the dashboard sums counter rows instead
// of recounting members (services/indicators.ts reads them).
//
// - A household's contribution is a function of its flattened rows (households + members):
//   nothing if voided or practice; one household row (age_from = -1, sex = '') counting the
//   visit, fibre and the household skills indicator; one member row per (age band, sex) with
//   each member indicator's "yes" and "không rõ" counts, for surveyed households only. The
//   denominator of a member indicator is the members of the bands it is asked of minus "không
//   rõ"; which bands those are is decided at read time from the ward's settings.
// - Every writer of those rows applies the difference in its own transaction: the sync ingest
//   (subtract the stored rev's contribution, add the new one's), the staff void, the
//   data-subject erasure. Retention erases only fields the rows do not hold: it moves nothing.
// - The day is the household's derived survey date, so a cut-off (`asOf`, 31/12 of a past year)
//   sums the days up to it and the weekly trend groups the days by ISO week.
// - The age bands follow the ward's settings: their lower ages are every age at which an
//   indicator's denominator starts (adult age, VNeID age, 14, 15) and the dashboard's age
//   bands (0, 14, 18, 40, 60). A change of settings recounts the ward in the same transaction
//   (updateSettings); the bands used are kept in `indicator_counter_wards`.
// - `indicator_day_counters` holds the same sums per ward × day × age band (no tổ, no sex), kept
//   by the same writers in the same transactions: the city roll-up reads a whole province there
//   (a million households' counters are well over a million rows; their day sums, ≈ 100 times fewer).
// - The recount (`recountWard`, `npm run -s admin -- recount --ward CODE`) counts the same in
//   SQL straight from the rows — an independent implementation the property test compares the
//   kept counters with (tests/integration/indicator-counters.test.ts).
import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import { AGE_BANDS } from '../../shared/domain/age.js';
import { INDICATORS, type IndicatorSettings, type MemberIndicator } from '../../shared/domain/indicators.js';
import { SKILLS_MIN_AGE } from '../../shared/domain/relevance.js';
import type SqliteDatabase from 'better-sqlite3';
import { addRows, cachedSqliteStatement } from '../db/bulk.js';
import { lockWard, type ServerDb } from '../db/connect.js';
import type { Database, HouseholdsTable, IndicatorCountersTable, IndicatorDayCountersTable, MembersTable } from '../db/schema.js';
import { NOT_ASKED } from './record-rows.js';

export const MEMBER_INDICATORS = INDICATORS.filter((d): d is MemberIndicator => d.over === 'members');

/** The counted measures, in the table's column order. */
export const HOUSEHOLD_MEASURES = ['units', 'surveyed', 'not_home', 'refused', 'fibre_yes', 'fibre_unknown', 'skills_p', 'skills_pm'] as const;
export const KEY_COLUMNS = ['ward_code', 'group_code', 'day', 'age_from', 'sex'] as const;
type Measure = Exclude<keyof IndicatorCountersTable, (typeof KEY_COLUMNS)[number]>;
export const MEMBER_MEASURES = MEMBER_INDICATORS.flatMap((d) => [`${d.code}_yes`, `${d.code}_unknown`]) as Measure[];
export const MEASURES: Measure[] = [...HOUSEHOLD_MEASURES, ...MEMBER_MEASURES];
export type CounterRow = IndicatorCountersTable;
export type DayCounterRow = IndicatorDayCountersTable;
export const DAY_KEY_COLUMNS = ['ward_code', 'day', 'age_from'] as const;

/**
 * Counter rows summed per ward × day × age band (the day table's rows); sums of nothing left
 * out. The recount's and the tests' form of dayDeltaRows, which the sync's hot path calls on
 * rows of numbers: one summing, two shapes.
 */
export function dayRows(rows: readonly CounterRow[]): DayCounterRow[] {
  return dayDeltaRows(rows.map((r) => COLUMNS.map((c) => r[c as keyof CounterRow])))
    .map((row) => Object.fromEntries(DAY_COLUMNS.map((c, i) => [c, row[i]])) as unknown as DayCounterRow)
    .filter((d) => MEASURES.some((c) => d[c] !== 0));
}

/** Household rows of the table (the visit, fibre, skills); member rows have age_from ≥ 0. */
export const HOUSEHOLD_ROW = -1;

/**
 * Lower ages of the bands a ward's members are counted in: the dashboard's age bands and every
 * age at which some indicator's denominator begins or ends under these settings (found by
 * asking the definitions themselves, so a new indicator needs no change here).
 */
export function ageBounds(settings: IndicatorSettings): number[] {
  const bounds = new Set<number>(AGE_BANDS.map((b) => Number(b.split(/[-+]/)[0])));
  bounds.add(0);
  for (const def of MEMBER_INDICATORS) {
    for (let age = 1; age <= 200; age++) if (def.eligible(age, settings) !== def.eligible(age - 1, settings)) bounds.add(age);
  }
  return [...bounds].sort((a, b) => a - b);
}

/** Whether counters counted with `stored` bands answer these settings. */
export function boundsAnswer(stored: readonly number[], settings: IndicatorSettings): boolean {
  const have = new Set(stored);
  return ageBounds(settings).every((b) => have.has(b));
}

/** The band (its lower age) of a member's age; ages below the lowest bound join the first band. */
export function bandOf(age: number, bounds: readonly number[]): number {
  let band = bounds[0]!;
  for (const b of bounds) if (age >= b) band = b;
  return band;
}

// --- The kept counters: a household's contribution, computed from its rows ---------------------

/** The columns of the flattened rows a contribution reads. */
export type CountedHousehold = Pick<HouseholdsTable, 'record_id' | 'ward_code' | 'group_code' | 'outcome' | 'voided' | 'practice' | 'surveyed_at' | 'fibre'>;
export type CountedMember = Pick<
  MembersTable,
  | 'record_id'
  | 'age'
  | 'sex'
  | 'vneid'
  | 'ehr'
  | 'ds_health'
  | 'ds_education'
  | 'ds_insurance'
  | 'ds_transport'
  | 'owns_smartphone'
  | 'bank_account'
  | 'cashless_30d'
  | 'digital_signature'
  | 'online_public_service_12m'
  | 'skill_public_services'
  | 'skill_shopping'
  | 'skill_payments'
  | 'skill_safety'
  | 'skill_local_platforms'
>;
export interface CountedRows {
  household: CountedHousehold;
  members: CountedMember[];
}

const HOUSEHOLD_COLUMNS = ['record_id', 'ward_code', 'group_code', 'outcome', 'voided', 'practice', 'surveyed_at', 'fibre'] as const;
const MEMBER_COLUMNS = [
  'record_id', 'age', 'sex', 'vneid', 'ehr', 'ds_health', 'ds_education', 'ds_insurance', 'ds_transport', 'owns_smartphone', 'bank_account',
  'cashless_30d', 'digital_signature', 'online_public_service_12m', 'skill_public_services', 'skill_shopping', 'skill_payments', 'skill_safety',
  'skill_local_platforms',
] as const;

type Answer = 'yes' | 'no' | 'unknown';
const yn = (v: string | null): Answer => (v === null || v === 'unknown' ? 'unknown' : v === 'yes' ? 'yes' : 'no');
const DS = ['ds_health', 'ds_education', 'ds_insurance', 'ds_transport'] as const;

/** Each member indicator's answer read from the member's row (NOT_ASKED reads as "không rõ"). */
const MEMBER_ANSWER: Record<string, (m: CountedMember) => Answer> = {
  vneid: (m) => (m.vneid === 'unknown' || m.vneid === NOT_ASKED ? 'unknown' : m.vneid === 'level1' || m.vneid === 'level2' ? 'yes' : 'no'),
  vneid_level2: (m) => (m.vneid === 'unknown' || m.vneid === NOT_ASKED ? 'unknown' : m.vneid === 'level2' ? 'yes' : 'no'),
  digital_signature: (m) => yn(m.digital_signature),
  bank_account_15: (m) => yn(m.bank_account),
  cashless_30d: (m) => yn(m.cashless_30d),
  ehr: (m) => yn(m.ehr),
  digital_services: (m) => {
    if (DS.some((c) => m[c] === 'yes')) return 'yes';
    return DS.some((c) => m[c] === 'unknown' || m[c] === NOT_ASKED) ? 'unknown' : 'no';
  },
  online_public_service: (m) => yn(m.online_public_service_12m),
  smartphone_adult: (m) => yn(m.owns_smartphone),
};
// A batch's deltas are rows of numbers in the table's column order (key, then MEASURES), one per
// key, summed in memory and written with one additive upsert per key (bulk.ts addRows): no
// object per row or per measure on the sync's hot path.
const COLUMNS: readonly string[] = [...KEY_COLUMNS, ...MEASURES];
/** The PostgreSQL types of COLUMNS (for bulk.ts addRows' unnest). */
const PG_TYPES: readonly string[] = ['text', 'text', 'text', 'int4', 'text', ...MEASURES.map(() => 'int4')];
/** Where a measure sits in a delta row. */
const at = (m: Measure): number => KEY_COLUMNS.length + MEASURES.indexOf(m);
const DAY = KEY_COLUMNS.indexOf('day');
const UNITS = at('units');
const SURVEYED = at('surveyed');
const NOT_HOME = at('not_home');
const REFUSED = at('refused');
const FIBRE_YES = at('fibre_yes');
const FIBRE_UNKNOWN = at('fibre_unknown');
const SKILLS_P = at('skills_p');
const SKILLS_PM = at('skills_pm');

/** Per member indicator: its answer and where its two measures sit (the hot loop of the sync's deltas). */
const MEMBER_COUNTERS = MEMBER_INDICATORS.map((def) => {
  const answer = MEMBER_ANSWER[def.code];
  if (!answer) throw new Error(`indicator ${def.code} has no counter`);
  return { answer, yes: at(`${def.code}_yes` as Measure), unknown: at(`${def.code}_unknown` as Measure) };
});

const SKILL_COLUMNS = ['skill_public_services', 'skill_shopping', 'skill_payments', 'skill_safety', 'skill_local_platforms'] as const;

// The day table's deltas: a batch's delta rows summed per ward × day × age band, as rows of
// numbers in indicator_day_counters' column order.
const DAY_COLUMNS: readonly string[] = [...DAY_KEY_COLUMNS, ...MEASURES];
const DAY_PG_TYPES: readonly string[] = ['text', 'text', 'int4', ...MEASURES.map(() => 'int4')];
const WARD = KEY_COLUMNS.indexOf('ward_code');
const AGE_FROM = KEY_COLUMNS.indexOf('age_from');

function dayDeltaRows(rows: readonly (string | number)[][]): (string | number)[][] {
  const byKey = new Map<string, (string | number)[]>();
  for (const row of rows) {
    const id = `${row[WARD]}\u0000${row[DAY]}\u0000${row[AGE_FROM]}`;
    let sum = byKey.get(id);
    if (!sum) byKey.set(id, (sum = [row[WARD]!, row[DAY]!, row[AGE_FROM]!, ...MEASURES.map(() => 0)]));
    for (let i = 0; i < MEASURES.length; i++) (sum[DAY_KEY_COLUMNS.length + i] as number) += row[KEY_COLUMNS.length + i] as number;
  }
  return [...byKey.values()];
}

/** Delta rows by key (group, day, band, sex: one ward's at a time). */
type Deltas = Map<string, (string | number)[]>;

function slot(deltas: Deltas, h: CountedHousehold, prefix: string, ageFrom: number, sex: string): number[] {
  const id = `${prefix}${ageFrom}\u0000${sex}`;
  let row = deltas.get(id);
  if (!row) {
    row = [h.ward_code, h.group_code, h.surveyed_at, ageFrom, sex];
    for (let i = 0; i < MEASURES.length; i++) row.push(0);
    deltas.set(id, row);
  }
  return row as number[]; // the measures (from index KEY_COLUMNS.length) are numbers
}

/** Adds `sign` × the household's contribution into `deltas`. */
function addContribution(deltas: Deltas, rows: CountedRows, bounds: readonly number[], sign: 1 | -1): void {
  const h = rows.household;
  if (Number(h.voided) !== 0 || Number(h.practice) !== 0) return;
  const prefix = `${h.group_code}\u0000${h.surveyed_at}\u0000`;
  const hh = slot(deltas, h, prefix, HOUSEHOLD_ROW, '');
  hh[UNITS]! += sign;
  if (h.outcome === 'not_home') hh[NOT_HOME]! += sign;
  if (h.outcome === 'refused') hh[REFUSED]! += sign;
  if (h.outcome !== 'surveyed') return;
  hh[SURVEYED]! += sign;
  const fibre = yn(h.fibre);
  if (fibre === 'yes') hh[FIBRE_YES]! += sign;
  if (fibre === 'unknown') hh[FIBRE_UNKNOWN]! += sign;
  let candidate = false;
  let proficient = false;
  for (const m of rows.members) {
    const age = Number(m.age);
    if (age >= SKILLS_MIN_AGE && SKILL_COLUMNS.every((c) => m[c] === 'proficient' || m[c] === 'unknown')) {
      candidate = true;
      if (SKILL_COLUMNS.every((c) => m[c] === 'proficient')) proficient = true;
    }
    const row = slot(deltas, h, prefix, bandOf(age, bounds), m.sex);
    row[UNITS]! += sign;
    for (const { answer, yes, unknown } of MEMBER_COUNTERS) {
      const a = answer(m);
      if (a === 'yes') row[yes]! += sign;
      else if (a === 'unknown') row[unknown]! += sign;
    }
  }
  if (candidate) hh[SKILLS_PM]! += sign;
  if (proficient) hh[SKILLS_P]! += sign;
}

/** The ward's stored age bands, or null when its counters have not been counted yet. */
export async function storedBounds(db: Kysely<Database>, wardCode: string): Promise<number[] | null> {
  const row = await db.selectFrom('indicator_counter_wards').select('age_bounds').where('ward_code', '=', wardCode).executeTakeFirst();
  return row ? (JSON.parse(row.age_bounds) as number[]) : null;
}

/** storedBounds on the sync's hot path (SQLite): a cached statement, no query to build. */
function sqliteStoredBounds(handle: SqliteDatabase.Database, wardCode: string): number[] | null {
  const row = cachedSqliteStatement(handle, 'select age_bounds from indicator_counter_wards where ward_code = ?').get(wardCode) as { age_bounds: string } | undefined;
  return row ? (JSON.parse(row.age_bounds) as number[]) : null;
}

/** The counted rows of these households as stored now (before a writer replaces them). */
export async function loadCountedRows(trx: Kysely<Database>, recordIds: readonly string[]): Promise<CountedRows[]> {
  const out = new Map<string, CountedRows>();
  for (let i = 0; i < recordIds.length; i += 500) {
    const part = recordIds.slice(i, i + 500);
    const households = await trx.selectFrom('households').select(HOUSEHOLD_COLUMNS).where('record_id', 'in', part).execute();
    for (const h of households) out.set(h.record_id, { household: h, members: [] });
    const members = await trx.selectFrom('members').select(MEMBER_COLUMNS).where('record_id', 'in', part).execute();
    for (const m of members) out.get(m.record_id)?.members.push(m);
  }
  return [...out.values()];
}

const isPostgres = (db: Kysely<Database>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Applies the difference between households' stored rows (`before`, from loadCountedRows) and
 * their new rows (`after`) to the counters, inside the writer's transaction. A ward whose
 * counters were never counted is skipped: its first read recounts it whole. The deltas of all
 * the households are summed per key first, so each key is written once per call.
 */
export async function applyCounterDeltas(server: ServerDb, trx: Transaction<Database>, before: readonly CountedRows[], after: readonly CountedRows[]): Promise<void> {
  const wards = new Set<string>();
  for (const r of before) wards.add(r.household.ward_code);
  for (const r of after) wards.add(r.household.ward_code);
  for (const wardCode of wards) {
    const bounds = server.sqlite ? sqliteStoredBounds(server.sqlite, wardCode) : await storedBounds(trx, wardCode);
    if (!bounds) continue;
    const deltas: Deltas = new Map();
    for (const r of before) if (r.household.ward_code === wardCode) addContribution(deltas, r, bounds, -1);
    for (const r of after) if (r.household.ward_code === wardCode) addContribution(deltas, r, bounds, 1);
    const rows: (string | number)[][] = [];
    const emptiedDays = new Set<string>();
    for (const row of deltas.values()) {
      let moved = false;
      for (let i = KEY_COLUMNS.length; i < row.length; i++) if (row[i] !== 0) moved = true;
      if (!moved) continue; // a household rewritten as it was
      rows.push(row);
      if ((row[UNITS] as number) < 0) emptiedDays.add(row[DAY] as string);
    }
    // Additive upsert (`ON CONFLICT … DO UPDATE SET c = t.c + excluded.c`) on both engines.
    await addRows(server, trx, 'indicator_counters', COLUMNS, KEY_COLUMNS, PG_TYPES, rows);
    await addRows(server, trx, 'indicator_day_counters', DAY_COLUMNS, DAY_KEY_COLUMNS, DAY_PG_TYPES, dayDeltaRows(rows));
    // Rows a subtraction emptied go, so a day with nothing counted is not a day of the trend.
    const emptied = [...emptiedDays];
    for (let i = 0; i < emptied.length; i += 500) {
      const days = emptied.slice(i, i + 500);
      await trx.deleteFrom('indicator_counters').where('ward_code', '=', wardCode).where('day', 'in', days).where('units', '=', 0).execute();
      await trx.deleteFrom('indicator_day_counters').where('ward_code', '=', wardCode).where('day', 'in', days).where('units', '=', 0).execute();
    }
  }
}

/**
 * For writers outside the sync (staff void, data-subject erasure): stores the new rows via
 * `write` and moves the counters by the difference, in the caller's transaction. Takes the
 * ward's lock first (PostgreSQL), in the order the sync takes it, so the two never deadlock.
 */
export async function withCounterDelta(server: ServerDb, trx: Transaction<Database>, wardCode: string, recordId: string, after: CountedRows, write: () => Promise<void>): Promise<void> {
  await lockCounters(trx, wardCode);
  const before = await loadCountedRows(trx, [recordId]);
  await write();
  await applyCounterDeltas(server, trx, before, [after]);
}

/** The ward's write lock on PostgreSQL (the sync's own); SQLite transactions are exclusive already. */
export async function lockCounters(trx: Transaction<Database>, wardCode: string): Promise<void> {
  await lockWard(trx, isPostgres(trx) ? 'postgres' : 'sqlite', wardCode);
}

// --- The recount: the same tallies in SQL, straight from the rows ------------------------------

const ynUnknownSql = (col: string) => `(${col} IS NULL OR ${col} = 'unknown')`;
const MEMBER_SQL: Record<string, { yes: string; unknown: string }> = {
  vneid: { yes: `vneid IN ('level1', 'level2')`, unknown: `vneid IN ('unknown', '${NOT_ASKED}')` },
  vneid_level2: { yes: `vneid = 'level2'`, unknown: `vneid IN ('unknown', '${NOT_ASKED}')` },
  digital_signature: { yes: `digital_signature = 'yes'`, unknown: ynUnknownSql('digital_signature') },
  bank_account_15: { yes: `bank_account = 'yes'`, unknown: ynUnknownSql('bank_account') },
  cashless_30d: { yes: `cashless_30d = 'yes'`, unknown: ynUnknownSql('cashless_30d') },
  ehr: { yes: `ehr = 'yes'`, unknown: ynUnknownSql('ehr') },
  digital_services: {
    yes: `(${DS.map((c) => `${c} = 'yes'`).join(' OR ')})`,
    unknown: `(NOT (${DS.map((c) => `${c} = 'yes'`).join(' OR ')}) AND (${DS.map((c) => `${c} IN ('unknown', '${NOT_ASKED}')`).join(' OR ')}))`,
  },
  online_public_service: { yes: `online_public_service_12m = 'yes'`, unknown: ynUnknownSql('online_public_service_12m') },
  smartphone_adult: { yes: `owns_smartphone = 'yes'`, unknown: ynUnknownSql('owns_smartphone') },
};

const countIf = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;

/** The ward's counters counted afresh from its rows (sorted by key), with these age bands. */
export async function freshCounters(db: Kysely<Database>, wardCode: string, bounds: readonly number[]): Promise<CounterRow[]> {
  const band = `CASE ${[...bounds].reverse().map((b) => `WHEN age >= ${Math.trunc(b)} THEN ${Math.trunc(b)}`).join(' ')} ELSE ${Math.trunc(bounds[0]!)} END`;
  const memberCols = MEMBER_INDICATORS.flatMap((d) => [`${countIf(MEMBER_SQL[d.code]!.yes)} AS ${d.code}_yes`, `${countIf(MEMBER_SQL[d.code]!.unknown)} AS ${d.code}_unknown`]);
  const members = await sql<Record<string, unknown>>`SELECT group_code, surveyed_at AS day, ${sql.raw(band)} AS age_from, sex, COUNT(*) AS units, ${sql.raw(memberCols.join(', '))}
    FROM members WHERE ward_code = ${wardCode} AND voided = 0 AND practice = 0 AND outcome = 'surveyed'
    GROUP BY group_code, surveyed_at, ${sql.raw(band)}, sex`.execute(db);
  const candidate = `age >= ${SKILLS_MIN_AGE} AND ${SKILL_COLUMNS.map((c) => `${c} IN ('proficient', 'unknown')`).join(' AND ')}`;
  const allProficient = SKILL_COLUMNS.map((c) => `${c} = 'proficient'`).join(' AND ');
  const households = await sql<Record<string, unknown>>`SELECT h.group_code, h.surveyed_at AS day, COUNT(*) AS units,
      ${sql.raw(countIf(`h.outcome = 'surveyed'`))} AS surveyed,
      ${sql.raw(countIf(`h.outcome = 'not_home'`))} AS not_home,
      ${sql.raw(countIf(`h.outcome = 'refused'`))} AS refused,
      ${sql.raw(countIf(`h.outcome = 'surveyed' AND h.fibre = 'yes'`))} AS fibre_yes,
      ${sql.raw(countIf(`h.outcome = 'surveyed' AND ${ynUnknownSql('h.fibre')}`))} AS fibre_unknown,
      ${sql.raw(countIf(`s.p = 1`))} AS skills_p,
      ${sql.raw(countIf(`s.p IS NOT NULL`))} AS skills_pm
    FROM households h LEFT JOIN (
      SELECT record_id, MAX(CASE WHEN ${sql.raw(allProficient)} THEN 1 ELSE 0 END) AS p FROM members
      WHERE ward_code = ${wardCode} AND voided = 0 AND practice = 0 AND outcome = 'surveyed' AND ${sql.raw(candidate)}
      GROUP BY record_id
    ) s ON s.record_id = h.record_id
    WHERE h.ward_code = ${wardCode} AND h.voided = 0 AND h.practice = 0
    GROUP BY h.group_code, h.surveyed_at`.execute(db);
  const out: CounterRow[] = [];
  const toRow = (r: Record<string, unknown>, ageFrom: number, sex: string): CounterRow => {
    const row = { ward_code: wardCode, group_code: String(r.group_code), day: String(r.day), age_from: ageFrom, sex } as CounterRow;
    for (const c of MEASURES) (row as unknown as Record<string, number>)[c] = Number(r[c] ?? 0);
    return row;
  };
  for (const r of households.rows) out.push(toRow(r, HOUSEHOLD_ROW, ''));
  for (const r of members.rows) out.push(toRow(r, Number(r.age_from), String(r.sex)));
  return sortRows(out);
}

function keyOf(r: CounterRow): string {
  return `${r.group_code}\u0000${r.day}\u0000${String(r.age_from).padStart(4, '0')}\u0000${r.sex}`;
}

function sortRows(rows: CounterRow[]): CounterRow[] {
  return rows.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** The ward's kept counters (rows that hold nothing left out), sorted like freshCounters. */
export async function storedCounters(db: Kysely<Database>, wardCode: string): Promise<CounterRow[]> {
  const rows = await db.selectFrom('indicator_counters').selectAll().where('ward_code', '=', wardCode).execute();
  return sortRows(
    rows
      .map((r) => {
        const row = { ...r, age_from: Number(r.age_from) } as CounterRow;
        for (const c of MEASURES) (row as unknown as Record<string, number>)[c] = Number(r[c]);
        return row;
      })
      .filter((r) => MEASURES.some((c) => r[c] !== 0)),
  );
}

/** Keys whose counts differ between two sorted row lists (for the recount's report). */
export function counterDifferences(stored: readonly CounterRow[], fresh: readonly CounterRow[]): string[] {
  const a = new Map(stored.map((r) => [keyOf(r), r]));
  const b = new Map(fresh.map((r) => [keyOf(r), r]));
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k);
    const y = b.get(k);
    const cols = MEASURES.filter((c) => (x?.[c] ?? 0) !== (y?.[c] ?? 0));
    if (cols.length) out.push(`${k.replaceAll('\u0000', ' / ')}: ${cols.map((c) => `${c} ${x?.[c] ?? 0} → ${y?.[c] ?? 0}`).join(', ')}`);
  }
  return out;
}

/** The ward's kept day sums (indicator_day_counters), numbers as numbers. */
export async function storedDayCounters(db: Kysely<Database>, wardCode: string): Promise<DayCounterRow[]> {
  const rows = await db.selectFrom('indicator_day_counters').selectAll().where('ward_code', '=', wardCode).execute();
  return rows
    .map((r) => {
      const row = { ...r, age_from: Number(r.age_from) } as DayCounterRow;
      for (const c of MEASURES) row[c] = Number(r[c]);
      return row;
    })
    .filter((r) => MEASURES.some((c) => r[c] !== 0));
}

/** Day-sum keys whose counts differ (the day table against the counters rolled up by day). */
export function dayCounterDifferences(stored: readonly DayCounterRow[], expected: readonly DayCounterRow[]): string[] {
  const keyOfDay = (r: DayCounterRow) => `${r.day} / ${r.age_from}`;
  const a = new Map(stored.map((r) => [keyOfDay(r), r]));
  const b = new Map(expected.map((r) => [keyOfDay(r), r]));
  const out: string[] = [];
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(k);
    const y = b.get(k);
    const cols = MEASURES.filter((c) => (x?.[c] ?? 0) !== (y?.[c] ?? 0));
    if (cols.length) out.push(`day sums ${k}: ${cols.map((c) => `${c} ${x?.[c] ?? 0} → ${y?.[c] ?? 0}`).join(', ')}`);
  }
  return out;
}

/**
 * Rebuilds the ward's counters from its rows with the bands of these settings, inside `trx`
 * (the ward's lock taken). Returns the differences found with what was kept (empty when the
 * kept counters were right, or when the bands changed and nothing can be compared).
 */
export async function recountWard(trx: Transaction<Database>, wardCode: string, settings: IndicatorSettings, at = new Date().toISOString()): Promise<{ differences: string[]; compared: boolean }> {
  await lockCounters(trx, wardCode);
  const bounds = ageBounds(settings);
  const previous = await storedBounds(trx, wardCode);
  const fresh = await freshCounters(trx, wardCode, bounds);
  const sameBands = previous !== null && JSON.stringify(previous) === JSON.stringify(bounds);
  const freshDays = dayRows(fresh);
  const differences = sameBands
    ? [...counterDifferences(await storedCounters(trx, wardCode), fresh), ...dayCounterDifferences(await storedDayCounters(trx, wardCode), freshDays)]
    : [];
  await trx.deleteFrom('indicator_counters').where('ward_code', '=', wardCode).execute();
  for (let i = 0; i < fresh.length; i += 200) await trx.insertInto('indicator_counters').values(fresh.slice(i, i + 200)).execute();
  await trx.deleteFrom('indicator_day_counters').where('ward_code', '=', wardCode).execute();
  for (let i = 0; i < freshDays.length; i += 200) await trx.insertInto('indicator_day_counters').values(freshDays.slice(i, i + 200)).execute();
  await trx
    .insertInto('indicator_counter_wards')
    .values({ ward_code: wardCode, age_bounds: JSON.stringify(bounds), counted_at: at })
    .onConflict((oc) => oc.column('ward_code').doUpdateSet({ age_bounds: JSON.stringify(bounds), counted_at: at }))
    .execute();
  return { differences, compared: sameBands };
}

/** A new ward (no records yet) starts with empty counters of its bands, kept from its first sync. */
export async function startCounters(trx: Kysely<Database>, wardCode: string, settings: IndicatorSettings, at = new Date().toISOString()): Promise<void> {
  await trx
    .insertInto('indicator_counter_wards')
    .values({ ward_code: wardCode, age_bounds: JSON.stringify(ageBounds(settings)), counted_at: at })
    .onConflict((oc) => oc.column('ward_code').doNothing())
    .execute();
}

/**
 * Before a read: counters exist for the ward and their bands answer its settings; otherwise
 * (a ward never counted since the migration, settings written by another path) recounts it.
 */
export async function ensureCounters(db: Kysely<Database>, wardCode: string, settings: IndicatorSettings): Promise<number[]> {
  const bounds = await storedBounds(db, wardCode);
  if (bounds && boundsAnswer(bounds, settings)) return bounds;
  return db.transaction().execute(async (trx) => {
    await lockCounters(trx, wardCode);
    const again = await storedBounds(trx, wardCode);
    if (again && boundsAnswer(again, settings)) return again;
    await recountWard(trx, wardCode, settings);
    return ageBounds(settings);
  });
}

/**
 * ensureCounters for many wards (the city roll-up): their stored bands read in one query, and
 * only a ward whose counters are missing or do not answer its settings takes the slow path.
 */
export async function ensureCountersOfWards(db: Kysely<Database>, wards: readonly { wardCode: string; settings: IndicatorSettings }[]): Promise<void> {
  if (wards.length === 0) return;
  const rows = await db.selectFrom('indicator_counter_wards').select(['ward_code', 'age_bounds']).where('ward_code', 'in', wards.map((w) => w.wardCode)).execute();
  const stored = new Map(rows.map((r) => [r.ward_code, JSON.parse(r.age_bounds) as number[]]));
  for (const w of wards) {
    const bounds = stored.get(w.wardCode);
    if (!bounds || !boundsAnswer(bounds, w.settings)) await ensureCounters(db, w.wardCode, w.settings);
  }
}
