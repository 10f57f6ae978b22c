// Assistance record, kind "assistance": one help a Youth Union member gave one resident (at a
// campaign table or at the door). One file holds the schema, its inferred types and the schema
// version; it shares the envelope of every record kind (defineRecordKind, record-kind.ts):
//   { id, kind: 'assistance', rev, schemaVersion, clientUpdatedAt, data }
// A later attempt on the same help may be a new rev of the same id (e.g. "needs follow-up" →
// "done"); voiding is a new rev with voided: true.
//
// Version 2 (issue 12): a person's name and phone are kept only with their recorded consent
// (`consent`, purpose 'assistance', the version of the ward's assistance notice read to them).
// Without it the record keeps the year of birth and what was done; a name or phone without
// consent is refused (`consent_required_for_contact`). Version 1 had no consent record, so the
// migration to 2 erases the name and phone it may hold (phones and the server alike).
//
// Passwords, OTPs and passcodes are never typed into the app. Every object here is strict, so a
// field for one cannot be added by a client (unknown keys are rejected as `unknown_field`), and
// free text that carries a standalone 6-digit code (an OTP or a VNeID passcode) is refused.
import { z } from 'zod';
import { isoDateTimeSchema, missingOr, optionalText, shortText, uuidSchema, wardCodeSchema } from './common.js';
import { defineRecordKind, strictError } from './record-kind.js';

export const ASSISTANCE_KIND = 'assistance' as const;
export const ASSISTANCE_SCHEMA_VERSION = 2 as const;

/** Kinds of help (several may be given at once). */
export const ASSISTANCE_KINDS = [
  'install_vneid',
  'activate_level2_guidance',
  'password_or_device_recovery',
  'add_documents_or_health_record',
  'submit_online_public_service',
  'setup_bank_ewallet_qr',
  'scam_awareness',
  /** A teaching card taught at the door (then `teachingCardId`). */
  'teaching_card',
] as const;
export const assistanceKind = z.enum(ASSISTANCE_KINDS, { error: missingOr('invalid_option') });
export type AssistanceKind = z.infer<typeof assistanceKind>;

export const ASSISTANCE_OUTCOMES = ['done', 'not_done', 'needs_follow_up'] as const;
export const assistanceOutcome = z.enum(ASSISTANCE_OUTCOMES, { error: missingOr('invalid_option') });
export type AssistanceOutcome = z.infer<typeof assistanceOutcome>;

/** Why a help was not done (PRODUCT.md's list, plus "other" with a note). */
export const ASSISTANCE_REASONS = [
  'no_smartphone',
  'phone_not_registered_number_no_otp',
  'must_register_level2_at_police',
  'forgotten_password',
  'account_bound_to_old_device',
  'no_nfc_chip_reader',
  'data_mismatch',
  'person_absent_or_refused',
  'other',
] as const;
export const assistanceReason = z.enum(ASSISTANCE_REASONS, { error: missingOr('invalid_option') });
export type AssistanceReason = z.infer<typeof assistanceReason>;

/** A standalone run of six digits: the shape of an OTP or a VNeID passcode. */
const SECRET_LIKE = /(?<!\d)\d{6}(?!\d)/;

/** Free text that must not carry a code someone read out (see the header comment). */
const noSecretText = (max: number) =>
  optionalText(max).refine((text) => text === undefined || !SECRET_LIKE.test(text), { error: 'secret_like_text' });

export const personHelpedSchema = z.strictObject({
  /** Optional: many people at a campaign table give only a year of birth. */
  name: noSecretText(80),
  birthYear: z
    .number({ error: missingOr('birth_year_invalid') })
    .int({ error: 'birth_year_invalid' })
    .min(1900, { error: 'birth_year_range' })
    .max(2100, { error: 'birth_year_range' }),
  /** Normalised 10-digit phone number (domain/phone.ts); optional. */
  phone: z
    .string({ error: missingOr('phone_format') })
    .trim()
    .regex(/^0\d{9}$/, { error: 'phone_format' })
    .optional(),
}, strictError);
export type PersonHelped = z.infer<typeof personHelpedSchema>;

/** The household (and member, by the member's stable id) this help was for, when known. */
export const householdLinkSchema = z.strictObject({
  householdId: uuidSchema,
  memberId: uuidSchema.optional(),
}, strictError);
export type HouseholdLink = z.infer<typeof householdLinkSchema>;

/** Teaching card ids as in seeds/teaching/cards.json (schema/teaching-card.ts). */
export const teachingCardIdSchema = z
  .string({ error: missingOr('invalid') })
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'invalid' });

/** The purposes a consent notice is read for (ward-config.ts `consentNotices[].purpose`). */
export const ASSISTANCE_CONSENT_PURPOSE = 'assistance' as const;

/**
 * The person's consent to keep their name and phone with this help. Never pre-ticked: the
 * volunteer records it after reading the ward's assistance notice.
 */
export const assistanceConsentSchema = z.strictObject({
  given: z.literal(true, { error: 'consent_required' }),
  purpose: z.literal(ASSISTANCE_CONSENT_PURPOSE, { error: missingOr('invalid_option') }),
  /** The version of the ward's assistance notice that was read. */
  noticeVersion: shortText(40),
  consentedAt: isoDateTimeSchema,
}, strictError);
export type AssistanceConsent = z.infer<typeof assistanceConsentSchema>;

const assistanceDataObject = z.strictObject({
  wardCode: wardCodeSchema,
  /** The phone's own install id (made once per install): the device that recorded the help. */
  installId: uuidSchema,
  /** When the help was given. */
  helpedAt: isoDateTimeSchema,
  person: personHelpedSchema,
  /** Present only when the person agreed to have their name and phone kept. */
  consent: assistanceConsentSchema.optional(),
  household: householdLinkSchema.optional(),
  /** Tổ dân phố / khu phố code from the ward's register, when known. */
  groupCode: z
    .string({ error: missingOr('invalid') })
    .trim()
    .min(1, { error: 'required' })
    .max(20, { error: 'too_long' })
    .optional(),
  kinds: z.array(assistanceKind, strictError).min(1, { error: 'kinds_required' }).max(ASSISTANCE_KINDS.length, { error: 'duplicate_kind' }),
  teachingCardId: teachingCardIdSchema.optional(),
  outcome: assistanceOutcome,
  reason: assistanceReason.optional(),
  reasonNote: noSecretText(200),
  /** "Đợt ra quân": free text remembered on the phone. */
  campaign: noSecretText(120),
  place: noSecretText(120),
  /** Made in practice mode (training); syncs but never counts. */
  practice: z.boolean(strictError).optional(),
  voided: z.boolean(strictError).optional(),
  voidReason: noSecretText(200),
}, strictError);

/**
 * Rules across fields. Like household.ts they run even when some field is invalid, so every
 * problem is listed at once; hence the defensive reads.
 */
function checkAssistance(data: z.output<typeof assistanceDataObject>, ctx: z.RefinementCtx): void {
  const kinds: unknown[] = Array.isArray(data.kinds) ? data.kinds : [];
  const seen = new Set<unknown>();
  kinds.forEach((kind, i) => {
    if (seen.has(kind)) ctx.addIssue({ code: 'custom', path: ['kinds', i], message: 'duplicate_kind' });
    seen.add(kind);
  });
  if (kinds.includes('teaching_card') && data.teachingCardId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['teachingCardId'], message: 'required' });
  } else if (!kinds.includes('teaching_card') && data.teachingCardId !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['teachingCardId'], message: 'teaching_card_kind_missing' });
  }
  if (data.outcome === 'done') {
    if (data.reason !== undefined) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'no_reason_when_done' });
  } else if (data.outcome === 'not_done' || data.outcome === 'needs_follow_up') {
    if (data.reason === undefined) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'reason_required' });
  }
  // Typed text is trimmed first, so a note of spaces is no note.
  if (data.reason === 'other' && !data.reasonNote) {
    ctx.addIssue({ code: 'custom', path: ['reasonNote'], message: 'required' });
  }
  if (data.voided === true && !data.voidReason) {
    ctx.addIssue({ code: 'custom', path: ['voidReason'], message: 'required' });
  }
  const person: unknown = data.person;
  // A name or phone is kept only with the person's consent (the header).
  if (isObject(person) && data.consent === undefined) {
    for (const key of ['name', 'phone'] as const) {
      if (person[key] !== undefined) ctx.addIssue({ code: 'custom', path: ['person', key], message: 'consent_required_for_contact' });
    }
  }
  const birthYear = typeof person === 'object' && person !== null ? (person as { birthYear?: unknown }).birthYear : undefined;
  const helpedYear = typeof data.helpedAt === 'string' ? Number(data.helpedAt.slice(0, 4)) : Number.NaN;
  // A year the field itself rejects is reported there only.
  if (typeof birthYear === 'number' && Number.isInteger(birthYear) && birthYear >= 1900 && birthYear <= 2100 && !Number.isNaN(helpedYear)) {
    if (birthYear > helpedYear) ctx.addIssue({ code: 'custom', path: ['person', 'birthYear'], message: 'birth_year_after_help' });
    else if (helpedYear - birthYear > 120) ctx.addIssue({ code: 'custom', path: ['person', 'birthYear'], message: 'birth_year_range' });
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export const assistanceDataSchema = assistanceDataObject.superRefine(checkAssistance, {
  when: (payload) => isObject(payload.value),
});
export type AssistanceData = z.infer<typeof assistanceDataSchema>;
export type AssistanceDataInput = z.input<typeof assistanceDataSchema>;

/**
 * Version 1 → 2: version 1 recorded no consent, so its name and phone go; the year of birth and
 * everything about the help stay (the tallies read only those). Data that is not the shape of
 * version 1 passes through unchanged for the schema to judge.
 */
export function assistanceV1ToV2(data: unknown): unknown {
  if (!isObject(data) || !isObject(data.person)) return data;
  const { name: _name, phone: _phone, ...person } = data.person;
  return { ...data, person };
}

/** The assistance record kind: envelope, version and migrations (record-kind.ts). */
export const assistanceRecordKind = defineRecordKind({
  kind: ASSISTANCE_KIND,
  version: ASSISTANCE_SCHEMA_VERSION,
  dataSchema: assistanceDataSchema,
  migrations: { 2: assistanceV1ToV2 },
});
export const assistanceRecordSchema = assistanceRecordKind.recordSchema;
export type AssistanceRecord = z.infer<typeof assistanceRecordSchema>;
