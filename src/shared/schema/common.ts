// Building blocks shared by every record kind. Validation messages are i18n keys (the `error`
// strings below are codes under `validation.` in src/shared/i18n), never English sentences,
// so the phone and the server can each say them in the user's language.
import '../zod-setup.js';
import { z } from 'zod';

/**
 * Error for a schema whose answer may be missing or wrong: `required` when nothing was given,
 * `code` when something was given but is not acceptable (a plain `error: 'required'` would tell
 * a volunteer who typed "abc" as a year of birth to "please answer").
 */
export const missingOr =
  (code: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'required' : code;

export const uuidSchema = z.uuid({ error: 'invalid_uuid' });

/** An ISO 8601 date-time with an offset or Z, as `new Date().toISOString()` makes. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true, error: 'invalid_datetime' });

/** A calendar date `YYYY-MM-DD` (the survey date; ages are computed on it). */
export const isoDateSchema = z.iso.date({ error: 'invalid_date' });

/** Ward (commune-level unit) code after the 1/7/2025 reform: five digits. */
export const wardCodeSchema = z.string({ error: missingOr('invalid_ward_code') }).regex(/^\d{5}$/, { error: 'invalid_ward_code' });

/**
 * Yes / no / "không rõ". "unknown" is always allowed and is counted apart from "no":
 * it leaves both numerator and denominator of an indicator.
 */
export const yesNoUnknown = z.enum(['yes', 'no', 'unknown'], { error: missingOr('invalid_option') });
export type YesNoUnknown = z.infer<typeof yesNoUnknown>;

/** Free text typed by a volunteer: trimmed, bounded, never an empty string. */
export const shortText = (max = 120) =>
  z.string({ error: missingOr('invalid') }).trim().min(1, { error: 'required' }).max(max, { error: 'too_long' });
export const optionalText = (max = 120) =>
  z.string({ error: missingOr('invalid') }).trim().max(max, { error: 'too_long' }).optional();
