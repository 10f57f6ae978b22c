// A resident's rights over what the ward holds about them (Luật 91/2025/QH15, NĐ 356/2025):
// find the person, collect what is held (for the export), correct a field, erase, withdraw
// consent. Ward staff act on a registered request (services/data-subject-requests.ts); the
// routes audit every step with ids and field paths only (routes/data-subject.ts).
//
// Corrections and erasures are staff changes (docs/sync-protocol.md "Staff changes"): a new rev
// (highest + 1, device `staff:<username>`) marked unseen for the owning phone, so its next
// sync answer carries the server's state and its next edit is built on it. An erasure also
// rewrites every older revision and conflict row of the record without the person, then
// scrubErasedBytes makes the old bytes leave the files. Decisions (docs/api.md):
// - a member's erasure removes the member from every revision (a rev left with no member becomes
//   the shape of a refusal: no consent, answers or members) and names, phones and CCCDs of the
//   person from notes anywhere in the record; the household stays with the other members;
// - a whole household's erasure (on request of the household, e.g. its head for everyone)
//   leaves a voided refusal with no address (house number "-"), so the record id still resolves
//   for the owning phone and the tallies drop it;
// - withdrawing the survey consent turns the household into a refusal in every revision (the
//   visit and its address stay, as a refusal keeps them: PRODUCT.md "Consent"), so the members'
//   answers leave the tallies (linked assistances have their own consent and stay); withdrawing
//   an assistance's consent erases its name and phone;
// - an assistance naming the person loses name and phone (its year of birth and the help stay).
// Older revisions keep their content_hash (the hash of the body as received): a phone resending
// an old rev is then a duplicate, never a conflict row that would store the erased values again.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { ageOnDate } from '../../shared/domain/age.js';
import { normalisePhone } from '../../shared/domain/phone.js';
import { foldVietnamese, matchesQuery } from '../../shared/domain/text-search.js';
import { assistanceRecordKind, type AssistanceRecord } from '../../shared/schema/assistance.js';
import { householdRecordKind, type HouseholdRecord, type Member } from '../../shared/schema/household.js';
import type { FieldError } from '../../shared/domain/validation.js';
import type { WardConfig } from '../../shared/schema/ward-config.js';
import { lockWard, type ServerDb } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import type { StaffPrincipal } from './accounts.js';
import { markStaffChange } from './households-staff.js';
import { withCounterDelta } from './indicator-counters.js';
import { assistanceRow, householdRow, memberRows, withSurveyDate } from './record-rows.js';
import { scrubErasedBytes } from './scrub.js';
import { ERASED_TEXT } from '../../shared/domain/personal-fields.js';
import { sha256 } from './secrets.js';

/** What a request concerns: one member of a household, a whole household, or one assistance. */
export type SubjectRef =
  | { kind: 'member'; recordId: string; memberId: string }
  | { kind: 'household'; recordId: string }
  | { kind: 'assistance'; recordId: string };

export interface SearchCriteria {
  name?: string;
  phone?: string;
  cccd?: string;
}

export interface PersonMatch {
  ref: SubjectRef;
  matchedOn: ('name' | 'phone' | 'cccd')[];
  name: string | null;
  birthYear: number | null;
  relation: string | null;
  groupCode: string | null;
  groupName: string | null;
  /** Household: the survey date; assistance: the day of the help. */
  surveyedAt: string | null;
  address: string | null;
  voided: boolean;
  /** A consenter named on the household (not a member): found by name only. */
  consenter?: boolean;
  /** Under CHILD_AGE this year: the request must come from a parent or guardian. */
  child: boolean;
}

/** Below this age a person's rights are exercised by a parent or guardian (Luật 91/2025/QH15, trẻ em dưới 16 tuổi). */
export const CHILD_AGE = 16;
const isChild = (birthYear: number | null | undefined, today: string) => typeof birthYear === 'number' && ageOnDate(birthYear, today) < CHILD_AGE;

export class DataSubjectError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: 'not_found' | 'bad_request' | 'conflict',
    readonly reason: string,
    readonly errors: FieldError[] = [],
  ) {
    super(reason);
  }
}

// The same marker retention writes, so every screen shows "(đã xoá)" / "(erased)" for it.
const ERASED_HOUSE_NUMBER = ERASED_TEXT;
/** The void reason of an erased household: fixed words, never the request's details. */
const ERASED_VOID_REASON = 'Xóa theo yêu cầu của chủ thể dữ liệu (Luật 91/2025/QH15)';

function addressText(a: { houseNumber?: string; lane?: string; street?: string } | undefined): string | null {
  if (!a) return null;
  return [a.houseNumber, a.lane, a.street].filter((p) => p && p !== ERASED_HOUSE_NUMBER).join(', ') || null;
}

// ---------------------------------------------------------------------------------------------
// Reading the latest state

interface LatestRow {
  recordId: string;
  rev: number;
  deviceId: string;
  body: string;
}

async function latestHouseholds(db: Kysely<Database>, wardCode: string, ids?: string[]): Promise<LatestRow[]> {
  let q = db
    .selectFrom('households as h')
    .innerJoin('record_revisions as r', (j) => j.onRef('r.record_id', '=', 'h.record_id').onRef('r.rev', '=', 'h.rev'))
    .select(['h.record_id', 'h.rev', 'h.device_id', 'r.body'])
    .where('h.ward_code', '=', wardCode);
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('h.record_id', 'in', ids);
  }
  const rows = await q.execute();
  return rows.map((r) => ({ recordId: r.record_id, rev: Number(r.rev), deviceId: r.device_id, body: r.body }));
}

async function latestAssistances(db: Kysely<Database>, wardCode: string, ids?: string[]): Promise<LatestRow[]> {
  let q = db
    .selectFrom('assistances as a')
    .innerJoin('record_revisions as r', (j) => j.onRef('r.record_id', '=', 'a.record_id').onRef('r.rev', '=', 'a.rev'))
    .select(['a.record_id', 'a.rev', 'a.device_id', 'r.body'])
    .where('a.ward_code', '=', wardCode);
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where('a.record_id', 'in', ids);
  }
  const rows = await q.execute();
  return rows.map((r) => ({ recordId: r.record_id, rev: Number(r.rev), deviceId: r.device_id, body: r.body }));
}

// ---------------------------------------------------------------------------------------------
// Search

const digits = (text: string) => text.replace(/\D/g, '');

/** Checks and normalises the criteria; null when nothing usable was given. */
export function normaliseCriteria(input: SearchCriteria): { criteria: SearchCriteria; errors: FieldError[] } {
  const criteria: SearchCriteria = {};
  const errors: FieldError[] = [];
  const name = input.name?.trim();
  if (name) {
    if (foldVietnamese(name).replace(/\s/g, '').length < 2) errors.push({ path: 'name', code: 'too_short' });
    else criteria.name = name;
  }
  const phone = input.phone?.trim();
  if (phone) {
    const p = normalisePhone(phone);
    if (!/^0\d{9}$/.test(p)) errors.push({ path: 'phone', code: 'phone_format' });
    else criteria.phone = p;
  }
  const cccd = input.cccd?.trim();
  if (cccd) {
    const c = digits(cccd);
    if (!/^\d{12}$/.test(c)) errors.push({ path: 'cccd', code: 'cccd_format' });
    else criteria.cccd = c;
  }
  if (errors.length === 0 && !criteria.name && !criteria.phone && !criteria.cccd) errors.push({ path: '', code: 'search_empty' });
  return { criteria, errors };
}

function personMatches(person: { name?: string; phone?: string; cccd?: string }, c: SearchCriteria): PersonMatch['matchedOn'] | null {
  const on: PersonMatch['matchedOn'] = [];
  if (c.name) {
    if (!person.name || !matchesQuery(foldVietnamese(person.name), c.name)) return null;
    on.push('name');
  }
  if (c.phone) {
    if (person.phone !== c.phone) return null;
    on.push('phone');
  }
  if (c.cccd) {
    if (person.cccd !== c.cccd) return null;
    on.push('cccd');
  }
  return on;
}

/**
 * Every member (of every household's latest rev, voided ones too: they still hold data) and
 * every assistance of the ward matching ALL the given criteria: name (accents, đ and case
 * ignored, every word), normalised phone, CCCD. Also a household whose consenter's name
 * matches (the consenter need not be a member).
 */
export async function searchPersons(db: Kysely<Database>, config: WardConfig, criteria: SearchCriteria, today: string): Promise<PersonMatch[]> {
  const groupName = new Map(config.groups.map((g) => [g.code, g.name]));
  const out: PersonMatch[] = [];
  for (const row of await latestHouseholds(db, config.code)) {
    const record = JSON.parse(row.body) as HouseholdRecord;
    const d = record.data;
    const base = {
      groupCode: d.groupCode,
      groupName: groupName.get(d.groupCode) ?? null,
      surveyedAt: d.surveyedAt,
      address: addressText(d.address),
      voided: d.voided === true,
    };
    let memberFound = false;
    for (const m of d.members ?? []) {
      const on = personMatches(m, criteria);
      if (!on) continue;
      memberFound = true;
      out.push({ ref: { kind: 'member', recordId: row.recordId, memberId: m.id }, matchedOn: on, name: m.name ?? null, birthYear: m.birthYear, relation: m.relation, child: isChild(m.birthYear, today), ...base });
    }
    const consenter = d.consent?.consenterName;
    if (!memberFound && consenter && criteria.name && !criteria.phone && !criteria.cccd && matchesQuery(foldVietnamese(consenter), criteria.name)) {
      out.push({ ref: { kind: 'household', recordId: row.recordId }, matchedOn: ['name'], name: consenter, birthYear: null, relation: d.consent?.consenterRelation ?? null, consenter: true, child: false, ...base });
    }
  }
  for (const row of await latestAssistances(db, config.code)) {
    const record = JSON.parse(row.body) as AssistanceRecord;
    const d = record.data;
    const on = personMatches({ name: d.person.name, phone: d.person.phone }, criteria);
    if (!on) continue;
    out.push({
      ref: { kind: 'assistance', recordId: row.recordId },
      matchedOn: on,
      name: d.person.name ?? null,
      birthYear: d.person.birthYear,
      relation: null,
      groupCode: d.groupCode ?? null,
      groupName: d.groupCode ? (groupName.get(d.groupCode) ?? null) : null,
      surveyedAt: d.helpedAt.slice(0, 10),
      address: null,
      voided: d.voided === true,
      child: isChild(d.person.birthYear, today),
    });
  }
  return out;
}

/** True when the subject (a member, or an assistance's person) is a child today. */
export async function subjectIsChild(db: Kysely<Database>, wardCode: string, ref: SubjectRef, today: string): Promise<boolean> {
  if (ref.kind === 'household') return false;
  if (ref.kind === 'assistance') {
    const [row] = await latestAssistances(db, wardCode, [ref.recordId]);
    return row ? isChild((JSON.parse(row.body) as AssistanceRecord).data.person.birthYear, today) : false;
  }
  const [row] = await latestHouseholds(db, wardCode, [ref.recordId]);
  const m = row ? (JSON.parse(row.body) as HouseholdRecord).data.members.find((x) => x.id === ref.memberId) : undefined;
  return isChild(m?.birthYear, today);
}

// ---------------------------------------------------------------------------------------------
// What is held (the export)

export interface HeldItem {
  ref: SubjectRef;
  /** Where it is held: the record, its latest rev, how many revisions and conflict rows. */
  heldIn: { recordKind: 'household' | 'assistance'; recordId: string; memberId?: string; latestRev: number; revisions: number; conflicts: number };
  groupCode: string | null;
  groupName: string | null;
  surveyedAt: string;
  /** surveyedAt (or the help's day) + the ward's retentionMonths: personal fields erased then. */
  retentionUntil: string;
  voided: boolean;
  consent: HouseholdRecord['data']['consent'] | null;
  address: HouseholdRecord['data']['address'] | null;
  note: string | null;
  /** The member(s) as stored (household items), or the person helped (assistance items). */
  people: Record<string, unknown>[];
  assistance?: Omit<AssistanceRecord['data'], 'person'>;
}

export function addMonths(date: string, months: number): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00.000Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString().slice(0, 10);
}

async function historyCounts(db: Kysely<Database>, recordId: string): Promise<{ revisions: number; conflicts: number }> {
  const [r, c] = await Promise.all([
    db.selectFrom('record_revisions').select((eb) => eb.fn.countAll().as('n')).where('record_id', '=', recordId).executeTakeFirst(),
    db.selectFrom('conflicts').select((eb) => eb.fn.countAll().as('n')).where('record_id', '=', recordId).executeTakeFirst(),
  ]);
  return { revisions: Number(r?.n ?? 0), conflicts: Number(c?.n ?? 0) };
}

/** What the ward holds about the request's subjects, for the export (JSON and HTML). */
export async function collectHeld(db: Kysely<Database>, config: WardConfig, refs: readonly SubjectRef[]): Promise<HeldItem[]> {
  const groupName = (code: string | undefined | null) => (code ? (config.groups.find((g) => g.code === code)?.name ?? null) : null);
  const months = config.settings.retentionMonths;
  const items: HeldItem[] = [];
  for (const ref of refs) {
    if (ref.kind === 'assistance') {
      const [row] = await latestAssistances(db, config.code, [ref.recordId]);
      if (!row) continue;
      const { person, ...rest } = (JSON.parse(row.body) as AssistanceRecord).data;
      const counts = await historyCounts(db, ref.recordId);
      items.push({
        ref,
        heldIn: { recordKind: 'assistance', recordId: ref.recordId, latestRev: row.rev, ...counts },
        groupCode: rest.groupCode ?? null,
        groupName: groupName(rest.groupCode),
        surveyedAt: rest.helpedAt.slice(0, 10),
        retentionUntil: addMonths(rest.helpedAt, months),
        voided: rest.voided === true,
        consent: null,
        address: null,
        note: null,
        people: [{ ...person }],
        assistance: rest,
      });
      continue;
    }
    const [row] = await latestHouseholds(db, config.code, [ref.recordId]);
    if (!row) continue;
    const d = (JSON.parse(row.body) as HouseholdRecord).data;
    const members = ref.kind === 'member' ? d.members.filter((m) => m.id === ref.memberId) : d.members;
    const counts = await historyCounts(db, ref.recordId);
    items.push({
      ref,
      heldIn: { recordKind: 'household', recordId: ref.recordId, ...(ref.kind === 'member' ? { memberId: ref.memberId } : {}), latestRev: row.rev, ...counts },
      groupCode: d.groupCode,
      groupName: groupName(d.groupCode),
      surveyedAt: d.surveyedAt,
      retentionUntil: addMonths(d.surveyedAt, months),
      voided: d.voided === true,
      consent: d.consent ?? null,
      address: d.address,
      note: d.note ?? null,
      people: members.map((m) => ({ ...m })),
    });
    // Assistances linked to this member (or household) are held about the same person.
    const linked = await db
      .selectFrom('assistances')
      .select('record_id')
      .where('ward_code', '=', config.code)
      .where('household_id', '=', ref.recordId)
      .$if(ref.kind === 'member', (q) => q.where('member_id', '=', (ref as { memberId: string }).memberId))
      .execute();
    for (const l of linked) {
      if (!refs.some((r) => r.kind === 'assistance' && r.recordId === l.record_id)) {
        items.push(...(await collectHeld(db, config, [{ kind: 'assistance', recordId: l.record_id }])));
      }
    }
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Staff revs (the staff-change mechanism of docs/sync-protocol.md)

interface StoredLatest {
  rev: number;
  maxRev: number;
  deviceId: string;
  surveyedAt: string | null;
  body: string;
}

async function loadLatest(trx: Transaction<Database>, wardCode: string, ref: SubjectRef): Promise<StoredLatest | null> {
  const table = ref.kind === 'assistance' ? 'assistances' : 'households';
  const row =
    table === 'households'
      ? await trx.selectFrom('households').select(['rev', 'device_id', 'surveyed_at']).where('record_id', '=', ref.recordId).where('ward_code', '=', wardCode).executeTakeFirst()
      : await trx.selectFrom('assistances').select(['rev', 'device_id']).where('record_id', '=', ref.recordId).where('ward_code', '=', wardCode).executeTakeFirst();
  if (!row) return null;
  const revs = await trx.selectFrom('record_revisions').select(['rev', 'body']).where('record_id', '=', ref.recordId).execute();
  const latest = revs.find((r) => Number(r.rev) === Number(row.rev));
  if (!latest) return null;
  return {
    rev: Number(row.rev),
    maxRev: Math.max(...revs.map((r) => Number(r.rev))),
    deviceId: row.device_id,
    surveyedAt: 'surveyed_at' in row ? (row.surveyed_at as string) : null,
    body: latest.body,
  };
}

/** Stores `next` (already at maxRev + 1) as a staff rev and refreshes the flattened rows. */
async function writeStaffRev(server: ServerDb, trx: Transaction<Database>, who: StaffPrincipal, latest: StoredLatest, next: HouseholdRecord | AssistanceRecord, at: string): Promise<void> {
  const body = JSON.stringify(next);
  if (next.kind === 'household') {
    const checked = householdRecordKind.parse(next);
    if (!checked.ok) throw new DataSubjectError(400, 'bad_request', 'invalid_value', checked.errors);
    const parsed = checked.record;
    await insertRev(trx, who, next, body, at);
    await markStaffChange(trx, next.id, who.wardCode, latest.deviceId, next.rev, at);
    const rows = withSurveyDate({ household: householdRow(parsed, latest.deviceId, at), members: memberRows(parsed, latest.deviceId, at) }, latest.surveyedAt ?? parsed.data.surveyedAt);
    const { record_id: _id, ...update } = rows.household;
    // An erased member leaves the indicator counters in the same transaction (services/indicator-counters.ts).
    await withCounterDelta(server, trx, who.wardCode, next.id, rows, async () => {
      await trx.updateTable('households').set(update).where('record_id', '=', next.id).execute();
      await trx.deleteFrom('members').where('record_id', '=', next.id).execute();
      for (let i = 0; i < rows.members.length; i += 200) await trx.insertInto('members').values(rows.members.slice(i, i + 200)).execute();
    });
    // Recomputed from the new latest rev by the quality check (services/quality.ts).
    await trx.deleteFrom('household_address_keys').where('record_id', '=', next.id).execute();
  } else {
    const checked = assistanceRecordKind.parse(next);
    if (!checked.ok) throw new DataSubjectError(400, 'bad_request', 'invalid_value', checked.errors);
    await insertRev(trx, who, next, body, at);
    await markStaffChange(trx, next.id, who.wardCode, latest.deviceId, next.rev, at);
    const { record_id: _id, ...update } = assistanceRow(checked.record, latest.deviceId, at);
    await trx.updateTable('assistances').set(update).where('record_id', '=', next.id).execute();
  }
}

async function insertRev(trx: Transaction<Database>, who: StaffPrincipal, next: HouseholdRecord | AssistanceRecord, body: string, at: string): Promise<void> {
  await trx
    .insertInto('record_revisions')
    .values({
      record_id: next.id,
      rev: next.rev,
      ward_code: who.wardCode,
      kind: next.kind,
      schema_version: next.schemaVersion,
      body,
      content_hash: sha256(body),
      device_id: `staff:${who.username}`,
      batch_id: randomUUID(),
      client_updated_at: at,
      received_at: at,
    })
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Correction

export const MEMBER_FIELDS = ['name', 'birthYear', 'sex', 'relation', 'cccd', 'phone'] as const;
export const ASSISTANCE_FIELDS = ['name', 'birthYear', 'phone'] as const;
export const HOUSEHOLD_FIELDS = ['houseNumber', 'lane', 'street', 'consenterName'] as const;
export type CorrectableField = (typeof MEMBER_FIELDS)[number] | (typeof HOUSEHOLD_FIELDS)[number];

function normaliseValue(field: string, value: string | number | null): string | number | undefined {
  if (value === null) return undefined;
  if (field === 'birthYear') return typeof value === 'number' ? value : Number(value);
  const text = String(value).trim();
  if (text === '') return undefined;
  if (field === 'phone') return normalisePhone(text);
  if (field === 'cccd') return digits(text).length === 12 ? digits(text) : text;
  return text;
}

function setOrDelete<T extends object>(obj: T, key: string, value: unknown): T {
  const copy = { ...obj } as Record<string, unknown>;
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy as T;
}

export interface StaffChangeResult {
  recordId: string;
  rev: number;
}

/** Corrects one field as a staff rev; `value` null (or empty) removes an optional field. */
export async function correctField(server: ServerDb, who: StaffPrincipal, ref: SubjectRef, field: string, value: string | number | null, now = new Date()): Promise<StaffChangeResult & { field: string }> {
  const allowed: readonly string[] = ref.kind === 'member' ? MEMBER_FIELDS : ref.kind === 'assistance' ? ASSISTANCE_FIELDS : HOUSEHOLD_FIELDS;
  if (!allowed.includes(field)) throw new DataSubjectError(400, 'bad_request', 'unknown_field', [{ path: 'field', code: 'unknown_field' }]);
  const v = normaliseValue(field, value);
  const at = now.toISOString();
  return server.db.transaction().execute(async (trx) => {
    await lockWard(trx, server.dialect, who.wardCode);
    const latest = await loadLatest(trx, who.wardCode, ref);
    if (!latest) throw new DataSubjectError(404, 'not_found', 'record_not_found');
    const stored = JSON.parse(latest.body) as HouseholdRecord | AssistanceRecord;
    let next: HouseholdRecord | AssistanceRecord;
    let path: string;
    if (stored.kind === 'assistance') {
      if (ref.kind !== 'assistance') throw new DataSubjectError(404, 'not_found', 'record_not_found');
      next = { ...stored, data: { ...stored.data, person: setOrDelete(stored.data.person, field, v) } };
      path = `data.person.${field}`;
    } else if (ref.kind === 'member') {
      const i = stored.data.members.findIndex((m) => m.id === ref.memberId);
      if (i < 0) throw new DataSubjectError(404, 'not_found', 'member_not_found');
      const members = stored.data.members.map((m, j) => (j === i ? setOrDelete(m, field, v) : m));
      next = { ...stored, data: { ...stored.data, members } };
      path = `data.members.${i}.${field}`;
    } else if (ref.kind === 'household') {
      if (field === 'consenterName') {
        if (!stored.data.consent) throw new DataSubjectError(409, 'conflict', 'no_consent_recorded');
        next = { ...stored, data: { ...stored.data, consent: setOrDelete(stored.data.consent, 'consenterName', v) } };
        path = 'data.consent.consenterName';
      } else {
        next = { ...stored, data: { ...stored.data, address: setOrDelete(stored.data.address, field, v) } };
        path = `data.address.${field}`;
      }
    } else {
      throw new DataSubjectError(404, 'not_found', 'record_not_found');
    }
    next = { ...next, rev: latest.maxRev + 1, clientUpdatedAt: at } as typeof next;
    await writeStaffRev(server, trx, who, latest, next, at);
    return { recordId: ref.recordId, rev: next.rev, field: path };
  });
}

// ---------------------------------------------------------------------------------------------
// Erasure and withdrawal of consent

/** The person's identifying values, as found in any revision: what must not remain anywhere. */
interface Needles {
  names: string[];
  phones: string[];
  cccds: string[];
}

function addPerson(n: Needles, p: { name?: string; phone?: string; cccd?: string } | undefined): void {
  if (!p) return;
  if (p.name && foldVietnamese(p.name).replace(/\s/g, '').length >= 2 && !n.names.includes(p.name)) n.names.push(p.name);
  if (p.phone && !n.phones.includes(p.phone)) n.phones.push(p.phone);
  if (p.cccd && !n.cccds.includes(p.cccd)) n.cccds.push(p.cccd);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when free text names the person: their folded name as whole words, their phone or CCCD digits. */
function namesPerson(text: string, n: Needles): boolean {
  const folded = foldVietnamese(text);
  if (n.names.some((name) => new RegExp(`(^|[^a-z0-9])${escapeRe(foldVietnamese(name))}($|[^a-z0-9])`).test(folded))) return true;
  const d = digits(text);
  if (n.phones.some((p) => d.includes(p) || d.includes(`84${p.slice(1)}`))) return true;
  return n.cccds.some((c) => d.includes(c));
}

/** Removes every free-text field naming the person, anywhere in the value (all such fields are optional). */
function dropTextsNaming<T>(value: T, n: Needles): T {
  if (Array.isArray(value)) return value.map((v) => dropTextsNaming(v, n)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && FREE_TEXT_KEYS.has(key) && namesPerson(v, n)) continue;
    out[key] = dropTextsNaming(v, n);
  }
  return out as T;
}
/** Free text a volunteer or staff typed (never an enumeration or an id). */
const FREE_TEXT_KEYS = new Set(['name', 'consenterName', 'note', 'wantsHelpNote', 'voidReason', 'reasonNote', 'campaign', 'place', 'lane', 'street', 'phone', 'cccd']);

type HouseholdData = HouseholdRecord['data'];

/** A household with no personal data: the shape of a refusal (no consent, answers or members). */
function asRefusal(d: HouseholdData): HouseholdData {
  const { consent: _c, devices: _d, payments: _p, note: _n, ...rest } = d;
  return { ...rest, outcome: 'refused', members: [] };
}

type Transform = (record: HouseholdRecord | AssistanceRecord, latest: boolean) => HouseholdRecord | AssistanceRecord;

function memberEraser(memberId: string, n: Needles): Transform {
  return (record) => {
    if (record.kind !== 'household') return record;
    const members = (record.data.members ?? []).filter((m: Member) => m.id !== memberId);
    let data: HouseholdData = { ...record.data, members };
    if (data.outcome === 'surveyed' && members.length === 0) data = asRefusal(data);
    return { ...record, data: dropTextsNaming(data, n) };
  };
}

function householdEraser(n: Needles, removeAddress: boolean): Transform {
  return (record, latest) => {
    if (record.kind !== 'household') return record;
    let data: HouseholdData = asRefusal(record.data);
    if (removeAddress) {
      data = { ...data, address: { houseNumber: ERASED_HOUSE_NUMBER } };
      if (latest || record.data.voided) data = { ...data, voided: true, voidReason: ERASED_VOID_REASON };
    }
    return { ...record, data: JSON.parse(JSON.stringify(dropTextsNaming(data, n))) as HouseholdData };
  };
}

function assistanceEraser(n: Needles): Transform {
  return (record) => {
    if (record.kind !== 'assistance') return record;
    const { name: _name, phone: _phone, ...person } = record.data.person;
    // Nothing left that the consent covered: the record must not say a name is kept with consent.
    const { consent: _consent, ...data } = record.data;
    return { ...record, data: dropTextsNaming({ ...data, person }, n) };
  };
}

export interface ErasureSummary {
  /** Records given a new staff rev. */
  changed: StaffChangeResult[];
  /** Older revisions and conflict rows rewritten. */
  revisionsScrubbed: number;
  conflictsScrubbed: number;
  /** Field paths erased (no values). */
  fields: string[];
}

interface Plan {
  ref: SubjectRef;
  transform: Transform;
}

/** Every body of a record: revisions and conflicts. */
async function bodies(trx: Transaction<Database>, recordId: string) {
  const revisions = await trx.selectFrom('record_revisions').select(['rev', 'body']).where('record_id', '=', recordId).execute();
  const conflicts = await trx.selectFrom('conflicts').select(['id', 'body']).where('record_id', '=', recordId).execute();
  return { revisions, conflicts };
}

function collectNeedles(n: Needles, body: string, ref: SubjectRef): void {
  const record = JSON.parse(body) as HouseholdRecord | AssistanceRecord;
  if (record.kind === 'assistance') addPerson(n, record.data.person);
  else if (ref.kind === 'member') addPerson(n, record.data.members?.find((m) => m.id === ref.memberId));
  else {
    for (const m of record.data.members ?? []) addPerson(n, m);
    addPerson(n, { name: record.data.consent?.consenterName });
  }
}

/** The plans of an erasure: the subject, and the assistances linked to it. */
async function planFor(trx: Transaction<Database>, wardCode: string, ref: SubjectRef, mode: 'erase' | 'withdraw'): Promise<{ plans: Plan[]; needles: Needles }> {
  const n: Needles = { names: [], phones: [], cccds: [] };
  const own = await bodies(trx, ref.recordId);
  if (own.revisions.length === 0) throw new DataSubjectError(404, 'not_found', 'record_not_found');
  for (const b of [...own.revisions, ...own.conflicts]) collectNeedles(n, b.body, ref);
  // A member already erased from every revision may still sit in a conflict row that arrived
  // later (a rev the phone built before it took the erasure): erasing again scrubs it.
  if (ref.kind === 'member' && ![...own.revisions, ...own.conflicts].some((r) => (JSON.parse(r.body) as HouseholdRecord).data.members?.some((m) => m.id === ref.memberId))) {
    throw new DataSubjectError(404, 'not_found', 'member_not_found');
  }
  const plans: Plan[] = [];
  if (ref.kind === 'assistance') plans.push({ ref, transform: assistanceEraser(n) });
  else if (ref.kind === 'member') plans.push({ ref, transform: memberEraser(ref.memberId, n) });
  else plans.push({ ref, transform: householdEraser(n, mode === 'erase') });
  // Erasure only: withdrawing the survey's consent leaves the assistances, whose consent is their own.
  if (ref.kind !== 'assistance' && mode === 'erase') {
    // Assistances given to this member (or anyone of this household) name the same person.
    const linked = await trx
      .selectFrom('assistances')
      .select('record_id')
      .where('ward_code', '=', wardCode)
      .where('household_id', '=', ref.recordId)
      .$if(ref.kind === 'member', (q) => q.where('member_id', '=', (ref as { memberId: string }).memberId))
      .execute();
    for (const l of linked) {
      const a = await bodies(trx, l.record_id);
      for (const b of [...a.revisions, ...a.conflicts]) collectNeedles(n, b.body, { kind: 'assistance', recordId: l.record_id });
      plans.push({ ref: { kind: 'assistance', recordId: l.record_id }, transform: assistanceEraser(n) });
    }
  }
  return { plans, needles: n };
}

function fieldsOf(ref: SubjectRef, mode: 'erase' | 'withdraw'): string[] {
  if (ref.kind === 'assistance') return ['data.person.name', 'data.person.phone'];
  if (ref.kind === 'member') return [`data.members[id=${ref.memberId}]`];
  return mode === 'erase'
    ? ['data.members', 'data.consent', 'data.devices', 'data.payments', 'data.note', 'data.address']
    : ['data.members', 'data.consent', 'data.devices', 'data.payments', 'data.note'];
}

export interface ErasurePreview {
  records: { kind: 'household' | 'assistance'; recordId: string; revisions: number; conflicts: number }[];
  fields: string[];
}

/** What an erasure (or a withdrawal) would change, without changing anything: ids and counts only. */
export async function previewErasure(server: ServerDb, wardCode: string, ref: SubjectRef, mode: 'erase' | 'withdraw'): Promise<ErasurePreview> {
  return server.db.transaction().execute(async (trx) => {
    await checkInWard(trx, wardCode, ref);
    const { plans } = await planFor(trx, wardCode, ref, mode);
    const records: ErasurePreview['records'] = [];
    for (const p of plans) {
      const b = await bodies(trx, p.ref.recordId);
      records.push({ kind: p.ref.kind === 'assistance' ? 'assistance' : 'household', recordId: p.ref.recordId, revisions: b.revisions.length, conflicts: b.conflicts.length });
    }
    return { records, fields: plans.flatMap((p) => fieldsOf(p.ref, mode)) };
  });
}

async function checkInWard(trx: Transaction<Database>, wardCode: string, ref: SubjectRef): Promise<void> {
  const row =
    ref.kind === 'assistance'
      ? await trx.selectFrom('assistances').select('record_id').where('record_id', '=', ref.recordId).where('ward_code', '=', wardCode).executeTakeFirst()
      : await trx.selectFrom('households').select('record_id').where('record_id', '=', ref.recordId).where('ward_code', '=', wardCode).executeTakeFirst();
  if (!row) throw new DataSubjectError(404, 'not_found', 'record_not_found');
}

/**
 * Erases a person (a member with their linked assistances, a whole household, or an
 * assistance's name and phone), or applies a withdrawal of consent (mode 'withdraw': the
 * household becomes a refusal, address kept). One transaction: the staff rev of each record,
 * then every older revision and conflict row rewritten; afterwards the erased bytes are
 * scrubbed from the files (scrubErasedBytes).
 */
export async function eraseSubject(server: ServerDb, who: StaffPrincipal, ref: SubjectRef, mode: 'erase' | 'withdraw', now = new Date()): Promise<ErasureSummary> {
  const at = now.toISOString();
  // Zeroes freed space as pages are written (db/connect.ts turns it on for every connection).
  server.sqlite?.pragma('secure_delete = ON');
  const summary = await server.db.transaction().execute(async (trx) => {
    await lockWard(trx, server.dialect, who.wardCode);
    await checkInWard(trx, who.wardCode, ref);
    const { plans } = await planFor(trx, who.wardCode, ref, mode);
    const out: ErasureSummary = { changed: [], revisionsScrubbed: 0, conflictsScrubbed: 0, fields: plans.flatMap((p) => fieldsOf(p.ref, mode)) };
    for (const plan of plans) {
      const latest = await loadLatest(trx, who.wardCode, plan.ref);
      if (!latest) continue;
      const stored = JSON.parse(latest.body) as HouseholdRecord | AssistanceRecord;
      const erased = plan.transform(stored, true);
      if (JSON.stringify(erased.data) !== JSON.stringify(stored.data)) {
        const next = { ...erased, rev: latest.maxRev + 1, clientUpdatedAt: at } as HouseholdRecord | AssistanceRecord;
        await writeStaffRev(server, trx, who, latest, next, at);
        out.changed.push({ recordId: plan.ref.recordId, rev: next.rev });
      }
      const b = await bodies(trx, plan.ref.recordId);
      const newRev = out.changed.find((c) => c.recordId === plan.ref.recordId)?.rev;
      for (const r of b.revisions) {
        if (Number(r.rev) === newRev) continue;
        const body = JSON.stringify(plan.transform(JSON.parse(r.body) as HouseholdRecord | AssistanceRecord, false));
        if (body === r.body) continue;
        await trx.updateTable('record_revisions').set({ body }).where('record_id', '=', plan.ref.recordId).where('rev', '=', Number(r.rev)).execute();
        out.revisionsScrubbed++;
      }
      for (const c of b.conflicts) {
        const body = JSON.stringify(plan.transform(JSON.parse(c.body) as HouseholdRecord | AssistanceRecord, false));
        if (body === c.body) continue;
        await trx.updateTable('conflicts').set({ body }).where('id', '=', c.id).execute();
        out.conflictsScrubbed++;
      }
    }
    return out;
  });
  await scrubErasedBytes(server, ['record_revisions', 'conflicts', 'households', 'members', 'household_address_keys', 'assistances']);
  return summary;
}
