import { describe, expect, it } from 'vitest';
import { countIndicators, INDICATOR_CODES, INDICATORS, ratio } from '../../../src/shared/domain/indicators.js';
import type { HouseholdData, Member } from '../../../src/shared/schema/household.js';
import { member } from '../../helpers/dashboard.js';

const settings = { adultAge: 18, vneidMinAge: 14 };
let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;


function household(members: Member[], over: Partial<HouseholdData> = {}): HouseholdData {
  return {
    wardCode: '10546',
    installId: uuid(),
    surveyedAt: '2026-11-20',
    groupCode: 'TDP01',
    address: { houseNumber: '1' },
    outcome: 'surveyed',
    consent: { given: true, consenterRelation: 'head', consentedAt: '2026-11-20T02:00:00.000Z', method: 'verbal', noticeVersion: '2026-01' },
    devices: { smartphones: 1, computerOrTablet: 'no', fixedBroadband: 'yes', fibre: 'yes', wifi: 'yes' },
    payments: { billsCashless: 'yes', businessAcceptsQr: 'no_business' },
    members,
    ...over,
  };
}

const get = (r: ReturnType<typeof countIndicators>, code: string) => r.indicators.find((i) => i.code === code)!;

describe('indicator definitions', () => {
  it('defines every code of the dashboard API once', () => {
    expect(INDICATORS.map((d) => d.code)).toEqual([...INDICATOR_CODES]);
  });

  it('counts a small hand-computed ward', () => {
    const households = [
      // 2 adults (one VNeID unknown), one 10-year-old (not in the VNeID denominator).
      household([
        member(1980, { vneid: 'level1', digitalSignature: 'yes' }),
        member(1985, { vneid: 'unknown', bankAccount: 'unknown' }),
        member(2016, { vneid: 'none', ehr: 'no' }),
      ]),
      // One 16-year-old (VNeID and bank_account_15 count, adults do not) and one adult with no skills.
      household(
        [
          member(2010, { vneid: 'none', skills: { publicServices: 'needs_help', shopping: 'none', payments: 'none', safety: 'none', localPlatforms: 'none' } }),
          member(1950, {
            ownsSmartphone: 'no',
            cashless30d: 'no',
            digitalServices12m: { health: 'unknown', education: 'no', insurance: 'no', transport: 'no' },
            skills: { publicServices: 'none', shopping: 'none', payments: 'none', safety: 'none', localPlatforms: 'none' },
          }),
        ],
        { devices: { smartphones: 0, computerOrTablet: 'no', fixedBroadband: 'no', fibre: 'unknown', wifi: 'no' } },
      ),
      household([], { outcome: 'refused', consent: undefined, devices: undefined, payments: undefined }),
      household([], { outcome: 'not_home', consent: undefined, devices: undefined, payments: undefined }),
      // Voided and practice households count nowhere.
      household([member(1990)], { voided: true, voidReason: 'trùng' }),
      household([member(1990)], { practice: true }),
    ];
    const r = countIndicators(households, settings, 10);
    expect(r.households).toEqual({ surveyed: 2, notHome: 1, refused: 1, onRegister: 10 });
    expect(get(r, 'vneid')).toMatchObject({ numerator: 2, denominator: 3, unknown: 1 });
    expect(get(r, 'vneid_level2')).toMatchObject({ numerator: 1, denominator: 3, unknown: 1 });
    expect(get(r, 'digital_signature')).toMatchObject({ numerator: 1, denominator: 3, unknown: 0 });
    expect(get(r, 'bank_account_15')).toMatchObject({ numerator: 3, denominator: 3, unknown: 1 });
    expect(get(r, 'cashless_30d')).toMatchObject({ numerator: 2, denominator: 3 });
    expect(get(r, 'ehr')).toMatchObject({ numerator: 4, denominator: 5 });
    expect(get(r, 'digital_services')).toMatchObject({ numerator: 0, denominator: 2, unknown: 1 });
    expect(get(r, 'smartphone_adult')).toMatchObject({ numerator: 2, denominator: 3 });
    expect(get(r, 'household_basic_skills')).toMatchObject({ numerator: 1, denominator: 2 });
    expect(get(r, 'household_fibre')).toMatchObject({ numerator: 1, denominator: 1, unknown: 1 });
    expect(get(r, 'coverage')).toMatchObject({ numerator: 2, denominator: 10 });
    expect(ratio(get(r, 'coverage'))).toBeCloseTo(0.2);
  });

  it('uses the ward settings for adults and the VNeID age', () => {
    const h = [household([member(2009, { vneid: 'level2' }), member(2013, { vneid: 'level2' })])];
    expect(get(countIndicators(h, settings, 1), 'vneid').denominator).toBe(1);
    expect(get(countIndicators(h, { adultAge: 16, vneidMinAge: 14 }, 1), 'smartphone_adult').denominator).toBe(1);
    expect(get(countIndicators(h, { adultAge: 18, vneidMinAge: 0 }, 1), 'vneid').denominator).toBe(2);
  });

  it('gives no value without a denominator', () => {
    expect(ratio({ numerator: 0, denominator: 0 })).toBeNull();
  });
});

describe('indicator wording', () => {
  it('names every indicator in both languages with the plans\u2019 wording, and flags the survey proxies', () => {
    for (const d of INDICATORS) {
      expect(d.name.vi.length).toBeGreaterThan(5);
      expect(d.name.en.length).toBeGreaterThan(5);
      expect(d.planWording.length).toBeGreaterThan(5);
    }
    expect(INDICATORS.filter((d) => d.proxy).map((d) => d.code)).toEqual(['cashless_30d', 'online_public_service']);
  });
});
