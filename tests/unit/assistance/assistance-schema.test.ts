import { describe, expect, it } from 'vitest';
import {
  ASSISTANCE_KINDS,
  ASSISTANCE_REASONS,
  assistanceRecordSchema,
} from '../../../src/shared/schema/assistance.js';
import { CURRENT_SCHEMA_VERSION, parseRecord, RECORD_KINDS, recordKindFor } from '../../../src/shared/schema/registry.js';
import { householdRecordSchema } from '../../../src/shared/schema/household.js';
import { toFieldErrors, type FieldError } from '../../../src/shared/domain/validation.js';
import { minimalAssistance, validAssistance } from '../../helpers/assistance-fixtures.js';
import { validSurveyed, type Loose } from '../../helpers/household-fixtures.js';

function errorsOf(record: unknown): FieldError[] {
  const result = assistanceRecordSchema.safeParse(record);
  return result.success ? [] : toFieldErrors(result.error);
}

function errorsAfter(change: (r: Loose) => void, base: () => Loose = validAssistance): FieldError[] {
  const record = base();
  change(record);
  return errorsOf(record);
}

describe('assistance record: valid records', () => {
  it('accepts a done "install VNeID" linked to a household member, with campaign and place', () => {
    const result = assistanceRecordSchema.safeParse(validAssistance());
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('accepts the smallest record: year of birth, one kind, outcome (no name, phone, household, group)', () => {
    expect(errorsOf(minimalAssistance())).toEqual([]);
  });

  it('accepts every kind (several at once) and trims typed text', () => {
    const record = validAssistance();
    record.data.kinds = [...ASSISTANCE_KINDS];
    record.data.teachingCardId = 'vneid-install';
    record.data.campaign = '  Đợt ra quân tháng 11/2026  ';
    const parsed = assistanceRecordSchema.parse(record);
    expect(parsed.data.kinds).toHaveLength(ASSISTANCE_KINDS.length);
    expect(parsed.data.campaign).toBe('Đợt ra quân tháng 11/2026');
  });

  it.each(ASSISTANCE_REASONS.filter((r) => r !== 'other'))('accepts not_done with reason %s', (reason) => {
    expect(errorsAfter((r) => Object.assign(r.data, { outcome: 'not_done', reason }))).toEqual([]);
  });

  it('accepts needs_follow_up with reason "other" and its note, a household link without member, practice and voided', () => {
    expect(
      errorsAfter((r) => {
        Object.assign(r.data, { outcome: 'needs_follow_up', reason: 'other', reasonNote: 'Hẹn cuối tuần mang CCCD' });
        r.data.household = { householdId: r.data.household.householdId };
        r.data.practice = true;
        r.data.voided = true;
        r.data.voidReason = 'Nhập nhầm người';
      }),
    ).toEqual([]);
  });

  it('accepts a person born in the year of the help and one 120 years before it', () => {
    expect(errorsAfter((r) => (r.data.person.birthYear = 2026))).toEqual([]);
    expect(errorsAfter((r) => (r.data.person.birthYear = 1906))).toEqual([]);
  });
});

describe('assistance record: envelope', () => {
  it('rejects another kind, an unknown schema version, a bad rev, id and time', () => {
    expect(errorsAfter((r) => (r.kind = 'household'))).toEqual([{ path: 'kind', code: 'unknown_kind' }]);
    expect(errorsAfter((r) => (r.schemaVersion = 3))).toEqual([{ path: 'schemaVersion', code: 'unknown_schema_version' }]);
    expect(errorsAfter((r) => (r.rev = 0))).toEqual([{ path: 'rev', code: 'rev_invalid' }]);
    expect(errorsAfter((r) => (r.rev = 1.5))).toEqual([{ path: 'rev', code: 'rev_invalid' }]);
    expect(errorsAfter((r) => delete r.rev)).toEqual([{ path: 'rev', code: 'required' }]);
    expect(errorsAfter((r) => (r.id = 'abc'))).toEqual([{ path: 'id', code: 'invalid_uuid' }]);
    expect(errorsAfter((r) => (r.clientUpdatedAt = '2026-11-08 10:00'))).toEqual([{ path: 'clientUpdatedAt', code: 'invalid_datetime' }]);
    expect(errorsAfter((r) => delete r.data)).toEqual([{ path: 'data', code: 'required' }]);
    expect(errorsAfter((r) => (r.data = 'x'))).toEqual([{ path: 'data', code: 'invalid' }]);
  });
});

describe('assistance record: no field for passwords, OTPs or passcodes', () => {
  it.each([
    ['data.otp', (r: Loose) => (r.data.otp = '123456')],
    ['data.password', (r: Loose) => (r.data.password = 'matkhau')],
    ['data.person.passcode', (r: Loose) => (r.data.person.passcode = '000000')],
    ['data.household.vneidPassword', (r: Loose) => (r.data.household.vneidPassword = 'x')],
    ['otp', (r: Loose) => (r.otp = '123456')],
  ])('rejects the unknown key %s as unknown_field, on its own path', (path, change) => {
    expect(errorsAfter(change)).toEqual([{ path, code: 'unknown_field' }]);
  });

  it('refuses a standalone 6-digit code in any free text, and keeps phone numbers and dates', () => {
    for (const field of ['campaign', 'place', 'reasonNote', 'voidReason'] as const) {
      expect(errorsAfter((r) => (r.data[field] = 'OTP 482913'))).toContainEqual({ path: `data.${field}`, code: 'secret_like_text' });
    }
    expect(errorsAfter((r) => (r.data.person.name = 'Bà Lan 123456'))).toEqual([{ path: 'data.person.name', code: 'secret_like_text' }]);
    expect(errorsAfter((r) => (r.data.place = 'Gọi 0912345678, nhà số 12'))).toEqual([]);
    expect(errorsAfter((r) => (r.data.campaign = 'Đợt ra quân 15/11/2026'))).toEqual([]);
  });
});

describe('assistance record: fields', () => {
  it('checks the ward code, install id and time of the help', () => {
    expect(errorsAfter((r) => (r.data.wardCode = '1054'))).toEqual([{ path: 'data.wardCode', code: 'invalid_ward_code' }]);
    expect(errorsAfter((r) => delete r.data.installId)).toEqual([{ path: 'data.installId', code: 'invalid_uuid' }]);
    expect(errorsAfter((r) => (r.data.helpedAt = '2026-11-08'))).toEqual([{ path: 'data.helpedAt', code: 'invalid_datetime' }]);
  });

  it('checks the year of birth: required, whole, plausible, not after the help', () => {
    expect(errorsAfter((r) => delete r.data.person.birthYear)).toEqual([{ path: 'data.person.birthYear', code: 'required' }]);
    expect(errorsAfter((r) => (r.data.person.birthYear = 'abc'))).toEqual([{ path: 'data.person.birthYear', code: 'birth_year_invalid' }]);
    expect(errorsAfter((r) => (r.data.person.birthYear = 1960.5))).toEqual([{ path: 'data.person.birthYear', code: 'birth_year_invalid' }]);
    expect(errorsAfter((r) => (r.data.person.birthYear = 1899))).toEqual([{ path: 'data.person.birthYear', code: 'birth_year_range' }]);
    expect(errorsAfter((r) => (r.data.person.birthYear = 1905))).toEqual([{ path: 'data.person.birthYear', code: 'birth_year_range' }]);
    expect(errorsAfter((r) => (r.data.person.birthYear = 2027))).toEqual([{ path: 'data.person.birthYear', code: 'birth_year_after_help' }]);
    expect(errorsAfter((r) => delete r.data.person)).toEqual([{ path: 'data.person', code: 'required' }]);
  });

  it('checks the phone is normalised to 10 digits and the name is bounded', () => {
    expect(errorsAfter((r) => (r.data.person.phone = '+84912345678'))).toEqual([{ path: 'data.person.phone', code: 'phone_format' }]);
    expect(errorsAfter((r) => (r.data.person.phone = '091234567'))).toEqual([{ path: 'data.person.phone', code: 'phone_format' }]);
    expect(errorsAfter((r) => (r.data.person.name = 'x'.repeat(81)))).toEqual([{ path: 'data.person.name', code: 'too_long' }]);
  });

  it('checks the household link: uuids, household id required when linked', () => {
    expect(errorsAfter((r) => (r.data.household.memberId = 'm1'))).toEqual([{ path: 'data.household.memberId', code: 'invalid_uuid' }]);
    expect(errorsAfter((r) => (r.data.household = { memberId: r.data.household.memberId }))).toEqual([
      { path: 'data.household.householdId', code: 'invalid_uuid' },
    ]);
  });

  it('checks the group code when given', () => {
    expect(errorsAfter((r) => (r.data.groupCode = '  '))).toEqual([{ path: 'data.groupCode', code: 'required' }]);
    expect(errorsAfter((r) => (r.data.groupCode = 'x'.repeat(21)))).toEqual([{ path: 'data.groupCode', code: 'too_long' }]);
  });

  it('needs at least one kind, each known and once', () => {
    expect(errorsAfter((r) => (r.data.kinds = []))).toEqual([{ path: 'data.kinds', code: 'kinds_required' }]);
    expect(errorsAfter((r) => delete r.data.kinds)).toEqual([{ path: 'data.kinds', code: 'required' }]);
    expect(errorsAfter((r) => (r.data.kinds = ['install_vneid', 'fix_wifi']))).toEqual([{ path: 'data.kinds.1', code: 'invalid_option' }]);
    expect(errorsAfter((r) => (r.data.kinds = ['install_vneid', 'scam_awareness', 'install_vneid']))).toEqual([
      { path: 'data.kinds.2', code: 'duplicate_kind' },
    ]);
  });

  it('ties the teaching card id to the teaching_card kind', () => {
    expect(errorsAfter((r) => (r.data.kinds = ['teaching_card']))).toEqual([{ path: 'data.teachingCardId', code: 'required' }]);
    expect(errorsAfter((r) => (r.data.teachingCardId = 'vneid-install'))).toEqual([
      { path: 'data.teachingCardId', code: 'teaching_card_kind_missing' },
    ]);
    expect(errorsAfter((r) => Object.assign(r.data, { kinds: ['teaching_card'], teachingCardId: 'Thẻ 1' }))).toEqual([
      { path: 'data.teachingCardId', code: 'invalid' },
    ]);
  });

  it('checks the outcome and its reason', () => {
    expect(errorsAfter((r) => (r.data.outcome = 'maybe'))).toEqual([{ path: 'data.outcome', code: 'invalid_option' }]);
    expect(errorsAfter((r) => delete r.data.outcome)).toEqual([{ path: 'data.outcome', code: 'required' }]);
    expect(errorsAfter((r) => (r.data.outcome = 'not_done'))).toEqual([{ path: 'data.reason', code: 'reason_required' }]);
    expect(errorsAfter((r) => (r.data.outcome = 'needs_follow_up'))).toEqual([{ path: 'data.reason', code: 'reason_required' }]);
    expect(errorsAfter((r) => (r.data.reason = 'no_smartphone'))).toEqual([{ path: 'data.reason', code: 'no_reason_when_done' }]);
    expect(errorsAfter((r) => Object.assign(r.data, { outcome: 'not_done', reason: 'bad_luck' }))).toEqual([
      { path: 'data.reason', code: 'invalid_option' },
    ]);
    expect(errorsAfter((r) => Object.assign(r.data, { outcome: 'not_done', reason: 'other' }))).toEqual([
      { path: 'data.reasonNote', code: 'required' },
    ]);
    expect(errorsAfter((r) => Object.assign(r.data, { outcome: 'not_done', reason: 'other', reasonNote: '   ' }))).toEqual([
      { path: 'data.reasonNote', code: 'required' },
    ]);
  });

  it('bounds campaign and place to 120 characters and checks the flags', () => {
    expect(errorsAfter((r) => (r.data.campaign = 'đ'.repeat(121)))).toEqual([{ path: 'data.campaign', code: 'too_long' }]);
    expect(errorsAfter((r) => (r.data.place = 'đ'.repeat(121)))).toEqual([{ path: 'data.place', code: 'too_long' }]);
    expect(errorsAfter((r) => (r.data.practice = 'yes'))).toEqual([{ path: 'data.practice', code: 'invalid' }]);
    expect(errorsAfter((r) => (r.data.voided = true))).toEqual([{ path: 'data.voidReason', code: 'required' }]);
  });

  it('lists every problem at once', () => {
    const errors = errorsAfter((r) => {
      r.data.outcome = 'not_done';
      r.data.kinds = ['install_vneid', 'install_vneid'];
      r.data.person.birthYear = 2030;
      r.data.wardCode = 'x';
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'data.wardCode', code: 'invalid_ward_code' },
        { path: 'data.kinds.1', code: 'duplicate_kind' },
        { path: 'data.reason', code: 'reason_required' },
        { path: 'data.person.birthYear', code: 'birth_year_after_help' },
      ]),
    );
  });
});

describe('the record kind registry', () => {
  it('knows each kind at its current version and reads records through it', () => {
    expect(RECORD_KINDS).toEqual(['household', 'assistance']);
    expect(recordKindFor('assistance')?.recordSchema).toBe(assistanceRecordSchema);
    expect(recordKindFor('household')?.recordSchema).toBe(householdRecordSchema);
    expect(CURRENT_SCHEMA_VERSION).toEqual({ household: 2, assistance: 2 });
    expect(parseRecord(validAssistance()).ok).toBe(true);
    expect(parseRecord(validSurveyed()).ok).toBe(true);
    // The schema of one kind refuses the other.
    expect(householdRecordSchema.safeParse(validAssistance()).success).toBe(false);
  });

  it('names an unknown kind or version, or a value of the wrong type', () => {
    const errorOf = (input: unknown) => {
      const r = parseRecord(input);
      return r.ok ? null : r.errors[0];
    };
    expect(errorOf({ ...validAssistance(), schemaVersion: 3 })).toEqual({ path: 'schemaVersion', code: 'newer_schema_version' });
    expect(errorOf({ ...validSurveyed(), schemaVersion: 0 })).toEqual({ path: 'schemaVersion', code: 'unknown_schema_version' });
    expect(errorOf({ ...validAssistance(), schemaVersion: '1' })).toEqual({ path: 'schemaVersion', code: 'unknown_schema_version' });
    expect(errorOf({ ...validAssistance(), kind: 'visit' })).toEqual({ path: 'kind', code: 'unknown_kind' });
    expect(errorOf({ ...validAssistance(), kind: 'constructor' })).toEqual({ path: 'kind', code: 'unknown_kind' });
    expect(errorOf(undefined)).toEqual({ path: '', code: 'invalid' });
    expect(recordKindFor('constructor')).toBeNull();
  });

  it('refuses an unknown key in the envelope of every kind', () => {
    expect(parseRecord({ ...validAssistance(), extra: 1 })).toEqual({ ok: false, errors: [{ path: 'extra', code: 'unknown_field' }] });
    expect(parseRecord({ ...validSurveyed(), extra: 1 })).toEqual({ ok: false, errors: [{ path: 'extra', code: 'unknown_field' }] });
  });
});
