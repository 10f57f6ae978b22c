// The city roll-up (issue 15 point 1): every ward of a province held by this endpoint, each
// indicator against that ward's own target and its straight-line plan (shared/domain/plan-line.ts),
// and the province totals as sums of numerators over sums of denominators — never an average
// of percentages. The counting is the ward dashboard's own (services/indicators.ts, the same
// fold of the counters with each ward's settings), read for every ward of the province in one
// query (computeWardsOverview, computeWardsWeekly) instead of one or two per ward. No result
// cache here: the cache's data version is a count over each ward's households, dearer than
// the one grouped read of the counters. Small cells are hidden here, before anything leaves
// the server.
import type { Kysely } from 'kysely';
import { INDICATORS, type IndicatorCode } from '../../shared/domain/indicators.js';
import { behindPlan, planValueAt, SMALL_CELL_MIN } from '../../shared/domain/plan-line.js';
import type { CityCell, CityRollup, CityWardDetail, CityWardRow, CityWeekly, CityWeeklyPoint, DenominatorDifference } from '../../shared/protocol/city.js';
import type { HouseholdTotals, IndicatorsResponse, IndicatorValue, WeeklyResponse } from '../../shared/protocol/dashboard.js';
import type { ProvinceConfig } from '../../shared/schema/province-config.js';
import type { WardConfig } from '../../shared/schema/ward-config.js';
import type { Database } from '../db/schema.js';
import { computeWardsOverview, computeWardsWeekly, settingsOf, targetsFor } from './indicators.js';

/** The wards of a province held here, by code. */
export async function provinceWards(db: Kysely<Database>, provinceCode: string): Promise<WardConfig[]> {
  const rows = await db.selectFrom('wards').select('config_json').where('province_code', '=', provinceCode).orderBy('code').execute();
  return rows.map((r) => JSON.parse(r.config_json) as WardConfig);
}

export interface RollupQuery {
  year: string;
  /** The cut-off (YYYY-MM-DD): households surveyed up to that day. */
  asOf: string;
}

/** 31/12 of the year before: the start values are the figures as of that day. */
export const startAsOfFor = (year: string): string => `${Number(year) - 1}-12-31`;

const PROVINCE_NAME = (wards: WardConfig[], config: ProvinceConfig | undefined, code: string) => config?.name ?? wards[0]?.province.name ?? code;

const isSmall = (denominator: number): boolean => denominator > 0 && denominator < SMALL_CELL_MIN;

interface Counts {
  n: number;
  d: number;
  u: number;
}

/** One cell from counts: value, target, plan line and — when it rests on fewer than 5 — hidden. */
function cell(code: IndicatorCode, now: Counts, start: Counts | null, target: number | null, year: string, asOf: string, proxy: boolean): CityCell {
  const value = now.d === 0 ? null : now.n / now.d;
  const startSmall = start !== null && isSmall(start.d);
  const startValue = start === null || start.d === 0 ? null : start.n / start.d;
  const planValue = planValueAt(year, asOf, startValue, target);
  const small = isSmall(now.d);
  return {
    code,
    numerator: small ? null : now.n,
    denominator: small ? null : now.d,
    unknown: small ? null : now.u,
    value: small ? null : value,
    target,
    reached: small || target === null || value === null ? null : value >= target,
    proxy,
    suppressed: small ? 'small' : null,
    // A start value resting on fewer than 5 is hidden with the line (the line would give it away).
    startValue: startSmall ? null : startValue,
    planValue: startSmall ? null : planValue,
    behindPlan: small ? null : behindPlan(value, planValue),
  };
}

const counts = (i: IndicatorValue | undefined): Counts => ({ n: i?.numerator ?? 0, d: i?.denominator ?? 0, u: i?.unknown ?? 0 });
const PROXY = new Map(INDICATORS.map((d) => [d.code, d.proxy]));
const CODES = INDICATORS.map((d) => d.code);

function hideCell(c: CityCell, why: 'complementary'): void {
  Object.assign(c, { numerator: null, denominator: null, unknown: null, value: null, reached: null, behindPlan: null, suppressed: why });
}

/**
 * Complementary suppression: with exactly one ward's cell hidden as small, the province total
 * minus the shown wards would give it back; the shown cell with the smallest denominator is
 * hidden too, so only the sum of two (one of them at least 5) can be derived.
 */
function complementarySuppression(rows: CityWardRow[], rawDenominator: (ward: string, code: IndicatorCode) => number): void {
  for (const code of CODES) {
    const cells = rows.map((r) => ({ ward: r.code, c: r.indicators.find((i) => i.code === code)! }));
    if (cells.filter((x) => x.c.suppressed === 'small').length !== 1) continue;
    const candidates = cells.filter((x) => x.c.suppressed === null && rawDenominator(x.ward, code) > 0);
    candidates.sort((a, b) => rawDenominator(a.ward, a.c.code) - rawDenominator(b.ward, b.c.code) || a.ward.localeCompare(b.ward));
    if (candidates[0]) hideCell(candidates[0].c, 'complementary');
  }
}

const addHouseholds = (a: HouseholdTotals, b: HouseholdTotals): HouseholdTotals => ({
  surveyed: a.surveyed + b.surveyed,
  notHome: a.notHome + b.notHome,
  refused: a.refused + b.refused,
  onRegister: a.onRegister + b.onRegister,
});
const NO_HOUSEHOLDS: HouseholdTotals = { surveyed: 0, notHome: 0, refused: 0, onRegister: 0 };

function wardRow(config: WardConfig, now: IndicatorsResponse, start: IndicatorsResponse | null, year: string, asOf: string): CityWardRow {
  const targets = targetsFor(config, year);
  const indicators = now.indicators.map((i) =>
    cell(i.code, counts(i), start ? counts(start.indicators.find((s) => s.code === i.code)) : null, targets[i.code] ?? null, year, asOf, i.proxy),
  );
  const h = now.households;
  return {
    code: config.code,
    name: config.name,
    hasData: h.surveyed + h.notHome + h.refused > 0,
    households: h,
    settings: settingsOf(config),
    indicators,
    behindCount: indicators.filter((i) => i.behindPlan === true).length,
  };
}

/** The indicators each age setting moves (shared/domain/relevance.ts: who is asked is who is counted). */
const SETTING_INDICATORS: Record<DenominatorDifference['setting'], IndicatorCode[]> = {
  vneidMinAge: ['vneid', 'vneid_level2'],
  adultAge: ['digital_signature', 'cashless_30d', 'digital_services', 'online_public_service', 'smartphone_adult'],
};

export function denominatorDifferences(wards: WardConfig[]): DenominatorDifference[] {
  const out: DenominatorDifference[] = [];
  for (const setting of ['adultAge', 'vneidMinAge'] as const) {
    const byAge = new Map<number, string[]>();
    for (const w of wards) byAge.set(w.settings[setting], [...(byAge.get(w.settings[setting]) ?? []), w.code]);
    if (byAge.size > 1) {
      out.push({ setting, indicators: SETTING_INDICATORS[setting], values: [...byAge].sort((a, b) => a[0] - b[0]).map(([age, codes]) => ({ age, wards: codes })) });
    }
  }
  return out;
}

/** The roll-up of GET /api/v1/provinces/{code}/rollup (and its exports). */
export async function computeRollup(db: Kysely<Database>, provinceCode: string, province: ProvinceConfig | undefined, q: RollupQuery): Promise<CityRollup> {
  const wards = await provinceWards(db, provinceCode);
  const startAsOf = startAsOfFor(q.year);
  const provinceTargets = (province?.targets[q.year] ?? {}) as Partial<Record<IndicatorCode, number>>;
  const needStart = (w: WardConfig) => Object.keys(targetsFor(w, q.year)).length > 0 || Object.keys(provinceTargets).length > 0;
  // Every ward now and at the start cut-off, in one query over the counters.
  const overviews = await computeWardsOverview(db, wards, q.year, [q.asOf, startAsOf]);
  const raw = wards.map((config) => {
    const at = overviews.get(config.code)!;
    return { config, now: at.get(q.asOf)!, start: needStart(config) ? at.get(startAsOf)! : null };
  });
  const rows = raw.map((r) => wardRow(r.config, r.now, r.start, q.year, q.asOf));
  const rawByWard = new Map(raw.map((r) => [r.config.code, r.now]));
  complementarySuppression(rows, (ward, code) => counts(rawByWard.get(ward)?.indicators.find((i) => i.code === code)).d);
  for (const r of rows) r.behindCount = r.indicators.filter((i) => i.behindPlan === true).length;

  // The totals: sums of the raw numerators and denominators (before any cell was hidden).
  const households = raw.reduce((s, r) => addHouseholds(s, r.now.households), NO_HOUSEHOLDS);
  const total = CODES.map((code) => {
    const sum = (pick: (r: (typeof raw)[number]) => IndicatorsResponse | null): Counts =>
      raw.reduce((s, r) => {
        const c = counts(pick(r)?.indicators.find((i) => i.code === code));
        return { n: s.n + c.n, d: s.d + c.d, u: s.u + c.u };
      }, { n: 0, d: 0, u: 0 });
    const hasStart = raw.length > 0 && raw.every((r) => r.start !== null);
    return cell(code, sum((r) => r.now), hasStart ? sum((r) => r.start) : null, provinceTargets[code] ?? null, q.year, q.asOf, PROXY.get(code) ?? false);
  });
  return {
    province: { code: provinceCode, name: PROVINCE_NAME(wards, province, provinceCode) },
    year: q.year,
    asOf: q.asOf,
    startAsOf,
    wards: rows,
    total: { households, indicators: total },
    targetSources: Object.keys(provinceTargets).length > 0 ? (province?.sources ?? []) : [],
    denominatorDifferences: denominatorDifferences(wards),
    smallCellMin: SMALL_CELL_MIN,
  };
}

/**
 * One ward for city staff (GET …/wards/{code}): its row of the province's roll-up, with the
 * same hidden cells — a cell hidden there only so the total cannot give a small one back must
 * stay hidden here too, or the ward's figure and the total together would give it away.
 */
export async function computeWardDetail(db: Kysely<Database>, config: WardConfig, province: ProvinceConfig | undefined, q: RollupQuery): Promise<CityWardDetail> {
  const rollup = await computeRollup(db, config.province.code, province, q);
  const ward = rollup.wards.find((w) => w.code === config.code);
  if (!ward) throw new Error(`ward ${config.code} is not in province ${config.province.code}`);
  return { province: rollup.province, ward, year: q.year, asOf: q.asOf, startAsOf: rollup.startAsOf, smallCellMin: SMALL_CELL_MIN };
}

/** A week's cell: the trend shows values against the target; the plan line is the roll-up's (it needs the start value). */
const withoutPlan = (c: CityCell): CityCell => ({ ...c, startValue: null, planValue: null, behindPlan: null });

/** Weeks ending in the year (or later): the trend of the year asked for. */
const inYear = (year: string) => (w: { end: string }) => w.end >= `${year}-01-01`;

interface WeekGrid {
  wards: WardConfig[];
  weeks: { week: string; start: string; end: string }[];
  /** Per week, per ward (in `wards` order): the ward's cumulative point at the week's end, or null before its first. */
  points: (WeeklyResponse['weeks'][number] | null)[][];
}

/**
 * Every ward's cumulative weekly series on one calendar of ISO weeks: a ward counts nothing
 * before its first week and carries its last one forward.
 */
async function weekGrid(db: Kysely<Database>, provinceCode: string, q: { year: string; asOf?: string | undefined }): Promise<WeekGrid> {
  const wards = await provinceWards(db, provinceCode);
  const byWard = await computeWardsWeekly(db, wards, q);
  const series = wards.map((config) => byWard.get(config.code)!);
  const labels = new Map<string, { start: string; end: string }>();
  for (const s of series) for (const p of s.weeks) labels.set(p.week, { start: p.start, end: p.end });
  const weeks = [...labels].sort((a, b) => a[1].start.localeCompare(b[1].start)).map(([week, span]) => ({ week, ...span }));
  const cursor = series.map(() => -1);
  const points = weeks.map((w) =>
    series.map((s, k) => {
      while (cursor[k]! + 1 < s.weeks.length && s.weeks[cursor[k]! + 1]!.start <= w.start) cursor[k]!++;
      return s.weeks[cursor[k]!] ?? null;
    }),
  );
  return { wards, weeks, points };
}

const registerOf = (w: WardConfig): number => w.groups.reduce((g, x) => g + x.householdsOnRegister, 0);

/**
 * One ward's cumulative weekly trend for city staff: each week hidden as in the roll-up — small
 * cells, and the complementary cell of a week where exactly one ward's cell is small (the
 * province's weekly total would otherwise give it back).
 */
export async function computeWardWeekly(db: Kysely<Database>, config: WardConfig, q: { year: string; asOf?: string | undefined }): Promise<CityWeekly> {
  const grid = await weekGrid(db, config.province.code, q);
  const index = grid.wards.findIndex((w) => w.code === config.code);
  const weeks: CityWeeklyPoint[] = [];
  grid.weeks.forEach((w, k) => {
    if (!inYear(q.year)(w)) return;
    const rows: CityWardRow[] = grid.wards.map((ward, j) => {
      const point = grid.points[k]![j] ?? null;
      const targets = targetsFor(ward, q.year);
      const households = point?.households ?? { ...NO_HOUSEHOLDS, onRegister: registerOf(ward) };
      const indicators = CODES.map((code) => {
        const i = point?.indicators.find((x) => x.code === code);
        const c = code === 'coverage' ? { n: households.surveyed, d: households.onRegister, u: 0 } : counts(i);
        return withoutPlan(cell(code, c, null, targets[code] ?? null, q.year, w.end, PROXY.get(code) ?? false));
      });
      return { code: ward.code, name: ward.name, hasData: point !== null, households, settings: settingsOf(ward), indicators, behindCount: 0 };
    });
    complementarySuppression(rows, (ward, code) => {
      const c = rows.find((r) => r.code === ward)!;
      const j = grid.wards.findIndex((x) => x.code === ward);
      const point = grid.points[k]![j];
      return code === 'coverage' ? c.households.onRegister : counts(point?.indicators.find((x) => x.code === code)).d;
    });
    const mine = rows[index]!;
    weeks.push({ week: w.week, start: w.start, end: w.end, households: mine.households, indicators: mine.indicators });
  });
  return { province: { code: config.province.code, name: config.province.name }, wardCode: config.code, year: q.year, asOf: q.asOf ?? null, weeks };
}

/** The province's cumulative weekly trend: every ward's cumulative counts at the end of each week, summed. */
export async function computeProvinceWeekly(
  db: Kysely<Database>,
  provinceCode: string,
  province: ProvinceConfig | undefined,
  q: { year: string; asOf?: string | undefined },
): Promise<CityWeekly> {
  const grid = await weekGrid(db, provinceCode, q);
  const onRegister = grid.wards.reduce((s, w) => s + registerOf(w), 0);
  const targets = (province?.targets[q.year] ?? {}) as Partial<Record<IndicatorCode, number>>;
  const weeks: CityWeeklyPoint[] = grid.weeks.map((span, k) => {
    const households = { ...NO_HOUSEHOLDS, onRegister };
    const sums = new Map<IndicatorCode, Counts>(CODES.map((c) => [c, { n: 0, d: 0, u: 0 }]));
    for (const point of grid.points[k]!) {
      if (!point) continue;
      households.surveyed += point.households.surveyed;
      households.notHome += point.households.notHome;
      households.refused += point.households.refused;
      for (const i of point.indicators) {
        const t = sums.get(i.code)!;
        t.n += i.numerator;
        t.d += i.denominator;
        t.u += i.unknown;
      }
    }
    // Coverage over every ward's register, data or not (as the roll-up's total).
    sums.set('coverage', { n: households.surveyed, d: onRegister, u: 0 });
    return {
      week: span.week,
      start: span.start,
      end: span.end,
      households,
      indicators: CODES.map((code) => withoutPlan(cell(code, sums.get(code)!, null, targets[code] ?? null, q.year, span.end, PROXY.get(code) ?? false))),
    };
  });
  return { province: { code: provinceCode, name: PROVINCE_NAME(grid.wards, province, provinceCode) }, wardCode: null, year: q.year, asOf: q.asOf ?? null, weeks: weeks.filter(inYear(q.year)) };
}
