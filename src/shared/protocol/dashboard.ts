// Response shapes of the ward dashboard's API (GET /api/v1/wards/{code}/…): the indicators
// (fixed by issue 4 because other tools of the ward read them), the weekly trend, team
// activity, data quality and the household drill-down. The server builds them and the
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

export interface WeeklyPoint {
  /** ISO week, e.g. "2026-W47" (Monday-first, on surveyedAt, a local date in Asia/Ho_Chi_Minh). */
  week: string;
  start: string;
  end: string;
  /** Households surveyed / not home / refused during this week (not cumulative). */
  newHouseholds: Omit<HouseholdTotals, 'onRegister'>;
  /** Cumulative up to the end of the week. */
  households: HouseholdTotals;
  /** Cumulative values up to the end of the week. */
  indicators: IndicatorValue[];
}

/** GET …/indicators/weekly */
export interface WeeklyResponse {
  wardCode: string;
  weeks: WeeklyPoint[];
}

export interface VisitCounts {
  surveyed: number;
  notHome: number;
  refused: number;
}

export interface DeviceActivity {
  deviceId: string;
  volunteerName: string;
  enrolledAt: string;
  lastSyncAt: string | null;
  revokedAt: string | null;
  /** Not revoked and no sync for `staleAfterDays` days. */
  stale: boolean;
  total: VisitCounts;
  perWeek: (VisitCounts & { week: string })[];
}

/** GET …/activity */
export interface ActivityResponse {
  wardCode: string;
  staleAfterDays: number;
  weeks: { week: string; start: string; end: string }[];
  devices: DeviceActivity[];
}

/** GET …/quality */
export interface QualityResponse {
  wardCode: string;
  duplicates: {
    count: number;
    items: { groupCode: string; addressKey: string; households: { recordId: string; rev: number; outcome: string; surveyedAt: string; deviceId: string }[] }[];
  };
  conflicts: {
    count: number;
    items: { id: string; recordId: string; rev: number; currentRev: number | null; superseded: boolean; deviceId: string; volunteerName: string | null; receivedAt: string }[];
  };
  implausible: {
    count: number;
    rules: string[];
    items: { recordId: string; memberId: string; position: number; groupCode: string; age: number; rule: string }[];
  };
}

/** GET …/households/{recordId}: the one drill-down that shows a record, audited. */
export interface HouseholdDetail {
  recordId: string;
  rev: number;
  /** The latest rev exactly as stored (envelope + data). */
  record: unknown;
  revisions: { rev: number; deviceId: string; volunteerName: string | null; receivedAt: string; clientUpdatedAt: string }[];
  conflicts: { id: string; rev: number; deviceId: string; receivedAt: string }[];
}
