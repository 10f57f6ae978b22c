// Ask only what applies (PRODUCT.md, "Ask only what applies"): which member question is shown
// to whom, as XLSForm's `relevant` column does. ONE table, read by the phone's member card
// (what to show and require), by the server's check of a synced household (what must be
// answered; answers to questions that do not apply are dropped), and by the indicators (who
// is in each denominator), so a household answered with every question asked or with
// relevance applied gives the same indicators.
//
// Age decides scope, with the ward's own ages (its configuration's settings): VNeID from
// `vneidMinAge`, bank account from 15, the adult questions from `adultAge`. The digital-skills
// block (own smartphone, internet in 3 months, the five skills) is asked from 14: it feeds the
// household skills indicator, which counts any member of that age, and its first two answers
// decide the likely answers below. A young child is relation, year of birth, sex and the
// e-health record (name and CCCD stay optional).
//
// Likely answers are proposed, never silently recorded: with no smartphone AND no internet in
// 3 months, the five skills and the online-use questions come pre-answered ("chưa biết" /
// "không") as one folded group that the volunteer confirms with one tap or opens to change.
import { DIGITAL_SERVICE_KEYS, MIN_QUESTION_AGE, SKILL_KEYS } from '../schema/household-constants.js';

/** The ward's ages the table depends on (WardSettings; same names as IndicatorSettings). */
export interface RelevanceAges {
  adultAge: number;
  vneidMinAge: number;
}

/** The defaults of the ward settings schema (ward-config.ts). */
export const DEFAULT_RELEVANCE_AGES: RelevanceAges = { adultAge: 18, vneidMinAge: 14 };

/** From this age the digital-skills block is asked (the lowest denominator age in the plans). */
export const SKILLS_MIN_AGE = MIN_QUESTION_AGE;
/** The plans' bank-account indicator counts people from 15 ("Dân số từ 15 tuổi trở lên"). */
export const BANK_ACCOUNT_MIN_AGE = 15;

/** Every member question, in the order of the member card. */
export const MEMBER_QUESTIONS = [
  'name', 'birthYear', 'relation', 'sex', 'cccd', 'phone',
  'vneid', 'ehr', 'bankAccount',
  'ownsSmartphone', 'usedInternet3m', 'skills',
  'cashless30d', 'digitalSignature', 'onlinePublicService12m', 'cityApp', 'digitalServices12m',
  'wantsHelp', 'wantsHelpNote',
] as const;
export type MemberQuestion = (typeof MEMBER_QUESTIONS)[number];

export interface QuestionRule {
  /** Shown from this age (in whole years on the survey date). */
  minAge: (ages: RelevanceAges) => number;
  /** Must be answered whenever shown (the others are optional). */
  required: boolean;
}

const always = () => 0;
const skillsAge = () => SKILLS_MIN_AGE;
const adult = (a: RelevanceAges) => a.adultAge;

/** Question → shown when. The order is the order of the member card. */
export const RELEVANCE: Readonly<Record<MemberQuestion, QuestionRule>> = {
  name: { minAge: always, required: false },
  birthYear: { minAge: always, required: true },
  relation: { minAge: always, required: true },
  sex: { minAge: always, required: true },
  cccd: { minAge: always, required: false },
  phone: { minAge: skillsAge, required: false },
  vneid: { minAge: (a) => a.vneidMinAge, required: true },
  ehr: { minAge: always, required: true },
  bankAccount: { minAge: () => BANK_ACCOUNT_MIN_AGE, required: true },
  ownsSmartphone: { minAge: skillsAge, required: true },
  usedInternet3m: { minAge: skillsAge, required: true },
  skills: { minAge: skillsAge, required: true },
  cashless30d: { minAge: adult, required: true },
  digitalSignature: { minAge: adult, required: true },
  onlinePublicService12m: { minAge: adult, required: true },
  cityApp: { minAge: adult, required: true },
  digitalServices12m: { minAge: adult, required: true },
  wantsHelp: { minAge: skillsAge, required: false },
  wantsHelpNote: { minAge: skillsAge, required: false },
};

/** Whether `question` is asked of a member aged `age`. */
export function applies(question: MemberQuestion, age: number, ages: RelevanceAges): boolean {
  return age >= RELEVANCE[question].minAge(ages);
}

/** The questions asked of a member aged `age`, in card order. */
export function questionsFor(age: number, ages: RelevanceAges): MemberQuestion[] {
  return MEMBER_QUESTIONS.filter((q) => applies(q, age, ages));
}

/** What a member card shows before the year of birth is read: the rest depends on the age. */
export const BEFORE_AGE_QUESTIONS: readonly MemberQuestion[] = ['name', 'birthYear', 'relation', 'sex'];

// ---- Likely answers -------------------------------------------------------------------------

/** The yes/no questions of the folded "offline" group (the skills are the other part). */
export const OFFLINE_YES_NO = ['cashless30d', 'digitalSignature', 'onlinePublicService12m', 'cityApp'] as const;
export type OfflineYesNo = (typeof OFFLINE_YES_NO)[number];

/** What the folded group proposes, for the questions of it that apply at that age. */
export interface OfflineProposal {
  skills?: Record<(typeof SKILL_KEYS)[number], 'none'>;
  yesNo: Partial<Record<OfflineYesNo, 'no'>>;
  digitalServices12m?: Record<(typeof DIGITAL_SERVICE_KEYS)[number], 'no'>;
}

/** True when a member's earlier answers make the offline group likely (no smartphone, no internet). */
export function offlineGroupLikely(answers: { ownsSmartphone?: string | undefined; usedInternet3m?: string | undefined }): boolean {
  return answers.ownsSmartphone === 'no' && answers.usedInternet3m === 'no';
}

/** The proposal of the offline group for a member aged `age` (only questions that apply). */
export function offlineProposal(age: number, ages: RelevanceAges): OfflineProposal {
  const proposal: OfflineProposal = { yesNo: {} };
  if (applies('skills', age, ages)) proposal.skills = Object.fromEntries(SKILL_KEYS.map((k) => [k, 'none'])) as OfflineProposal['skills'];
  for (const q of OFFLINE_YES_NO) if (applies(q, age, ages)) proposal.yesNo[q] = 'no';
  if (applies('digitalServices12m', age, ages)) {
    proposal.digitalServices12m = Object.fromEntries(DIGITAL_SERVICE_KEYS.map((k) => [k, 'no'])) as OfflineProposal['digitalServices12m'];
  }
  return proposal;
}

// ---- The check of a member's answers ---------------------------------------------------------

export interface RelevanceIssue {
  /** The member's key ("vneid", "skills"). */
  question: MemberQuestion;
  code: 'required';
}

/**
 * Checks one member's data (the shared schema's shape) against the table: each required
 * question that applies at that age and has no answer is reported.
 *
 * An answer to a question that does NOT apply is kept as it was sent, and counted nowhere while
 * it does not apply (the indicators' denominators are this same table). It is not refused: a
 * record written by an earlier app version (which asked more from 14) or under other ward ages
 * stays acceptable, and a ward that lowers an age counts the answers it already holds. The
 * phone itself never sends one: its form drops the answers of questions it no longer shows.
 */
export function memberRelevanceIssues(member: Record<string, unknown>, age: number, ages: RelevanceAges): RelevanceIssue[] {
  const issues: RelevanceIssue[] = [];
  for (const q of MEMBER_QUESTIONS) {
    if (!RELEVANCE[q].required || !applies(q, age, ages)) continue;
    const v = member[q];
    if (v === undefined || v === null) issues.push({ question: q, code: 'required' });
  }
  return issues;
}
