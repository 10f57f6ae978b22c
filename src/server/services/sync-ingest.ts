// Applies one sync batch from one device (docs/sync-protocol.md).
//
// Contract:
// - Every record gets one result, in order: accepted | duplicate | stale | conflict | rejected.
// - Validation (CPU only) happens before the transaction; one bad record never blocks the others.
// - All writes of a batch happen in ONE transaction; the caller answers only after it commits,
//   so an acknowledged record is durable and an unacknowledged one was not half-written. A
//   retry after a lost answer then finds the same content and answers `duplicate`.
// - The ward and the device come from the token, never from the body; a record id belongs to
//   the ward (and the kind) that first stored it.
// - Every kind goes through the same path (validated by its own schema, schema/registry.ts);
//   only the flattened rows of the latest rev differ (households + members, assistances + kinds).
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { ageOnDate } from '../../shared/domain/age.js';
import { toFieldErrors, type FieldError } from '../../shared/domain/validation.js';
import type { SyncRecordError, SyncRequest, SyncResponse, SyncResult } from '../../shared/protocol/sync.js';
import type { AssistanceRecord } from '../../shared/schema/assistance.js';
import type { HouseholdRecord } from '../../shared/schema/household.js';
import { isRecordKind, recordSchemaFor, type AnyRecord } from '../../shared/schema/registry.js';
import { deleteWhereIn, insertMany } from '../db/bulk.js';
import { lockWard, type ServerDb } from '../db/connect.js';
import type {
  AssistanceKindsTable,
  AssistancesTable,
  ConflictsTable,
  Database,
  HouseholdsTable,
  MembersTable,
  RecordRevisionsTable,
} from '../db/schema.js';
import type { DevicePrincipal } from './accounts.js';
import { sameContent } from './canonical-json.js';
import { sha256 } from './secrets.js';
import { message, validationMessage, type Lang } from './messages.js';
import { wardGroupCodes } from './wards.js';

interface Rejected {
  kind: 'rejected';
  id: string;
  rev: number;
  errors: FieldError[];
}

interface Valid {
  kind: 'valid';
  id: string;
  rev: number;
  record: AnyRecord;
  body: string;
  contentHash: string;
}

type Prepared = Rejected | Valid;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one record alone (no database): schema, the token's ward, the ward's register. */
export function prepareRecord(item: unknown, wardCode: string, groups: ReadonlySet<string>): Prepared {
  const obj = isPlainObject(item) ? item : null;
  const id = typeof obj?.id === 'string' ? obj.id : '';
  const rev = typeof obj?.rev === 'number' && Number.isInteger(obj.rev) ? obj.rev : 0;
  if (!obj) return { kind: 'rejected', id, rev, errors: [{ path: '', code: 'invalid' }] };
  if (!isRecordKind(obj.kind)) return { kind: 'rejected', id, rev, errors: [{ path: 'kind', code: 'unknown_kind' }] };
  const schema = recordSchemaFor(obj.kind, obj.schemaVersion);
  if (!schema) return { kind: 'rejected', id, rev, errors: [{ path: 'schemaVersion', code: 'unknown_schema_version' }] };
  const parsed = schema.safeParse(obj);
  if (!parsed.success) return { kind: 'rejected', id, rev, errors: toFieldErrors(parsed.error) };
  const record = parsed.data;
  // Stored in an INTEGER column on both engines (PostgreSQL's is 32-bit).
  if (record.rev > MAX_REV) return { kind: 'rejected', id, rev, errors: [{ path: 'rev', code: 'rev_invalid' }] };
  if (record.data.wardCode !== wardCode) {
    return { kind: 'rejected', id, rev, errors: [{ path: 'data.wardCode', code: 'wrong_ward' }] };
  }
  // An assistance may name no tổ dân phố (a campaign table); one it names must be on the register.
  if (record.data.groupCode !== undefined && !groups.has(record.data.groupCode)) {
    return { kind: 'rejected', id, rev, errors: [{ path: 'data.groupCode', code: 'unknown_group' }] };
  }
  // Stored as sent (before zod trims or fills defaults): the phone's own words are the history.
  const body = JSON.stringify(obj);
  return {
    kind: 'valid',
    id: record.id,
    rev: record.rev,
    record,
    body,
    contentHash: sha256(body),
  };
}

export const MAX_REV = 2_147_483_647;

/** PostgreSQL text cannot hold NUL; free text copied into a column loses it (the JSON body keeps it escaped). */
const noNul = (text: string | undefined): string | null => (text === undefined ? null : text.replace(/\u0000/g, ''));

interface StoredState {
  wardCode: string;
  kind: string;
  maxRev: number;
  hashes: Map<number, string>;
  /** Bodies accepted earlier in this batch (not yet readable back cheaply). */
  bodies: Map<number, string>;
}

const CHUNK = 500;

function chunks<T>(rows: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const flag = (b: boolean | undefined): number => (b ? 1 : 0);

export function householdRow(record: HouseholdRecord, deviceId: string, receivedAt: string): HouseholdsTable {
  const d = record.data;
  return {
    record_id: record.id,
    rev: record.rev,
    ward_code: d.wardCode,
    group_code: d.groupCode,
    outcome: d.outcome,
    voided: flag(d.voided),
    practice: flag(d.practice),
    surveyed_at: d.surveyedAt,
    device_id: deviceId,
    received_at: receivedAt,
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
  return d.members.map((m, position) => ({
    record_id: record.id,
    member_id: m.id,
    position,
    ward_code: d.wardCode,
    group_code: d.groupCode,
    outcome: d.outcome,
    voided: flag(d.voided),
    practice: flag(d.practice),
    surveyed_at: d.surveyedAt,
    device_id: deviceId,
    received_at: receivedAt,
    relation: m.relation,
    birth_year: m.birthYear,
    age: ageOnDate(m.birthYear, d.surveyedAt),
    sex: m.sex,
    has_cccd: flag(m.cccd !== undefined),
    has_phone: flag(m.phone !== undefined),
    vneid: m.vneid,
    ehr: m.ehr,
    ds_health: m.digitalServices12m.health,
    ds_education: m.digitalServices12m.education,
    ds_insurance: m.digitalServices12m.insurance,
    ds_transport: m.digitalServices12m.transport,
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

export interface IngestOptions {
  lang: Lang;
  now?: Date;
}

export class SyncIngest {
  // Registers change rarely; a ward's set is read at most once a minute, not per batch.
  private readonly groupCache = new Map<string, { codes: ReadonlySet<string>; at: number }>();
  private readonly lastSeenWritten = new Map<string, string>();

  constructor(private readonly server: ServerDb) {}

  private async groups(wardCode: string): Promise<ReadonlySet<string>> {
    const cached = this.groupCache.get(wardCode);
    if (cached && Date.now() - cached.at < 60_000) return cached.codes;
    const codes = await wardGroupCodes(this.server.db, wardCode);
    this.groupCache.set(wardCode, { codes, at: Date.now() });
    return codes;
  }

  async ingest(device: DevicePrincipal, request: SyncRequest, options: IngestOptions): Promise<SyncResponse> {
    const receivedAt = (options.now ?? new Date()).toISOString();
    const groups = await this.groups(device.wardCode);
    const prepared = request.records.map((item) => prepareRecord(item, device.wardCode, groups));
    const outcomes: (Rejected | { kind: 'status'; id: string; rev: number; status: SyncResult['status'] })[] = [];

    await this.server.db.transaction().execute(async (trx) => {
      await lockWard(trx, this.server.dialect, device.wardCode);
      const state = await this.loadState(trx, prepared);
      const storedBefore = new Set(state.keys()); // only these can have member rows to replace
      const revisions: RecordRevisionsTable[] = [];
      const conflicts: ConflictsTable[] = [];
      const latest = new Map<string, AnyRecord>();

      for (const p of prepared) {
        if (p.kind === 'rejected') {
          outcomes.push(p);
          continue;
        }
        const stored = state.get(p.id);
        if (stored && stored.wardCode !== device.wardCode) {
          outcomes.push({ kind: 'rejected', id: p.id, rev: p.rev, errors: [{ path: 'id', code: 'wrong_ward' }] });
          continue;
        }
        if (stored && stored.kind !== p.record.kind) {
          // An id names one record of one kind for good: a household never becomes an assistance.
          outcomes.push({ kind: 'rejected', id: p.id, rev: p.rev, errors: [{ path: 'kind', code: 'invalid' }] });
          continue;
        }
        const storedHash = stored?.hashes.get(p.rev);
        if (storedHash !== undefined) {
          // Equal hashes of the body as sent: certainly a retry. Otherwise compare the content
          // as parsed JSON (key order and clientUpdatedAt ignored) before calling it a conflict.
          const same =
            storedHash === p.contentHash ||
            sameContent(stored!.bodies.get(p.rev) ?? (await this.storedBody(trx, p.id, p.rev)), p.body);
          if (same) {
            outcomes.push({ kind: 'status', id: p.id, rev: p.rev, status: 'duplicate' });
          } else {
            conflicts.push({
              id: randomUUID(),
              record_id: p.id,
              rev: p.rev,
              ward_code: device.wardCode,
              device_id: device.deviceId,
              batch_id: request.batchId,
              body: p.body,
              content_hash: p.contentHash,
              received_at: receivedAt,
            });
            outcomes.push({ kind: 'status', id: p.id, rev: p.rev, status: 'conflict' });
          }
          continue;
        }
        if (stored && stored.maxRev > p.rev) {
          outcomes.push({ kind: 'status', id: p.id, rev: p.rev, status: 'stale' });
          continue;
        }
        revisions.push({
          record_id: p.id,
          rev: p.rev,
          ward_code: device.wardCode,
          kind: p.record.kind,
          schema_version: p.record.schemaVersion,
          body: p.body,
          content_hash: p.contentHash,
          device_id: device.deviceId,
          batch_id: request.batchId,
          client_updated_at: p.record.clientUpdatedAt,
          received_at: receivedAt,
        });
        const next = stored ?? { wardCode: device.wardCode, kind: p.record.kind, maxRev: 0, hashes: new Map<number, string>(), bodies: new Map<number, string>() };
        next.hashes.set(p.rev, p.contentHash);
        next.bodies.set(p.rev, p.body);
        next.maxRev = Math.max(next.maxRev, p.rev);
        state.set(p.id, next);
        latest.set(p.id, p.record);
        outcomes.push({ kind: 'status', id: p.id, rev: p.rev, status: 'accepted' });
      }

      await insertMany(this.server, trx, 'record_revisions', revisions);
      await insertMany(this.server, trx, 'conflicts', conflicts, { kind: 'ignore', columns: ['record_id', 'rev', 'content_hash'] });
      await this.writeLatest(trx, [...latest.values()], storedBefore, device.deviceId, receivedAt);
      // "Last seen" to the minute is enough for ward staff; not one more write per batch.
      if (this.lastSeenWritten.get(device.deviceId) !== receivedAt.slice(0, 16)) {
        await trx.updateTable('devices').set({ last_seen_at: receivedAt }).where('id', '=', device.deviceId).execute();
      }
    });

    this.lastSeenWritten.set(device.deviceId, receivedAt.slice(0, 16)); // after the commit only

    return {
      batchId: request.batchId,
      results: outcomes.map((o) => {
        if (o.kind === 'rejected') return { id: o.id, rev: o.rev, status: 'rejected', errors: this.translate(o.errors, options.lang) };
        if (o.status === 'conflict') {
          return { id: o.id, rev: o.rev, status: 'conflict', errors: [{ path: 'rev', code: 'conflict', message: message('rev_conflict', options.lang) }] };
        }
        return { id: o.id, rev: o.rev, status: o.status };
      }),
    };
  }

  private translate(errors: FieldError[], lang: Lang): SyncRecordError[] {
    return errors.map((e) => ({ path: e.path, code: e.code, message: validationMessage(e.code, lang) }));
  }

  private async storedBody(trx: Transaction<Database>, id: string, rev: number): Promise<string> {
    const row = await trx
      .selectFrom('record_revisions')
      .select('body')
      .where('record_id', '=', id)
      .where('rev', '=', rev)
      .executeTakeFirstOrThrow();
    return row.body;
  }

  private async loadState(trx: Transaction<Database>, prepared: Prepared[]): Promise<Map<string, StoredState>> {
    const ids = [...new Set(prepared.filter((p): p is Valid => p.kind === 'valid').map((p) => p.id))];
    const state = new Map<string, StoredState>();
    for (const part of chunks(ids)) {
      const rows = await trx
        .selectFrom('record_revisions')
        .select(['record_id', 'rev', 'ward_code', 'kind', 'content_hash'])
        .where('record_id', 'in', part)
        .execute();
      for (const row of rows) {
        const s = state.get(row.record_id) ?? { wardCode: row.ward_code, kind: row.kind, maxRev: 0, hashes: new Map<number, string>(), bodies: new Map<number, string>() };
        s.hashes.set(row.rev, row.content_hash);
        s.maxRev = Math.max(s.maxRev, row.rev);
        state.set(row.record_id, s);
      }
    }
    return state;
  }

  /**
   * The dashboard's rows follow the newest revision: upsert the household and rewrite its
   * members; upsert the assistance and rewrite its kinds.
   */
  private async writeLatest(
    trx: Transaction<Database>,
    all: AnyRecord[],
    storedBefore: ReadonlySet<string>,
    deviceId: string,
    receivedAt: string,
  ) {
    const records = all.filter((r): r is HouseholdRecord => r.kind === 'household');
    const assists = all.filter((r): r is AssistanceRecord => r.kind === 'assistance');
    if (assists.length > 0) {
      await insertMany(this.server, trx, 'assistances', assists.map((r) => assistanceRow(r, deviceId, receivedAt)), { kind: 'upsert', columns: ['record_id'] });
      const replacedAssists = assists.filter((r) => storedBefore.has(r.id)).map((r) => r.id);
      await deleteWhereIn(this.server, trx, 'assistance_kinds', 'record_id', replacedAssists);
      await insertMany(this.server, trx, 'assistance_kinds', assists.flatMap(assistanceKindRows));
    }
    if (records.length === 0) return;
    const households = records.map((r) => householdRow(r, deviceId, receivedAt));
    await insertMany(this.server, trx, 'households', households, { kind: 'upsert', columns: ['record_id'] });
    const replaced = records.filter((r) => storedBefore.has(r.id)).map((r) => r.id);
    await deleteWhereIn(this.server, trx, 'members', 'record_id', replaced);
    await insertMany(this.server, trx, 'members', records.flatMap((r) => memberRows(r, deviceId, receivedAt)));
  }
}
