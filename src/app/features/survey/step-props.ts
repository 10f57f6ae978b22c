import type { WardConfig } from '../../../shared/schema/ward-config.js';
import type { Choices } from './choices.js';
import type { HouseholdForm } from './form-model.js';

/** What every step receives from the survey screen. */
export interface StepProps {
  form: HouseholdForm;
  update: (fn: (form: HouseholdForm) => HouseholdForm) => void;
  /** The translated error for a path, once the volunteer touched it or tried to continue. */
  errorFor: (path: string) => string | undefined;
  /** A soft warning (never blocks saving). */
  warningFor: (path: string) => string | undefined;
  touch: (path: string) => void;
  choices: Choices;
  ward: WardConfig;
  surveyedAt: string;
}
