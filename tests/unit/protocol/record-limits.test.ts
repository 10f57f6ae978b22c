// One record's limits (src/shared/protocol/record-limits.ts): the size cap fits the largest
// household the schema allows, and the depth check never recurses.
import { describe, expect, it } from 'vitest';
import {
  checkRecordLimits,
  jsonDepthExceeds,
  MAX_RECORD_BYTES,
  MAX_RECORD_DEPTH,
  utf8ByteLength,
} from '../../../src/shared/protocol/record-limits.js';
import { MAX_MEMBERS } from '../../../src/shared/schema/household-constants.js';
import { parseRecord } from '../../../src/shared/schema/registry.js';
import { householdRecord } from '../../helpers/records.js';

/** The character that costs most in JSON per UTF-16 unit: a control character, written \u0001 (6 bytes). */
const WORST = '\u0001';
const full = (n: number) => WORST.repeat(n);

/** A household at the schema's limits: 60 members, every text field at its longest. */
function largestHousehold() {
  const rec = householdRecord({ seed: 7, members: MAX_MEMBERS }) as any;
  rec.data.note = full(300);
  rec.data.groupCode = full(20);
  rec.data.address = { houseNumber: full(40), lane: full(80), street: full(80) };
  rec.data.consent.consenterName = full(80);
  rec.data.consent.noticeVersion = full(40);
  rec.data.members = rec.data.members.map((m: any, i: number) => ({
    ...m,
    relation: i === 0 ? 'head' : 'other_relative',
    birthYear: 1960,
    name: full(80),
    cccd: '001234567890',
    phone: '0912345678',
    wantsHelp: ['vneid_install', 'vneid_level2', 'public_services', 'payments', 'online_safety', 'shopping', 'ehr', 'smartphone', 'other'],
    wantsHelpNote: full(200),
    ownsSmartphone: 'unknown',
    usedInternet3m: 'unknown',
    skills: { publicServices: 'needs_help', shopping: 'needs_help', payments: 'needs_help', safety: 'needs_help', localPlatforms: 'needs_help' },
    bankAccount: 'unknown',
    cashless30d: 'unknown',
    digitalSignature: 'unknown',
    onlinePublicService12m: 'unknown',
    cityApp: 'unknown',
  }));
  rec.data.voided = true;
  rec.data.voidReason = full(200);
  rec.data.practice = true;
  rec.rev = 2_147_483_647;
  return rec;
}

describe('MAX_RECORD_BYTES', () => {
  it('holds the largest household the schema allows, with room', () => {
    const rec = largestHousehold();
    const parsed = parseRecord(rec);
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    const bytes = utf8ByteLength(JSON.stringify(parsed.ok ? parsed.record : rec));
    // Measured: about 180 KB. The cap must hold it; a cap far above it would be no cap.
    expect(bytes).toBeGreaterThan(150_000);
    expect(bytes).toBeLessThan(MAX_RECORD_BYTES);
    expect(checkRecordLimits(rec)).toBeNull();
  });

  it('refuses a record one byte over, by its UTF-8 size', () => {
    const rec = householdRecord({ seed: 1 }) as any;
    const base = utf8ByteLength(JSON.stringify(rec));
    rec.data.pad = 'ệ'.repeat(Math.ceil((MAX_RECORD_BYTES - base) / 3)); // 3 bytes each in UTF-8
    expect(utf8ByteLength(JSON.stringify(rec))).toBeGreaterThan(MAX_RECORD_BYTES);
    expect(checkRecordLimits(rec)).toEqual({ path: '', code: 'record_too_large' });
  });

  it('takes a record of exactly the limit and refuses one byte more, whichever bound decides', () => {
    const rec = householdRecord({ seed: 2 }) as any;
    rec.data.pad = '';
    const base = utf8ByteLength(JSON.stringify(rec));
    // ASCII (one byte a unit): past the quick bound of a third of the limit, decided by the count.
    rec.data.pad = 'a'.repeat(MAX_RECORD_BYTES - base);
    expect(utf8ByteLength(JSON.stringify(rec))).toBe(MAX_RECORD_BYTES);
    expect(checkRecordLimits(rec)).toBeNull();
    rec.data.pad += 'a';
    expect(checkRecordLimits(rec)).toEqual({ path: '', code: 'record_too_large' });
    // Three bytes a unit: well under the limit in units, over it in bytes.
    rec.data.pad = 'ệ'.repeat(Math.floor((MAX_RECORD_BYTES - base) / 3));
    expect(checkRecordLimits(rec)).toBeNull();
    rec.data.pad += 'ệ';
    expect(checkRecordLimits(rec)).toEqual({ path: '', code: 'record_too_large' });
    // Surrogate pairs (two units, four bytes) and lone surrogates (escaped by JSON.stringify).
    rec.data.pad = '😀'.repeat(Math.floor((MAX_RECORD_BYTES - base) / 4)) + 'a'.repeat((MAX_RECORD_BYTES - base) % 4);
    expect(checkRecordLimits(rec)).toBeNull();
    rec.data.pad += '\ud800';
    expect(checkRecordLimits(rec)).toEqual({ path: '', code: 'record_too_large' });
  });

  it('takes the size of the text a record was sent in as its bound, and measures it only above the limit', () => {
    const rec = householdRecord({ seed: 3 }) as any;
    // As the server meets a batch's records: sent in a body of n bytes, no record is larger.
    expect(checkRecordLimits(rec, MAX_RECORD_BYTES)).toBeNull();
    // A body over the limit says nothing: the record is measured, and a large one refused.
    rec.data.pad = 'a'.repeat(MAX_RECORD_BYTES);
    expect(checkRecordLimits(rec, MAX_RECORD_BYTES + 1)).toEqual({ path: '', code: 'record_too_large' });
    // The depth is always checked: a small body may nest too deep.
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(checkRecordLimits({ deep }, 200)).toEqual({ path: '', code: 'record_too_deep' });
  });

  it('counts UTF-8 as TextEncoder does', () => {
    for (const text of ['', 'abc', 'Nguyễn Thị Ánh', '😀 ok', '\u0001', '\ud800 lone']) {
      expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length);
    }
  });
});

describe('depth', () => {
  it('finds 6,000 levels without overflowing, and passes a real record', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 6000; i++) deep = i % 2 ? [deep] : { a: deep };
    expect(jsonDepthExceeds(deep, MAX_RECORD_DEPTH)).toBe(true);
    expect(checkRecordLimits({ ...householdRecord({ seed: 1 }), data: { note: deep } })).toEqual({ path: '', code: 'record_too_deep' });
    expect(jsonDepthExceeds(largestHousehold(), MAX_RECORD_DEPTH)).toBe(false);
  });

  it('counts levels exactly', () => {
    expect(jsonDepthExceeds({}, 1)).toBe(false);
    expect(jsonDepthExceeds({ a: {} }, 1)).toBe(true);
    expect(jsonDepthExceeds([[1]], 2)).toBe(false);
    expect(jsonDepthExceeds([[[1]]], 2)).toBe(true);
    expect(jsonDepthExceeds('text', 0)).toBe(false);
  });
});

describe('household records are strict', () => {
  it.each([
    ['data.otp', (r: any) => (r.data.otp = '123456')],
    ['data.members.0.cccdOfNeighbour', (r: any) => (r.data.members[0].cccdOfNeighbour = '001234567890')],
    ['data.consent.password', (r: any) => (r.data.consent.password = 'x')],
    ['data.address.gps', (r: any) => (r.data.address.gps = [1, 2])],
    ['data.members.0.skills.extra', (r: any) => (r.data.members[0].skills.extra = 'none')],
  ])('rejects %s as unknown_field on its own path', (path, change) => {
    const rec = householdRecord({ seed: 3, members: 2 }) as any;
    expect(parseRecord(rec).ok).toBe(true);
    change(rec);
    expect(parseRecord(rec)).toEqual({ ok: false, errors: [{ path, code: 'unknown_field' }] });
  });
});
