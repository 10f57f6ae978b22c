// The survey form as the UI holds it: what the volunteer typed, exactly as typed (strings,
// '' for "not answered"), so Vietnamese input methods are never disturbed and a draft can hold
// an incomplete, invalid form. `formToData` normalises it (trim, phone +84 → 0, 2-digit years)
// only when validating or saving, into the shared schema's `data`. No zod here: the survey's
// first step renders from this module; the schema check is in form-validation.ts, loaded after.
import {
  CONSENT_METHODS,
  DIGITAL_SERVICE_KEYS,
  HELP_TOPICS,
  RELATIONS,
  SEXES,
  SKILL_KEYS,
  type SkillKey,
  type SkillLevel,
  type VisitOutcome,
  type VneidLevel,
} from '../../../shared/schema/household-constants.js';
import type { HouseholdData, HouseholdDataInput } from '../../../shared/schema/household.js';
import type { YesNoUnknown } from '../../../shared/schema/common.js';
import { ageOnDate, parseBirthYear } from '../../../shared/domain/age.js';
import {
  applies,
  BEFORE_AGE_QUESTIONS,
  MEMBER_QUESTIONS,
  OFFLINE_YES_NO,
  offlineGroupLikely,
  offlineProposal,
  RELEVANCE,
  type MemberQuestion,
  type RelevanceAges,
} from '../../../shared/domain/relevance.js';
import { normalisePhone } from '../../../shared/domain/phone.js';
import { foldVietnamese } from '../../../shared/domain/text-search.js';
import type { FieldError } from '../../../shared/domain/validation.js';

type Opt<T> = T | '';
export type Relation = (typeof RELATIONS)[number];
export type Sex = (typeof SEXES)[number];
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
export type HelpTopic = (typeof HELP_TOPICS)[number];
export type DigitalServiceKey = (typeof DIGITAL_SERVICE_KEYS)[number];
export type QrAnswer = 'yes' | 'no' | 'no_business' | 'unknown';

/** The age-scoped yes/no questions kept under `adult` in the form (relevance.ts says from which age). */
export const ADULT_YES_NO_KEYS = [
  'ownsSmartphone',
  'usedInternet3m',
  'bankAccount',
  'cashless30d',
  'digitalSignature',
  'onlinePublicService12m',
  'cityApp',
] as const;
export type AdultYesNoKey = (typeof ADULT_YES_NO_KEYS)[number];

export interface MemberForm {
  id: string;
  name: string;
  relation: Opt<Relation>;
  /** As typed: "1985" or "85". */
  birthYear: string;
  sex: Opt<Sex>;
  cccd: string;
  phone: string;
  vneid: Opt<VneidLevel>;
  ehr: Opt<YesNoUnknown>;
  digitalServices12m: Record<DigitalServiceKey, Opt<YesNoUnknown>>;
  wantsHelp: HelpTopic[];
  wantsHelpNote: string;
  adult: Record<AdultYesNoKey, Opt<YesNoUnknown>>;
  skills: Record<SkillKey, Opt<SkillLevel>>;
}

export interface HouseholdForm {
  groupCode: string;
  houseNumber: string;
  lane: string;
  street: string;
  outcome: Opt<VisitOutcome>;
  note: string;
  consent: {
    given: boolean;
    consenterName: string;
    consenterRelation: Opt<Relation>;
    method: Opt<ConsentMethod>;
    /** Set when the box is ticked, with the notice version read. */
    consentedAt: string;
    noticeVersion: string;
  };
  members: MemberForm[];
  devices: {
    /** As typed; empty with smartphonesUnknown = "không rõ". */
    smartphones: string;
    smartphonesUnknown: boolean;
    computerOrTablet: Opt<YesNoUnknown>;
    fixedBroadband: Opt<YesNoUnknown>;
    fibre: Opt<YesNoUnknown>;
    wifi: Opt<YesNoUnknown>;
  };
  payments: { billsCashless: Opt<YesNoUnknown>; businessAcceptsQr: Opt<QrAnswer> };
}

export const STEPS = ['address', 'outcome', 'consent', 'members', 'devices', 'review'] as const;
export type Step = (typeof STEPS)[number];

export function emptyMember(id: string = crypto.randomUUID()): MemberForm {
  const yn = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, ''])) as Record<K, ''>;
  return {
    id,
    name: '',
    relation: '',
    birthYear: '',
    sex: '',
    cccd: '',
    phone: '',
    vneid: '',
    ehr: '',
    digitalServices12m: yn(DIGITAL_SERVICE_KEYS),
    wantsHelp: [],
    wantsHelpNote: '',
    adult: yn(ADULT_YES_NO_KEYS),
    skills: yn(SKILL_KEYS),
  };
}

export function emptyForm(): HouseholdForm {
  return {
    groupCode: '',
    houseNumber: '',
    lane: '',
    street: '',
    outcome: '',
    note: '',
    consent: { given: false, consenterName: '', consenterRelation: '', method: '', consentedAt: '', noticeVersion: '' },
    members: [],
    devices: { smartphones: '', smartphonesUnknown: false, computerOrTablet: '', fixedBroadband: '', fibre: '', wifi: '' },
    payments: { billsCashless: '', businessAcceptsQr: '' },
  };
}

/** Steps the volunteer walks through for the chosen outcome (no personal data unless surveyed). */
export function stepsFor(form: HouseholdForm): Step[] {
  return form.outcome === 'surveyed' ? [...STEPS] : ['address', 'outcome', 'review'];
}

/** The step a field path belongs to ("members.2.vneid" → members). */
export function stepOfPath(path: string): Step {
  const head = path.split('.')[0];
  if (head === 'groupCode' || head === 'address') return 'address';
  if (head === 'outcome' || head === 'note' || head === 'voidReason') return 'outcome';
  if (head === 'consent') return 'consent';
  if (head === 'members') return 'members';
  if (head === 'devices' || head === 'payments') return 'devices';
  return 'review';
}

/** DOM id of the input for a data path; radio groups put it on their first option. */
export function fieldId(path: string): string {
  return `field-${path.replace(/\./g, '-')}`;
}

const text = (s: string): string | undefined => {
  const t = s.trim().normalize('NFC');
  return t ? t : undefined;
};
const opt = <T extends string>(v: Opt<T>): T | undefined => (v === '' ? undefined : v);

export function surveyYearOf(surveyedAt: string): number {
  return Number(surveyedAt.slice(0, 4));
}

/** Year of birth as a number, or undefined when empty; NaN when typed but unreadable. */
export function memberBirthYear(member: MemberForm, surveyedAt: string): number | undefined {
  if (!member.birthYear.trim()) return undefined;
  return parseBirthYear(member.birthYear, surveyYearOf(surveyedAt)) ?? Number.NaN;
}

/** The member's age on the survey date, or undefined while the year of birth is missing or unreadable. */
export function memberAge(member: MemberForm, surveyedAt: string): number | undefined {
  const year = memberBirthYear(member, surveyedAt);
  if (year === undefined || Number.isNaN(year)) return undefined;
  return ageOnDate(year, surveyedAt);
}

/**
 * The questions the member's card shows, in card order (the relevance table with the ward's
 * ages). Before the year of birth is read only the identity questions show: what else is asked
 * depends on the age.
 */
export function shownQuestions(member: MemberForm, surveyedAt: string, ages: RelevanceAges): MemberQuestion[] {
  const age = memberAge(member, surveyedAt);
  if (age === undefined || age < 0 || age > 120) return [...BEFORE_AGE_QUESTIONS];
  return MEMBER_QUESTIONS.filter((q) => applies(q, age, ages));
}

/** A question's answer as the form holds it: '' (or an all-empty group) when not answered. */
export function isAnswered(member: MemberForm, q: MemberQuestion): boolean {
  switch (q) {
    case 'skills':
      return SKILL_KEYS.some((k) => member.skills[k] !== '');
    case 'digitalServices12m':
      return DIGITAL_SERVICE_KEYS.some((k) => member.digitalServices12m[k] !== '');
    case 'wantsHelp':
      return member.wantsHelp.length > 0;
    case 'name':
    case 'cccd':
    case 'phone':
    case 'birthYear':
    case 'wantsHelpNote':
      return member[q].trim() !== '';
    case 'relation':
    case 'sex':
    case 'vneid':
    case 'ehr':
      return member[q] !== '';
    default:
      return member.adult[q] !== '';
  }
}

/**
 * The state of the likely-answers group (relevance.ts) on a member's card:
 * - 'none': not likely (the member has a smartphone or used the internet, or is not asked);
 * - 'proposed': likely and nothing of it answered yet: shown folded with its proposal;
 * - 'confirmed': every answer of it equals the proposal: shown folded as confirmed;
 * - 'changed': likely, but answered otherwise (or partly): shown open.
 */
export type OfflineGroupState = 'none' | 'proposed' | 'confirmed' | 'changed';

export function offlineGroupState(member: MemberForm, surveyedAt: string, ages: RelevanceAges): OfflineGroupState {
  const age = memberAge(member, surveyedAt);
  if (age === undefined || !applies('skills', age, ages)) return 'none';
  if (!offlineGroupLikely({ ownsSmartphone: member.adult.ownsSmartphone, usedInternet3m: member.adult.usedInternet3m })) return 'none';
  const p = offlineProposal(age, ages);
  const pairs: [string, string][] = [
    ...SKILL_KEYS.map((k): [string, string] => [member.skills[k], p.skills?.[k] ?? '']),
    ...OFFLINE_YES_NO.filter((q) => p.yesNo[q]).map((q): [string, string] => [member.adult[q], p.yesNo[q]!]),
    ...(p.digitalServices12m ? DIGITAL_SERVICE_KEYS.map((k): [string, string] => [member.digitalServices12m[k], 'no']) : []),
  ];
  if (pairs.every(([v]) => v === '')) return 'proposed';
  return pairs.every(([v, want]) => v === want) ? 'confirmed' : 'changed';
}

/** The member with the likely answers written in (the volunteer's one-tap confirmation). */
export function applyOfflineProposal(member: MemberForm, surveyedAt: string, ages: RelevanceAges): MemberForm {
  const age = memberAge(member, surveyedAt);
  if (age === undefined) return member;
  const p = offlineProposal(age, ages);
  return {
    ...member,
    skills: p.skills ? { ...p.skills } : member.skills,
    adult: { ...member.adult, ...p.yesNo },
    digitalServices12m: p.digitalServices12m ? { ...p.digitalServices12m } : member.digitalServices12m,
  };
}

/** True when nothing of the member was filled in (an accidental "add member"). */
export function isEmptyMember(member: MemberForm): boolean {
  return MEMBER_QUESTIONS.every((q) => !isAnswered(member, q));
}

export interface DataContext {
  wardCode: string;
  installId: string;
  surveyedAt: string;
  /** The ward's ages: which member questions apply (relevance.ts). */
  ages: RelevanceAges;
}

export interface Converted {
  data: HouseholdDataInput;
  /** Problems found while reading what was typed (e.g. a birth year that is not a year). */
  errors: FieldError[];
}

/**
 * One member's `data`: only the answers to questions that apply at the member's age (an answer
 * typed before the year of birth was corrected is dropped, as the server would drop it). With
 * the year unreadable every answer is kept, so nothing is lost while it is being fixed.
 */
function memberToData(m: MemberForm, i: number, surveyedAt: string, ages: RelevanceAges, errors: FieldError[]) {
  const birthYear = memberBirthYear(m, surveyedAt);
  if (birthYear !== undefined && Number.isNaN(birthYear)) errors.push({ path: `members.${i}.birthYear`, code: 'birth_year_invalid' });
  const age = memberAge(m, surveyedAt);
  // A year in the future or over 120 years back is reported on the year; nothing is dropped for it.
  const asked = (q: MemberQuestion) => age === undefined || age < 0 || age > 120 || applies(q, age, ages);
  const cccd = m.cccd.replace(/\s/g, '');
  const phone = m.phone.trim() ? normalisePhone(m.phone.trim()) : '';
  // An untouched group reports "required" on the group, a partly answered one per answer.
  const group = <K extends string>(keys: readonly K[], values: Record<K, string>) =>
    keys.some((k) => values[k] !== '') ? Object.fromEntries(keys.map((k) => [k, opt(values[k])])) : undefined;
  const data: Record<string, unknown> = {
    id: m.id,
    name: text(m.name),
    relation: opt(m.relation),
    birthYear: birthYear !== undefined && !Number.isNaN(birthYear) ? birthYear : undefined,
    sex: opt(m.sex),
    cccd: cccd || undefined,
    phone: phone || undefined,
    vneid: opt(m.vneid),
    ehr: opt(m.ehr),
    digitalServices12m: group(DIGITAL_SERVICE_KEYS, m.digitalServices12m),
    wantsHelp: [...m.wantsHelp],
    wantsHelpNote: text(m.wantsHelpNote),
    ...Object.fromEntries(ADULT_YES_NO_KEYS.map((k) => [k, opt(m.adult[k])])),
    skills: group(SKILL_KEYS, m.skills),
  };
  for (const q of MEMBER_QUESTIONS) {
    if (asked(q)) continue;
    if (q === 'wantsHelp') data[q] = [];
    else delete data[q];
  }
  return data;
}

/** The schema's `data` from the form; empty answers become undefined so the schema reports them. */
export function formToData(form: HouseholdForm, ctx: DataContext): Converted {
  const errors: FieldError[] = [];
  const surveyed = form.outcome === 'surveyed';
  const data = {
    wardCode: ctx.wardCode,
    installId: ctx.installId,
    surveyedAt: ctx.surveyedAt,
    groupCode: form.groupCode,
    address: { houseNumber: text(form.houseNumber), lane: text(form.lane), street: text(form.street) },
    outcome: opt(form.outcome),
    note: text(form.note),
    members: surveyed ? form.members.map((m, i) => memberToData(m, i, ctx.surveyedAt, ctx.ages, errors)) : [],
    ...(surveyed
      ? {
          consent: form.consent.given
            ? {
                given: true,
                consenterName: text(form.consent.consenterName),
                consenterRelation: opt(form.consent.consenterRelation),
                consentedAt: form.consent.consentedAt,
                method: opt(form.consent.method),
                noticeVersion: form.consent.noticeVersion,
              }
            : undefined,
          devices: {
            smartphones: form.devices.smartphonesUnknown
              ? null
              : form.devices.smartphones.trim() === ''
                ? undefined
                : Number(form.devices.smartphones.trim()),
            computerOrTablet: opt(form.devices.computerOrTablet),
            fixedBroadband: opt(form.devices.fixedBroadband),
            fibre: opt(form.devices.fibre),
            wifi: opt(form.devices.wifi),
          },
          payments: { billsCashless: opt(form.payments.billsCashless), businessAcceptsQr: opt(form.payments.businessAcceptsQr) },
        }
      : {}),
  };
  if (!form.groupCode) errors.push({ path: 'groupCode', code: 'required' });
  return { data: data as unknown as HouseholdDataInput, errors };
}

/** The order of the questions on the member card (MemberEditor.tsx): the relevance table's. */
export const MEMBER_FIELD_ORDER = MEMBER_QUESTIONS;

export interface Validation {
  errors: FieldError[];
  warnings: FieldError[];
}

/**
 * The schema's cross-field rules (its superRefine), checked on the form directly: zod runs a
 * refinement only once the whole object parses, but the volunteer must see "consent required"
 * on the consent step while later steps are still empty. The schema stays the judge on save.
 */
export function crossChecks(form: HouseholdForm, ctx: DataContext): FieldError[] {
  if (form.outcome !== 'surveyed') return [];
  const errors: FieldError[] = [];
  if (!form.consent.given) errors.push({ path: 'consent.given', code: 'consent_required' });
  if (form.members.length === 0) errors.push({ path: 'members', code: 'members_required' });
  const surveyYear = surveyYearOf(ctx.surveyedAt);
  form.members.forEach((m, i) => {
    const year = memberBirthYear(m, ctx.surveyedAt);
    if (year === undefined || Number.isNaN(year)) return;
    if (year > surveyYear) errors.push({ path: `members.${i}.birthYear`, code: 'birth_year_future' });
    else if (surveyYear - year > 120) errors.push({ path: `members.${i}.birthYear`, code: 'birth_year_range' });
    else {
      // The relevance table: a question that applies at this age and is required needs an answer.
      for (const q of shownQuestions(m, ctx.surveyedAt, ctx.ages)) {
        if (RELEVANCE[q].required && !isAnswered(m, q)) errors.push({ path: `members.${i}.${q}`, code: 'required' });
      }
    }
  });
  if (form.members.filter((m) => m.relation === 'head').length > 1) errors.push({ path: 'members', code: 'one_head_only' });
  return errors;
}

/** Folded text for searching drafts, like saved records' searchText. */
export function formSearchText(form: HouseholdForm, groupName?: string): string {
  return foldVietnamese(
    [form.groupCode, groupName, form.houseNumber, form.lane, form.street, form.consent.consenterName, ...form.members.map((m) => m.name)]
      .filter(Boolean)
      .join(' '),
  );
}

/** The form for editing a saved household. */
export function dataToForm(data: HouseholdData): HouseholdForm {
  const form = emptyForm();
  form.groupCode = data.groupCode;
  form.houseNumber = data.address.houseNumber;
  form.lane = data.address.lane ?? '';
  form.street = data.address.street ?? '';
  form.outcome = data.outcome;
  form.note = data.note ?? '';
  if (data.consent) {
    form.consent = {
      given: true,
      consenterName: data.consent.consenterName ?? '',
      consenterRelation: data.consent.consenterRelation,
      method: data.consent.method,
      consentedAt: data.consent.consentedAt,
      noticeVersion: data.consent.noticeVersion,
    };
  }
  if (data.devices) {
    form.devices = {
      smartphones: data.devices.smartphones === null ? '' : String(data.devices.smartphones),
      smartphonesUnknown: data.devices.smartphones === null,
      computerOrTablet: data.devices.computerOrTablet,
      fixedBroadband: data.devices.fixedBroadband,
      fibre: data.devices.fibre,
      wifi: data.devices.wifi,
    };
  }
  if (data.payments) form.payments = { ...data.payments };
  form.members = data.members.map((m) => {
    const f = emptyMember(m.id);
    f.name = m.name ?? '';
    f.relation = m.relation;
    f.birthYear = String(m.birthYear);
    f.sex = m.sex;
    f.cccd = m.cccd ?? '';
    f.phone = m.phone ?? '';
    f.vneid = m.vneid ?? '';
    f.ehr = m.ehr;
    if (m.digitalServices12m) f.digitalServices12m = { ...m.digitalServices12m };
    f.wantsHelp = [...m.wantsHelp];
    f.wantsHelpNote = m.wantsHelpNote ?? '';
    for (const k of ADULT_YES_NO_KEYS) f.adult[k] = m[k] ?? '';
    if (m.skills) f.skills = { ...m.skills };
    return f;
  });
  return form;
}
