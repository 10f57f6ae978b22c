// The household record's constants (answer lists, kind, version), without zod, so the survey's
// first step can render without loading the schema library. household.ts builds its schema from
// these and re-exports them.

export const HOUSEHOLD_KIND = 'household' as const;
export const HOUSEHOLD_SCHEMA_VERSION = 2 as const;

/** The five basic digital skills of Công văn 3240/BTTTT-CĐSQG (8/8/2024). */
export const SKILL_KEYS = ['publicServices', 'shopping', 'payments', 'safety', 'localPlatforms'] as const;
export type SkillKey = (typeof SKILL_KEYS)[number];

/** thành thạo / biết, cần hỗ trợ / chưa biết / không rõ */
export const SKILL_LEVELS = ['proficient', 'needs_help', 'none', 'unknown'] as const;
export type SkillLevel = (typeof SKILL_LEVELS)[number];

export const VNEID_LEVELS = ['none', 'level1', 'level2', 'unknown'] as const;
export type VneidLevel = (typeof VNEID_LEVELS)[number];

export const RELATIONS = [
  'head', 'spouse', 'child', 'child_in_law', 'grandchild', 'parent', 'grandparent', 'sibling', 'other_relative', 'other',
] as const;

export const SEXES = ['male', 'female', 'unknown'] as const;

export const DIGITAL_SERVICE_KEYS = ['health', 'education', 'insurance', 'transport'] as const;

export const HELP_TOPICS = [
  'vneid_install', 'vneid_level2', 'public_services', 'payments', 'online_safety', 'shopping', 'ehr', 'smartphone', 'other',
] as const;

export const VISIT_OUTCOMES = ['surveyed', 'not_home', 'refused'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

export const CONSENT_METHODS = ['verbal', 'signed', 'other'] as const;

export const QR_ANSWERS = ['yes', 'no', 'no_business', 'unknown'] as const;

/**
 * Below this age no digital question is asked (the lowest denominator age in the plans is 14);
 * which question applies from which age is the relevance table (domain/relevance.ts).
 */
export const MIN_QUESTION_AGE = 14;

export const MAX_MEMBERS = 60;
