// A valid surveyed household for storage tests (ward 10546, the bundled demo ward).
import type { HouseholdDataDraft } from '../../../src/app/storage/records-repo.js';

const INSTALL_ID = '7d3f2a10-5b6c-4e8f-9a1b-2c3d4e5f6a7b';

export function adultMember(name: string, birthYear: number, relation: 'head' | 'spouse' | 'child' = 'head') {
  return {
    id: crypto.randomUUID(),
    name,
    relation,
    birthYear,
    sex: 'male' as const,
    vneid: 'level2' as const,
    ehr: 'yes' as const,
    digitalServices12m: { health: 'yes', education: 'no', insurance: 'unknown', transport: 'no' } as const,
    wantsHelp: [],
    ownsSmartphone: 'yes' as const,
    usedInternet3m: 'yes' as const,
    skills: { publicServices: 'proficient', shopping: 'needs_help', payments: 'none', safety: 'unknown', localPlatforms: 'proficient' } as const,
    bankAccount: 'yes' as const,
    cashless30d: 'yes' as const,
    digitalSignature: 'no' as const,
    onlinePublicService12m: 'unknown' as const,
    cityApp: 'no' as const,
  };
}

export function surveyedHousehold(overrides: Partial<HouseholdDataDraft> = {}): HouseholdDataDraft {
  return {
    wardCode: '10546',
    installId: INSTALL_ID,
    groupCode: 'TDP01',
    address: { houseNumber: '12', lane: 'Ngõ 5', street: 'Trần Hưng Đạo' },
    outcome: 'surveyed',
    consent: {
      given: true,
      consenterRelation: 'head',
      consentedAt: '2026-11-24T02:00:00.000Z',
      method: 'verbal',
      noticeVersion: '2026-01',
    },
    devices: { smartphones: 2, computerOrTablet: 'yes', fixedBroadband: 'yes', fibre: 'yes', wifi: 'yes' },
    payments: { billsCashless: 'yes', businessAcceptsQr: 'no_business' },
    members: [adultMember('Nguyễn Văn An', 1980), adultMember('Trần Thị Dũng', 1984, 'spouse')],
    ...overrides,
  };
}

export function notHomeHousehold(houseNumber: string): HouseholdDataDraft {
  return {
    wardCode: '10546',
    installId: INSTALL_ID,
    groupCode: 'TDP02',
    address: { houseNumber },
    outcome: 'not_home',
    members: [],
  };
}
