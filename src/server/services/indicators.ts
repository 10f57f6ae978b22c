// The dashboard's tallies, summed from the counters the writers keep
// (services/indicator-counters.ts: per ward × tổ dân phố × survey day × age band × sex), one
// query layer for SQLite and PostgreSQL. The semantics are those of countIndicators in
// src/shared/domain/indicators.ts (the reference the tests compare with):
// - only households whose latest rev is neither voided nor practice count at all;
// - refused / not_home visits count in `households` only (no members, not in coverage);
// - a "không rõ" answer (or a question not answered) leaves numerator and denominator and is
//   counted in `unknown`;
// - coverage = surveyed households / households on the register (of the group when filtered).
// Every query here is answered by the counters' dimensions (group, day ≤ asOf, ISO week of the
// day, age band, sex); everything from the request is a bound parameter.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { AGE_BANDS, ageBand } from '../../shared/domain/age.js';
import {
  INDICATORS,
  type IndicatorCode,
  type IndicatorSettings,
} from '../../shared/domain/indicators.js';
import { isoWeek, isoWeeksBetween } from '../../shared/domain/iso-week.js';
import { ensureCounters, ensureCountersOfWards, HOUSEHOLD_ROW, MEASURES, MEMBER_INDICATORS } from './indicator-counters.js';
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

function checkSettings(s: IndicatorSettings): void {
  // The recount inlines them into SQL as literals: they must be small whole numbers (the config schema says so).
  if (!Number.isInteger(s.adultAge) || !Number.isInteger(s.vneidMinAge) || s.adultAge < 0 || s.vneidMinAge < 0 || s.adultAge > 150 || s.vneidMinAge > 150) {
    throw new RangeError('ward settings adultAge / vneidMinAge must be whole numbers');
  }
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

type CounterKey = 'group' | 'date' | 'ageBand' | 'sex';
const counterKeySql: Record<CounterKey, string> = { group: 'group_code', date: 'day', ageBand: `''`, sex: 'sex' };

/** Counter rows summed per key and age band: what foldCounterSums reads (numbers may come back as strings). */
type CounterSums = Record<string, unknown>;

const SUMS_SQL = MEASURES.map((c) => `SUM(${c}) AS ${c}`).join(', ');

/**
 * The tallies per key, summed from the counters kept on ingest (services/indicator-counters.ts):
 * a few rows per tổ dân phố × day × age band × sex instead of every member.
 */
async function counterTallies(db: Kysely<Database>, f: IndicatorFilter, s: IndicatorSettings, key: CounterKey): Promise<Map<string, RawTally>> {
  await ensureCounters(db, f.wardCode, s);
  const filters: RawBuilder<unknown>[] = [sql`ward_code = ${f.wardCode}`];
  if (f.group !== undefined) filters.push(sql`group_code = ${f.group}`);
  if (f.asOf !== undefined) filters.push(sql`day <= ${f.asOf}`);
  if (key === 'ageBand' || key === 'sex') filters.push(sql`age_from >= 0`);
  const { rows } = await sql<CounterSums>`SELECT ${sql.raw(counterKeySql[key])} AS k, age_from, ${sql.raw(SUMS_SQL)}
    FROM indicator_counters WHERE ${sql.join(filters, sql` AND `)} GROUP BY 1, age_from`.execute(db);
  return foldCounterSums(rows, s, key === 'ageBand' ? (row) => ageBand(num(row.age_from)) : (row) => String(row.k));
}

/**
 * One ward's counter sums (per key and age band) folded into tallies per `keyOf`, with that
 * ward's settings. A member indicator's denominator is the members of the bands it is asked of
 * (by the settings), less its "không rõ"; the household skills indicator's is the surveyed
 * households less theirs. Every tally is a sum over rows, so any grouping of the same rows
 * gives the same totals: the city roll-up folds sums grouped by cut-off instead of tổ.
 */
function foldCounterSums(rows: Iterable<CounterSums>, s: IndicatorSettings, keyOf: (row: CounterSums) => string): Map<string, RawTally> {
  const eligibleBands = new Map<number, IndicatorCode[]>();
  const eligibleAt = (band: number) => {
    let codes = eligibleBands.get(band);
    if (!codes) eligibleBands.set(band, (codes = MEMBER_INDICATORS.filter((d) => d.eligible(band, s)).map((d) => d.code)));
    return codes;
  };
  const out = new Map<string, RawTally & { skills: { p: number; pm: number } }>();
  for (const row of rows) {
    const units = num(row.units);
    if (units === 0) continue;
    const band = num(row.age_from);
    const k = keyOf(row);
    let t = out.get(k);
    if (!t) out.set(k, (t = { ...emptyTally(), skills: { p: 0, pm: 0 } }));
    if (band === HOUSEHOLD_ROW) {
      const surveyed = num(row.surveyed);
      t.households.surveyed += surveyed;
      t.households.notHome += num(row.not_home);
      t.households.refused += num(row.refused);
      const fibre = t.counts.get('household_fibre')!;
      fibre.n += num(row.fibre_yes);
      fibre.u += num(row.fibre_unknown);
      fibre.d += surveyed - num(row.fibre_unknown);
      t.skills.p += num(row.skills_p);
      t.skills.pm += num(row.skills_pm);
      continue;
    }
    for (const code of eligibleAt(band)) {
      const c = t.counts.get(code)!;
      const unknown = num(row[`${code}_unknown`]);
      c.n += num(row[`${code}_yes`]);
      c.u += unknown;
      c.d += units - unknown;
    }
  }
  for (const t of out.values()) {
    // Households with a member proficient in all five skills (P) are "yes"; those with only
    // members whose skills are each proficient or "không rõ" (PM − P) are "không rõ".
    const unknown = t.skills.pm - t.skills.p;
    t.counts.set('household_basic_skills', { n: t.skills.p, d: t.households.surveyed - unknown, u: unknown });
  }
  return out;
}

/**
 * Many wards' counter sums in ONE query, per ward × `keySql` × age band (only days up to
 * `upTo` when given), after making sure each ward's counters answer its settings. For the city
 * roll-up: a province's wards in one round trip instead of one or two queries per ward, read
 * from the day sums (indicator_day_counters: no tổ, no sex; ≈ 100 times fewer rows than the
 * counters at a million households), so `keySql` may name `day` only.
 */
async function wardsCounterSums(db: Kysely<Database>, configs: readonly WardConfig[], keySql: RawBuilder<unknown>, upTo: string | undefined): Promise<Map<string, CounterSums[]>> {
  const byWard = new Map<string, CounterSums[]>(configs.map((c) => [c.code, []]));
  if (configs.length === 0) return byWard;
  for (const c of configs) checkSettings(settingsOf(c));
  await ensureCountersOfWards(db, configs.map((c) => ({ wardCode: c.code, settings: settingsOf(c) })));
  const filters: RawBuilder<unknown>[] = [sql`ward_code IN (${sql.join(configs.map((c) => c.code))})`];
  if (upTo !== undefined) filters.push(sql`day <= ${upTo}`);
  const { rows } = await sql<CounterSums>`SELECT ward_code AS w, ${keySql} AS k, age_from, ${sql.raw(SUMS_SQL)}
    FROM indicator_day_counters WHERE ${sql.join(filters, sql` AND `)} GROUP BY 1, 2, age_from`.execute(db);
  for (const row of rows) byWard.get(String(row.w))?.push(row);
  return byWard;
}

/** The households on each ward's register (all its tổ dân phố), in one query. */
async function registerTotals(db: Kysely<Database>, wardCodes: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>(wardCodes.map((c) => [c, 0]));
  if (wardCodes.length === 0) return out;
  const rows = await db.selectFrom('ward_groups').select(['ward_code', 'households_on_register']).where('ward_code', 'in', wardCodes).execute();
  for (const r of rows) out.set(r.ward_code, (out.get(r.ward_code) ?? 0) + Number(r.households_on_register));
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
  const perGroup = await counterTallies(db, filter, settings, 'group');
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
    const split = await counterTallies(db, filter, settings, q.by);
    const keys: readonly string[] = q.by === 'ageBand' ? AGE_BANDS : ['male', 'female', 'unknown'];
    response.breakdown = keys.map((key) => {
      const t = emptyTally();
      for (const code of MEMBER_CODES) t.counts.set(code, split.get(key)?.counts.get(code) ?? emptyTriple());
      return { key, indicators: indicatorValues(t, 0, targets, MEMBER_CODES) };
    });
  }
  return response;
}

/**
 * Many wards' overviews at several cut-offs — each exactly what computeIndicators answers for
 * the whole ward with `asOf` = that cut-off — from ONE query over the counters: sums per ward ×
 * span between consecutive cut-offs × age band, each ward's folded with its own settings and
 * added up span by span. The city roll-up's read (a province's wards now and at 31/12 of the
 * year before: one round trip, not two per ward). Answers ward code → cut-off → overview.
 */
export async function computeWardsOverview(
  db: Kysely<Database>,
  configs: readonly WardConfig[],
  year: string,
  cutOffs: readonly string[],
): Promise<Map<string, Map<string, IndicatorsResponse>>> {
  const cuts = [...new Set(cutOffs)].sort();
  const out = new Map<string, Map<string, IndicatorsResponse>>();
  if (cuts.length === 0) return out;
  // Span k holds the days after cut k−1 up to cut k; a cut-off's tally is spans 0…k.
  const span = sql`CASE ${sql.join(cuts.map((c, k) => sql`WHEN day <= ${c} THEN ${sql.lit(k)}`), sql` `)} END`;
  const [sums, registers] = await Promise.all([wardsCounterSums(db, configs, span, cuts[cuts.length - 1]), registerTotals(db, configs.map((c) => c.code))]);
  for (const config of configs) {
    const perSpan = foldCounterSums(sums.get(config.code)!, settingsOf(config), (row) => String(num(row.k)));
    const onRegister = registers.get(config.code)!;
    const targets = targetsFor(config, year);
    const running = emptyTally();
    const byCut = new Map<string, IndicatorsResponse>();
    cuts.forEach((cut, k) => {
      const t = perSpan.get(String(k));
      if (t) addInto(running, t);
      byCut.set(cut, {
        wardCode: config.code,
        asOf: cut,
        households: { ...running.households, onRegister },
        indicators: indicatorValues(running, onRegister, targets, ALL_CODES),
      });
    });
    out.set(config.code, byCut);
  }
  return out;
}

/** GET …/indicators/weekly: cumulative indicators at the end of each ISO week. */
export async function computeWeekly(
  db: Kysely<Database>,
  config: WardConfig,
  q: IndicatorFilter & { year: string },
): Promise<WeeklyResponse> {
  const settings = settingsOf(config);
  checkSettings(settings);
  const groups = await registerGroups(db, q.wardCode);
  const onRegister = groups.filter((g) => q.group === undefined || g.code === q.group).reduce((s, g) => s + g.householdsOnRegister, 0);
  const perDate = await counterTallies(db, q, settings, 'date');
  return weeklyFromDays(q.wardCode, perDate, onRegister, targetsFor(config, q.year), q.asOf);
}

/**
 * Many wards' weekly trends — each what computeWeekly answers for the whole ward — from ONE
 * query over the counters (the city's weekly trend).
 */
export async function computeWardsWeekly(db: Kysely<Database>, configs: readonly WardConfig[], q: { year: string; asOf?: string | undefined }): Promise<Map<string, WeeklyResponse>> {
  const [sums, registers] = await Promise.all([wardsCounterSums(db, configs, sql`day`, q.asOf), registerTotals(db, configs.map((c) => c.code))]);
  const out = new Map<string, WeeklyResponse>();
  for (const config of configs) {
    const perDate = foldCounterSums(sums.get(config.code)!, settingsOf(config), (row) => String(row.k));
    out.set(config.code, weeklyFromDays(config.code, perDate, registers.get(config.code)!, targetsFor(config, q.year), q.asOf));
  }
  return out;
}

/** A ward's tallies per survey day summed into ISO weeks, cumulatively, up to `asOf` (else its last day). */
function weeklyFromDays(
  wardCode: string,
  perDate: Map<string, RawTally>,
  onRegister: number,
  targets: Partial<Record<IndicatorCode, number>>,
  asOf: string | undefined,
): WeeklyResponse {
  const dates = [...perDate.keys()].sort();
  if (dates.length === 0) return { wardCode, asOf: asOf ?? null, weeks: [] };
  const perWeek = new Map<string, RawTally>();
  for (const date of dates) {
    const label = isoWeek(date).label;
    const t = perWeek.get(label) ?? emptyTally();
    addInto(t, perDate.get(date)!);
    perWeek.set(label, t);
  }
  const running = emptyTally();
  const weeks = isoWeeksBetween(dates[0]!, asOf ?? dates[dates.length - 1]!).map((w) => {
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
  return { wardCode, asOf: asOf ?? null, weeks };
}
