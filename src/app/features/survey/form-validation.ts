// The survey form's full check against the shared schema (zod). Kept out of form-model.ts so
// the survey's first step renders without the schema library; SurveyScreen loads this module
// as soon as the first step shows (see loadFormValidation) and awaits it before any check.
import type { HouseholdData } from '../../../shared/schema/household.js';
import { householdDataSchema } from '../../../shared/schema/household.js';
import { householdWarnings } from '../../../shared/domain/household-warnings.js';
import { toFieldErrors, type FieldError } from '../../../shared/domain/validation.js';
import {
  crossChecks,
  formToData,
  MEMBER_FIELD_ORDER,
  STEPS,
  stepOfPath,
  type DataContext,
  type HouseholdForm,
  type Validation,
} from './form-model.js';

/** Every error of the form (schema + typing problems), one per path, in form order. */
export function validateForm(form: HouseholdForm, ctx: DataContext, mobilePrefixes?: readonly string[]): Validation {
  const { data, errors } = formToData(form, ctx);
  const parsed = householdDataSchema.safeParse(data);
  const all = [...errors, ...(parsed.success ? [] : toFieldErrors(parsed.error)), ...crossChecks(form, ctx)];
  // Form order: by step, then by member, then as the member editor shows the questions, so
  // "the first error" is the one nearest the top of the screen.
  const rank = (e: FieldError) => {
    const member = /^members\.(\d+)(?:\.(\w+))?/.exec(e.path);
    const field = member?.[2] ? MEMBER_FIELD_ORDER.indexOf(member[2] as (typeof MEMBER_FIELD_ORDER)[number]) + 1 : 0;
    return STEPS.indexOf(stepOfPath(e.path)) * 1_000_000 + (member ? (Number(member[1]) + 1) * 100 : 0) + field;
  };
  all.sort((a, b) => rank(a) - rank(b));
  const seen = new Set<string>();
  const unique = all.filter((e) => {
    if (seen.has(e.path)) return false;
    seen.add(e.path);
    return true;
  });
  // The outcome cross-check is about data we already drop; the schema's consent error path
  // "consent.given" is where the checkbox is.
  const warnings = parsed.success
    ? householdWarnings(parsed.data as HouseholdData, mobilePrefixes)
    : householdWarnings({ members: (data.members ?? []).filter((m) => m.birthYear !== undefined) as HouseholdData['members'] }, mobilePrefixes);
  return { errors: unique, warnings };
}

