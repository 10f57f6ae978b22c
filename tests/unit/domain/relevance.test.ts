// The relevance table (shared/domain/relevance.ts): who is asked what, the likely answers, and
// the promise that a household answered with every question asked or with relevance applied
// gives the same indicators.
import { describe, expect, it } from 'vitest';
import { countIndicators, INDICATORS } from '../../../src/shared/domain/indicators.js';
import {
  applies,
  MEMBER_QUESTIONS,
  offlineProposal,
  questionsFor,
  type RelevanceAges,
} from '../../../src/shared/domain/relevance.js';
import { householdDataSchema, householdRecordKind, type HouseholdData } from '../../../src/shared/schema/household.js';
import {
  applyOfflineProposal,
  dataToForm,
  formToData,
  offlineGroupState,
  shownQuestions,
} from '../../../src/app/features/survey/form-model.js';
import { HOUSEHOLD_OF_FOUR, householdOfFourData } from '../../fixtures/household-of-four.js';

const SURVEYED_AT = '2026-12-03';
const WARDS: RelevanceAges[] = [
  { adultAge: 18, vneidMinAge: 14 },
  { adultAge: 16, vneidMinAge: 6 },
  { adultAge: 21, vneidMinAge: 18 },
];

/** The fixture plus a 4-year-old, every question answered by everyone. */
function askedEverything(): HouseholdData {
  const data = householdOfFourData(SURVEYED_AT);
  data.members!.push({
    id: '4f1c2b3a-0005-4a5b-8c6d-7e8f9a0b1c2d', relation: 'grandchild', birthYear: 2022, sex: 'female',
    vneid: 'level2', ehr: 'yes', bankAccount: 'no', ownsSmartphone: 'no', usedInternet3m: 'yes',
    skills: { publicServices: 'proficient', shopping: 'proficient', payments: 'proficient', safety: 'proficient', localPlatforms: 'proficient' },
    cashless30d: 'yes', digitalSignature: 'yes', onlinePublicService12m: 'yes', cityApp: 'yes',
    digitalServices12m: { health: 'yes', education: 'yes', insurance: 'yes', transport: 'yes' }, wantsHelp: ['ehr'],
  });
  return householdDataSchema.parse(data);
}

/** The same household as the phone records it with relevance applied (its form drops what is not asked). */
function relevanceApplied(full: HouseholdData, ages: RelevanceAges): HouseholdData {
  const ctx = { wardCode: full.wardCode, installId: full.installId, surveyedAt: SURVEYED_AT, ages };
  const { data, errors } = formToData(dataToForm(full), ctx);
  expect(errors).toEqual([]);
  return householdDataSchema.parse(data);
}

describe('relevance table', () => {
  it('a young child is asked relation, year of birth, sex and the e-health record (name and CCCD optional)', () => {
    expect(questionsFor(4, { adultAge: 18, vneidMinAge: 14 })).toEqual(['name', 'birthYear', 'relation', 'sex', 'cccd', 'ehr']);
  });

  it('VNeID from the ward\'s VNeID age, bank from 15, the adult questions from the ward\'s adult age', () => {
    const ages = { adultAge: 18, vneidMinAge: 14 };
    expect(applies('vneid', 13, ages)).toBe(false);
    expect(applies('vneid', 14, ages)).toBe(true);
    expect(applies('vneid', 6, { ...ages, vneidMinAge: 6 })).toBe(true);
    expect(applies('bankAccount', 14, ages)).toBe(false);
    expect(applies('bankAccount', 15, ages)).toBe(true);
    const sixteen = questionsFor(16, ages);
    expect(sixteen).toEqual(expect.arrayContaining(['vneid', 'bankAccount', 'ownsSmartphone', 'usedInternet3m', 'skills']));
    for (const q of ['cashless30d', 'digitalSignature', 'onlinePublicService12m', 'cityApp', 'digitalServices12m'] as const) {
      expect(sixteen).not.toContain(q);
      expect(applies(q, 16, { adultAge: 16, vneidMinAge: 14 })).toBe(true);
    }
    expect(questionsFor(40, ages)).toEqual([...MEMBER_QUESTIONS]);
  });

  it('every member indicator counts only members its question is asked of', () => {
    for (const ages of WARDS) {
      for (const def of INDICATORS) {
        if (def.over !== 'members') continue;
        for (let age = 0; age <= 100; age++) {
          if (def.eligible(age, ages)) expect(applies(def.question, age, ages), `${def.code} at ${age}`).toBe(true);
        }
      }
    }
  });

  it('no smartphone and no internet: the skills and online-use questions are proposed, never recorded until confirmed', () => {
    const form = dataToForm(householdDataSchema.parse(householdOfFourData(SURVEYED_AT)));
    const grandmother = form.members[2]!;
    const blank = { ...grandmother, skills: { publicServices: '', shopping: '', payments: '', safety: '', localPlatforms: '' }, adult: { ...grandmother.adult, cashless30d: '', digitalSignature: '', onlinePublicService12m: '', cityApp: '' }, digitalServices12m: { health: '', education: '', insurance: '', transport: '' } } as typeof grandmother;
    const ages = { adultAge: 18, vneidMinAge: 14 };
    expect(offlineGroupState(blank, SURVEYED_AT, ages)).toBe('proposed');
    // Unconfirmed, the proposal is not an answer: the form still asks for it.
    const ctx = { wardCode: '10546', installId: '4f1c2b3a-0000-4a5b-8c6d-7e8f9a0b1c2d', surveyedAt: SURVEYED_AT, ages };
    const unconfirmed = formToData({ ...form, members: [blank] }, ctx).data.members?.[0];
    expect(unconfirmed?.skills).toBeUndefined();
    expect(unconfirmed?.cashless30d).toBeUndefined();
    const confirmed = applyOfflineProposal(blank, SURVEYED_AT, ages);
    expect(offlineGroupState(confirmed, SURVEYED_AT, ages)).toBe('confirmed');
    expect(confirmed).toEqual(grandmother); // the fixture's answers are what was proposed
    expect(offlineProposal(16, ages)).toEqual({
      skills: { publicServices: 'none', shopping: 'none', payments: 'none', safety: 'none', localPlatforms: 'none' },
      yesNo: {},
    });
    // A member with a smartphone gets no proposal.
    expect(offlineGroupState(form.members[0]!, SURVEYED_AT, ages)).toBe('none');
  });

  it('a household answered both ways gives the same indicators, in every ward setting', () => {
    const full = askedEverything();
    for (const ages of WARDS) {
      const applied = relevanceApplied(full, ages);
      // Relevance asked less: the 4-year-old has no VNeID (unless the ward counts from 6), no skills.
      expect(JSON.stringify(applied).length).toBeLessThan(JSON.stringify(full).length);
      expect(householdRecordKind.checkInContext(applied, { ages }).errors).toEqual([]);
      expect(countIndicators([applied], ages, 10)).toEqual(countIndicators([full], ages, 10));
    }
  });

  it('the card of the 16-year-old and of the grandmother show only what applies', () => {
    const form = dataToForm(householdDataSchema.parse(householdOfFourData(SURVEYED_AT)));
    const ages = { adultAge: 18, vneidMinAge: 14 };
    expect(shownQuestions(form.members[3]!, SURVEYED_AT, ages)).not.toContain('digitalSignature');
    expect(shownQuestions(form.members[2]!, SURVEYED_AT, ages)).toContain('digitalSignature');
    expect(HOUSEHOLD_OF_FOUR.members).toHaveLength(4);
  });
});
