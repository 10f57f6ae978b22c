// Turns a zod error into field errors the UI and the server can both show: a dotted path and
// a code. The code is looked up as `validation.<code>` in the i18n resources.
import type { z } from 'zod';

export interface FieldError {
  path: string;
  code: string;
}

/** Codes the schemas put in their `error` strings; anything else is mapped from zod's own code. */
export const VALIDATION_CODES = [
  'required', 'invalid', 'invalid_option', 'invalid_uuid', 'invalid_datetime', 'invalid_date', 'invalid_ward_code',
  'too_long', 'birth_year_invalid', 'birth_year_range', 'birth_year_future', 'cccd_format', 'phone_format',
  'consent_required', 'count_invalid', 'too_many_members', 'members_required', 'no_data_without_survey',
  'duplicate_member_id', 'one_head_only', 'unknown_kind', 'unknown_schema_version', 'newer_schema_version', 'rev_invalid',
  'unknown_group', 'wrong_ward', 'not_owner', 'unknown_field', 'unknown_notice_version', 'duplicate_group_code',
  'kinds_required', 'duplicate_kind', 'teaching_card_kind_missing', 'reason_required', 'no_reason_when_done',
  'birth_year_after_help', 'secret_like_text', 'duplicate_card_id', 'record_too_large', 'record_too_deep',
  'unsealable',
  'consent_required_for_contact', 'duplicate_notice_version',
] as const;
const knownCodes = new Set<string>(VALIDATION_CODES);

export function toFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    // A strict object names each key it does not know: the error is on that key's own path.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [path, key].filter(Boolean).join('.'), code: 'unknown_field' }));
    }
    let code = knownCodes.has(issue.message) ? issue.message : 'invalid';
    if (code === 'invalid') {
      // zod leaves `input` out of issues unless asked (reportInput), so a missing value is told
      // apart from a wrong type by the input when present, else by zod's default message.
      if (issue.code === 'invalid_type') {
        const missing = 'input' in issue ? issue.input === undefined : /received undefined$/.test(issue.message);
        code = missing ? 'required' : 'invalid';
      }
      else if (issue.code === 'invalid_value') code = 'invalid_option';
      else if (issue.code === 'too_big') code = 'too_long';
    }
    return { path, code };
  });
}
