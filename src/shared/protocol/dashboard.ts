// Response shapes of the ward dashboard's indicator API (GET /api/v1/wards/{code}/indicators),
// fixed by issue 4 because other tools of the ward read them. The server builds them and the
// dashboard screens read them: one definition for both.
import type { IndicatorCode } from '../domain/indicators.js';

export interface HouseholdTotals {
  surveyed: number;
  notHome: number;
  refused: number;
  onRegister: number;
}

/** One indicator as the API answers it. */
export interface IndicatorValue {
  code: IndicatorCode;
  numerator: number;
  denominator: number;
  unknown: number;
  /** numerator / denominator; null when the denominator is 0. */
  value: number | null;
  /** A fraction like `value`; null where the plan sets none. */
  target: number | null;
  /** value >= target; null without a target or a value. */
  reached: boolean | null;
  /** A survey proxy of a plan target measured by other means. */
  proxy: boolean;
}

export type BreakdownKey = 'group' | 'ageBand' | 'sex';

export interface BreakdownItem {
  key: string;
  /** Present for `by=group` (households belong to one group); absent for age band and sex. */
  households?: HouseholdTotals;
  indicators: IndicatorValue[];
}

export interface IndicatorsResponse {
  wardCode: string;
  households: HouseholdTotals;
  indicators: IndicatorValue[];
  breakdown?: BreakdownItem[];
}
