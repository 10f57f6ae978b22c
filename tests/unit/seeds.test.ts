import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_WARD_CODE, findSeedWard, SEED_WARDS } from '../../seeds/index.js';
import { wardConfigSchema } from '../../src/shared/schema/ward-config.js';
import { assistanceNotice } from '../../src/server/db/migrations/20261203T104000-assistance-consent.js';

// The table "The five wards of the reference plans" in PRODUCT.md.
const PRODUCT_WARDS = [
  { name: 'Phường Hồng Bàng', province: '31', code: '11311' },
  { name: 'Phường Nam Đồng', province: '31', code: '10837' },
  { name: 'Phường Phù Liễn', province: '31', code: '11446' },
  { name: 'Phường Chí Linh', province: '31', code: '10546' },
  { name: 'Phường Minh Hưng', province: '75', code: '25441' },
];

// The indicator codes the dashboard computes (PRODUCT.md, "Indicators the ward dashboard computes").
const INDICATOR_CODES = [
  'vneid', 'vneid_level2', 'digital_signature', 'bank_account_15', 'cashless_30d', 'ehr', 'digital_services',
  'online_public_service', 'smartphone_adult', 'household_basic_skills', 'household_fibre', 'coverage',
];

// What the plans give (seeds/README.md says where each comes from).
const PLAN_TARGETS: Record<string, Record<string, Record<string, number>>> = {
  '11311': {},
  '10837': {},
  '11446': { '2025': { vneid: 0.7 } },
  '10546': { '2026': { vneid: 0.85, digital_services: 0.82 } },
  '25441': {
    '2026': { vneid: 0.8, digital_signature: 0.5, bank_account_15: 0.95, cashless_30d: 0.8, ehr: 0.95, digital_services: 0.9, online_public_service: 0.8 },
  },
};

describe('seeds/', () => {
  it('has one JSON file per seed ward, and every file is in SEED_WARDS', () => {
    const files = readdirSync(join(import.meta.dirname, '../../seeds/wards')).filter((f) => f.endsWith('.json'));
    expect(files.map((f) => f.replace('.json', '')).sort()).toEqual(SEED_WARDS.map((w) => w.code).sort());
  });

  it('holds the five wards of PRODUCT.md with their official codes and provinces', () => {
    expect(SEED_WARDS.map((w) => ({ name: w.name, province: w.province.code, code: w.code }))).toEqual(PRODUCT_WARDS);
    for (const w of SEED_WARDS) {
      expect(w.province.name).toBe(w.province.code === '31' ? 'Thành phố Hải Phòng' : 'Tỉnh Đồng Nai');
    }
  });

  it('parses every ward file with wardConfigSchema, settings written out rather than left to defaults', () => {
    const dir = join(import.meta.dirname, '../../seeds/wards');
    for (const ward of SEED_WARDS) {
      const raw = JSON.parse(readFileSync(join(dir, `${ward.code}.json`), 'utf8'));
      expect(wardConfigSchema.safeParse(raw).success, ward.code).toBe(true);
      expect(Object.keys(raw.settings).sort()).toEqual(['adultAge', 'retentionMonths', 'vneidMinAge']);
      expect(ward.settings.adultAge).toBe(18);
      expect([14, 18]).toContain(ward.settings.vneidMinAge);
    }
  });

  it('uses 14 as the VNeID age except in Chí Linh, whose plan counts adults', () => {
    expect(SEED_WARDS.filter((w) => w.settings.vneidMinAge !== 14).map((w) => w.code)).toEqual(['10546']);
  });

  it('carries exactly the targets the plans give, as fractions, under the dashboard’s indicator codes', () => {
    for (const ward of SEED_WARDS) {
      expect(ward.targets, ward.code).toEqual(PLAN_TARGETS[ward.code]);
      for (const [year, targets] of Object.entries(ward.targets)) {
        expect(Number(year)).toBeGreaterThanOrEqual(2025);
        for (const [code, value] of Object.entries(targets)) {
          expect(INDICATOR_CODES, code).toContain(code);
          expect(value).toBeGreaterThan(0);
          expect(value).toBeLessThanOrEqual(1);
          // Each target names its plan and item in `sources`.
          expect(ward.sources.some((s) => s.startsWith(`${code} ${year} = `)), `${ward.code} ${code} ${year}`).toBe(true);
        }
      }
      expect(ward.sources.length).toBeGreaterThan(0);
    }
  });

  it('has a register of tổ dân phố / khu phố with unique codes and demo household counts', () => {
    for (const ward of SEED_WARDS) {
      const codes = ward.groups.map((g) => g.code);
      expect(new Set(codes).size, ward.code).toBe(codes.length);
      expect(ward.groups.length).toBeGreaterThanOrEqual(10);
      for (const g of ward.groups) {
        expect(g.demo).toBe(true);
        expect(g.householdsOnRegister).toBeGreaterThan(50);
        expect(g.name).toMatch(/^(Tổ dân phố|Khu phố) /);
      }
      expect(ward.demo).toBe(true);
    }
  });

  it('has the current consent notice, in Vietnamese and English, naming the controller, the law and the decree', () => {
    for (const ward of SEED_WARDS) {
      const notice = ward.consentNotices.find((n) => n.version === ward.currentNoticeVersion);
      expect(notice, ward.code).toBeDefined();
      expect(ward.currentNoticeVersion).toBe('2026-01');
      const shortName = ward.name.replace(/^Phường /, '');
      expect(notice!.text.vi).toContain(`Ủy ban nhân dân phường ${shortName} là bên kiểm soát dữ liệu`);
      expect(notice!.text.en).toContain(`UBND phường ${shortName}`);
      for (const text of [notice!.text.vi, notice!.text.en]) {
        expect(text).toContain('91/2025/QH15');
        expect(text).toContain('356/2025/NĐ-CP');
        expect(text).toBe(text.normalize('NFC'));
        // Short enough to read aloud at the door (about a minute).
        expect(text.split(/\s+/).length).toBeLessThan(220);
      }
      expect(notice!.text.vi).toMatch(/mục đích/i);
      expect(notice!.text.vi).toMatch(/quyền/);
      expect(notice!.text.vi).toMatch(/Liên hệ/);
      expect(notice!.text.en).toMatch(/Purpose/);
      expect(notice!.text.en).toMatch(/Contact/);
    }
  });

  it('has a current assistance notice (issue 12), the text the migration gives wards seeded before it', () => {
    for (const ward of SEED_WARDS) {
      expect(ward.consentNotices.find((n) => n.version === ward.currentNoticeVersion)?.purpose, ward.code).toBe('survey');
      const notice = ward.consentNotices.find((n) => n.purpose === 'assistance' && n.version === ward.currentAssistanceNoticeVersion);
      expect(notice, ward.code).toEqual(assistanceNotice(ward.name, ward.settings.retentionMonths));
      for (const text of [notice!.text.vi, notice!.text.en]) {
        expect(text).toContain('91/2025/QH15');
        expect(text).toContain(`${ward.settings.retentionMonths}`);
        expect(text).toBe(text.normalize('NFC'));
        expect(text.split(/\s+/).length).toBeLessThan(220);
      }
      // What is kept, why, that it is optional, how to withdraw.
      expect(notice!.text.vi).toMatch(/họ tên và số điện thoại/);
      expect(notice!.text.vi).toMatch(/Mục đích/);
      expect(notice!.text.vi).toMatch(/không bắt buộc/);
      expect(notice!.text.vi).toMatch(/rút lại sự đồng ý/);
      expect(notice!.text.en).toMatch(/withdraw your consent/);
    }
  });

  it('names Chí Linh as the demo ward', () => {
    expect(DEMO_WARD_CODE).toBe('10546');
    expect(findSeedWard(DEMO_WARD_CODE)?.name).toBe('Phường Chí Linh');
    expect(findSeedWard('99999')).toBeUndefined();
  });
});

describe('wardConfigSchema cross-checks', () => {
  const base = () => JSON.parse(JSON.stringify(findSeedWard('10546')));

  it('requires the current notice version to be one of the notices', () => {
    const ward = base();
    ward.currentNoticeVersion = '2027-01';
    const result = wardConfigSchema.safeParse(ward);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['currentNoticeVersion', 'unknown_notice_version']]);
  });

  it('checks each current notice against the notices of its purpose, and a notice version used twice', () => {
    const ward = base();
    ward.currentAssistanceNoticeVersion = ward.currentNoticeVersion; // a survey notice, not an assistance one
    ward.consentNotices.push({ ...ward.consentNotices[0] });
    const result = wardConfigSchema.safeParse(ward);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['currentAssistanceNoticeVersion', 'unknown_notice_version'],
      ['consentNotices.2.version', 'duplicate_notice_version'],
    ]);
    const old = base();
    delete old.currentAssistanceNoticeVersion;
    old.consentNotices = old.consentNotices.filter((n: { purpose: string }) => n.purpose === 'survey').map(({ purpose: _p, ...n }: { purpose: string }) => n);
    const parsed = wardConfigSchema.parse(old);
    expect(parsed.consentNotices.map((n) => n.purpose)).toEqual(['survey']);
  });

  it('rejects a tổ dân phố code used twice', () => {
    const ward = base();
    ward.groups[5].code = ward.groups[2].code;
    const result = wardConfigSchema.safeParse(ward);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['groups.5.code', 'duplicate_group_code']]);
  });

  it('rejects a target that is a percentage rather than a fraction, and a year that is not one', () => {
    const ward = base();
    ward.targets['2026'].vneid = 85;
    expect(wardConfigSchema.safeParse(ward).success).toBe(false);
    const ward2 = base();
    ward2.targets['năm 2026'] = { vneid: 0.85 };
    expect(wardConfigSchema.safeParse(ward2).success).toBe(false);
  });
});
