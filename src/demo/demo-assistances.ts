// Demo assistances for tests, benchmarks and training: realistic, valid against
// assistanceRecordSchema and deterministic. Like demo-data.ts, assistance i of a (ward, seed) is
// made from its own PRNG stream, so the output never depends on the clock and 3 assistances are
// a prefix of 300 (for the same households). Pure: no node: modules.
//
// The mix: mostly "install VNeID, done" at campaign tables ("đợt ra quân"), some level 2
// guidance, recoveries and the rest; about one in five not done or needing a follow-up, with a
// reason that fits the help; about half linked to a surveyed member of the given households
// (preferring members with a gap), whose name, year of birth and phone they carry.
import {
  ASSISTANCE_KIND,
  ASSISTANCE_SCHEMA_VERSION,
  type AssistanceKind,
  type AssistanceReason,
  type AssistanceRecord,
} from '../shared/schema/assistance.js';
import { MIN_QUESTION_AGE, type HouseholdRecord, type Member } from '../shared/schema/household.js';
import type { WardConfig } from '../shared/schema/ward-config.js';
import { Rng } from './seeded-random.js';
import { TOPIC_COVERED_BY } from '../shared/domain/follow-up.js';

export interface DemoAssistanceOptions {
  wardConfig: WardConfig;
  /** Households the helps may link to (only live surveyed ones with members aged 14+ are used). */
  households: readonly HouseholdRecord[];
  count: number;
  seed: number | string;
  /** One install id for every record (one phone); otherwise two phones' ids are derived. */
  installId?: string;
  /** Teaching card ids a teaching_card help may name (defaults to the ids in seeds/teaching). */
  teachingCardIds?: readonly string[];
}

/** The card ids of seeds/teaching/cards.json (a test checks they match). */
export const DEMO_TEACHING_CARD_IDS = ['vneid-install', 'vneid-level2', 'health-record', 'pay-by-qr', 'online-public-service', 'scam-awareness'] as const;

// --- Events, people, helps ------------------------------------------------------------------

const DAY_MS = 86_400_000;
/** Vietnam time is UTC+7; times below are local minutes after midnight. */
const VN_OFFSET_MIN = 7 * 60;

interface Campaign {
  name: string | undefined; // undefined: a door-to-door visit, not a campaign
  /** First day (UTC midnight of the local date) and number of days. */
  firstDay: number;
  days: number;
  weight: number;
}

const CAMPAIGNS: readonly Campaign[] = [
  { name: 'Đợt ra quân tháng 10/2026', firstDay: Date.UTC(2026, 9, 10), days: 2, weight: 22 },
  { name: 'Ngày hội chuyển đổi số phường', firstDay: Date.UTC(2026, 9, 25), days: 1, weight: 12 },
  { name: 'Đợt ra quân tháng 11/2026', firstDay: Date.UTC(2026, 10, 7), days: 2, weight: 26 },
  { name: 'Chiến dịch hỗ trợ VNeID mức 2', firstDay: Date.UTC(2026, 10, 14), days: 2, weight: 10 },
  { name: undefined, firstDay: Date.UTC(2026, 9, 1), days: 51, weight: 30 },
];

const CAMPAIGN_PLACES = ['Nhà văn hóa khu dân cư', 'Hội trường UBND phường', 'Sân nhà văn hóa', 'Cổng chợ', 'Điểm bưu điện văn hóa'];

const FAMILY = ['Nguyễn', 'Nguyễn', 'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Phan', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MALE = ['Văn Hùng', 'Văn Bình', 'Đức Thắng', 'Văn Toàn', 'Minh Tuấn', 'Quang Huy', 'Văn Sơn', 'Hữu Nghĩa'];
const FEMALE = ['Thị Lan', 'Thị Hoa', 'Thị Mai', 'Thu Hương', 'Thị Hằng', 'Ngọc Anh', 'Thị Nga', 'Thị Tuyết'];
const PREFIXES = ['090', '091', '093', '094', '096', '097', '098', '086', '088', '070', '077', '083', '085', '035', '036', '038'];

const KIND_TABLE: readonly (readonly [AssistanceKind, number])[] = [
  ['install_vneid', 66],
  ['activate_level2_guidance', 12],
  ['password_or_device_recovery', 9],
  ['add_documents_or_health_record', 8],
  ['setup_bank_ewallet_qr', 6],
  ['submit_online_public_service', 5],
  ['scam_awareness', 5],
  ['teaching_card', 2],
];

/** Reasons that fit a kind of help, weighted. */
const REASONS_BY_KIND: Partial<Record<AssistanceKind, readonly (readonly [AssistanceReason, number])[]>> = {
  install_vneid: [
    ['phone_not_registered_number_no_otp', 30], ['no_nfc_chip_reader', 20], ['no_smartphone', 15], ['data_mismatch', 10],
    ['must_register_level2_at_police', 10], ['person_absent_or_refused', 8], ['other', 7],
  ],
  activate_level2_guidance: [['must_register_level2_at_police', 55], ['phone_not_registered_number_no_otp', 20], ['data_mismatch', 15], ['other', 10]],
  password_or_device_recovery: [['forgotten_password', 45], ['account_bound_to_old_device', 40], ['phone_not_registered_number_no_otp', 15]],
};
const REASONS_DEFAULT: readonly (readonly [AssistanceReason, number])[] = [
  ['no_smartphone', 30], ['person_absent_or_refused', 30], ['data_mismatch', 15], ['other', 25],
];
const OTHER_NOTES = ['Hẹn quay lại khi có con cháu ở nhà', 'Điện thoại hết pin', 'Mạng yếu, không tải được ứng dụng', 'Người dân muốn tự làm sau'];

interface Candidate {
  household: HouseholdRecord;
  member: Member;
  surveyMs: number;
}

/** The kinds of help a member's gaps call for (the reverse of the follow-up list's mapping). */
function kindsForGaps(member: Member): AssistanceKind[] {
  const kinds = new Set<AssistanceKind>();
  if (member.vneid === 'none') kinds.add('install_vneid');
  if (member.vneid === 'level1') kinds.add('activate_level2_guidance');
  for (const topic of member.wantsHelp) {
    const coveredBy = TOPIC_COVERED_BY[topic];
    if (coveredBy !== 'any' && coveredBy[0]) kinds.add(coveredBy[0]);
  }
  return [...kinds];
}

const hasGap = (member: Member) => kindsForGaps(member).length > 0;

function candidatesOf(households: readonly HouseholdRecord[]): { all: Candidate[]; withGap: Candidate[] } {
  const all: Candidate[] = [];
  for (const household of households) {
    const d = household.data;
    if (d.outcome !== 'surveyed' || d.voided || d.practice) continue;
    const surveyMs = Date.parse(d.consent?.consentedAt ?? household.clientUpdatedAt);
    const surveyYear = Number(d.surveyedAt.slice(0, 4));
    for (const member of d.members) {
      if (surveyYear - member.birthYear >= MIN_QUESTION_AGE) all.push({ household, member, surveyMs });
    }
  }
  return { all, withGap: all.filter((c) => hasGap(c.member)) };
}

function localTime(rng: Rng, dayMs: number, campaign: boolean): number {
  // Campaign tables run mornings and afternoons; door-to-door visits also in the evening.
  const minutes = campaign
    ? rng.chance(0.6) ? rng.int(7 * 60 + 30, 11 * 60 + 15) : rng.int(14 * 60, 17 * 60)
    : rng.chance(0.5) ? rng.int(8 * 60, 11 * 60) : rng.int(17 * 60, 20 * 60 + 30);
  return dayMs + (minutes - VN_OFFSET_MIN) * 60_000 + rng.int(0, 59) * 1000;
}

function makeAssistance(
  options: DemoAssistanceOptions,
  seed: string,
  index: number,
  installIds: readonly string[],
  pool: { all: Candidate[]; withGap: Candidate[] },
): AssistanceRecord[] {
  const { wardConfig } = options;
  const rng = Rng.of('assistance', wardConfig.code, seed, index);
  const id = rng.uuid();
  const installId = rng.pick(installIds);
  const event = rng.weighted(CAMPAIGNS.map((c) => [c, c.weight] as const));

  const linkWanted = rng.chance(0.5);
  const candidate = !linkWanted || pool.all.length === 0
    ? undefined
    : pool.withGap.length > 0 && rng.chance(0.7) ? rng.pick(pool.withGap) : rng.pick(pool.all);

  let campaign = event.name;
  let helpedMs = localTime(rng, event.firstDay + rng.int(0, event.days - 1) * DAY_MS, campaign !== undefined);
  if (candidate && helpedMs <= candidate.surveyMs) {
    // Help for a surveyed member comes after the survey: a visit back to the door.
    campaign = undefined;
    const surveyDay = Date.UTC(new Date(candidate.surveyMs).getUTCFullYear(), new Date(candidate.surveyMs).getUTCMonth(), new Date(candidate.surveyMs).getUTCDate());
    helpedMs = localTime(rng, surveyDay + rng.int(1, 14) * DAY_MS, false);
  }
  const helpedYear = new Date(helpedMs).getUTCFullYear();

  // What was helped with.
  const gapKinds = candidate ? kindsForGaps(candidate.member) : [];
  const kinds = new Set<AssistanceKind>();
  // A member's most pressing gap (VNeID first) is what they are usually helped with.
  const r = rng.chance(0.85) ? (rng.chance(0.8) ? gapKinds[0] : gapKinds[gapKinds.length - 1]) : undefined;
  kinds.add(r ?? rng.weighted(KIND_TABLE));
  if (kinds.has('install_vneid') && rng.chance(0.15)) kinds.add('add_documents_or_health_record');
  if (campaign !== undefined && rng.chance(0.15)) kinds.add('scam_awareness');
  const first = [...kinds][0] as AssistanceKind;

  const outcome = rng.weighted<AssistanceRecord['data']['outcome']>([['done', 78], ['not_done', 14], ['needs_follow_up', 8]]);

  // Who was helped.
  let person: AssistanceRecord['data']['person'];
  let household: AssistanceRecord['data']['household'];
  let groupCode: string | undefined;
  if (candidate) {
    const { member } = candidate;
    person = { birthYear: member.birthYear };
    if (member.name) person.name = member.name;
    if (member.phone) person.phone = member.phone;
    household = { householdId: candidate.household.id, memberId: member.id };
    groupCode = candidate.household.data.groupCode;
  } else {
    // At campaign tables: mostly older residents, some working-age people with a broken login.
    const age = rng.weighted<[number, number]>([[[18, 39], 15], [[40, 59], 30], [[60, 74], 38], [[75, 90], 17]]);
    const female = rng.chance(0.58);
    person = { birthYear: helpedYear - rng.int(age[0], age[1]) };
    if (rng.chance(0.7)) person.name = `${rng.pick(FAMILY)} ${rng.pick(female ? FEMALE : MALE)}`;
    if (rng.chance(0.3)) person.phone = rng.pick(PREFIXES) + String(rng.int(0, 9_999_999)).padStart(7, '0');
    if (rng.chance(0.6)) groupCode = rng.pick(wardConfig.groups).code;
  }

  // A name or phone is kept only with consent to the ward's assistance notice (issue 12); a ward
  // without one keeps neither. The random draws above stay the same either way.
  const noticeVersion = wardConfig.currentAssistanceNoticeVersion;
  let consent: AssistanceRecord['data']['consent'];
  if (person.name !== undefined || person.phone !== undefined) {
    if (noticeVersion) consent = { given: true, purpose: 'assistance', noticeVersion, consentedAt: new Date(helpedMs).toISOString() };
    else person = { birthYear: person.birthYear };
  }

  const data: AssistanceRecord['data'] = {
    wardCode: wardConfig.code,
    installId,
    helpedAt: new Date(helpedMs).toISOString(),
    person,
    ...(consent ? { consent } : {}),
    kinds: [...kinds],
    outcome,
  };
  if (household) data.household = household;
  if (groupCode) data.groupCode = groupCode;
  if (kinds.has('teaching_card')) data.teachingCardId = rng.pick(options.teachingCardIds ?? DEMO_TEACHING_CARD_IDS);
  if (outcome !== 'done') {
    data.reason = rng.weighted(REASONS_BY_KIND[first] ?? REASONS_DEFAULT);
    if (data.reason === 'other') data.reasonNote = rng.pick(OTHER_NOTES);
  }
  if (campaign !== undefined) {
    data.campaign = campaign;
    data.place = rng.pick(CAMPAIGN_PLACES);
  } else if (rng.chance(0.5)) {
    data.place = 'Tại nhà';
  }
  if (rng.chance(0.02)) data.practice = true;

  const rev1: AssistanceRecord = {
    id,
    kind: ASSISTANCE_KIND,
    rev: 1,
    schemaVersion: ASSISTANCE_SCHEMA_VERSION,
    clientUpdatedAt: new Date(helpedMs + rng.int(20, 240) * 1000).toISOString(),
    data,
  };
  const revs = [rev1];
  // Some helps change later: a follow-up done as a new rev, or a mistaken record voided.
  if (outcome === 'needs_follow_up' && rng.chance(0.35)) {
    const laterMs = helpedMs + rng.int(1, 10) * DAY_MS;
    const { reason: _reason, reasonNote: _note, ...rest } = data;
    revs.push({
      ...rev1,
      rev: 2,
      clientUpdatedAt: new Date(laterMs + rng.int(20, 240) * 1000).toISOString(),
      data: { ...rest, helpedAt: new Date(laterMs).toISOString(), outcome: 'done' },
    });
  } else if (rng.chance(0.01)) {
    revs.push({
      ...rev1,
      rev: 2,
      clientUpdatedAt: new Date(helpedMs + rng.int(5, 120) * 60_000).toISOString(),
      data: { ...data, voided: true, voidReason: 'Ghi nhầm người' },
    });
  }
  return revs;
}

/**
 * Makes `count` demo assistances for a ward (same inputs → identical output). Each record is
 * returned with all its revs, in rev order; a store that keeps only the latest rev keeps the
 * last of each id. So the result holds `count` distinct ids and a few more revs.
 */
export function generateAssistances(options: DemoAssistanceOptions): AssistanceRecord[] {
  const { wardConfig, count } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  const seed = String(options.seed);
  const installIds = options.installId ? [options.installId] : [0, 1].map((k) => Rng.of('assist-install', wardConfig.code, seed, k).uuid());
  const pool = candidatesOf(options.households);
  const out: AssistanceRecord[] = [];
  for (let i = 0; i < count; i++) out.push(...makeAssistance(options, seed, i, installIds, pool));
  return out;
}
