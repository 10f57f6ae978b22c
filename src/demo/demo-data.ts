// Demo households for tests, benchmarks and training: realistic, valid against
// householdRecordSchema, and deterministic. Household i of a ward and seed is made from its own
// PRNG stream (ward, seed, i), so 3 households are a prefix of 300, the output never depends on
// the clock, and ids differ between wards. Pure: no node: modules, usable in the browser too.
import type { WardConfig } from '../shared/schema/ward-config.js';
import {
  HELP_TOPICS,
  HOUSEHOLD_KIND,
  HOUSEHOLD_SCHEMA_VERSION,
  MIN_QUESTION_AGE,
  SKILL_KEYS,
  type HouseholdRecord,
  type Member,
  type SkillLevel,
  type VneidLevel,
} from '../shared/schema/household.js';
import type { YesNoUnknown } from '../shared/schema/common.js';
import { DEFAULT_MOBILE_PREFIXES } from '../shared/domain/phone.js';
import { Rng } from './seeded-random.js';

export interface DemoOptions {
  wardConfig: WardConfig;
  count: number;
  seed: number | string;
  /** One install id for every record (one phone); otherwise three phones' ids are derived. */
  installId?: string;
}

// --- Names and places ---------------------------------------------------------------------

// Family names weighted roughly by how common they are.
const FAMILY_NAMES: readonly (readonly [string, number])[] = [
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9], ['Phạm', 7], ['Hoàng', 5], ['Vũ', 4], ['Phan', 4], ['Đặng', 2],
  ['Bùi', 2], ['Đỗ', 2], ['Ngô', 2], ['Hồ', 1.5], ['Dương', 1], ['Lý', 1], ['Đinh', 1], ['Đào', 1],
  ['Mai', 0.7], ['Trịnh', 0.7], ['Lương', 0.5], ['Tô', 0.5], ['Cao', 0.5], ['Lưu', 0.4], ['Quách', 0.3],
];
const MIDDLE_MALE = ['Văn', 'Văn', 'Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Thanh', 'Xuân', 'Công', 'Tiến', 'Ngọc', 'Gia', 'Hoàng'];
const MIDDLE_FEMALE = ['Thị', 'Thị', 'Thị', 'Thu', 'Ngọc', 'Thanh', 'Minh', 'Hồng', 'Phương', 'Kim', 'Bích', 'Khánh', 'Hải'];
const GIVEN_MALE = [
  'Hùng', 'Dũng', 'Tuấn', 'Minh', 'Nam', 'Hải', 'Long', 'Quân', 'Sơn', 'Thắng', 'Phong', 'Cường', 'Hiếu', 'Đức',
  'Khánh', 'Bảo', 'Huy', 'Trung', 'Toàn', 'Việt', 'Thành', 'Tùng', 'Kiên', 'Đạt', 'Lâm', 'Phúc', 'Quý', 'An',
  'Khôi', 'Đăng', 'Vinh', 'Hưng', 'Thịnh', 'Nghĩa', 'Tâm',
];
const GIVEN_FEMALE = [
  'Lan', 'Hương', 'Hoa', 'Mai', 'Linh', 'Trang', 'Hà', 'Thảo', 'Ngọc', 'Yến', 'Nhung', 'Phương', 'Thủy', 'Hằng',
  'Dung', 'Vân', 'Nga', 'Oanh', 'Diệp', 'Anh', 'Huyền', 'Loan', 'Hạnh', 'Quỳnh', 'Chi', 'Nhi', 'My', 'Giang',
  'Thư', 'Tuyết', 'Xuân', 'Liên', 'Hiền', 'Duyên', 'Châu',
];

const STREETS_BY_WARD: Record<string, readonly string[]> = {
  '11311': ['Hoàng Văn Thụ', 'Điện Biên Phủ', 'Minh Khai', 'Quang Trung', 'Tam Bạc', 'Lý Thường Kiệt', 'Hùng Vương', 'Hạ Lý', 'Bạch Đằng', 'Phan Bội Châu'],
  '10837': ['Nguyễn Trãi', 'Trần Hưng Đạo', 'Lê Lợi', 'Hai Bà Trưng', 'Chu Văn An', 'Tô Hiệu', 'Lý Tự Trọng', 'Nguyễn Văn Linh'],
  '11446': ['Phù Liễn', 'Trần Nhân Tông', 'Lê Duẩn', 'Phạm Văn Đồng', 'Nguyễn Lương Bằng', 'Cù Chính Lan', 'Đồng Hòa'],
  '10546': ['Nguyễn Trãi', 'Trần Hưng Đạo', 'Thái Học', 'Lê Lợi', 'Hoàng Hoa Thám', 'Chu Văn An', 'Nguyễn Thái Học', 'Trần Nhân Tông', 'Bến Tắm'],
  '25441': ['Quốc lộ 13', 'Quốc lộ 14', 'Hùng Vương', 'Lê Duẩn', 'Nguyễn Huệ', 'Trần Phú', 'Võ Thị Sáu', 'Đường số 7'],
};
const STREETS_DEFAULT = ['Trần Hưng Đạo', 'Lê Lợi', 'Nguyễn Trãi', 'Hùng Vương', 'Quang Trung', 'Trần Phú', 'Lý Thường Kiệt'];

/** CCCD province-of-registration codes by the ward's province (kept on issued cards). */
const CCCD_PROVINCE_BY_WARD_PROVINCE: Record<string, readonly string[]> = {
  '31': ['031', '031', '031', '030', '034', '036', '001'], // Hải Phòng (with old Hải Dương 030), some from nearby
  '75': ['075', '075', '070', '079', '038', '040', '036'], // Đồng Nai (with old Bình Phước 070), migrants
};

// --- Dates --------------------------------------------------------------------------------

/** The visits are spread over eight weeks of autumn 2026 (fixed, so output never depends on now). */
const FIRST_VISIT_UTC = Date.UTC(2026, 8, 28); // 2026-09-28
const VISIT_DAYS = 56;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

// --- Members ------------------------------------------------------------------------------

type Sex = 'male' | 'female';
interface Person {
  relation: Member['relation'];
  age: number;
  sex: Sex;
  familyName?: string;
}

function fullName(rng: Rng, sex: Sex, familyName: string): string {
  const middle = rng.pick(sex === 'male' ? MIDDLE_MALE : MIDDLE_FEMALE);
  const given = rng.pick(sex === 'male' ? GIVEN_MALE : GIVEN_FEMALE);
  return `${familyName} ${middle} ${given}`;
}

/** Size 1–8 mostly, a few larger (multi-generation households). */
function householdSize(rng: Rng): number {
  return rng.weighted<number>([
    [1, 8], [2, 17], [3, 22], [4, 25], [5, 13], [6, 8], [7, 4], [8, 2], [9, 0.6], [10, 0.3], [12, 0.1],
  ]);
}

/** Who lives in the household: head, spouse, children, a married child's family, parents. */
function composeHousehold(rng: Rng, size: number): Person[] {
  const headSex: Sex = rng.chance(0.72) ? 'male' : 'female';
  const headAge = size === 1 ? rng.int(22, 88) : rng.int(26, 78);
  const people: Person[] = [{ relation: 'head', age: headAge, sex: headSex }];
  const other = (s: Sex): Sex => (s === 'male' ? 'female' : 'male');
  if (size >= 2 && rng.chance(0.88)) {
    people.push({ relation: 'spouse', age: Math.max(18, headAge + rng.int(-6, 4)), sex: other(headSex) });
  }
  let left = size - people.length;
  if (headAge >= 52 && left >= 2 && rng.chance(0.7)) {
    // A married child lives with the parents, with the grandchildren.
    const childAge = headAge - rng.int(22, 32);
    const childSex: Sex = rng.chance(0.7) ? 'male' : 'female';
    people.push({ relation: 'child', age: childAge, sex: childSex });
    people.push({ relation: 'child_in_law', age: Math.max(18, childAge + rng.int(-4, 3)), sex: other(childSex) });
    left -= 2;
    let grandAge = childAge - rng.int(20, 30);
    while (left > 0 && grandAge >= 0 && rng.chance(0.9)) {
      people.push({ relation: 'grandchild', age: grandAge, sex: rng.chance(0.5) ? 'male' : 'female' });
      grandAge -= rng.int(2, 5);
      left--;
    }
  }
  let childAge = headAge - rng.int(21, 34);
  while (left > 0 && childAge >= 0 && people.filter((p) => p.relation === 'child').length < 4) {
    people.push({ relation: 'child', age: childAge, sex: rng.chance(0.5) ? 'male' : 'female' });
    childAge -= rng.int(2, 6);
    left--;
  }
  let parents = 0;
  while (left > 0 && parents < 2 && headAge + 22 <= 100) {
    people.push({ relation: 'parent', age: Math.min(100, headAge + rng.int(22, 32)), sex: parents === 0 ? 'female' : 'male' });
    parents++;
    left--;
  }
  while (left > 0) {
    people.push({
      relation: rng.chance(0.6) ? 'sibling' : rng.chance(0.7) ? 'other_relative' : 'other',
      age: Math.max(0, headAge + rng.int(-12, 8)),
      sex: rng.chance(0.5) ? 'male' : 'female',
    });
    left--;
  }
  return people;
}

/** How digitally active someone of this age tends to be (0–1); drives the other answers. */
function propensity(age: number): number {
  if (age < 14) return 0.25;
  if (age < 18) return 0.8;
  if (age < 40) return 0.88;
  if (age < 60) return 0.72;
  if (age < 75) return 0.42;
  return 0.15;
}

function yesNo(rng: Rng, pYes: number, pUnknown = 0.03): YesNoUnknown {
  if (rng.chance(pUnknown)) return 'unknown';
  return rng.chance(pYes) ? 'yes' : 'no';
}

function vneidFor(rng: Rng, age: number): VneidLevel {
  if (age < 14) return rng.weighted<VneidLevel>([['none', 72], ['level2', 18], ['unknown', 10]]);
  if (age < 60) return rng.weighted<VneidLevel>([['level2', 83], ['level1', 5], ['none', 7], ['unknown', 5]]);
  if (age < 75) return rng.weighted<VneidLevel>([['level2', 66], ['level1', 6], ['none', 20], ['unknown', 8]]);
  return rng.weighted<VneidLevel>([['level2', 38], ['level1', 4], ['none', 44], ['unknown', 14]]);
}

function skillFor(rng: Rng, p: number, hasPhone: boolean): SkillLevel {
  if (rng.chance(0.03)) return 'unknown';
  const proficient = hasPhone ? p * 0.8 : p * 0.1;
  const r = rng.float();
  if (r < proficient) return 'proficient';
  if (r < proficient + (1 - proficient) * 0.55) return 'needs_help';
  return 'none';
}

function cccdFor(rng: Rng, provinceCode: string, birthYear: number, sex: Sex): string {
  const provinces = CCCD_PROVINCE_BY_WARD_PROVINCE[provinceCode] ?? ['001'];
  const centuryDigit = (Math.floor(birthYear / 100) - 19) * 2 + (sex === 'female' ? 1 : 0);
  const yy = String(birthYear % 100).padStart(2, '0');
  const rest = Array.from({ length: 6 }, () => rng.int(0, 9)).join('');
  return `${rng.pick(provinces)}${centuryDigit}${yy}${rest}`;
}

function phoneFor(rng: Rng): string {
  const prefix = rng.pick(DEFAULT_MOBILE_PREFIXES);
  return prefix + Array.from({ length: 7 }, () => rng.int(0, 9)).join('');
}

function makeMember(rng: Rng, person: Person, surveyYear: number, familyName: string, provinceCode: string): Member {
  const { age, sex } = person;
  const birthYear = surveyYear - age;
  const p = propensity(age);
  const id = rng.uuid();
  // Names are optional: most volunteers write them, a few households would rather not.
  const name = rng.chance(0.92) ? fullName(rng, sex, familyName) : undefined;
  const vneid = vneidFor(rng, age);
  const member: Member = {
    id,
    ...(name ? { name } : {}),
    relation: person.relation,
    birthYear,
    sex: rng.chance(0.005) ? 'unknown' : sex,
    vneid,
    ehr: yesNo(rng, vneid === 'level2' ? 0.72 : age < 14 ? 0.35 : 0.12, 0.08),
    digitalServices12m: {
      health: yesNo(rng, Math.min(0.95, p * 0.9 + 0.05)),
      education: yesNo(rng, age >= 6 && age < 25 ? 0.85 : p * 0.5),
      insurance: yesNo(rng, p * 0.6),
      transport: yesNo(rng, p * 0.45),
    },
    wantsHelp: [],
  };
  if (age >= MIN_QUESTION_AGE) {
    const ownsSmartphone = yesNo(rng, age < 18 ? 0.8 : age < 60 ? 0.96 : age < 75 ? 0.72 : 0.35, 0.02);
    const hasPhone = ownsSmartphone === 'yes';
    const skills = Object.fromEntries(SKILL_KEYS.map((k) => [k, skillFor(rng, p, hasPhone)])) as NonNullable<Member['skills']>;
    const bankAccount = yesNo(rng, age < 18 ? 0.45 : age < 75 ? 0.9 : 0.5, 0.04);
    Object.assign(member, {
      ownsSmartphone,
      usedInternet3m: yesNo(rng, hasPhone ? 0.96 : 0.2, 0.02),
      skills,
      bankAccount,
      cashless30d: yesNo(rng, bankAccount === 'yes' && hasPhone ? 0.82 : 0.08, 0.04),
      digitalSignature: yesNo(rng, age < 18 ? 0.02 : p * 0.45, 0.1),
      onlinePublicService12m: yesNo(rng, age < 18 ? 0.1 : p * 0.55, 0.05),
      cityApp: yesNo(rng, hasPhone ? 0.3 : 0.02, 0.06),
    });
    if (rng.chance(0.2)) member.cccd = cccdFor(rng, provinceCode, birthYear, sex);
    if (hasPhone && rng.chance(0.3)) member.phone = phoneFor(rng);
    // The follow-up list: what someone struggling asks for.
    const wants = new Set<(typeof HELP_TOPICS)[number]>();
    if (vneid === 'none' || vneid === 'level1') wants.add(vneid === 'none' ? 'vneid_install' : 'vneid_level2');
    if (skills.publicServices === 'needs_help' && rng.chance(0.5)) wants.add('public_services');
    if (skills.payments === 'needs_help' && rng.chance(0.4)) wants.add('payments');
    if (skills.safety !== 'proficient' && rng.chance(0.15)) wants.add('online_safety');
    if (member.ehr === 'no' && rng.chance(0.15)) wants.add('ehr');
    if (ownsSmartphone === 'no' && rng.chance(0.2)) wants.add('smartphone');
    member.wantsHelp = [...wants].slice(0, 3);
  }
  return member;
}

// --- Households ---------------------------------------------------------------------------

function pickGroup(rng: Rng, ward: WardConfig): string {
  const group = rng.weighted(ward.groups.map((g) => [g.code, Math.max(1, g.householdsOnRegister)] as const));
  return group;
}

function makeHousehold(ward: WardConfig, seed: string, index: number, installIds: readonly string[]): HouseholdRecord {
  const rng = Rng.of('household', ward.code, seed, index);
  const id = rng.uuid();
  const installId = rng.pick(installIds);
  const dayMs = FIRST_VISIT_UTC + rng.int(0, VISIT_DAYS - 1) * 86_400_000;
  // Visits between 08:00 and 20:00 Vietnam time (UTC+7), stored in UTC.
  const visitMs = dayMs + (rng.int(8 * 60, 20 * 60) - 7 * 60) * 60_000 + rng.int(0, 59) * 1000;
  const surveyedAt = isoDate(dayMs);
  const surveyYear = Number(surveyedAt.slice(0, 4));

  const southern = ward.province.code === '75';
  const streets = STREETS_BY_WARD[ward.code] ?? STREETS_DEFAULT;
  const address: HouseholdRecord['data']['address'] = {
    houseNumber: `${rng.int(1, 180)}${rng.chance(0.12) ? rng.pick(['A', 'B', 'C']) : ''}`,
  };
  if (rng.chance(0.65)) {
    const lane = rng.int(2, 320);
    address.lane = rng.chance(0.2) ? `${southern ? 'Hẻm' : 'Ngõ'} ${lane}/${rng.int(1, 40)}` : `${southern ? 'Hẻm' : 'Ngõ'} ${lane}`;
  }
  if (rng.chance(0.9)) address.street = rng.pick(streets);

  const outcome = rng.weighted<HouseholdRecord['data']['outcome']>([['surveyed', 89], ['not_home', 8], ['refused', 3]]);
  const data: HouseholdRecord['data'] = {
    wardCode: ward.code,
    installId,
    surveyedAt,
    groupCode: pickGroup(rng, ward),
    address,
    outcome,
    members: [],
  };
  let rev = 1;
  let updatedMs = visitMs;

  if (outcome === 'not_home') {
    if (rng.chance(0.4)) data.note = rng.pick(['Hẹn quay lại buổi tối', 'Cả nhà đi làm ban ngày', 'Nhà khóa cửa, hỏi hàng xóm', 'Quay lại cuối tuần']);
  } else if (outcome === 'refused') {
    if (rng.chance(0.3)) data.note = rng.pick(['Không muốn cung cấp thông tin', 'Bận, không tham gia']);
  } else {
    const familyName = rng.weighted(FAMILY_NAMES);
    const people = composeHousehold(rng, householdSize(rng));
    const members = people.map((person) => {
      // Spouses, children-in-law and parents keep their own family names; children take the head's.
      const ownFamily = ['spouse', 'child_in_law', 'parent', 'other'].includes(person.relation);
      return makeMember(rng, person, surveyYear, ownFamily ? rng.weighted(FAMILY_NAMES) : familyName, ward.province.code);
    });
    const head = members[0];
    const spouse = members.find((m) => m.relation === 'spouse');
    const consenter = spouse && rng.chance(0.3) ? spouse : head;
    const smartphoneOwners = members.filter((m) => m.ownsSmartphone === 'yes').length;
    const broadband = yesNo(rng, 0.78, 0.03);
    data.consent = {
      given: true,
      consenterRelation: consenter?.relation ?? 'head',
      consentedAt: new Date(visitMs).toISOString(),
      method: rng.weighted<'verbal' | 'signed' | 'other'>([['verbal', 90], ['signed', 8], ['other', 2]]),
      noticeVersion: ward.currentNoticeVersion,
    };
    if (consenter?.name) data.consent.consenterName = consenter.name;
    data.devices = {
      smartphones: rng.chance(0.03) ? null : smartphoneOwners + (rng.chance(0.15) ? 1 : 0),
      computerOrTablet: yesNo(rng, 0.45),
      fixedBroadband: broadband,
      fibre: broadband === 'yes' ? yesNo(rng, 0.93, 0.04) : broadband === 'no' ? 'no' : 'unknown',
      wifi: broadband === 'yes' ? yesNo(rng, 0.97, 0.01) : yesNo(rng, 0.05, 0.05),
    };
    data.payments = {
      billsCashless: yesNo(rng, 0.66, 0.05),
      businessAcceptsQr: rng.weighted<'yes' | 'no' | 'no_business' | 'unknown'>([
        ['no_business', 80], ['yes', 14], ['no', 5], ['unknown', 1],
      ]),
    };
    data.members = members;
    // Some households were opened again to correct an answer: a later rev, same surveyedAt.
    if (rng.chance(0.1)) {
      rev = 2;
      updatedMs = visitMs + rng.int(1, 72) * 3_600_000;
    }
  }

  return {
    id,
    kind: HOUSEHOLD_KIND,
    rev,
    schemaVersion: HOUSEHOLD_SCHEMA_VERSION,
    clientUpdatedAt: new Date(updatedMs).toISOString(),
    data,
  };
}

/** Makes `count` demo households for a ward; same (ward, seed) → identical output. */
export function generateHouseholds({ wardConfig, count, seed, installId }: DemoOptions): HouseholdRecord[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  const seedText = String(seed);
  const installIds = installId
    ? [installId]
    : [0, 1, 2].map((k) => Rng.of('install', wardConfig.code, seedText, k).uuid());
  return Array.from({ length: count }, (_, i) => makeHousehold(wardConfig, seedText, i, installIds));
}
