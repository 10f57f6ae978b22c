// The team's follow-up list: who still needs a visit or a second help, grouped by tổ dân phố.
// Built on the phone from its own records (and on the server for the ward's dashboard), so it
// is pure and fast: one pass over each kind of record with maps, no scan inside a scan
// (budget: ≤ 200 ms for 5,000 households and 5,000 assistances on a phone; bench/follow-up-list.ts).
//
// What is on the list (only the latest rev of each record counts; voided and practice records
// never count, neither as a need nor as the help that meets one):
// - revisit: a household whose latest visit was "not home";
// - member_help: a surveyed member who asked for help (wantsHelp), minus the topics a done
//   assistance linked to that member since the survey covers (TOPIC_COVERED_BY) and the topics
//   the member's own answers show are met (VNeID level, health record);
// - assistance: a help "not done" / "needs follow-up", minus the kinds a later done assistance
//   linked to the same member covers. An assistance not linked to a member is followed through
//   its own newer revs only (its latest rev being done takes it off the list).
import type { AssistanceKind, AssistanceRecord } from '../schema/assistance.js';
import type { HELP_TOPICS, HouseholdRecord, Member, VneidLevel } from '../schema/household.js';
import type { TeachingCard } from '../schema/teaching-card.js';

type HelpTopic = (typeof HELP_TOPICS)[number];

/**
 * Which done assistance kinds meet a help topic a member asked for. "any": any done help
 * linked to the member counts (someone sat with them and their phone).
 * - vneid_install is met by an install or by level 2 guidance (which needs an account anyway);
 * - shopping is met by setting up a bank / e-wallet / QR payment, the step online shopping needs.
 */
export const TOPIC_COVERED_BY: Readonly<Record<HelpTopic, readonly AssistanceKind[] | 'any'>> = {
  vneid_install: ['install_vneid', 'activate_level2_guidance'],
  vneid_level2: ['activate_level2_guidance'],
  public_services: ['submit_online_public_service'],
  payments: ['setup_bank_ewallet_qr'],
  shopping: ['setup_bank_ewallet_qr'],
  online_safety: ['scam_awareness'],
  ehr: ['add_documents_or_health_record'],
  smartphone: 'any',
  other: 'any',
};

export type FollowUpKind = 'revisit' | 'member_help' | 'assistance';

export interface FollowUpLabel {
  /** The household's address, when the record is or links to a household on this phone. */
  address?: HouseholdRecord['data']['address'];
  name?: string;
  birthYear?: number;
  /** The household's visit note (revisit), e.g. "Hẹn quay lại buổi tối". */
  note?: string;
  campaign?: string;
  place?: string;
}

export interface FollowUpItem {
  kind: FollowUpKind;
  /** Tổ dân phố code; null when neither the record nor its linked household names one. */
  groupCode: string | null;
  /** The household id (revisit, member_help) or the assistance id (assistance). */
  recordId: string;
  memberId?: string;
  /**
   * Codes saying why: revisit → ['not_home']; member_help → the help topics still wanted;
   * assistance → [outcome, reason] (e.g. ['not_done', 'no_smartphone']).
   */
  why: string[];
  /** assistance only: the kinds of help still not done. */
  openKinds?: AssistanceKind[];
  /** Since when (ISO 8601 date-time): the not-home visit, the survey, the failed help. */
  since: string;
  /** Whole days from `since` to `now`. */
  days: number;
  label: FollowUpLabel;
}

export interface FollowUpGroup {
  groupCode: string | null;
  items: FollowUpItem[];
}

export interface FollowUpList {
  /** By group code (numeric-aware), the unknown group last; items oldest first. */
  groups: FollowUpGroup[];
  total: number;
}

export interface FollowUpInput {
  households: readonly HouseholdRecord[];
  assistances: readonly AssistanceRecord[];
  now: Date | string | number;
  /** When given, a done teaching_card assistance also counts as the kinds its card amounts to. */
  cards?: readonly TeachingCard[];
}

const DAY_MS = 86_400_000;
const KIND_ORDER: Record<FollowUpKind, number> = { revisit: 0, member_help: 1, assistance: 2 };

interface Revisioned {
  id: string;
  rev: number;
  clientUpdatedAt: string;
}

/** The latest rev of each record id (a later clientUpdatedAt breaks a tie of revs). */
export function latestRevs<T extends Revisioned>(records: readonly T[]): Map<string, T> {
  const latest = new Map<string, T>();
  for (const record of records) {
    const seen = latest.get(record.id);
    if (!seen || record.rev > seen.rev || (record.rev === seen.rev && Date.parse(record.clientUpdatedAt) > Date.parse(seen.clientUpdatedAt))) {
      latest.set(record.id, record);
    }
  }
  return latest;
}

const counts = (data: { voided?: boolean | undefined; practice?: boolean | undefined }): boolean => data.voided !== true && data.practice !== true;

/** Topics the member's own answers already show as met. */
function metByAnswers(topic: HelpTopic, member: Member): boolean {
  if (topic === 'vneid_install') return member.vneid === 'level1' || member.vneid === 'level2';
  if (topic === 'vneid_level2') return member.vneid === 'level2';
  if (topic === 'ehr') return member.ehr === 'yes';
  return false;
}

/** Latest done time per kind for one member; ANY holds the latest done of any kind. */
type DoneTimes = Map<AssistanceKind | typeof ANY, number>;
const ANY = '*' as const;

// Module-level helpers rather than closures in the loops: the list is rebuilt often on a phone.
function noteDone(times: DoneTimes, kind: AssistanceKind | typeof ANY, at: number): void {
  if ((times.get(kind) ?? -Infinity) < at) times.set(kind, at);
}

/** Whether a done help linked to the member since `sinceMs` meets this topic. */
function coveredSince(done: DoneTimes | undefined, topic: HelpTopic, sinceMs: number): boolean {
  if (!done) return false;
  const coveredBy = TOPIC_COVERED_BY[topic];
  if (coveredBy === 'any') return (done.get(ANY) ?? -Infinity) >= sinceMs;
  for (const kind of coveredBy) if ((done.get(kind) ?? -Infinity) >= sinceMs) return true;
  return false;
}

export function buildFollowUpList({ households, assistances, now, cards }: FollowUpInput): FollowUpList {
  const nowMs = now instanceof Date ? now.getTime() : typeof now === 'number' ? now : Date.parse(now);
  const cardKinds = new Map<string, readonly AssistanceKind[]>();
  for (const card of cards ?? []) cardKinds.set(card.id, card.assistanceKinds);

  const liveHouseholds: HouseholdRecord[] = [];
  const householdById = new Map<string, HouseholdRecord>();
  for (const h of latestRevs(households).values()) {
    if (!counts(h.data)) continue;
    liveHouseholds.push(h);
    householdById.set(h.id, h);
  }

  // One pass over the live assistances: the done ones by member, the open ones kept aside.
  const doneByMember = new Map<string, DoneTimes>();
  const open: { record: AssistanceRecord; at: number }[] = [];
  for (const a of latestRevs(assistances).values()) {
    const d = a.data;
    if (!counts(d)) continue;
    const at = Date.parse(d.helpedAt);
    if (d.outcome !== 'done') {
      open.push({ record: a, at });
      continue;
    }
    const memberId = d.household?.memberId;
    if (!memberId) continue;
    let times = doneByMember.get(memberId);
    if (!times) doneByMember.set(memberId, (times = new Map()));
    noteDone(times, ANY, at);
    for (const kind of d.kinds) noteDone(times, kind, at);
    if (d.teachingCardId !== undefined) for (const kind of cardKinds.get(d.teachingCardId) ?? []) noteDone(times, kind, at);
  }

  // Each item with its `since` in ms, so sorting compares numbers without parsing dates again.
  const items: Timed[] = [];
  const add = (item: FollowUpItem, ms: number) => items.push({ item, ms });
  const days = (sinceMs: number) => Math.max(0, Math.floor((nowMs - sinceMs) / DAY_MS));

  for (const h of liveHouseholds) {
    const d = h.data;
    if (d.outcome === 'not_home') {
      const sinceMs = Date.parse(h.clientUpdatedAt);
      const label: FollowUpLabel = { address: d.address };
      if (d.note) label.note = d.note;
      add({ kind: 'revisit', groupCode: d.groupCode, recordId: h.id, why: ['not_home'], since: h.clientUpdatedAt, days: days(sinceMs), label }, sinceMs);
      continue;
    }
    if (d.outcome !== 'surveyed') continue;
    // Since the survey: consent is taken at the visit and kept across later revs.
    const since = d.consent?.consentedAt ?? h.clientUpdatedAt;
    const sinceMs = Date.parse(since);
    for (const member of d.members) {
      if (member.wantsHelp.length === 0) continue;
      const done = doneByMember.get(member.id);
      const wanted: HelpTopic[] = [];
      for (const topic of member.wantsHelp) if (!metByAnswers(topic, member) && !coveredSince(done, topic, sinceMs)) wanted.push(topic);
      if (wanted.length === 0) continue;
      const label: FollowUpLabel = { address: d.address, birthYear: member.birthYear };
      if (member.name) label.name = member.name;
      add({
        kind: 'member_help', groupCode: d.groupCode, recordId: h.id, memberId: member.id,
        why: wanted, since, days: days(sinceMs), label,
      }, sinceMs);
    }
  }

  for (const { record: a, at } of open) {
    const d = a.data;
    const memberId = d.household?.memberId;
    const done = memberId ? doneByMember.get(memberId) : undefined;
    // A later done help of the same kind for the same member closes that kind.
    const openKinds: AssistanceKind[] = [];
    for (const kind of d.kinds) if (!done || !((done.get(kind) ?? -Infinity) > at)) openKinds.push(kind);
    if (openKinds.length === 0) continue;
    const linked = d.household ? householdById.get(d.household.householdId) : undefined;
    const label: FollowUpLabel = { birthYear: d.person.birthYear };
    if (d.person.name) label.name = d.person.name;
    if (linked) label.address = linked.data.address;
    if (d.campaign) label.campaign = d.campaign;
    if (d.place) label.place = d.place;
    const item: FollowUpItem = {
      kind: 'assistance',
      groupCode: d.groupCode ?? linked?.data.groupCode ?? null,
      recordId: a.id,
      why: d.reason ? [d.outcome, d.reason] : [d.outcome],
      openKinds,
      since: d.helpedAt,
      days: days(at),
      label,
    };
    if (memberId) item.memberId = memberId;
    add(item, at);
  }

  return groupAndSort(items);
}

// One collator, made on first use: creating one costs more than the whole sort (and
// localeCompare with options may build one per call on some engines).
let collator: Intl.Collator | undefined;
const groupCollator = () => (collator ??= new Intl.Collator('vi', { numeric: true }));

interface Timed {
  item: FollowUpItem;
  ms: number;
}

function groupAndSort(keyed: Timed[]): FollowUpList {
  keyed.sort(
    (a, b) =>
      a.ms - b.ms ||
      KIND_ORDER[a.item.kind] - KIND_ORDER[b.item.kind] ||
      (a.item.recordId < b.item.recordId ? -1 : a.item.recordId > b.item.recordId ? 1 : 0) ||
      ((a.item.memberId ?? '') < (b.item.memberId ?? '') ? -1 : (a.item.memberId ?? '') > (b.item.memberId ?? '') ? 1 : 0),
  );
  const byGroup = new Map<string | null, FollowUpItem[]>();
  for (const { item } of keyed) {
    let list = byGroup.get(item.groupCode);
    if (!list) byGroup.set(item.groupCode, (list = []));
    list.push(item);
  }
  const groups = [...byGroup.entries()]
    .map(([groupCode, groupItems]) => ({ groupCode, items: groupItems }))
    .sort((a, b) => {
      if (a.groupCode === b.groupCode) return 0;
      if (a.groupCode === null) return 1;
      if (b.groupCode === null) return -1;
      return groupCollator().compare(a.groupCode, b.groupCode);
    });
  return { groups, total: keyed.length };
}

const VNEID_RANK: Record<VneidLevel, number> = { unknown: 0, none: 0, level1: 1, level2: 2 };

/**
 * After a done install_vneid / activate_level2_guidance assistance linked to a member of this
 * household (by the member's stable id), the VNeID answer to offer the volunteer ('level1' after
 * an install, 'level2' after level 2 guidance), when it is higher than the member's current
 * answer; otherwise null. Voided or practice records never move an answer. Accepting it is a
 * new rev of the household, made by the app.
 */
export function vneidUpdateSuggestion(assistance: AssistanceRecord, household: HouseholdRecord): 'level1' | 'level2' | null {
  const a = assistance.data;
  if (a.outcome !== 'done' || !counts(a) || !counts(household.data)) return null;
  if (!a.household?.memberId || a.household.householdId !== household.id) return null;
  const memberId = a.household.memberId;
  const member = household.data.members.find((m) => m.id === memberId);
  if (!member) return null;
  const offered = a.kinds.includes('activate_level2_guidance') ? 'level2' : a.kinds.includes('install_vneid') ? 'level1' : null;
  if (!offered) return null;
  // A member the VNeID question is not asked of (younger than the ward's VNeID age) has no answer to update.
  if (member.vneid === undefined) return null;
  return VNEID_RANK[offered] > VNEID_RANK[member.vneid] ? offered : null;
}
