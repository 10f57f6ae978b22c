// The flattened rows the dashboard aggregates, made from the newest revision of a record:
// a household and one row per member; an assistance and one row per kind of help. Pure (no
// database): the sync preparation runs them in a worker thread, staff edits run them inline.
import { ageOnDate } from '../../shared/domain/age.js';
import type { AssistanceRecord } from '../../shared/schema/assistance.js';
import type { HouseholdRecord } from '../../shared/schema/household.js';
import type { AssistanceKindsTable, AssistancesTable, HouseholdsTable, MembersTable } from '../db/schema.js';

/** PostgreSQL text cannot hold NUL; free text copied into a column loses it (the JSON body keeps it escaped). */
const noNul = (text: string | undefined): string | null => (text === undefined ? null : text.replaceAll('\0', ''));

const flag = (b: boolean | undefined): number => (b ? 1 : 0);

/**
 * The value of a NOT NULL answer column (vneid, ds_*) for a member the question is not asked
 * of (domain/relevance.ts: a child under the ward's VNeID age, a member under its adult age).
 * The tallies count only members the question is asked of, and read it as "không rõ" if ever.
 */
export const NOT_ASKED = 'not_asked';

/** The visit's columns, copied onto the household and each member so either is counted alone. */
function visitColumns(record: HouseholdRecord, deviceId: string, receivedAt: string) {
  const d = record.data;
  return {
    ward_code: d.wardCode,
    group_code: d.groupCode,
    outcome: d.outcome,
    voided: flag(d.voided),
    practice: flag(d.practice),
    surveyed_at: d.surveyedAt,
    device_id: deviceId,
    received_at: receivedAt,
  };
}

export function householdRow(record: HouseholdRecord, deviceId: string, receivedAt: string): HouseholdsTable {
  const d = record.data;
  return {
    record_id: record.id,
    rev: record.rev,
    ...visitColumns(record, deviceId, receivedAt),
    client_updated_at: record.clientUpdatedAt,
    member_count: d.members.length,
    consent_notice_version: noNul(d.consent?.noticeVersion),
    smartphones: d.devices?.smartphones ?? null,
    computer_or_tablet: d.devices?.computerOrTablet ?? null,
    fixed_broadband: d.devices?.fixedBroadband ?? null,
    fibre: d.devices?.fibre ?? null,
    wifi: d.devices?.wifi ?? null,
    bills_cashless: d.payments?.billsCashless ?? null,
    business_accepts_qr: d.payments?.businessAcceptsQr ?? null,
  };
}

export function memberRows(record: HouseholdRecord, deviceId: string, receivedAt: string): MembersTable[] {
  const d = record.data;
  const visit = visitColumns(record, deviceId, receivedAt);
  return d.members.map((m, position) => ({
    record_id: record.id,
    member_id: m.id,
    position,
    ...visit,
    relation: m.relation,
    birth_year: m.birthYear,
    age: ageOnDate(m.birthYear, d.surveyedAt),
    sex: m.sex,
    has_cccd: flag(m.cccd !== undefined),
    has_phone: flag(m.phone !== undefined),
    vneid: m.vneid ?? NOT_ASKED,
    ehr: m.ehr,
    ds_health: m.digitalServices12m?.health ?? NOT_ASKED,
    ds_education: m.digitalServices12m?.education ?? NOT_ASKED,
    ds_insurance: m.digitalServices12m?.insurance ?? NOT_ASKED,
    ds_transport: m.digitalServices12m?.transport ?? NOT_ASKED,
    owns_smartphone: m.ownsSmartphone ?? null,
    used_internet_3m: m.usedInternet3m ?? null,
    skill_public_services: m.skills?.publicServices ?? null,
    skill_shopping: m.skills?.shopping ?? null,
    skill_payments: m.skills?.payments ?? null,
    skill_safety: m.skills?.safety ?? null,
    skill_local_platforms: m.skills?.localPlatforms ?? null,
    bank_account: m.bankAccount ?? null,
    cashless_30d: m.cashless30d ?? null,
    digital_signature: m.digitalSignature ?? null,
    online_public_service_12m: m.onlinePublicService12m ?? null,
    city_app: m.cityApp ?? null,
    wants_help: JSON.stringify(m.wantsHelp),
  }));
}

/**
 * The household's rows with the survey date derived from its history (domain/survey-date.ts)
 * instead of the one the rev carries: the visit columns and the members' ages follow it.
 * Returns the same rows when the dates agree (the usual case).
 */
export function withSurveyDate<T extends { household: HouseholdsTable; members: MembersTable[] }>(rows: T, surveyedAt: string): T {
  if (rows.household.surveyed_at === surveyedAt) return rows;
  return {
    ...rows,
    household: { ...rows.household, surveyed_at: surveyedAt },
    members: rows.members.map((m) => ({ ...m, surveyed_at: surveyedAt, age: ageOnDate(m.birth_year, surveyedAt) })),
  };
}

export function assistanceRow(record: AssistanceRecord, deviceId: string, receivedAt: string): AssistancesTable {
  const d = record.data;
  return {
    record_id: record.id,
    rev: record.rev,
    ward_code: d.wardCode,
    group_code: d.groupCode ?? null,
    household_id: d.household?.householdId ?? null,
    member_id: d.household?.memberId ?? null,
    outcome: d.outcome,
    reason: d.reason ?? null,
    campaign: noNul(d.campaign),
    place: noNul(d.place),
    helped_at: d.helpedAt,
    birth_year: d.person.birthYear,
    teaching_card_id: d.teachingCardId ?? null,
    practice: flag(d.practice),
    voided: flag(d.voided),
    device_id: deviceId,
    received_at: receivedAt,
    client_updated_at: record.clientUpdatedAt,
  };
}

export function assistanceKindRows(record: AssistanceRecord): AssistanceKindsTable[] {
  return record.data.kinds.map((kind) => ({ record_id: record.id, kind, ward_code: record.data.wardCode }));
}
