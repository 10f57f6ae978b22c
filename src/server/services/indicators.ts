// The dashboard's tallies, counted in SQL over the flattened latest revs (`households`,
// `members`), one query layer for SQLite and PostgreSQL. The semantics are those of
// countIndicators in src/shared/domain/indicators.ts (the reference the tests compare with):
// - only households whose latest rev is neither voided nor practice count at all;
// - refused / not_home visits count in `households` only (no members, not in coverage);
// - a "không rõ" answer (or a question not answered) leaves numerator and denominator and is
//   counted in `unknown`;
// - coverage = surveyed households / households on the register (of the group when filtered).
// The SQL below is plain portable SQL (CASE, SUM, GROUP BY 1); settings are validated
// integers inlined as literals, everything from the request is a bound parameter.
import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
import { AGE_BANDS } from '../../shared/domain/age.js';
import {
  INDICATORS,
  type IndicatorCode,
  type IndicatorSettings,
} from '../../shared/domain/indicators.js';
import { isoWeek, isoWeeksBetween } from '../../shared/domain/iso-week.js';
import { RELEVANCE, SKILLS_MIN_AGE, type MemberQuestion } from '../../shared/domain/relevance.js';
import { NOT_ASKED } from './record-rows.js';
import type { WardConfig } from '../../shared/schema/ward-config.js';
import type { Database } from '../db/schema.js';
import type { BreakdownKey, IndicatorsResponse, IndicatorValue, WeeklyResponse } from '../../shared/protocol/dashboard.js';

export interface IndicatorFilter {
  wardCode: string;
  /** A tổ dân phố code of the ward's register. */
  group?: string;
  /** YYYY-MM-DD: only households surveyed on or before this date. */
  asOf?: string;
}

export type { BreakdownItem, BreakdownKey, HouseholdTotals, IndicatorsResponse, IndicatorValue } from '../../shared/protocol/dashboard.js';

interface Triple {
  n: number;
  d: number;
  u: number;
}

interface RawTally {
  households: { surveyed: number; notHome: number; refused: number };
  counts: Map<IndicatorCode, Triple>;
}

const MEMBER_CODES = INDICATORS.filter((d) => d.over === 'members').map((d) => d.code);

/** A yes/no/unknown column: NULL (question not asked or not answered) counts as unknown. */
const ynUnknown = (col: string) => `(${col} IS NULL OR ${col} = 'unknown')`;

interface MemberSql {
  /** Who is in the denominator by age ('' for everyone). */
  eligible: string;
  unknown: string;
  /** Never true for an unknown answer. */
  yes: string;
}

function memberSql(settings: IndicatorSettings): Record<string, MemberSql> {
  // Who is counted is who is asked: the ages come from the relevance table (shared/domain).
  const askedOf = (q: MemberQuestion) => {
    const age = RELEVANCE[q].minAge(settings);
    return age > 0 ? `age >= ${age}` : '';
  };
  const adult = askedOf('cashless30d');
  const dsYes = `(ds_health = 'yes' OR ds_education = 'yes' OR ds_insurance = 'yes' OR ds_transport = 'yes')`;
  // A column of a question not asked holds NOT_ASKED (record-rows.ts): never a yes, counted as unknown.
  const dsUnknown = `(${['ds_health', 'ds_education', 'ds_insurance', 'ds_transport'].map((c) => `${c} IN ('unknown', '${NOT_ASKED}')`).join(' OR ')})`;
  const vneidUnknown = `vneid IN ('unknown', '${NOT_ASKED}')`;
  const yn = (eligible: string, col: string): MemberSql => ({ eligible, unknown: ynUnknown(col), yes: `${col} = 'yes'` });
  const defs: Record<string, MemberSql> = {
    vneid: { eligible: askedOf('vneid'), unknown: vneidUnknown, yes: `vneid IN ('level1', 'level2')` },
    vneid_level2: { eligible: askedOf('vneid'), unknown: vneidUnknown, yes: `vneid = 'level2'` },
    digital_signature: yn(askedOf('digitalSignature'), 'digital_signature'),
    bank_account_15: yn(askedOf('bankAccount'), 'bank_account'),
    cashless_30d: yn(adult, 'cashless_30d'),
    ehr: yn(askedOf('ehr'), 'ehr'),
    digital_services: { eligible: askedOf('digitalServices12m'), unknown: `(NOT ${dsYes} AND ${dsUnknown})`, yes: dsYes },
    online_public_service: yn(askedOf('onlinePublicService12m'), 'online_public_service_12m'),
    smartphone_adult: yn(`age >= ${Math.max(settings.adultAge, RELEVANCE.ownsSmartphone.minAge(settings))}`, 'owns_smartphone'),
  };
  for (const code of MEMBER_CODES) if (!defs[code]) throw new Error(`indicator ${code} has no SQL`);
  return defs;
}

const SKILLS = ['skill_public_services', 'skill_shopping', 'skill_payments', 'skill_safety', 'skill_local_platforms'];
/** A member proficient in all five basic skills. */
const ALL_PROFICIENT = SKILLS.map((c) => `${c} = 'proficient'`).join(' AND ');
/** A member with skills recorded, each "proficient" or "không rõ" (all proficient included). */
const SKILLS_CANDIDATE = `(age >= ${SKILLS_MIN_AGE} AND ${SKILLS.map((c) => `${c} IN ('proficient', 'unknown')`).join(' AND ')})`;

const AGE_BAND_SQL = `CASE WHEN age <= 13 THEN '0-13' WHEN age <= 17 THEN '14-17' WHEN age <= 39 THEN '18-39' WHEN age <= 59 THEN '40-59' ELSE '60+' END`;

type MemberKey = 'none' | 'group' | 'ageBand' | 'sex' | 'date';
type HouseholdKey = 'none' | 'group' | 'date';

const memberKeySql: Record<MemberKey, string> = {
  none: `''`,
  group: 'group_code',
  ageBand: AGE_BAND_SQL,
  sex: 'sex',
  date: 'surveyed_at',
};
const householdKeySql: Record<HouseholdKey, string> = { none: `''`, group: 'h.group_code', date: 'h.surveyed_at' };

function checkSettings(s: IndicatorSettings): void {
  // Inlined into SQL as literals: they must be small whole numbers (the config schema says so).
  if (!Number.isInteger(s.adultAge) || !Number.isInteger(s.vneidMinAge) || s.adultAge < 0 || s.vneidMinAge < 0 || s.adultAge > 150 || s.vneidMinAge > 150) {
    throw new RangeError('ward settings adultAge / vneidMinAge must be whole numbers');
  }
}

function memberFilters(f: IndicatorFilter, alias = ''): RawBuilder<unknown> {
  const p = alias ? `${alias}.` : '';
  const parts: RawBuilder<unknown>[] = [
    sql`${sql.raw(`${p}ward_code`)} = ${f.wardCode} AND ${sql.raw(`${p}voided = 0 AND ${p}practice = 0`)}`,
  ];
  if (f.group !== undefined) parts.push(sql`${sql.raw(`${p}group_code`)} = ${f.group}`);
  if (f.asOf !== undefined) parts.push(sql`${sql.raw(`${p}surveyed_at`)} <= ${f.asOf}`);
  return sql.join(parts, sql` AND `);
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * Conditional count: SUM(cond) on SQLite (a comparison is 0/1 there, NULL ignored), and
 * COUNT(*) FILTER (WHERE cond) on PostgreSQL. Both skip the CASE per row, which is most of the
 * cost of the overview (≈30 counts over every member of a ward).
 */
function counter(db: Kysely<Database>): (cond: string) => string {
  return db.getExecutor().adapter instanceof PostgresAdapter ? (cond) => `COUNT(*) FILTER (WHERE ${cond})` : (cond) => `SUM(${cond})`;
}

/**
 * Member indicators per key, in one pass over the ward's counted members. With `households`
 * also the household skills indicator: P = households with a member proficient in all five
 * skills, PM = households with a member whose skills are each "proficient" or "không rõ";
 * the households left "không rõ" are PM − P, the others "no".
 */
export async function tallyMembers(db: Kysely<Database>, f: IndicatorFilter, s: IndicatorSettings, key: MemberKey, households = false) {
  const defs = memberSql(s);
  const count = counter(db);
  // Per indicator: yes and unknown counts; the denominator is (eligible − unknown), with one
  // count per distinct age condition. Fewer, simpler expressions per row: this is the hot loop.
  const and = (a: string, b: string) => (a ? `${a} AND ${b}` : b);
  const eligibleAlias = new Map<string, string>();
  const cols: string[] = [];
  for (const code of MEMBER_CODES) {
    const d = defs[code]!;
    if (!eligibleAlias.has(d.eligible)) {
      const alias = `e${eligibleAlias.size}`;
      eligibleAlias.set(d.eligible, alias);
      cols.push(`${d.eligible ? count(d.eligible) : 'COUNT(*)'} AS ${alias}`);
    }
    cols.push(`${count(and(d.eligible, d.yes))} AS ${code}__n`, `${count(and(d.eligible, d.unknown))} AS ${code}__u`);
  }
  const query = sql<Record<string, unknown>>`SELECT ${sql.raw(memberKeySql[key])} AS k, ${sql.raw(cols.join(', '))}
    FROM members WHERE ${memberFilters(f)} AND outcome = 'surveyed' GROUP BY 1`;
  const [{ rows }, skills] = await Promise.all([query.execute(db), households ? tallySkills(db, f, key) : Promise.resolve(null)]);
  const out = new Map<string, { counts: Map<IndicatorCode, Triple>; skillsP: number; skillsPM: number }>();
  for (const row of rows) {
    const counts = new Map<IndicatorCode, Triple>();
    for (const code of MEMBER_CODES) {
      const u = num(row[`${code}__u`]);
      counts.set(code, { n: num(row[`${code}__n`]), d: num(row[eligibleAlias.get(defs[code]!.eligible)!]) - u, u });
    }
    const k = String(row.k);
    out.set(k, { counts, skillsP: skills?.get(k)?.p ?? 0, skillsPM: skills?.get(k)?.pm ?? 0 });
  }
  return out;
}

/**
 * P and PM of the household skills indicator per key: only members whose five skills are all
 * "proficient" or "không rõ" can make a household yes or unknown, so only they are grouped by
 * household (a small share of the members); P = households with an all-proficient one.
 */
async function tallySkills(db: Kysely<Database>, f: IndicatorFilter, key: MemberKey): Promise<Map<string, { p: number; pm: number }>> {
  const query = sql<Record<string, unknown>>`SELECT k, SUM(p) AS p, COUNT(*) AS pm FROM (
      SELECT ${sql.raw(memberKeySql[key])} AS k, record_id, MAX(CASE WHEN ${sql.raw(ALL_PROFICIENT)} THEN 1 ELSE 0 END) AS p
      FROM members
      WHERE ${memberFilters(f)} AND outcome = 'surveyed' AND ${sql.raw(SKILLS_CANDIDATE)}
      GROUP BY 1, record_id
    ) x GROUP BY k`;
  const { rows } = await query.execute(db);
  return new Map(rows.map((r) => [String(r.k), { p: num(r.p), pm: num(r.pm) }]));
}

/** Visits and the household indicators per key (skills filled in from the member pass). */
export async function tallyHouseholds(db: Kysely<Database>, f: IndicatorFilter, key: HouseholdKey) {
  const count = counter(db);
  const surveyed = `h.outcome = 'surveyed'`;
  const fibreUnknown = ynUnknown('h.fibre');
  const query = sql<Record<string, unknown>>`SELECT ${sql.raw(householdKeySql[key])} AS k,
      ${sql.raw(count(surveyed))} AS surveyed,
      ${sql.raw(count(`h.outcome = 'not_home'`))} AS not_home,
      ${sql.raw(count(`h.outcome = 'refused'`))} AS refused,
      ${sql.raw(count(`${surveyed} AND h.fibre = 'yes'`))} AS household_fibre__n,
      ${sql.raw(count(`${surveyed} AND NOT ${fibreUnknown}`))} AS household_fibre__d,
      ${sql.raw(count(`${surveyed} AND ${fibreUnknown}`))} AS household_fibre__u
    FROM households h
    WHERE ${memberFilters(f, 'h')}
    GROUP BY 1`;
  const { rows } = await query.execute(db);
  const out = new Map<string, RawTally>();
  for (const row of rows) {
    const counts = new Map<IndicatorCode, Triple>();
    counts.set('household_fibre', { n: num(row.household_fibre__n), d: num(row.household_fibre__d), u: num(row.household_fibre__u) });
    out.set(String(row.k), {
      households: { surveyed: num(row.surveyed), notHome: num(row.not_home), refused: num(row.refused) },
      counts,
    });
  }
  return out;
}

const emptyTriple = (): Triple => ({ n: 0, d: 0, u: 0 });

function emptyTally(): RawTally {
  return {
    households: { surveyed: 0, notHome: 0, refused: 0 },
    counts: new Map(INDICATORS.map((d) => [d.code, emptyTriple()])),
  };
}

function addInto(target: RawTally, source: RawTally): void {
  target.households.surveyed += source.households.surveyed;
  target.households.notHome += source.households.notHome;
  target.households.refused += source.households.refused;
  for (const [code, t] of source.counts) {
    const c = target.counts.get(code) ?? emptyTriple();
    c.n += t.n;
    c.d += t.d;
    c.u += t.u;
    target.counts.set(code, c);
  }
}

/** Joins the member and household tallies of each key. */
function merge(members: Awaited<ReturnType<typeof tallyMembers>>, households: Map<string, RawTally>): Map<string, RawTally> {
  const out = new Map<string, RawTally>();
  for (const key of new Set([...members.keys(), ...households.keys()])) {
    const t = emptyTally();
    const h = households.get(key);
    if (h) addInto(t, h);
    const m = members.get(key);
    if (m) {
      for (const [code, c] of m.counts) t.counts.set(code, c);
      const unknown = m.skillsPM - m.skillsP;
      t.counts.set('household_basic_skills', { n: m.skillsP, d: t.households.surveyed - unknown, u: unknown });
    }
    out.set(key, t);
  }
  return out;
}

function indicatorValues(
  tally: RawTally,
  onRegister: number,
  targets: Partial<Record<IndicatorCode, number>>,
  codes: readonly IndicatorCode[],
): IndicatorValue[] {
  const byCode = new Map(INDICATORS.map((d) => [d.code, d]));
  return codes.map((code) => {
    const def = byCode.get(code)!;
    let t = tally.counts.get(code) ?? emptyTriple();
    if (def.over === 'register') t = { n: tally.households.surveyed, d: onRegister, u: 0 };
    const value = t.d === 0 ? null : t.n / t.d;
    const target = targets[code] ?? null;
    return {
      code,
      numerator: t.n,
      denominator: t.d,
      unknown: t.u,
      value,
      target,
      reached: target === null || value === null ? null : value >= target,
      proxy: def.proxy,
    };
  });
}

const ALL_CODES = INDICATORS.map((d) => d.code);

export interface RegisterGroup {
  code: string;
  name: string;
  householdsOnRegister: number;
}

export async function registerGroups(db: Kysely<Database>, wardCode: string): Promise<RegisterGroup[]> {
  const rows = await db
    .selectFrom('ward_groups')
    .select(['code', 'name', 'households_on_register'])
    .where('ward_code', '=', wardCode)
    .orderBy('code')
    .execute();
  return rows.map((r) => ({ code: r.code, name: r.name, householdsOnRegister: Number(r.households_on_register) }));
}

export function settingsOf(config: WardConfig): IndicatorSettings {
  return { adultAge: config.settings.adultAge, vneidMinAge: config.settings.vneidMinAge };
}

export function targetsFor(config: WardConfig, year: string): Partial<Record<IndicatorCode, number>> {
  return (config.targets[year] ?? {}) as Partial<Record<IndicatorCode, number>>;
}

export interface IndicatorQuery extends IndicatorFilter {
  year: string;
  by?: BreakdownKey;
}

/** The overview (and optional breakdown) of GET /api/v1/wards/{code}/indicators. */
export async function computeIndicators(db: Kysely<Database>, config: WardConfig, q: IndicatorQuery): Promise<IndicatorsResponse> {
  const settings = settingsOf(config);
  checkSettings(settings);
  const targets = targetsFor(config, q.year);
  const groups = await registerGroups(db, q.wardCode);
  const filter: IndicatorFilter = { wardCode: q.wardCode, group: q.group, asOf: q.asOf };
  // Always counted per group: the total is their sum, and `by=group` costs nothing more.
  const [members, households] = await Promise.all([
    tallyMembers(db, filter, settings, 'group', true),
    tallyHouseholds(db, filter, 'group'),
  ]);
  const perGroup = merge(members, households);
  const total = emptyTally();
  for (const t of perGroup.values()) addInto(total, t);
  const onRegister = groups.filter((g) => q.group === undefined || g.code === q.group).reduce((s, g) => s + g.householdsOnRegister, 0);
  const response: IndicatorsResponse = {
    wardCode: q.wardCode,
    asOf: q.asOf ?? null,
    households: { ...total.households, onRegister },
    indicators: indicatorValues(total, onRegister, targets, ALL_CODES),
  };
  if (q.by === 'group') {
    response.breakdown = groups
      .filter((g) => q.group === undefined || g.code === q.group)
      .map((g) => {
        const t = perGroup.get(g.code) ?? emptyTally();
        return {
          key: g.code,
          households: { ...t.households, onRegister: g.householdsOnRegister },
          indicators: indicatorValues(t, g.householdsOnRegister, targets, ALL_CODES),
        };
      });
  } else if (q.by === 'ageBand' || q.by === 'sex') {
    // Per person: only the indicators counted over members split by age band or sex.
    const split = await tallyMembers(db, filter, settings, q.by);
    const keys: readonly string[] = q.by === 'ageBand' ? AGE_BANDS : ['male', 'female', 'unknown'];
    response.breakdown = keys.map((key) => {
      const t = emptyTally();
      for (const [code, c] of split.get(key)?.counts ?? []) t.counts.set(code, c);
      return { key, indicators: indicatorValues(t, 0, targets, MEMBER_CODES) };
    });
  }
  return response;
}

/** GET …/indicators/weekly: cumulative indicators at the end of each ISO week. */
export async function computeWeekly(
  db: Kysely<Database>,
  config: WardConfig,
  q: IndicatorFilter & { year: string },
): Promise<WeeklyResponse> {
  const settings = settingsOf(config);
  checkSettings(settings);
  const targets = targetsFor(config, q.year);
  const groups = await registerGroups(db, q.wardCode);
  const onRegister = groups.filter((g) => q.group === undefined || g.code === q.group).reduce((s, g) => s + g.householdsOnRegister, 0);
  const [members, households] = await Promise.all([tallyMembers(db, q, settings, 'date', true), tallyHouseholds(db, q, 'date')]);
  const perDate = merge(members, households);
  const dates = [...perDate.keys()].sort();
  if (dates.length === 0) return { wardCode: q.wardCode, asOf: q.asOf ?? null, weeks: [] };
  const perWeek = new Map<string, RawTally>();
  for (const date of dates) {
    const label = isoWeek(date).label;
    const t = perWeek.get(label) ?? emptyTally();
    addInto(t, perDate.get(date)!);
    perWeek.set(label, t);
  }
  const running = emptyTally();
  const weeks = isoWeeksBetween(dates[0]!, q.asOf ?? dates[dates.length - 1]!).map((w) => {
    const week = perWeek.get(w.label) ?? emptyTally();
    addInto(running, week);
    return {
      week: w.label,
      start: w.start,
      end: w.end,
      newHouseholds: { ...week.households },
      households: { ...running.households, onRegister },
      indicators: indicatorValues(running, onRegister, targets, ALL_CODES),
    };
  });
  return { wardCode: q.wardCode, asOf: q.asOf ?? null, weeks };
}
