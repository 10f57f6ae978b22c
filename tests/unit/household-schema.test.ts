import { describe, expect, it } from 'vitest';
import { householdRecordKind, householdRecordSchema, MAX_MEMBERS } from '../../src/shared/schema/household.js';
import { DEFAULT_RELEVANCE_AGES } from '../../src/shared/domain/relevance.js';
import type { FieldError } from '../../src/shared/domain/validation.js';
import { IDS, validSurveyed, validVisit, type Loose } from '../helpers/household-fixtures.js';

/** The server's check: the schema, then the relevance table with the ward's ages (18 and 14 here). */
function errorsOf(record: unknown): FieldError[] {
  const result = householdRecordKind.parse(record, { ages: DEFAULT_RELEVANCE_AGES });
  return result.ok ? [] : result.errors;
}

/** Applies `change` to a fresh valid surveyed record and returns its field errors. */
function errorsAfter(change: (r: Loose) => void, base: () => Loose = validSurveyed): FieldError[] {
  const record = base();
  change(record);
  return errorsOf(record);
}

describe('household record: valid records', () => {
  it('accepts a surveyed household with two adults and a child who answers only the questions asked of everyone', () => {
    const result = householdRecordSchema.safeParse(validSurveyed());
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it.each(['not_home', 'refused'] as const)('accepts a %s visit that keeps no personal data', (outcome) => {
    expect(errorsOf(validVisit(outcome))).toEqual([]);
  });

  it('defaults wantsHelp to an empty list and trims typed text', () => {
    const record = validSurveyed();
    delete record.data.members[2].wantsHelp;
    record.data.address.houseNumber = '  12A  ';
    const parsed = householdRecordSchema.parse(record);
    expect(parsed.data.members[2]?.wantsHelp).toEqual([]);
    expect(parsed.data.address.houseNumber).toBe('12A');
  });

  it('accepts "không rõ" everywhere it is offered: unknown answers and an unknown number of smartphones', () => {
    const record = validSurveyed();
    record.data.devices.smartphones = null;
    record.data.members[0].vneid = 'unknown';
    record.data.members[0].ownsSmartphone = 'unknown';
    record.data.payments.businessAcceptsQr = 'unknown';
    expect(errorsOf(record)).toEqual([]);
  });

  it('accepts a voided record with a reason, and a later rev', () => {
    expect(errorsAfter((r) => { r.rev = 3; r.data.voided = true; r.data.voidReason = 'Trùng hộ đã khảo sát'; })).toEqual([]);
  });

  it('accepts a member who turns 14 in the survey year only with the adult questions answered', () => {
    const errors = errorsAfter((r) => { r.data.members[2].birthYear = 2012; });
    expect(errors.map((e) => e.path)).toContain('data.members.2.ownsSmartphone');
  });
});

describe('household record: every rule', () => {
  it('rejects a record id that is not a UUID', () => {
    expect(errorsAfter((r) => { r.id = 'not-a-uuid'; })).toEqual([{ path: 'id', code: 'invalid_uuid' }]);
  });

  it('rejects a member id or install id that is not a UUID', () => {
    expect(errorsAfter((r) => { r.data.members[1].id = '123'; })).toEqual([{ path: 'data.members.1.id', code: 'invalid_uuid' }]);
    expect(errorsAfter((r) => { r.data.installId = ''; })).toEqual([{ path: 'data.installId', code: 'invalid_uuid' }]);
  });

  it('rejects an unknown kind', () => {
    expect(errorsAfter((r) => { r.kind = 'assistance'; })).toEqual([{ path: 'kind', code: 'unknown_kind' }]);
  });

  it('rejects an unknown schemaVersion', () => {
    expect(errorsAfter((r) => { r.schemaVersion = 3; })).toEqual([{ path: 'schemaVersion', code: 'newer_schema_version' }]);
  });

  it.each([0, -1, 1.5, '1'])('rejects rev %j', (rev) => {
    expect(errorsAfter((r) => { r.rev = rev; })).toEqual([{ path: 'rev', code: 'rev_invalid' }]);
  });

  it('asks for a missing rev as required', () => {
    expect(errorsAfter((r) => { delete r.rev; })).toEqual([{ path: 'rev', code: 'required' }]);
  });

  it('rejects a bad clientUpdatedAt, surveyedAt and ward code', () => {
    expect(errorsAfter((r) => { r.clientUpdatedAt = '15/10/2026'; })).toEqual([{ path: 'clientUpdatedAt', code: 'invalid_datetime' }]);
    expect(errorsAfter((r) => { r.data.surveyedAt = '2026-13-01'; })).toEqual([{ path: 'data.surveyedAt', code: 'invalid_date' }]);
    expect(errorsAfter((r) => { r.data.wardCode = '1054'; })).toEqual([{ path: 'data.wardCode', code: 'invalid_ward_code' }]);
  });

  it('requires consent for a surveyed household', () => {
    expect(errorsAfter((r) => { delete r.data.consent; })).toEqual([{ path: 'data.consent.given', code: 'consent_required' }]);
  });

  it('never accepts consent that was not given (nothing is pre-ticked)', () => {
    expect(errorsAfter((r) => { r.data.consent.given = false; })).toEqual([{ path: 'data.consent.given', code: 'consent_required' }]);
  });

  it('requires the notice version, relation, time and method of the consent', () => {
    const errors = errorsAfter((r) => {
      r.data.consent.noticeVersion = '  ';
      delete r.data.consent.consenterRelation;
      r.data.consent.consentedAt = 'yesterday';
      r.data.consent.method = 'sms';
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'data.consent.noticeVersion', code: 'required' },
        { path: 'data.consent.consenterRelation', code: 'required' },
        { path: 'data.consent.consentedAt', code: 'invalid_datetime' },
        { path: 'data.consent.method', code: 'invalid_option' },
      ]),
    );
    expect(errors).toHaveLength(4);
  });

  it('requires devices, payments and at least one member for a surveyed household', () => {
    expect(errorsAfter((r) => { delete r.data.devices; delete r.data.payments; r.data.members = []; })).toEqual([
      { path: 'data.devices', code: 'required' },
      { path: 'data.payments', code: 'required' },
      { path: 'data.members', code: 'members_required' },
    ]);
  });

  it.each([
    ['consent', (r: Loose) => { r.data.consent = validSurveyed().data.consent; }],
    ['members', (r: Loose) => { r.data.members = validSurveyed().data.members; }],
    ['devices', (r: Loose) => { r.data.devices = validSurveyed().data.devices; }],
    ['payments', (r: Loose) => { r.data.payments = validSurveyed().data.payments; }],
  ])('rejects personal data (%s) on a refused or not-home visit', (_what, add) => {
    for (const outcome of ['refused', 'not_home'] as const) {
      expect(errorsAfter(add, () => validVisit(outcome))).toEqual([{ path: 'data.outcome', code: 'no_data_without_survey' }]);
    }
  });

  it('rejects an unknown visit outcome without also blaming the data', () => {
    expect(errorsAfter((r) => { r.data.outcome = 'moved'; })).toEqual([{ path: 'data.outcome', code: 'invalid_option' }]);
  });

  it('rejects a birth year after the survey date', () => {
    expect(errorsAfter((r) => { r.data.members[2].birthYear = 2027; })).toEqual([
      { path: 'data.members.2.birthYear', code: 'birth_year_future' },
    ]);
  });

  it('rejects someone more than 120 years old, but not exactly 120', () => {
    expect(errorsAfter((r) => { r.data.members[1].birthYear = 1905; })).toEqual([
      { path: 'data.members.1.birthYear', code: 'birth_year_range' },
    ]);
    expect(errorsAfter((r) => { r.data.members[1].birthYear = 1906; })).toEqual([]);
    expect(errorsAfter((r) => { r.data.members[1].birthYear = 1899; })).toEqual([
      { path: 'data.members.1.birthYear', code: 'birth_year_range' },
    ]);
  });

  it('rejects a birth year that is not a whole number', () => {
    expect(errorsAfter((r) => { r.data.members[0].birthYear = 1980.5; })).toEqual([
      { path: 'data.members.0.birthYear', code: 'birth_year_invalid' },
    ]);
    expect(errorsAfter((r) => { r.data.members[0].birthYear = 'abc'; })).toEqual([
      { path: 'data.members.0.birthYear', code: 'birth_year_invalid' },
    ]);
  });
  it('requires every adult question of a 30-year-old, but none of them of a 10-year-old', () => {
    const adultKeys = ['bankAccount', 'ownsSmartphone', 'usedInternet3m', 'skills', 'cashless30d', 'digitalSignature', 'onlinePublicService12m', 'cityApp'];
    const errors = errorsAfter((r) => {
      r.data.members[1].birthYear = 1996;
      for (const key of adultKeys) delete r.data.members[1][key];
    });
    expect(errors).toEqual(adultKeys.map((key) => ({ path: `data.members.1.${key}`, code: 'required' })));
    // The fixture's 10-year-old (born 2016, surveyed 2026) has none of them and is valid.
    expect(validSurveyed().data.members[2].ownsSmartphone).toBeUndefined();
    expect(errorsOf(validSurveyed())).toEqual([]);
  });

  it('asks a young child relation, year of birth, sex and the e-health record only', () => {
    expect(errorsAfter((r) => { delete r.data.members[2].vneid; delete r.data.members[2].digitalServices12m; })).toEqual([]);
    expect(errorsAfter((r) => { delete r.data.members[2].ehr; })).toEqual([{ path: 'data.members.2.ehr', code: 'required' }]);
  });

  it('keeps (never refuses) answers to questions that do not apply: an older app asked more', () => {
    const record = validSurveyed();
    Object.assign(record.data.members[2], { ownsSmartphone: 'yes', bankAccount: 'yes', cityApp: 'no' });
    const result = householdRecordKind.parse(record, { ages: DEFAULT_RELEVANCE_AGES });
    expect(result.ok).toBe(true);
    expect(result.ok && result.record.data.members[2]).toMatchObject({ ownsSmartphone: 'yes', bankAccount: 'yes', vneid: 'none' });
  });

  it('uses the ward\'s ages: VNeID from its VNeID age, the adult questions from its adult age', () => {
    const sixteen = (r: Loose) => {
      r.data.members[1].birthYear = 2010; // 16 in 2026
      for (const key of ['cashless30d', 'digitalSignature', 'onlinePublicService12m', 'cityApp', 'digitalServices12m']) delete r.data.members[1][key];
    };
    expect(errorsAfter(sixteen)).toEqual([]);
    const record = validSurveyed();
    sixteen(record);
    delete record.data.members[2].vneid; // the 10-year-old
    const ward16 = householdRecordKind.parse(record, { ages: { adultAge: 16, vneidMinAge: 6 } });
    expect(ward16.ok ? [] : ward16.errors.map((e) => e.path)).toEqual([
      'data.members.1.cashless30d', 'data.members.1.digitalSignature', 'data.members.1.onlinePublicService12m', 'data.members.1.cityApp',
      'data.members.1.digitalServices12m', 'data.members.2.vneid',
    ]);
  });

  it('rejects a skill answer that is not one of the four levels', () => {
    expect(errorsAfter((r) => { r.data.members[0].skills.safety = 'good'; })).toEqual([
      { path: 'data.members.0.skills.safety', code: 'invalid_option' },
    ]);
  });

  it('rejects duplicate member ids', () => {
    expect(errorsAfter((r) => { r.data.members[2].id = IDS.head; })).toEqual([
      { path: 'data.members.2.id', code: 'duplicate_member_id' },
    ]);
  });

  it('rejects two heads', () => {
    expect(errorsAfter((r) => { r.data.members[1].relation = 'head'; })).toEqual([{ path: 'data.members', code: 'one_head_only' }]);
  });

  it('rejects more than MAX_MEMBERS members', () => {
    const errors = errorsAfter((r) => {
      const child = r.data.members[2];
      r.data.members = Array.from({ length: MAX_MEMBERS + 1 }, (_, i) => ({
        ...child,
        id: `${String(i).padStart(8, '0')}-2222-4333-8444-555555555555`,
      }));
    });
    expect(errors).toEqual([{ path: 'data.members', code: 'too_many_members' }]);
  });

  it('rejects voided without a reason', () => {
    expect(errorsAfter((r) => { r.data.voided = true; })).toEqual([{ path: 'data.voidReason', code: 'required' }]);
    expect(errorsAfter((r) => { r.data.voided = true; r.data.voidReason = '   '; })).toEqual([{ path: 'data.voidReason', code: 'required' }]);
  });

  it.each(['09123456789', '091234567', '+84912345678', '0912 345 678', 'abcdefghij'])('rejects phone %j (the app stores it normalised)', (phone) => {
    expect(errorsAfter((r) => { r.data.members[0].phone = phone; })).toEqual([{ path: 'data.members.0.phone', code: 'phone_format' }]);
  });

  it.each(['03108012345', '0310801234567', '03108012345X'])('rejects CCCD %j', (cccd) => {
    expect(errorsAfter((r) => { r.data.members[0].cccd = cccd; })).toEqual([{ path: 'data.members.0.cccd', code: 'cccd_format' }]);
  });

  it('rejects a missing house number and over-long text', () => {
    expect(errorsAfter((r) => { r.data.address.houseNumber = ''; })).toEqual([{ path: 'data.address.houseNumber', code: 'required' }]);
    expect(errorsAfter((r) => { r.data.members[0].name = 'A'.repeat(81); })).toEqual([{ path: 'data.members.0.name', code: 'too_long' }]);
  });

  it('rejects a negative or absurd number of smartphones', () => {
    expect(errorsAfter((r) => { r.data.devices.smartphones = -1; })).toEqual([{ path: 'data.devices.smartphones', code: 'count_invalid' }]);
    expect(errorsAfter((r) => { r.data.devices.smartphones = 51; })).toEqual([{ path: 'data.devices.smartphones', code: 'count_invalid' }]);
  });

  it('says "invalid option" (not "please answer") for a value that is there but not allowed', () => {
    expect(errorsAfter((r) => { r.data.members[1].relation = 'boss'; })).toEqual([{ path: 'data.members.1.relation', code: 'invalid_option' }]);
    expect(errorsAfter((r) => { r.data.members[1].ehr = 'maybe'; })).toEqual([{ path: 'data.members.1.ehr', code: 'invalid_option' }]);
    expect(errorsAfter((r) => { r.data.members[1].wantsHelp = ['lottery']; })).toEqual([
      { path: 'data.members.1.wantsHelp.0', code: 'invalid_option' },
    ]);
  });

  it('lists every problem at once: a cross-field rule is reported even when a field is also invalid', () => {
    const errors = errorsAfter((r) => {
      delete r.data.consent;
      r.data.members[0].phone = '12';
      r.data.members[1].relation = 'head';
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'data.members.0.phone', code: 'phone_format' },
        { path: 'data.consent.given', code: 'consent_required' },
        { path: 'data.members', code: 'one_head_only' },
      ]),
    );
  });

  it('reports a data field that is not an object without crashing', () => {
    expect(errorsAfter((r) => { r.data = 5; })).toEqual([{ path: 'data', code: 'invalid' }]);
    expect(errorsAfter((r) => { r.data.members = 'none'; })).toEqual([{ path: 'data.members', code: 'invalid' }]);
  });
});
