// Household survey record, kind "household". One file holds the schema, its inferred types,
// the schema version and (later) migrations from older versions.
//
// A record is saved on the phone in exactly the shape it syncs in (the sync envelope):
//   { id, kind: 'household', rev, schemaVersion, clientUpdatedAt, data }
// A re-visit or an edit is a new `rev` of the same id; voiding is a new rev with voided: true.
import { z } from 'zod';
import { ageOnDate } from '../domain/age.js';
import {
  isoDateSchema,
  isoDateTimeSchema,
  optionalText,
  shortText,
  uuidSchema,
  wardCodeSchema,
  yesNoUnknown,
} from './common.js';

export const HOUSEHOLD_KIND = 'household' as const;
export const HOUSEHOLD_SCHEMA_VERSION = 1 as const;

/** The five basic digital skills of Công văn 3240/BTTTT-CĐSQG (8/8/2024). */
export const SKILL_KEYS = ['publicServices', 'shopping', 'payments', 'safety', 'localPlatforms'] as const;
export type SkillKey = (typeof SKILL_KEYS)[number];
/** thành thạo / biết, cần hỗ trợ / chưa biết / không rõ */
export const skillLevel = z.enum(['proficient', 'needs_help', 'none', 'unknown'], { error: 'required' });
export type SkillLevel = z.infer<typeof skillLevel>;

export const vneidLevel = z.enum(['none', 'level1', 'level2', 'unknown'], { error: 'required' });
export type VneidLevel = z.infer<typeof vneidLevel>;

export const RELATIONS = [
  'head', 'spouse', 'child', 'child_in_law', 'grandchild', 'parent', 'grandparent', 'sibling', 'other_relative', 'other',
] as const;
export const relation = z.enum(RELATIONS, { error: 'required' });

export const SEXES = ['male', 'female', 'unknown'] as const;
export const sex = z.enum(SEXES, { error: 'required' });

export const DIGITAL_SERVICE_KEYS = ['health', 'education', 'insurance', 'transport'] as const;

export const HELP_TOPICS = [
  'vneid_install', 'vneid_level2', 'public_services', 'payments', 'online_safety', 'shopping', 'ehr', 'smartphone', 'other',
] as const;
export const helpTopic = z.enum(HELP_TOPICS, { error: 'invalid_option' });

export const VISIT_OUTCOMES = ['surveyed', 'not_home', 'refused'] as const;
export const visitOutcome = z.enum(VISIT_OUTCOMES, { error: 'required' });
export type VisitOutcome = z.infer<typeof visitOutcome>;

export const CONSENT_METHODS = ['verbal', 'signed', 'other'] as const;

/**
 * Below this age the digital-skill, smartphone, bank and signature questions are not asked
 * (no indicator counts anyone younger: the lowest denominator age in the plans is 14).
 */
export const MIN_QUESTION_AGE = 14;

/** Questions asked of everyone, whatever their age. */
const memberCore = {
  id: uuidSchema,
  name: optionalText(80),
  relation,
  birthYear: z
    .number({ error: 'required' })
    .int({ error: 'birth_year_invalid' })
    .min(1900, { error: 'birth_year_range' })
    .max(2100, { error: 'birth_year_range' }),
  sex,
  /** 12-digit CCCD; optional. Checked softly against the member (see domain/cccd.ts). */
  cccd: z
    .string()
    .trim()
    .regex(/^\d{12}$/, { error: 'cccd_format' })
    .optional(),
  /** Normalised 10-digit phone number (domain/phone.ts); optional. */
  phone: z
    .string()
    .trim()
    .regex(/^0\d{9}$/, { error: 'phone_format' })
    .optional(),
  vneid: vneidLevel,
  ehr: yesNoUnknown,
  digitalServices12m: z.object({
    health: yesNoUnknown,
    education: yesNoUnknown,
    insurance: yesNoUnknown,
    transport: yesNoUnknown,
  }),
  wantsHelp: z.array(helpTopic).max(HELP_TOPICS.length).default([]),
  wantsHelpNote: optionalText(200),
};

/** Questions asked of members aged MIN_QUESTION_AGE or more (optional below). */
const memberAdultQuestions = {
  ownsSmartphone: yesNoUnknown.optional(),
  usedInternet3m: yesNoUnknown.optional(),
  skills: z
    .object({
      publicServices: skillLevel,
      shopping: skillLevel,
      payments: skillLevel,
      safety: skillLevel,
      localPlatforms: skillLevel,
    })
    .optional(),
  bankAccount: yesNoUnknown.optional(),
  cashless30d: yesNoUnknown.optional(),
  digitalSignature: yesNoUnknown.optional(),
  onlinePublicService12m: yesNoUnknown.optional(),
  cityApp: yesNoUnknown.optional(),
};
const ADULT_QUESTION_KEYS = Object.keys(memberAdultQuestions) as (keyof typeof memberAdultQuestions)[];

export const memberSchema = z.object({ ...memberCore, ...memberAdultQuestions });
export type Member = z.infer<typeof memberSchema>;
export type MemberInput = z.input<typeof memberSchema>;

export const consentSchema = z.object({
  /** Never pre-ticked: the volunteer ticks it after reading the notice aloud. */
  given: z.literal(true, { error: 'consent_required' }),
  consenterName: optionalText(80),
  consenterRelation: relation,
  consentedAt: isoDateTimeSchema,
  method: z.enum(CONSENT_METHODS, { error: 'required' }),
  noticeVersion: shortText(40),
});
export type Consent = z.infer<typeof consentSchema>;

export const addressSchema = z.object({
  houseNumber: shortText(40),
  lane: optionalText(80),
  street: optionalText(80),
});

export const householdDevicesSchema = z.object({
  smartphones: z
    .number({ error: 'required' })
    .int({ error: 'count_invalid' })
    .min(0, { error: 'count_invalid' })
    .max(50, { error: 'count_invalid' })
    .nullable(), // null = không rõ
  computerOrTablet: yesNoUnknown,
  fixedBroadband: yesNoUnknown,
  fibre: yesNoUnknown,
  wifi: yesNoUnknown,
});

export const householdPaymentsSchema = z.object({
  billsCashless: yesNoUnknown,
  businessAcceptsQr: z.enum(['yes', 'no', 'no_business', 'unknown'], { error: 'required' }),
});

export const MAX_MEMBERS = 60;

const householdDataObject = z.object({
  wardCode: wardCodeSchema,
  /** The phone's own install id (made once per install); not the sync device id. */
  installId: uuidSchema,
  /** Date of the visit, set on first save and kept across edits; ages are computed on it. */
  surveyedAt: isoDateSchema,
  /** Tổ dân phố / khu phố code from the ward's register. */
  groupCode: shortText(20),
  address: addressSchema,
  outcome: visitOutcome,
  note: optionalText(300),
  consent: consentSchema.optional(),
  devices: householdDevicesSchema.optional(),
  payments: householdPaymentsSchema.optional(),
  members: z.array(memberSchema).max(MAX_MEMBERS, { error: 'too_many_members' }).default([]),
  voided: z.boolean().optional(),
  voidReason: optionalText(200),
  /** Made in practice mode (training); syncs but never counts. */
  practice: z.boolean().optional(),
});

export const householdDataSchema = householdDataObject.superRefine((data, ctx) => {
  if (data.outcome === 'surveyed') {
    if (!data.consent) ctx.addIssue({ code: 'custom', path: ['consent', 'given'], message: 'consent_required' });
    if (!data.devices) ctx.addIssue({ code: 'custom', path: ['devices'], message: 'required' });
    if (!data.payments) ctx.addIssue({ code: 'custom', path: ['payments'], message: 'required' });
    if (data.members.length === 0) ctx.addIssue({ code: 'custom', path: ['members'], message: 'members_required' });
  } else if (data.consent || data.members.length > 0 || data.devices || data.payments) {
    // A refusal or an absence keeps the visit and no personal data.
    ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'no_data_without_survey' });
  }
  if (data.voided && !data.voidReason) {
    ctx.addIssue({ code: 'custom', path: ['voidReason'], message: 'required' });
  }
  const surveyYear = Number(data.surveyedAt.slice(0, 4));
  const seen = new Set<string>();
  data.members.forEach((member, i) => {
    if (seen.has(member.id)) ctx.addIssue({ code: 'custom', path: ['members', i, 'id'], message: 'duplicate_member_id' });
    seen.add(member.id);
    if (member.birthYear > surveyYear) {
      ctx.addIssue({ code: 'custom', path: ['members', i, 'birthYear'], message: 'birth_year_future' });
      return;
    }
    if (surveyYear - member.birthYear > 120) {
      ctx.addIssue({ code: 'custom', path: ['members', i, 'birthYear'], message: 'birth_year_range' });
      return;
    }
    if (ageOnDate(member.birthYear, data.surveyedAt) >= MIN_QUESTION_AGE) {
      for (const key of ADULT_QUESTION_KEYS) {
        if (member[key] === undefined) ctx.addIssue({ code: 'custom', path: ['members', i, key], message: 'required' });
      }
    }
  });
  const heads = data.members.filter((m) => m.relation === 'head').length;
  if (heads > 1) ctx.addIssue({ code: 'custom', path: ['members'], message: 'one_head_only' });
});
export type HouseholdData = z.infer<typeof householdDataSchema>;
export type HouseholdDataInput = z.input<typeof householdDataSchema>;

export const householdRecordSchema = z.object({
  id: uuidSchema,
  kind: z.literal(HOUSEHOLD_KIND, { error: 'unknown_kind' }),
  rev: z.number({ error: 'required' }).int({ error: 'rev_invalid' }).min(1, { error: 'rev_invalid' }),
  schemaVersion: z.literal(HOUSEHOLD_SCHEMA_VERSION, { error: 'unknown_schema_version' }),
  clientUpdatedAt: isoDateTimeSchema,
  data: householdDataSchema,
});
export type HouseholdRecord = z.infer<typeof householdRecordSchema>;
