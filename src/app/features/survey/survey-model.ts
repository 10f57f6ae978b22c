// The survey screen's model, without React: where the volunteer is (step, open member), which
// errors they have been shown, what gets focus next, and the decisions "Tiếp tục", "Thêm thành
// viên" and "Lưu" make from a validation. SurveyScreen.tsx holds it with useReducer and does the
// I/O (drafts, save, focus); the unit tests drive it directly.
import {
  emptyForm,
  emptyMember,
  STEPS,
  stepOfPath,
  stepsFor,
  type HouseholdForm,
  type MemberForm,
  type Step,
  type Validation,
} from './form-model.js';
import type { FieldError } from '../../../shared/domain/validation.js';

export interface SurveyUi {
  step: Step;
  /** Paths the volunteer touched, and `step:x` once they tried to leave step x (errors show there). */
  shown: ReadonlySet<string>;
  /** The member whose card is open (the others are summary rows). */
  openMemberId: string | undefined;
  /** The member "add member" just created: its card renders its lower questions deferred. */
  addedMemberId: string | undefined;
  /** A request to focus a field; an object so the same path can be asked for twice. */
  focus: { path: string } | undefined;
  /** Bumped on each step change: the new step's heading takes the focus. */
  headingFocus: number;
}

export type SurveyAction =
  | { type: 'loaded'; step: Step }
  | { type: 'goTo'; step: Step }
  | { type: 'touch'; path: string }
  | { type: 'showStep'; step: Step }
  | { type: 'showAll' }
  | { type: 'jumpTo'; path: string; memberId: string | undefined }
  | { type: 'openMember'; id: string | undefined }
  | { type: 'memberAdded'; id: string; index: number };

export const initialUi: SurveyUi = {
  step: 'address',
  shown: new Set(),
  openMemberId: undefined,
  addedMemberId: undefined,
  focus: undefined,
  headingFocus: 0,
};

const withShown = (shown: ReadonlySet<string>, ...paths: string[]): ReadonlySet<string> =>
  paths.every((p) => shown.has(p)) ? shown : new Set([...shown, ...paths]);

export function surveyReducer(ui: SurveyUi, action: SurveyAction): SurveyUi {
  switch (action.type) {
    case 'loaded':
      return { ...ui, step: action.step };
    case 'goTo':
      return { ...ui, step: action.step, openMemberId: undefined, headingFocus: ui.headingFocus + 1 };
    case 'touch':
      return { ...ui, shown: withShown(ui.shown, action.path) };
    case 'showStep':
      return { ...ui, shown: withShown(ui.shown, `step:${action.step}`) };
    case 'showAll':
      return { ...ui, shown: withShown(ui.shown, ...STEPS.map((s) => `step:${s}`)) };
    case 'jumpTo':
      // The field may be below the fold: the card renders whole before it is focused.
      return {
        ...ui,
        step: stepOfPath(action.path),
        shown: withShown(ui.shown, action.path),
        openMemberId: action.memberId,
        addedMemberId: undefined,
        focus: { path: action.path },
      };
    case 'openMember':
      return { ...ui, openMemberId: action.id, addedMemberId: undefined };
    case 'memberAdded':
      return { ...ui, openMemberId: action.id, addedMemberId: action.id, focus: { path: `members.${action.index}.name` } };
  }
}

/** True when an error at `path` should be visible given what was touched or attempted. */
export function isShown(shown: ReadonlySet<string>, path: string): boolean {
  if (shown.has(`step:${stepOfPath(path)}`)) return true;
  const parts = path.split('.');
  for (let i = parts.length; i > 0; i--) if (shown.has(parts.slice(0, i).join('.'))) return true;
  return false;
}

/** The steps for the form's outcome, the step on screen (a step the outcome hides → review) and its index. */
export function stepPosition(form: HouseholdForm, step: Step): { steps: Step[]; current: Step; index: number } {
  const steps = stepsFor(form);
  const current: Step = steps.includes(step) ? step : 'review';
  return { steps, current, index: steps.indexOf(current) };
}

/** The member path of an error ("members.2.vneid" → the id of member 2), if any. */
export function memberIdOfPath(form: HouseholdForm, path: string): string | undefined {
  const m = /^members\.(\d+)(\.|$)/.exec(path);
  return m ? form.members[Number(m[1])]?.id : undefined;
}

/** What "Tiếp tục" does: show the step's first error, or go to the next step. */
export type NextDecision = { kind: 'jump'; path: string } | { kind: 'go'; step: Step } | { kind: 'stay' };

export function decideNext(form: HouseholdForm, current: Step, validation: Validation): NextDecision {
  const first = validation.errors.find((e) => stepOfPath(e.path) === current);
  if (first) return { kind: 'jump', path: first.path };
  const { steps, index } = stepPosition(form, current);
  const target = steps[index + 1];
  return target ? { kind: 'go', step: target } : { kind: 'stay' };
}

/**
 * The form as the members step opens: a surveyed household always has a first member, so an
 * empty list gets one card, open, at no extra tap (it is the household's first person).
 */
export function withFirstMember(form: HouseholdForm, member: MemberForm = emptyMember()): HouseholdForm {
  return form.members.length > 0 ? form : { ...form, members: [member] };
}

/**
 * The form without the members nothing was entered for (an accidental "+ Thêm thành viên"),
 * unless that would leave none: the household's only member stays, so its errors show.
 * The same form object when nothing is removed.
 */
export function withoutUntouchedMembers(form: HouseholdForm, untouched: (m: MemberForm) => boolean): HouseholdForm {
  const kept = form.members.filter((m) => !untouched(m));
  if (kept.length === form.members.length || kept.length === 0) return form;
  return { ...form, members: kept };
}

/** Indexes of members that have an error (their row says "Cần bổ sung"). */
export function incompleteMembers(errors: readonly FieldError[]): Set<number> {
  const set = new Set<number>();
  for (const e of errors) {
    const m = /^members\.(\d+)\./.exec(e.path);
    if (m) set.add(Number(m[1]));
  }
  return set;
}

/**
 * A draft's form as stored by any version of the app, completed with today's empty values
 * where a key is missing, so an older draft always opens (its answers kept as they were).
 */
export function normaliseDraftForm(stored: unknown): HouseholdForm {
  const base = emptyForm();
  if (typeof stored !== 'object' || stored === null) return base;
  const f = stored as Partial<HouseholdForm>;
  const members = Array.isArray(f.members)
    ? f.members.map((raw) => {
        const m = raw as Partial<MemberForm> & { id: string };
        const empty = emptyMember(m.id);
        return {
          ...empty,
          ...m,
          adult: { ...empty.adult, ...m.adult },
          skills: { ...empty.skills, ...m.skills },
          digitalServices12m: { ...empty.digitalServices12m, ...m.digitalServices12m },
          wantsHelp: Array.isArray(m.wantsHelp) ? m.wantsHelp : [],
        };
      })
    : [];
  return {
    ...base,
    ...f,
    consent: { ...base.consent, ...f.consent },
    devices: { ...base.devices, ...f.devices },
    payments: { ...base.payments, ...f.payments },
    members,
  };
}
