// The indicators of the ward plans, each with its own numerator and denominator (PRODUCT.md).
// One definition serves the server's SQL tallies (as the reference they are tested against)
// and any count made on the phone. "Không rõ" answers leave numerator and denominator and are
// counted apart. Voided and practice households count nowhere; refused and not-home visits
// count as visits only.
import type { HouseholdData, Member } from '../schema/household.js';
import { SKILL_KEYS } from '../schema/household.js';
import { ageOnDate } from './age.js';
import { applies, type MemberQuestion, type RelevanceAges } from './relevance.js';

export const INDICATOR_CODES = [
  'vneid',
  'vneid_level2',
  'digital_signature',
  'bank_account_15',
  'cashless_30d',
  'ehr',
  'digital_services',
  'online_public_service',
  'smartphone_adult',
  'household_basic_skills',
  'household_fibre',
  'coverage',
] as const;
export type IndicatorCode = (typeof INDICATOR_CODES)[number];

export type Tally = 'yes' | 'no' | 'unknown';

/** The ward's ages: the same settings decide who is asked (relevance.ts) and who is counted. */
export type IndicatorSettings = RelevanceAges;

interface Base {
  code: IndicatorCode;
  /** Shown as the row name of the monthly report (the plan's own wording). */
  name: { vi: string; en: string };
  /** The indicator as the ward plans word it (PRODUCT.md's table; the plans' target rows). */
  planWording: string;
  /** A survey proxy of a plan target measured by other means (labelled as such). */
  proxy: boolean;
}
export interface MemberIndicator extends Base {
  over: 'members';
  /**
   * The question it tallies: its denominator is whoever that question is asked of (the
   * relevance table), so asking only what applies never moves it.
   */
  question: MemberQuestion;
  eligible: (age: number, s: IndicatorSettings) => boolean;
  tally: (m: Member) => Tally;
}
export interface HouseholdIndicator extends Base {
  over: 'households';
  tally: (h: HouseholdData, s: IndicatorSettings) => Tally;
}
export interface CoverageIndicator extends Base {
  over: 'register';
}
export type IndicatorDefinition = MemberIndicator | HouseholdIndicator | CoverageIndicator;

const yn = (v: 'yes' | 'no' | 'unknown' | undefined): Tally => v ?? 'unknown';
/** Counted where the question is asked (relevance.ts). */
const askedOf = (question: MemberQuestion) => ({
  question,
  eligible: (age: number, s: IndicatorSettings) => applies(question, age, s),
});

export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    code: 'vneid',
    name: { vi: 'Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)', en: 'Residents with an electronic ID account (VNeID)' },
    planWording: 'Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)',
    proxy: false,
    over: 'members',
    ...askedOf('vneid'),
    tally: (m) => (m.vneid === undefined || m.vneid === 'unknown' ? 'unknown' : m.vneid === 'none' ? 'no' : 'yes'),
  },
  {
    code: 'vneid_level2',
    name: { vi: 'Tỷ lệ người dân có tài khoản định danh điện tử mức 2', en: 'Residents with a level-2 VNeID account' },
    planWording: 'Tỷ lệ người dân có tài khoản định danh điện tử mức 2',
    proxy: false,
    over: 'members',
    ...askedOf('vneid'),
    tally: (m) => (m.vneid === undefined || m.vneid === 'unknown' ? 'unknown' : m.vneid === 'level2' ? 'yes' : 'no'),
  },
  {
    code: 'digital_signature',
    name: { vi: 'Tỷ lệ người dân trưởng thành có chữ ký số', en: 'Adults with a personal digital signature' },
    planWording: 'Tỷ lệ người dân trưởng thành có chữ ký số',
    proxy: false,
    over: 'members',
    ...askedOf('digitalSignature'),
    tally: (m) => yn(m.digitalSignature),
  },
  {
    code: 'bank_account_15',
    name: {
      vi: 'Dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc tổ chức được phép',
      en: 'Population aged 15+ with an account at a bank or licensed organisation',
    },
    planWording: 'Dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc tổ chức được phép',
    proxy: false,
    over: 'members',
    ...askedOf('bankAccount'),
    tally: (m) => yn(m.bankAccount),
  },
  {
    code: 'cashless_30d',
    name: {
      vi: 'Tỷ lệ giao dịch không dùng tiền mặt (chỉ số thay thế từ khảo sát)',
      en: 'Cashless transactions (survey proxy)',
    },
    planWording: 'Tỷ lệ giao dịch không dùng tiền mặt',
    proxy: true,
    over: 'members',
    ...askedOf('cashless30d'),
    tally: (m) => yn(m.cashless30d),
  },
  {
    code: 'ehr',
    name: { vi: 'Tỷ lệ người dân có Sổ sức khỏe điện tử', en: 'Residents with an activated electronic health record' },
    planWording: 'Tỷ lệ người dân có Sổ sức khỏe điện tử',
    proxy: false,
    over: 'members',
    ...askedOf('ehr'),
    tally: (m) => m.ehr,
  },
  {
    code: 'digital_services',
    name: {
      vi: 'Dân số trưởng thành tiếp cận dịch vụ số trong y tế, giáo dục, bảo hiểm, giao thông',
      en: 'Adults using digital services in health, education, insurance or transport',
    },
    planWording: 'Dân số trưởng thành tiếp cận dịch vụ số trong y tế, giáo dục, bảo hiểm, giao thông',
    proxy: false,
    over: 'members',
    ...askedOf('digitalServices12m'),
    tally: (m) => {
      if (!m.digitalServices12m) return 'unknown';
      const answers = Object.values(m.digitalServices12m);
      if (answers.includes('yes')) return 'yes';
      return answers.includes('unknown') ? 'unknown' : 'no';
    },
  },
  {
    code: 'online_public_service',
    name: {
      vi: 'Tỷ lệ sử dụng dịch vụ công trực tuyến (chỉ số thay thế từ khảo sát)',
      en: 'Use of online public services (survey proxy)',
    },
    planWording: 'Tỷ lệ sử dụng dịch vụ công trực tuyến',
    proxy: true,
    over: 'members',
    ...askedOf('onlinePublicService12m'),
    tally: (m) => yn(m.onlinePublicService12m),
  },
  {
    code: 'smartphone_adult',
    name: { vi: 'Dân số trưởng thành có điện thoại thông minh', en: 'Adults who own a smartphone' },
    planWording: 'Dân số trưởng thành có điện thoại thông minh',
    proxy: false,
    over: 'members',
    ...askedOf('ownsSmartphone'),
    // Asked from 14 with the skills; the plans count adults.
    eligible: (age, s) => age >= s.adultAge && applies('ownsSmartphone', age, s),
    tally: (m) => yn(m.ownsSmartphone),
  },
  {
    code: 'household_basic_skills',
    name: {
      vi: 'Hộ gia đình có người thành thạo kỹ năng số cơ bản',
      en: 'Households with a member proficient in all five basic digital skills',
    },
    planWording: 'Hộ gia đình có người thành thạo kỹ năng số cơ bản',
    proxy: false,
    over: 'households',
    tally: (h, s) => {
      let unknown = false;
      for (const m of h.members) {
        // Only members the skills are asked of count (the same rule as the question).
        if (!m.skills || !applies('skills', ageOnDate(m.birthYear, h.surveyedAt), s)) continue;
        const levels = SKILL_KEYS.map((k) => m.skills![k]);
        if (levels.every((l) => l === 'proficient')) return 'yes';
        if (levels.includes('unknown') && !levels.some((l) => l === 'needs_help' || l === 'none')) unknown = true;
      }
      return unknown ? 'unknown' : 'no';
    },
  },
  {
    code: 'household_fibre',
    name: { vi: 'Hộ gia đình có Internet cáp quang', en: 'Households with fibre Internet' },
    planWording: 'Hộ gia đình có Internet cáp quang',
    proxy: false,
    over: 'households',
    tally: (h) => h.devices?.fibre ?? 'unknown',
  },
  {
    code: 'coverage',
    name: { vi: 'Tỷ lệ hộ gia đình đã được khảo sát', en: 'Survey coverage of registered households' },
    planWording: 'Tỷ lệ hộ gia đình được khảo sát kỹ năng số và thiết bị công nghệ',
    proxy: false,
    over: 'register',
  },
];

export interface IndicatorCount {
  code: IndicatorCode;
  numerator: number;
  denominator: number;
  unknown: number;
}

export interface HouseholdCounts {
  surveyed: number;
  notHome: number;
  refused: number;
  onRegister: number;
}

/** Whether a household's latest rev counts in any tally. */
export function countsInTallies(h: Pick<HouseholdData, 'voided' | 'practice'>): boolean {
  return !h.voided && !h.practice;
}

/**
 * Counts every indicator over the latest revs of a ward's households (a reference implementation:
 * the server computes the same in SQL, and tests compare the two).
 */
export function countIndicators(
  households: readonly HouseholdData[],
  settings: IndicatorSettings,
  onRegister: number,
): { households: HouseholdCounts; indicators: IndicatorCount[] } {
  const counts = new Map<IndicatorCode, IndicatorCount>(
    INDICATORS.map((d) => [d.code, { code: d.code, numerator: 0, denominator: 0, unknown: 0 }]),
  );
  const hh: HouseholdCounts = { surveyed: 0, notHome: 0, refused: 0, onRegister };
  const add = (c: IndicatorCount, t: Tally) => {
    if (t === 'unknown') c.unknown++;
    else {
      c.denominator++;
      if (t === 'yes') c.numerator++;
    }
  };
  for (const h of households) {
    if (!countsInTallies(h)) continue;
    if (h.outcome === 'not_home') hh.notHome++;
    if (h.outcome === 'refused') hh.refused++;
    if (h.outcome !== 'surveyed') continue;
    hh.surveyed++;
    for (const def of INDICATORS) {
      const c = counts.get(def.code)!;
      if (def.over === 'households') add(c, def.tally(h, settings));
      else if (def.over === 'members') {
        for (const m of h.members) {
          if (def.eligible(ageOnDate(m.birthYear, h.surveyedAt), settings)) add(c, def.tally(m));
        }
      }
    }
  }
  const coverage = counts.get('coverage')!;
  coverage.numerator = hh.surveyed;
  coverage.denominator = onRegister;
  return { households: hh, indicators: [...counts.values()] };
}

/** numerator / denominator, or null when nothing is counted. */
export function ratio(c: Pick<IndicatorCount, 'numerator' | 'denominator'>): number | null {
  return c.denominator === 0 ? null : c.numerator / c.denominator;
}
