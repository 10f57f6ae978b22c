// A ward's configuration: its register of tổ dân phố, targets by year, settings and consent
// notices. Loaded from seeds/ into the server; the phone caches the copy the server sends.
import { z } from 'zod';
import { wardCodeSchema } from './common.js';
import { INDICATOR_CODES } from '../domain/indicators.js';
import { sealingPublicKeySchema } from '../crypto/sealed.js';

export const groupSchema = z.object({
  /** Stable code within the ward, e.g. "TDP01"; records point at it. */
  code: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/),
  name: z.string().min(1).max(120),
  /** Households on the register (the coverage denominator). */
  householdsOnRegister: z.number().int().min(0),
  /** True when the figure is a realistic demo number, not the ward's official register. */
  demo: z.boolean().optional(),
});
export type Group = z.infer<typeof groupSchema>;

/** What a notice asks consent for: the household survey, or keeping an assisted person's name and phone. */
export const CONSENT_PURPOSES = ['survey', 'assistance'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const consentNoticeSchema = z.object({
  version: z.string().min(1).max(40),
  /** Notices written before purposes existed were the survey's. */
  purpose: z.enum(CONSENT_PURPOSES).default('survey'),
  /** Short text the volunteer reads aloud: purpose, controller, rights, contact. */
  text: z.object({ vi: z.string().min(1), en: z.string().min(1) }),
});
export type ConsentNotice = z.infer<typeof consentNoticeSchema>;

/** Targets as fractions (0.85 for 85%), keyed by indicator code, per year. */
export const targetsByYearSchema = z.record(
  z.string().regex(/^\d{4}$/),
  z.partialRecord(z.enum(INDICATOR_CODES), z.number().min(0).max(1)),
);

export const wardSettingsSchema = z.object({
  /** "Adults" for the indicators (default 18). */
  adultAge: z.number().int().min(14).max(21).default(18),
  /** Minimum age counted in the VNeID indicators' denominator (default 14). */
  vneidMinAge: z.number().int().min(0).max(21).default(14),
  /** Months after which member rows are erased and only tallies remain. */
  retentionMonths: z.number().int().min(1).max(120).default(36),
  mobilePrefixes: z.array(z.string().regex(/^0\d{2}$/)).optional(),
});
export type WardSettings = z.infer<typeof wardSettingsSchema>;

export const wardConfigSchema = z.object({
  code: wardCodeSchema,
  name: z.string().min(1),
  province: z.object({ code: z.string().regex(/^\d{2}$/), name: z.string().min(1) }),
  /** Where the targets come from (plan name and date), shown beside them. */
  sources: z.array(z.string()).default([]),
  settings: wardSettingsSchema,
  groups: z.array(groupSchema).min(1),
  targets: targetsByYearSchema,
  consentNotices: z.array(consentNoticeSchema).min(1),
  /** The survey notice version volunteers read now (one of consentNotices, purpose 'survey'). */
  currentNoticeVersion: z.string().min(1),
  /**
   * The assistance notice version read now (purpose 'assistance'). Without one, an assistance
   * keeps no name or phone (there is no notice to record consent against).
   */
  currentAssistanceNoticeVersion: z.string().min(1).optional(),
  demo: z.boolean().optional(),
  /**
   * The ward's public key for sealed outbox records (docs/sync-protocol.md, "Sealed records").
   * Added by the ward endpoint to the configuration it sends (never in seeds/); absent from
   * copies cached by phones before it existed, until their next fetch.
   */
  sealingKey: sealingPublicKeySchema.optional(),
}).superRefine((ward, ctx) => {
  // Records point at group codes and consent records at notice versions: both must resolve.
  if (!ward.consentNotices.some((n) => n.purpose === 'survey' && n.version === ward.currentNoticeVersion)) {
    ctx.addIssue({ code: 'custom', path: ['currentNoticeVersion'], message: 'unknown_notice_version' });
  }
  if (
    ward.currentAssistanceNoticeVersion !== undefined &&
    !ward.consentNotices.some((n) => n.purpose === 'assistance' && n.version === ward.currentAssistanceNoticeVersion)
  ) {
    ctx.addIssue({ code: 'custom', path: ['currentAssistanceNoticeVersion'], message: 'unknown_notice_version' });
  }
  const notices = new Set<string>();
  ward.consentNotices.forEach((notice, i) => {
    const key = `${notice.purpose} ${notice.version}`;
    if (notices.has(key)) ctx.addIssue({ code: 'custom', path: ['consentNotices', i, 'version'], message: 'duplicate_notice_version' });
    notices.add(key);
  });
  const seen = new Set<string>();
  ward.groups.forEach((group, i) => {
    if (seen.has(group.code)) ctx.addIssue({ code: 'custom', path: ['groups', i, 'code'], message: 'duplicate_group_code' });
    seen.add(group.code);
  });
});
export type WardConfig = z.infer<typeof wardConfigSchema>;

