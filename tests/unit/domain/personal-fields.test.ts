// The personal-field lists and their erasure, for every record kind and schema version the
// registry knows: an erased record still parses, holds none of the personal values, and keeps
// every value the indicators count.
import { describe, expect, it } from 'vitest';
import {
  ERASED_TEXT,
  erasePersonalFields,
  eraseRecordPersonalFields,
  isErasedText,
  PERSONAL_FIELDS,
  personalFieldsOf,
  UnknownPersonalFieldsError,
} from '../../../src/shared/domain/personal-fields.js';
import { RECORD_KINDS, recordKindFor } from '../../../src/shared/schema/registry.js';
import { validAssistance } from '../../helpers/assistance-fixtures.js';
import { validSurveyed, type Loose } from '../../helpers/household-fixtures.js';

/** A household with every personal field filled (and voided, so the void reason is there too). */
function fullHousehold(schemaVersion: number): Loose {
  const r = validSurveyed();
  r.schemaVersion = schemaVersion;
  r.data.note = 'Gọi chị Hương 0987654321 trước khi đến';
  r.data.voided = true;
  r.data.voidReason = 'Trùng hộ ông Dũng số 12A';
  r.data.members[1].cccd = '031183654321';
  r.data.members[1].phone = '0987654321';
  r.data.members[1].wantsHelpNote = 'Con gái chị Hương giúp';
  r.data.members[2].name = 'Nguyễn Thu Trang';
  return r;
}

function fullAssistance(schemaVersion: number): Loose {
  const r = validAssistance();
  r.schemaVersion = schemaVersion;
  // Version 2 keeps a name and phone only with the person's consent; version 1 had no consent record.
  if (schemaVersion >= 2) r.data.consent = { given: true, purpose: 'assistance', noticeVersion: '2026-12', consentedAt: '2026-11-08T02:29:00.000Z' };
  else delete r.data.consent;
  r.data.outcome = 'not_done';
  r.data.reason = 'other';
  r.data.reasonNote = 'Bà Hương quên mật khẩu';
  r.data.voided = true;
  r.data.voidReason = 'Nhập nhầm bà Hương';
  return r;
}

/** Every value that must be gone after erasure, per fixture. */
const PERSONAL_VALUES: Record<string, string[]> = {
  household: ['Nguyễn Văn Dũng', 'Trần Thị Hương', 'Nguyễn Thu Trang', '031080123456', '031183654321', '0912345678', '0987654321', '12A', 'Ngõ 12', 'Nguyễn Trãi', 'Gọi chị', 'Trùng hộ', 'Con gái'],
  assistance: ['Trần Thị Hương', '0912345678', 'quên mật khẩu', 'Nhập nhầm'],
};

const FIXTURES: Record<string, Record<number, () => Loose>> = {
  household: { 1: () => fullHousehold(1), 2: () => fullHousehold(2) },
  assistance: { 1: () => fullAssistance(1), 2: () => fullAssistance(2) },
};

/** What erasure must leave, written out by hand (not derived from the lists under test). */
function expectedHousehold(r: Loose): Loose {
  const e = JSON.parse(JSON.stringify(r));
  e.data.address = { houseNumber: ERASED_TEXT };
  delete e.data.note;
  e.data.voidReason = ERASED_TEXT;
  delete e.data.consent.consenterName;
  for (const m of e.data.members) {
    delete m.name;
    delete m.cccd;
    delete m.phone;
    delete m.wantsHelpNote;
  }
  return e;
}

function expectedAssistance(r: Loose): Loose {
  const e = JSON.parse(JSON.stringify(r));
  delete e.data.person.name;
  delete e.data.person.phone;
  e.data.reasonNote = ERASED_TEXT;
  e.data.voidReason = ERASED_TEXT;
  return e;
}

const EXPECTED: Record<string, (r: Loose) => Loose> = { household: expectedHousehold, assistance: expectedAssistance };

const cases = RECORD_KINDS.flatMap((kind) => {
  const definition = recordKindFor(kind)!;
  return Array.from({ length: definition.version }, (_, i) => ({ kind, version: i + 1 }));
});

describe('personal fields', () => {
  it('has a list and a test fixture for every kind and schema version of the registry', () => {
    for (const { kind, version } of cases) {
      expect(PERSONAL_FIELDS[kind]?.[version], `${kind} v${version}`).toBeDefined();
      expect(FIXTURES[kind]?.[version], `fixture for ${kind} v${version}`).toBeDefined();
    }
  });

  describe.each(cases)('$kind version $version', ({ kind, version }) => {
    const original = FIXTURES[kind]![version]!();

    it('the fixture is a valid record of that version with its personal values', () => {
      expect(recordKindFor(kind)!.parse(original).ok).toBe(true);
      const json = JSON.stringify(original);
      for (const value of PERSONAL_VALUES[kind]!) expect(json).toContain(value);
    });

    it('erasure removes every personal value and keeps everything else', () => {
      const erased = eraseRecordPersonalFields(original);
      const json = JSON.stringify(erased);
      for (const value of PERSONAL_VALUES[kind]!) expect(json).not.toContain(value);
      expect(erased).toEqual(EXPECTED[kind]!(original));
    });

    it('the erased record still passes its schema (migrated to the current version)', () => {
      const parsed = recordKindFor(kind)!.parse(eraseRecordPersonalFields(original));
      expect(parsed.ok ? 'ok' : JSON.stringify(parsed.errors)).toBe('ok');
    });

    it('is idempotent and leaves its input alone', () => {
      const before = JSON.stringify(original);
      const once = eraseRecordPersonalFields(original);
      expect(JSON.stringify(original)).toBe(before);
      expect(eraseRecordPersonalFields(once)).toEqual(once);
    });

    it('keeps what the indicators count: years of birth, sex, relation and answers', () => {
      const erased = eraseRecordPersonalFields(original);
      if (kind === 'household') {
        const keep = (m: Loose) => ({ ...m, name: undefined, cccd: undefined, phone: undefined, wantsHelpNote: undefined });
        expect(JSON.parse(JSON.stringify(erased.data.members.map(keep)))).toEqual(JSON.parse(JSON.stringify(original.data.members.map(keep))));
        for (const key of ['surveyedAt', 'groupCode', 'outcome', 'devices', 'payments', 'voided', 'wardCode']) expect(erased.data[key]).toEqual(original.data[key]);
        expect(erased.data.consent.noticeVersion).toBe(original.data.consent.noticeVersion);
      } else {
        expect(erased.data.person.birthYear).toBe(original.data.person.birthYear);
        for (const key of ['helpedAt', 'kinds', 'outcome', 'reason', 'campaign', 'place', 'household', 'groupCode']) expect(erased.data[key]).toEqual(original.data[key]);
      }
    });
  });

  it('leaves absent optional and marker fields absent', () => {
    const r = validAssistance();
    delete r.data.person.name;
    delete r.data.person.phone;
    const erased = erasePersonalFields('assistance', r.data, 1);
    expect(erased).toEqual(r.data);
    expect('reasonNote' in erased).toBe(false);
    expect('voidReason' in erased).toBe(false);
  });

  it('names a kind or version without a list instead of erasing half', () => {
    expect(() => personalFieldsOf('household', 99)).toThrow(UnknownPersonalFieldsError);
    expect(() => erasePersonalFields('teaching-card', {})).toThrow(UnknownPersonalFieldsError);
    expect(() => eraseRecordPersonalFields({ kind: 'household', data: {} })).toThrow(UnknownPersonalFieldsError);
  });

  it('recognises the marker', () => {
    expect(isErasedText(ERASED_TEXT)).toBe(true);
    expect(isErasedText('12A')).toBe(false);
    expect(isErasedText(undefined)).toBe(false);
  });
});
