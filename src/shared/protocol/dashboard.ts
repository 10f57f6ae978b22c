// Response shapes of the ward dashboard's API (GET /api/v1/wards/{code}/…): the indicators
// (fixed by issue 4 because other tools of the ward read them), the weekly trend, team
// activity, data quality, the household drill-down, the assistance tallies and the team's
// follow-up list. The server builds them and the
// dashboard screens read them: one definition for both.
import type { FollowUpGroup } from '../domain/follow-up.js';
import type { IndicatorCode } from '../domain/indicators.js';
import type { ASSISTANCE_KINDS, ASSISTANCE_OUTCOMES, ASSISTANCE_REASONS } from '../schema/assistance.js';

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
  /**
   * The cut-off the figures use (YYYY-MM-DD: households surveyed up to that day), the chosen
   * `asOf` or a past year's 31/12; null: no cut-off, every household synced so far.
   */
  asOf: string | null;
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
  /** As in IndicatorsResponse. */
  asOf: string | null;
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

export type OutcomeCounts = Record<(typeof ASSISTANCE_OUTCOMES)[number], number>;

export interface AssistanceTally {
  total: number;
  byOutcome: OutcomeCounts;
  /** Each kind of a help counts once (a help of two kinds counts under both). */
  byKind: Record<(typeof ASSISTANCE_KINDS)[number], OutcomeCounts>;
  /** Helps not done / needing a follow-up, by reason. */
  byReason: Record<(typeof ASSISTANCE_REASONS)[number], number>;
}

/** GET …/assistances */
export interface AssistanceTalliesResponse extends AssistanceTally {
  wardCode: string;
  from: string | null;
  to: string | null;
  campaign: string | null;
  /** By campaign name (helps without one under null), most helps first. */
  campaigns: (AssistanceTally & { campaign: string | null })[];
  /** Every ISO week from the first help to the last (or from..to), oldest first. */
  weeks: (AssistanceTally & { week: string; start: string; end: string })[];
  /**
   * Distinct members (household id + member id) linked to a counted help for whom a household
   * rev saved at or after the help shows VNeID level 1 or 2 while an earlier rev showed none.
   */
  vneidMoved: number;
}

/** GET …/follow-ups: the whole team's follow-up list. */
export interface WardFollowUpsResponse {
  wardCode: string;
  /** When the list was built (ISO 8601); `days` count from `since` to this. */
  now: string;
  total: number;
  /** As buildFollowUpList returns them, each with the tổ dân phố's name from the ward config. */
  groups: (FollowUpGroup & { groupName: string | null })[];
}

/** GET …/enrolment-codes (and the admin CLI's list): a ward's codes, never the codes themselves. */
export interface EnrolmentCodeInfo {
  id: string;
  wardCode: string;
  usesLeft: number;
  usesTotal: number;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  issuedBy: string | null;
  state: 'usable' | 'used_up' | 'expired' | 'revoked';
}
