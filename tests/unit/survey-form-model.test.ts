import { describe, expect, it } from 'vitest';
import {
  dataToForm,
  shownQuestions,
  emptyForm,
  emptyMember,
  formSearchText,
  formToData,
  stepOfPath,
  stepsFor,
  type HouseholdForm,
  type MemberForm,
} from '../../src/app/features/survey/form-model.js';
import { validateForm } from '../../src/app/features/survey/form-validation.js';
import { householdDataSchema } from '../../src/shared/schema/household.js';

const ctx = {
  wardCode: '10546',
  installId: '7d3f2a10-5b6c-4e8f-9a1b-2c3d4e5f6a7b',
  surveyedAt: '2026-11-24',
  ages: { adultAge: 18, vneidMinAge: 14 },
};

function adult(name: string, year: string): MemberForm {
  const m = emptyMember();
  m.name = name;
  m.relation = 'head';
  m.birthYear = year;
  m.sex = 'female';
  m.vneid = 'level1';
  m.ehr = 'unknown';
  m.digitalServices12m = { health: 'yes', education: 'no', insurance: 'no', transport: 'unknown' };
  for (const k of Object.keys(m.adult) as (keyof MemberForm['adult'])[]) m.adult[k] = 'yes';
  m.skills = { publicServices: 'proficient', shopping: 'none', payments: 'needs_help', safety: 'unknown', localPlatforms: 'none' };
  return m;
}

function completeForm(): HouseholdForm {
  const f = emptyForm();
  f.groupCode = 'TDP01';
  f.houseNumber = '  12 ';
  f.lane = 'Ngõ 5';
  f.outcome = 'surveyed';
  f.consent = { given: true, consenterName: '', consenterRelation: 'head', method: 'verbal', consentedAt: '2026-11-24T02:00:00.000Z', noticeVersion: '2026-01' };
  f.members = [adult('  Lê Thị Hà ', '85')];
  f.devices = { smartphones: '2', smartphonesUnknown: false, computerOrTablet: 'no', fixedBroadband: 'yes', fibre: 'yes', wifi: 'yes' };
  f.payments = { billsCashless: 'unknown', businessAcceptsQr: 'no_business' };
  return f;
}

describe('survey form model', () => {
  it('a complete form converts to valid schema data, normalised only here (trim, 2-digit year)', () => {
    const { data, errors } = formToData(completeForm(), ctx);
    expect(errors).toEqual([]);
    const parsed = householdDataSchema.parse(data);
    expect(parsed.address.houseNumber).toBe('12');
    expect(parsed.members[0]?.name).toBe('Lê Thị Hà');
    expect(parsed.members[0]?.birthYear).toBe(1985);
    expect(validateForm(completeForm(), ctx).errors).toEqual([]);
  });

  it('reports consent on the consent step even while later steps are empty', () => {
    const f = emptyForm();
    f.groupCode = 'TDP01';
    f.houseNumber = '3';
    f.outcome = 'surveyed';
    const { errors } = validateForm(f, ctx);
    expect(errors).toContainEqual({ path: 'consent.given', code: 'consent_required' });
    expect(errors).toContainEqual({ path: 'members', code: 'members_required' });
    expect(errors.filter((e) => stepOfPath(e.path) === 'address')).toEqual([]);
  });

  it('errors come in form order and each path once', () => {
    const f = emptyForm();
    f.outcome = 'surveyed';
    f.members = [emptyMember(), emptyMember()];
    const { errors } = validateForm(f, ctx);
    const steps = errors.map((e) => stepOfPath(e.path));
    expect(steps[0]).toBe('address');
    expect(new Set(errors.map((e) => e.path)).size).toBe(errors.length);
    const firstMember1 = errors.findIndex((e) => e.path.startsWith('members.1.'));
    const lastMember0 = errors.map((e) => e.path.startsWith('members.0.')).lastIndexOf(true);
    expect(lastMember0).toBeLessThan(firstMember1);
  });

  it('asks what applies at the age; a child has nothing else saved even if answered before', () => {
    const f = completeForm();
    const child = adult('Bé Na', '2015');
    child.relation = 'child';
    f.members.push(child);
    expect(shownQuestions(child, ctx.surveyedAt, ctx.ages)).toEqual(['name', 'birthYear', 'relation', 'sex', 'cccd', 'ehr']);
    const { data } = formToData(f, ctx);
    const parsed = householdDataSchema.parse(data);
    expect(parsed.members[1]?.skills).toBeUndefined();
    expect(parsed.members[1]?.ownsSmartphone).toBeUndefined();
    expect(parsed.members[1]?.vneid).toBeUndefined();
    expect(parsed.members[1]?.digitalServices12m).toBeUndefined();
    expect(validateForm(f, ctx).errors).toEqual([]);
    const teen = adult('Minh', '2012'); // 14 in 2026: VNeID and the skills block, not yet the bank or adult questions
    expect(shownQuestions(teen, ctx.surveyedAt, ctx.ages)).toEqual([
      'name', 'birthYear', 'relation', 'sex', 'cccd', 'phone', 'vneid', 'ehr', 'ownsSmartphone', 'usedInternet3m', 'skills', 'wantsHelp', 'wantsHelpNote',
    ]);
    // Before the year of birth is read, only the identity questions show.
    expect(shownQuestions({ ...teen, birthYear: '' }, ctx.surveyedAt, ctx.ages)).toEqual(['name', 'birthYear', 'relation', 'sex']);
  });

  it('requires adult answers for a 14+ member and flags an unreadable or future birth year', () => {
    const f = completeForm();
    f.members[0]!.adult.cityApp = '';
    f.members.push({ ...adult('X', '20x9'), relation: 'child' }, { ...adult('Y', '2030'), relation: 'child' });
    const { errors } = validateForm(f, ctx);
    expect(errors).toContainEqual({ path: 'members.0.cityApp', code: 'required' });
    expect(errors).toContainEqual({ path: 'members.1.birthYear', code: 'birth_year_invalid' });
    expect(errors).toContainEqual({ path: 'members.2.birthYear', code: 'birth_year_future' });
  });

  it('phone +84 is normalised on save; CCCD and prefix mismatches are warnings, not errors', () => {
    const f = completeForm();
    f.members[0]!.phone = '+84 912 345 678';
    f.members[0]!.cccd = '031085000123'; // 4th digit 0 = male born in the 1900s; she is female
    const { data } = formToData(f, ctx);
    expect(householdDataSchema.parse(data).members[0]?.phone).toBe('0912345678');
    const v = validateForm(f, ctx);
    expect(v.errors).toEqual([]);
    expect(v.warnings).toContainEqual({ path: 'members.0.cccd', code: 'cccd_sex' });
  });

  it('not home keeps only the visit and skips consent, members and devices steps', () => {
    const f = completeForm();
    f.outcome = 'not_home';
    expect(stepsFor(f)).toEqual(['address', 'outcome', 'review']);
    const parsed = householdDataSchema.parse(formToData(f, ctx).data);
    expect(parsed.members).toEqual([]);
    expect(parsed.consent).toBeUndefined();
  });

  it('a saved household round-trips through the form for editing', () => {
    const data = householdDataSchema.parse(formToData(completeForm(), ctx).data);
    const again = householdDataSchema.parse(formToData(dataToForm(data), ctx).data);
    expect(again).toEqual(data);
  });

  it('draft search text is folded', () => {
    expect(formSearchText(completeForm(), 'Tổ dân phố Cộng Hòa 1')).toContain('le thi ha');
    expect(formSearchText(completeForm(), 'Tổ dân phố Cộng Hòa 1')).toContain('cong hoa');
  });
});

describe('an untouched member', () => {
  it('is one nothing was entered for; any answer makes it a member', async () => {
    const { isUntouchedMember } = await import('../../src/app/features/survey/empty-member.js');
    const { emptyMember } = await import('../../src/app/features/survey/form-model.js');
    expect(isUntouchedMember(emptyMember())).toBe(true);
    expect(isUntouchedMember({ ...emptyMember(), birthYear: '1' })).toBe(false);
    expect(isUntouchedMember({ ...emptyMember(), wantsHelp: ['vneid_install'] })).toBe(false);
    const m = emptyMember();
    expect(isUntouchedMember({ ...m, skills: { ...m.skills, shopping: 'none' } })).toBe(false);
  });
});
