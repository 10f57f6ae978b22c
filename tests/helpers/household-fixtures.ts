// Hand-written household records for schema tests: one valid surveyed household (two adults
// and a 10-year-old), and a visit without a survey. Each call returns a fresh deep copy, typed
// loosely so a test can break any field.
export const IDS = {
  record: '5b0f8a52-3c1e-4d7a-9a61-2f3c4d5e6f70',
  install: '0d6c1f1e-8a4b-4c2d-b3e4-f5a6b7c8d9e0',
  head: '11111111-2222-4333-8444-555555555555',
  spouse: '21111111-2222-4333-8444-555555555555',
  child: '31111111-2222-4333-8444-555555555555',
} as const;

const adultAnswers = {
  ownsSmartphone: 'yes',
  usedInternet3m: 'yes',
  skills: { publicServices: 'proficient', shopping: 'proficient', payments: 'needs_help', safety: 'none', localPlatforms: 'unknown' },
  bankAccount: 'yes',
  cashless30d: 'yes',
  digitalSignature: 'no',
  onlinePublicService12m: 'unknown',
  cityApp: 'no',
} as const;

const everyoneAnswers = {
  vneid: 'level2',
  ehr: 'yes',
  digitalServices12m: { health: 'yes', education: 'no', insurance: 'unknown', transport: 'no' },
  wantsHelp: [],
} as const;

const surveyed = {
  id: IDS.record,
  kind: 'household',
  rev: 1,
  schemaVersion: 2,
  clientUpdatedAt: '2026-10-15T02:30:00.000Z',
  data: {
    wardCode: '10546',
    installId: IDS.install,
    surveyedAt: '2026-10-15',
    groupCode: 'TDP03',
    address: { houseNumber: '12A', lane: 'Ngõ 12', street: 'Nguyễn Trãi' },
    outcome: 'surveyed',
    consent: {
      given: true,
      consenterName: 'Nguyễn Văn Dũng',
      consenterRelation: 'head',
      consentedAt: '2026-10-15T02:10:00.000Z',
      method: 'verbal',
      noticeVersion: '2026-01',
    },
    devices: { smartphones: 2, computerOrTablet: 'no', fixedBroadband: 'yes', fibre: 'yes', wifi: 'yes' },
    payments: { billsCashless: 'yes', businessAcceptsQr: 'no_business' },
    members: [
      {
        id: IDS.head, name: 'Nguyễn Văn Dũng', relation: 'head', birthYear: 1980, sex: 'male',
        cccd: '031080123456', phone: '0912345678', ...everyoneAnswers, ...adultAnswers,
      },
      {
        id: IDS.spouse, name: 'Trần Thị Hương', relation: 'spouse', birthYear: 1983, sex: 'female',
        ...everyoneAnswers, ...adultAnswers, wantsHelp: ['vneid_level2'],
      },
      // 10 years old on the survey date: only the questions asked of everyone.
      { id: IDS.child, relation: 'child', birthYear: 2016, sex: 'female', ...everyoneAnswers, vneid: 'none' },
    ],
  },
};

// Tests corrupt records on purpose (any path, any value): a typed record would forbid exactly that.
 
export type Loose = any;

export function validSurveyed(): Loose {
  return JSON.parse(JSON.stringify(surveyed)); // not structuredClone: it keeps shared sub-objects shared
}

export function validVisit(outcome: 'not_home' | 'refused'): Loose {
  const record = validSurveyed();
  record.data = {
    wardCode: '10546',
    installId: IDS.install,
    surveyedAt: '2026-10-15',
    groupCode: 'TDP03',
    address: { houseNumber: '14' },
    outcome,
  };
  return record;
}
