// Household survey record, kind "household". One file holds the schema, its inferred types,
// the schema version and migrations from older versions (defineRecordKind, record-kind.ts).
//
// A record is saved on the phone in exactly the shape it syncs in (the sync envelope):
//   { id, kind: 'household', rev, schemaVersion, clientUpdatedAt, data }
// A re-visit or an edit is a new `rev` of the same id; voiding is a new rev with voided: true.
import { z } from 'zod';
import { ageOnDate } from '../domain/age.js';
import { memberRelevanceIssues, type RelevanceAges } from '../domain/relevance.js';
import type { FieldError } from '../domain/validation.js';
import {
  isoDateSchema,
  isoDateTimeSchema,
  missingOr,
  optionalText,
  shortText,
  uuidSchema,
  wardCodeSchema,
  yesNoUnknown,
} from './common.js';
import { defineRecordKind, strictError } from './record-kind.js';
import {
  CONSENT_METHODS,
  HELP_TOPICS,
  HOUSEHOLD_KIND,
  HOUSEHOLD_SCHEMA_VERSION,
  MAX_MEMBERS,
  QR_ANSWERS,
  RELATIONS,
  SEXES,
  SKILL_LEVELS,
  VISIT_OUTCOMES,
  VNEID_LEVELS,
} from './household-constants.js';

/** For lists and flags: `required` when missing, `invalid` when of the wrong type. Objects are
 * strict (strictError): a key the schema does not know is `unknown_field` on that key's path,
 * never stored — no field for a password, an OTP or a refused visit's CCCDs can be smuggled in. */
const fieldError = { error: missingOr('invalid') };

// Every constant stays importable from here, as before the split.
export * from './household-constants.js';

export const skillLevel = z.enum(SKILL_LEVELS, { error: missingOr('invalid_option') });
export const vneidLevel = z.enum(VNEID_LEVELS, { error: missingOr('invalid_option') });
export const relation = z.enum(RELATIONS, { error: missingOr('invalid_option') });
export const sex = z.enum(SEXES, { error: missingOr('invalid_option') });
export const helpTopic = z.enum(HELP_TOPICS, { error: 'invalid_option' });
export const visitOutcome = z.enum(VISIT_OUTCOMES, { error: missingOr('invalid_option') });

/** The member's identity and the questions asked of everyone, whatever their age. */
const memberCore = {
  id: uuidSchema,
  name: optionalText(80),
  relation,
  birthYear: z
    .number({ error: missingOr('birth_year_invalid') })
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
  ehr: yesNoUnknown,
  wantsHelp: z.array(helpTopic, fieldError).max(HELP_TOPICS.length).default([]),
  wantsHelpNote: optionalText(200),
};

/**
 * Questions asked from an age (domain/relevance.ts: the ward's vneidMinAge and adultAge, 14, 15).
 * Optional in the shape; which of them a member must answer is the relevance table's rule, checked
 * with the ward's ages by `checkHouseholdInContext` (the server's sync check, the phone's form).
 */
const memberAgeScopedQuestions = {
  vneid: vneidLevel.optional(),
  digitalServices12m: z.strictObject({
    health: yesNoUnknown,
    education: yesNoUnknown,
    insurance: yesNoUnknown,
    transport: yesNoUnknown,
  }, strictError).optional(),
  ownsSmartphone: yesNoUnknown.optional(),
  usedInternet3m: yesNoUnknown.optional(),
  skills: z
    .strictObject({
      publicServices: skillLevel,
      shopping: skillLevel,
      payments: skillLevel,
      safety: skillLevel,
      localPlatforms: skillLevel,
    }, strictError)
    .optional(),
  bankAccount: yesNoUnknown.optional(),
  cashless30d: yesNoUnknown.optional(),
  digitalSignature: yesNoUnknown.optional(),
  onlinePublicService12m: yesNoUnknown.optional(),
  cityApp: yesNoUnknown.optional(),
};

export const memberSchema = z.strictObject({ ...memberCore, ...memberAgeScopedQuestions }, strictError);
export type Member = z.infer<typeof memberSchema>;
export type MemberInput = z.input<typeof memberSchema>;

export const consentSchema = z.strictObject({
  /** Never pre-ticked: the volunteer ticks it after reading the notice aloud. */
  given: z.literal(true, { error: 'consent_required' }),
  consenterName: optionalText(80),
  consenterRelation: relation,
  consentedAt: isoDateTimeSchema,
  method: z.enum(CONSENT_METHODS, { error: missingOr('invalid_option') }),
  noticeVersion: shortText(40),
}, strictError);
export type Consent = z.infer<typeof consentSchema>;

export const addressSchema = z.strictObject({
  houseNumber: shortText(40),
  lane: optionalText(80),
  street: optionalText(80),
}, strictError);

export const householdDevicesSchema = z.strictObject({
  smartphones: z
    .number({ error: missingOr('count_invalid') })
    .int({ error: 'count_invalid' })
    .min(0, { error: 'count_invalid' })
    .max(50, { error: 'count_invalid' })
    .nullable(), // null = không rõ
  computerOrTablet: yesNoUnknown,
  fixedBroadband: yesNoUnknown,
  fibre: yesNoUnknown,
  wifi: yesNoUnknown,
}, strictError);

export const householdPaymentsSchema = z.strictObject({
  billsCashless: yesNoUnknown,
  businessAcceptsQr: z.enum(QR_ANSWERS, { error: missingOr('invalid_option') }),
}, strictError);

const householdDataObject = z.strictObject({
  wardCode: wardCodeSchema,
  /** The phone's own install id (made once per install); not the sync device id. */
  installId: uuidSchema,
  /**
   * Date of the visit that surveyed the household (a not-home / refused household: of that
   * visit until a revisit surveys it); kept across plain edits (domain/survey-date.ts). Ages
   * are computed on it.
   */
  surveyedAt: isoDateSchema,
  /** Tổ dân phố / khu phố code from the ward's register. */
  groupCode: shortText(20),
  address: addressSchema,
  outcome: visitOutcome,
  note: optionalText(300),
  consent: consentSchema.optional(),
  devices: householdDevicesSchema.optional(),
  payments: householdPaymentsSchema.optional(),
  members: z.array(memberSchema, fieldError).max(MAX_MEMBERS, { error: 'too_many_members' }).default([]),
  voided: z.boolean(fieldError).optional(),
  voidReason: optionalText(200),
  /** Made in practice mode (training); syncs but never counts. */
  practice: z.boolean(fieldError).optional(),
}, strictError);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Rules across fields. They run even when some field is invalid (zod skips refinements after
 * any issue by default), so the review step and the server list every problem at once — which
 * is why this reads the data defensively instead of trusting its type.
 */
function checkHousehold(data: z.output<typeof householdDataObject>, ctx: z.RefinementCtx): void {
  const members: unknown[] = Array.isArray(data.members) ? data.members : [];
  if (data.outcome === 'surveyed') {
    if (!data.consent) ctx.addIssue({ code: 'custom', path: ['consent', 'given'], message: 'consent_required' });
    if (!data.devices) ctx.addIssue({ code: 'custom', path: ['devices'], message: 'required' });
    if (!data.payments) ctx.addIssue({ code: 'custom', path: ['payments'], message: 'required' });
    if (Array.isArray(data.members) && members.length === 0) ctx.addIssue({ code: 'custom', path: ['members'], message: 'members_required' });
  } else if (
    (data.outcome === 'not_home' || data.outcome === 'refused') &&
    (data.consent || members.length > 0 || data.devices || data.payments)
  ) {
    // A refusal or an absence keeps the visit and no personal data.
    ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'no_data_without_survey' });
  }
  if (data.voided === true && !data.voidReason) {
    ctx.addIssue({ code: 'custom', path: ['voidReason'], message: 'required' });
  }
  const surveyYear = typeof data.surveyedAt === 'string' ? Number(data.surveyedAt.slice(0, 4)) : Number.NaN;
  const seen = new Set<unknown>();
  let heads = 0;
  members.forEach((member, i) => {
    if (!isObject(member)) return;
    if (member.relation === 'head') heads++;
    if (typeof member.id === 'string') {
      if (seen.has(member.id)) ctx.addIssue({ code: 'custom', path: ['members', i, 'id'], message: 'duplicate_member_id' });
      seen.add(member.id);
    }
    const birthYear = member.birthYear;
    // A year the field itself rejects (not a whole number, before 1900) is reported there only.
    if (typeof birthYear !== 'number' || !Number.isInteger(birthYear) || birthYear < 1900 || birthYear > 2100) return;
    if (Number.isNaN(surveyYear)) return;
    if (birthYear > surveyYear) {
      ctx.addIssue({ code: 'custom', path: ['members', i, 'birthYear'], message: 'birth_year_future' });
      return;
    }
    if (surveyYear - birthYear > 120) {
      ctx.addIssue({ code: 'custom', path: ['members', i, 'birthYear'], message: 'birth_year_range' });
      return;
    }
  });
  if (heads > 1) ctx.addIssue({ code: 'custom', path: ['members'], message: 'one_head_only' });
}

export const householdDataSchema = householdDataObject.superRefine(checkHousehold, {
  when: (payload) => isObject(payload.value),
});
export type HouseholdData = z.infer<typeof householdDataSchema>;
export type HouseholdDataInput = z.input<typeof householdDataSchema>;

/**
 * The relevance table (domain/relevance.ts) applied with the ward's ages to a household that
 * passed the schema: each required question that applies at a member's age without an answer
 * is an error ("members.2.vneid": required). Answers to questions that do not apply are kept
 * as sent and never counted (see memberRelevanceIssues). Only surveyed households carry members.
 */
export function checkHouseholdInContext(data: HouseholdData, ages: RelevanceAges): { data: HouseholdData; errors: FieldError[] } {
  const errors: FieldError[] = [];
  data.members.forEach((member, i) => {
    for (const issue of memberRelevanceIssues(member, ageOnDate(member.birthYear, data.surveyedAt), ages)) {
      errors.push({ path: `members.${i}.${issue.question}`, code: issue.code });
    }
  });
  return { data, errors };
}

/** The household record kind: envelope, version and migrations (record-kind.ts). */
export const householdRecordKind = defineRecordKind({
  kind: HOUSEHOLD_KIND,
  version: HOUSEHOLD_SCHEMA_VERSION,
  dataSchema: householdDataSchema,
  migrations: {
    // Version 2 asks only what applies (domain/relevance.ts): a member's VNeID and digital
    // services became age-scoped, so optional in the shape. Every version-1 `data` is valid
    // version-2 `data` as it is; a version-2 record that leaves them out must not reach a
    // version-1 reader, which would call it incomplete (it gets unknown_schema_version).
    2: (v1) => v1,
  },
  inContext: (data, context) => checkHouseholdInContext(data, context.ages),
});
export const householdRecordSchema = householdRecordKind.recordSchema;
export type HouseholdRecord = z.infer<typeof householdRecordSchema>;
