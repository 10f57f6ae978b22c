// The register of residents' personal-data requests (table data_subject_requests): what was
// asked, who asked (the person, or a guardian for a child under 16), how identity was checked,
// received / acknowledged / answered dates and the deadlines, the records concerned (ids only)
// and what staff did (action names, ids and field paths; never values).
//
// Deadlines: acknowledge within `dataRequestAcknowledgeWorkingDays` working days (default 2,
// PRODUCT.md and NĐ 356/2025), Monday–Friday minus seeds/holidays-vn.json; answer within
// `dataRequestAnswerDays` calendar days (default 10; see ward-config.ts for where it comes
// from), ending on a working day. Computed when the request is registered, from the settings of that day. "Today" is
// the ward's day (Vietnam, UTC+7).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import holidaysVn from '../../../seeds/holidays-vn.json' with { type: 'json' };
import { addCalendarDays, addWorkingDays, onOrNextWorkingDay } from '../../shared/domain/working-days.js';
import { DATA_REQUEST_DEFAULTS, type WardConfig } from '../../shared/schema/ward-config.js';
import type { Database, DataSubjectRequestsTable } from '../db/schema.js';
import type { StaffPrincipal } from './accounts.js';
import type { SubjectRef } from './data-subject.js';

export const HOLIDAYS: ReadonlySet<string> = new Set(holidaysVn.days.map((d) => d.date));

export const REQUEST_KINDS = ['access', 'correction', 'erasure', 'withdraw_consent'] as const;
export const REQUESTERS = ['self', 'guardian', 'representative'] as const;
export const IDENTITY_CHECKS = ['cccd_seen', 'vneid_level2', 'guardian_document', 'other'] as const;
export const STATUSES = ['received', 'acknowledged', 'answered', 'rejected'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

const isoDate = z.iso.date();
const uuid = z.uuid();

export const subjectRefSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('member'), recordId: uuid, memberId: uuid }),
  z.strictObject({ kind: z.literal('household'), recordId: uuid }),
  z.strictObject({ kind: z.literal('assistance'), recordId: uuid }),
]);

export const newRequestSchema = z.strictObject({
  kind: z.enum(REQUEST_KINDS),
  requester: z.enum(REQUESTERS),
  /** Optional: the register may need it to answer; nothing else about the person is kept here. */
  requesterName: z.string().trim().max(80).optional(),
  identityCheck: z.enum(IDENTITY_CHECKS),
  receivedOn: isoDate,
}).superRefine((r, ctx) => {
  // A child's request comes through a guardian whose own document was checked.
  if (r.requester === 'guardian' && r.identityCheck !== 'guardian_document') {
    ctx.addIssue({ code: 'custom', path: ['identityCheck'], message: 'guardian_document_required' });
  }
});
export type NewRequest = z.infer<typeof newRequestSchema>;

export interface RequestAction {
  action: string;
  at: string;
  by: string;
  recordIds: string[];
  fields?: string[];
}

export interface DataRequest {
  id: string;
  wardCode: string;
  kind: RequestKind;
  requester: (typeof REQUESTERS)[number];
  requesterName: string | null;
  identityCheck: (typeof IDENTITY_CHECKS)[number];
  receivedOn: string;
  acknowledgeDue: string;
  answerDue: string;
  acknowledgedOn: string | null;
  answeredOn: string | null;
  status: (typeof STATUSES)[number];
  records: SubjectRef[];
  consentWithdrawn: string | null;
  actions: RequestAction[];
  createdBy: string;
  createdAt: string;
  /** Not acknowledged by its due date (or acknowledged after it). */
  acknowledgeLate: boolean;
  /** Not answered by its due date (or answered after it). */
  answerLate: boolean;
}

/** The ward's day (Vietnam, UTC+7, no daylight saving). */
export function wardToday(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/**
 * The acknowledgement is due `n` working days after receipt; the answer `m` calendar days after,
 * moved to the next working day when that is a weekend or holiday (Bộ luật Dân sự, Điều 148),
 * and never before the acknowledgement's due date.
 */
export function dueDates(config: WardConfig, receivedOn: string): { acknowledgeDue: string; answerDue: string } {
  const acknowledgeDue = addWorkingDays(receivedOn, config.settings.dataRequestAcknowledgeWorkingDays ?? DATA_REQUEST_DEFAULTS.acknowledgeWorkingDays, HOLIDAYS);
  const answer = onOrNextWorkingDay(addCalendarDays(receivedOn, config.settings.dataRequestAnswerDays ?? DATA_REQUEST_DEFAULTS.answerDays), HOLIDAYS);
  return { acknowledgeDue, answerDue: answer < acknowledgeDue ? acknowledgeDue : answer };
}

const late = (done: string | null, due: string, today: string) => (done ? done > due : today > due);

function fromRow(r: DataSubjectRequestsTable, today: string): DataRequest {
  return {
    id: r.id,
    wardCode: r.ward_code,
    kind: r.kind as RequestKind,
    requester: r.requester as DataRequest['requester'],
    requesterName: r.requester_name,
    identityCheck: r.identity_check as DataRequest['identityCheck'],
    receivedOn: r.received_on,
    acknowledgeDue: r.acknowledge_due,
    answerDue: r.answer_due,
    acknowledgedOn: r.acknowledged_on,
    answeredOn: r.answered_on,
    status: r.status as DataRequest['status'],
    records: JSON.parse(r.records) as SubjectRef[],
    consentWithdrawn: r.consent_withdrawn,
    actions: JSON.parse(r.actions) as RequestAction[],
    createdBy: r.created_by,
    createdAt: r.created_at,
    acknowledgeLate: late(r.acknowledged_on, r.acknowledge_due, today),
    answerLate: late(r.answered_on, r.answer_due, today),
  };
}

export async function registerRequest(db: Kysely<Database>, who: StaffPrincipal, config: WardConfig, input: NewRequest, now = new Date()): Promise<DataRequest> {
  const at = now.toISOString();
  const due = dueDates(config, input.receivedOn);
  const row: DataSubjectRequestsTable = {
    id: randomUUID(),
    ward_code: config.code,
    kind: input.kind,
    requester: input.requester,
    requester_name: input.requesterName || null,
    identity_check: input.identityCheck,
    received_on: input.receivedOn,
    acknowledge_due: due.acknowledgeDue,
    answer_due: due.answerDue,
    acknowledged_on: null,
    answered_on: null,
    status: 'received',
    records: '[]',
    consent_withdrawn: null,
    actions: '[]',
    created_by: who.username,
    created_at: at,
    updated_at: at,
  };
  await db.insertInto('data_subject_requests').values(row).execute();
  return fromRow(row, wardToday(now));
}

export async function listRequests(db: Kysely<Database>, wardCode: string, now = new Date()): Promise<DataRequest[]> {
  const rows = await db.selectFrom('data_subject_requests').selectAll().where('ward_code', '=', wardCode).orderBy('received_on', 'desc').orderBy('created_at', 'desc').execute();
  const today = wardToday(now);
  return rows.map((r) => fromRow(r, today));
}

export async function getRequest(db: Kysely<Database>, wardCode: string, id: string, now = new Date()): Promise<DataRequest | null> {
  if (!uuid.safeParse(id).success) return null;
  const row = await db.selectFrom('data_subject_requests').selectAll().where('id', '=', id).where('ward_code', '=', wardCode).executeTakeFirst();
  return row ? fromRow(row, wardToday(now)) : null;
}

export const statusChangeSchema = z.strictObject({
  status: z.enum(['acknowledged', 'answered', 'rejected']),
  on: isoDate.optional(),
});

/** Marks a request acknowledged / answered / rejected (answering or rejecting also acknowledges). */
export async function setStatus(db: Kysely<Database>, request: DataRequest, change: z.infer<typeof statusChangeSchema>, now = new Date()): Promise<void> {
  const on = change.on ?? wardToday(now);
  const ack = request.acknowledgedOn ?? on;
  await db
    .updateTable('data_subject_requests')
    .set({
      status: change.status,
      acknowledged_on: ack,
      answered_on: change.status === 'acknowledged' ? request.answeredOn : on,
      updated_at: now.toISOString(),
    })
    .where('id', '=', request.id)
    .execute();
}

/** Links records to the request (replacing the list): what the export covers and what may be changed. */
export async function setRecords(db: Kysely<Database>, request: DataRequest, records: SubjectRef[], now = new Date()): Promise<void> {
  await db.updateTable('data_subject_requests').set({ records: JSON.stringify(records), updated_at: now.toISOString() }).where('id', '=', request.id).execute();
}

export async function addAction(db: Kysely<Database>, request: DataRequest, action: RequestAction, extra: { consentWithdrawn?: string } = {}, now = new Date()): Promise<void> {
  const current = await db.selectFrom('data_subject_requests').select('actions').where('id', '=', request.id).executeTakeFirstOrThrow();
  const actions = [...(JSON.parse(current.actions) as RequestAction[]), action];
  await db
    .updateTable('data_subject_requests')
    .set({ actions: JSON.stringify(actions), updated_at: now.toISOString(), ...(extra.consentWithdrawn ? { consent_withdrawn: extra.consentWithdrawn } : {}) })
    .where('id', '=', request.id)
    .execute();
}

/** A ref is one of the request's linked records (the subject must be linked before it is changed). */
export function isLinked(request: DataRequest, ref: SubjectRef): boolean {
  return request.records.some((r) => r.kind === ref.kind && r.recordId === ref.recordId && (r.kind !== 'member' || (ref.kind === 'member' && r.memberId === ref.memberId)));
}
