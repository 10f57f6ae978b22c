// The city roll-up's answers (GET /api/v1/provinces/{province}/…, docs/api.md): one row per
// ward of the province held by the endpoint, each indicator against that ward's own target and
// its straight-line plan (domain/plan-line.ts), small cells hidden, and the province totals
// (sums of numerators over sums of denominators). Built by the server, read by the screens.
import type { IndicatorCode } from '../domain/indicators.js';
import type { HouseholdTotals } from './dashboard.js';

/**
 * Why a cell is hidden: 'small' — it rests on fewer than SMALL_CELL_MIN people (or households);
 * 'complementary' — the only other way to recover a single small cell from the province total
 * (total minus the shown wards), so the next smallest cell of that indicator is hidden too.
 */
export type Suppression = 'small' | 'complementary';

export interface CityCell {
  code: IndicatorCode;
  /** Null when hidden (suppressed). */
  numerator: number | null;
  denominator: number | null;
  unknown: number | null;
  value: number | null;
  /** The ward's target for the year (a fraction), or the province's for the totals row; null: none. */
  target: number | null;
  /** value >= target; null without both. */
  reached: boolean | null;
  proxy: boolean;
  suppressed: Suppression | null;
  /** The value at 31/12 of the previous year (households surveyed up to then); null: none counted. */
  startValue: number | null;
  /** Where the straight line from startValue (1/1) to target (31/12) stands at the cut-off. */
  planValue: number | null;
  /** value below planValue; null without a target, a value, or when hidden. */
  behindPlan: boolean | null;
}

/** A setting that decides a denominator and differs between the wards (adult age, VNeID age). */
export interface DenominatorDifference {
  setting: 'adultAge' | 'vneidMinAge';
  /** The indicators whose denominators it moves. */
  indicators: IndicatorCode[];
  values: { age: number; wards: string[] }[];
}

export interface CityWardRow {
  code: string;
  name: string;
  /** False: no household counted yet ("chưa có dữ liệu"). */
  hasData: boolean;
  households: HouseholdTotals;
  settings: { adultAge: number; vneidMinAge: number };
  indicators: CityCell[];
  /** Indicators of this ward below the plan line (not counting hidden cells). */
  behindCount: number;
}

export interface CityRollup {
  province: { code: string; name: string };
  year: string;
  /** The cut-off (YYYY-MM-DD) the figures and the plan line use. */
  asOf: string;
  /** The day the start values are taken at: 31/12 of the previous year. */
  startAsOf: string;
  wards: CityWardRow[];
  /** Sums of numerators over sums of denominators; targets only from a province configuration. */
  total: { households: HouseholdTotals; indicators: CityCell[] };
  /** Where the province's targets come from (seeds/provinces/{code}.json), empty when none. */
  targetSources: string[];
  denominatorDifferences: DenominatorDifference[];
  smallCellMin: number;
}

export interface CityWeeklyPoint {
  week: string;
  start: string;
  end: string;
  households: HouseholdTotals;
  indicators: CityCell[];
}

/** Cumulative by ISO week: the province's (summed) or one ward's. */
export interface CityWeekly {
  province: { code: string; name: string };
  /** Null for the province; the ward's code for a drill-down. */
  wardCode: string | null;
  year: string;
  asOf: string | null;
  weeks: CityWeeklyPoint[];
}

/** One ward for city staff: its indicators (small cells hidden), read-only. */
export interface CityWardDetail {
  province: { code: string; name: string };
  ward: CityWardRow;
  year: string;
  asOf: string;
  startAsOf: string;
  smallCellMin: number;
}
