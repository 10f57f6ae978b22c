// A small builder of valid household records for server tests (until the shared demo-data
// generator is used): deterministic from a seed, shaped exactly as the phone syncs them.
import { randomUUID } from 'node:crypto';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';
import { mulberry32 } from '../../src/demo/seeded-random.js';

export const FIXTURE_WARDS_DIR = 'tests/fixtures/wards';
export const WARD = '10546';
export const OTHER_WARD = '10837';

function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(rand() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface RecordOptions {
  id?: string;
  rev?: number;
  wardCode?: string;
  groupCode?: string;
  members?: number;
  seed?: number;
  outcome?: 'surveyed' | 'not_home' | 'refused';
  note?: string;
}

const yn = (r: () => number) => (['yes', 'no', 'unknown'] as const)[Math.floor(r() * 3)]!;
const skill = (r: () => number) => (['proficient', 'needs_help', 'none', 'unknown'] as const)[Math.floor(r() * 4)]!;

export function householdRecord(options: RecordOptions = {}): HouseholdRecord {
  const rand = mulberry32(options.seed ?? Math.floor(Math.random() * 2 ** 31));
  const outcome = options.outcome ?? 'surveyed';
  const memberCount = outcome === 'surveyed' ? (options.members ?? 1 + Math.floor(rand() * 5)) : 0;
  const members = Array.from({ length: memberCount }, (_, i) => {
    const birthYear = i === 0 ? 1960 + Math.floor(rand() * 30) : 1940 + Math.floor(rand() * 85);
    const adult = 2026 - birthYear >= 14;
    return {
      id: uuidFrom(rand),
      relation: i === 0 ? ('head' as const) : ('child' as const),
      birthYear,
      sex: rand() < 0.5 ? ('male' as const) : ('female' as const),
      vneid: (['none', 'level1', 'level2', 'unknown'] as const)[Math.floor(rand() * 4)]!,
      ehr: yn(rand),
      digitalServices12m: { health: yn(rand), education: yn(rand), insurance: yn(rand), transport: yn(rand) },
      wantsHelp: rand() < 0.3 ? ['vneid_level2' as const] : [],
      ...(adult
        ? {
            ownsSmartphone: yn(rand),
            usedInternet3m: yn(rand),
            skills: {
              publicServices: skill(rand),
              shopping: skill(rand),
              payments: skill(rand),
              safety: skill(rand),
              localPlatforms: skill(rand),
            },
            bankAccount: yn(rand),
            cashless30d: yn(rand),
            digitalSignature: yn(rand),
            onlinePublicService12m: yn(rand),
            cityApp: yn(rand),
          }
        : {}),
    };
  });
  const wardCode = options.wardCode ?? WARD;
  return {
    id: options.id ?? uuidFrom(rand),
    kind: 'household',
    rev: options.rev ?? 1,
    schemaVersion: 2,
    clientUpdatedAt: '2026-11-20T08:30:00.000Z',
    data: {
      wardCode,
      installId: uuidFrom(rand),
      surveyedAt: '2026-11-20',
      groupCode: options.groupCode ?? `TDP0${1 + Math.floor(rand() * 9)}`,
      address: { houseNumber: String(1 + Math.floor(rand() * 200)), street: 'Trần Hưng Đạo' },
      outcome,
      ...(options.note ? { note: options.note } : {}),
      ...(outcome === 'surveyed'
        ? {
            consent: {
              given: true as const,
              consenterRelation: 'head' as const,
              consentedAt: '2026-11-20T08:00:00.000Z',
              method: 'verbal' as const,
              noticeVersion: '2026-01',
            },
            devices: { smartphones: Math.floor(rand() * 4), computerOrTablet: yn(rand), fixedBroadband: yn(rand), fibre: yn(rand), wifi: yn(rand) },
            payments: { billsCashless: yn(rand), businessAcceptsQr: 'no_business' as const },
          }
        : {}),
      members,
    },
  };
}

export function batch(records: unknown[], batchId: string = randomUUID()) {
  return { protocolVersion: 1, batchId, records };
}
