// Issue 12, point 6: assistance record version 2 keeps a name and phone only with the person's
// recorded consent; version 1 (no consent record) is migrated to 2 with its name and phone erased.
import { describe, expect, it } from 'vitest';
import { assistanceRecordKind, assistanceV1ToV2 } from '../../../src/shared/schema/assistance.js';
import { parseRecord } from '../../../src/shared/schema/registry.js';
import { validationEn } from '../../../src/shared/i18n/validation-en.js';
import { validationVi } from '../../../src/shared/i18n/validation-vi.js';
import { minimalAssistance, v1Assistance, validAssistance } from '../../helpers/assistance-fixtures.js';

describe('assistance v1 → v2', () => {
  it('erases the name and phone of a version 1 record and keeps everything the tallies read', () => {
    const v1 = v1Assistance();
    const result = parseRecord(v1);
    expect(result.ok).toBe(true);
    if (!result.ok || result.record.kind !== 'assistance') throw new Error('not parsed');
    expect(result.record.schemaVersion).toBe(2);
    expect(result.record.data.person).toEqual({ birthYear: 1955 });
    expect(result.record.data.consent).toBeUndefined();
    const { person: _p, ...rest } = result.record.data;
    const { person: _q, ...before } = v1.data;
    expect(rest).toEqual(before);
    expect(JSON.stringify(result.record)).not.toMatch(/Hương|0912345678/);
  });

  it('is pure and leaves data that is not version 1 shaped for the schema to judge', () => {
    const data = v1Assistance().data;
    const copy = structuredClone(data);
    assistanceV1ToV2(data);
    expect(data).toEqual(copy);
    expect(assistanceV1ToV2('x')).toBe('x');
    expect(assistanceV1ToV2({ person: null })).toEqual({ person: null });
    expect(parseRecord({ ...v1Assistance(), data: 'x' })).toEqual({ ok: false, errors: [{ path: 'data', code: 'invalid' }] });
  });

  it('reads a version 1 record without a name or phone unchanged but for the version', () => {
    const v1 = { ...minimalAssistance(), schemaVersion: 1 };
    const result = parseRecord(v1);
    expect(result.ok && result.record.data).toEqual(minimalAssistance().data);
    expect(assistanceRecordKind.migrate(v1)).toEqual({ ...v1, schemaVersion: 2 });
  });
});

describe('assistance v2: consent', () => {
  it('keeps a name and phone with consent for the assistance purpose', () => {
    const result = parseRecord(validAssistance());
    expect(result.ok).toBe(true);
    if (!result.ok || result.record.kind !== 'assistance') throw new Error('not parsed');
    expect(result.record.data.person).toEqual({ name: 'Trần Thị Hương', birthYear: 1955, phone: '0912345678' });
    expect(result.record.data.consent).toEqual({ given: true, purpose: 'assistance', noticeVersion: '2026-12', consentedAt: '2026-11-08T02:29:00.000Z' });
  });

  it('refuses a name or a phone without consent, on their own paths, with a translated message', () => {
    const noConsent = validAssistance();
    delete noConsent.data.consent;
    expect(parseRecord(noConsent)).toEqual({
      ok: false,
      errors: [
        { path: 'data.person.name', code: 'consent_required_for_contact' },
        { path: 'data.person.phone', code: 'consent_required_for_contact' },
      ],
    });
    const nameOnly = validAssistance();
    delete nameOnly.data.consent;
    delete nameOnly.data.person.phone;
    expect(parseRecord(nameOnly)).toEqual({ ok: false, errors: [{ path: 'data.person.name', code: 'consent_required_for_contact' }] });
    expect(validationVi.consent_required_for_contact).toMatch(/đồng ý/);
    expect(validationEn.consent_required_for_contact).toMatch(/consent/);
  });

  it('keeps the year of birth and what was done without consent', () => {
    const record = validAssistance();
    delete record.data.consent;
    record.data.person = { birthYear: 1955 };
    expect(parseRecord(record).ok).toBe(true);
  });

  it('refuses a consent that is not given, of another purpose, without a notice version or time', () => {
    const errorsWith = (consent: unknown) => {
      const record = validAssistance();
      record.data.consent = consent;
      const r = parseRecord(record);
      return r.ok ? [] : r.errors;
    };
    const good = validAssistance().data.consent;
    expect(errorsWith({ ...good, given: false })).toContainEqual({ path: 'data.consent.given', code: 'consent_required' });
    expect(errorsWith({ ...good, purpose: 'survey' })).toContainEqual({ path: 'data.consent.purpose', code: 'invalid_option' });
    expect(errorsWith({ ...good, noticeVersion: '  ' })).toContainEqual({ path: 'data.consent.noticeVersion', code: 'required' });
    const { consentedAt: _c, ...noTime } = good;
    expect(errorsWith(noTime)).toContainEqual(expect.objectContaining({ path: 'data.consent.consentedAt' }));
    expect(errorsWith({ ...good, consenterPhone: '0912345678' })).toContainEqual({ path: 'data.consent.consenterPhone', code: 'unknown_field' });
  });
});
