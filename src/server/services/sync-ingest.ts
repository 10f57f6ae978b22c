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
// - The indicator counters (services/indicator-counters.ts) move in the same transaction, by
//   the difference between each household's stored rows and its new ones.
// - Ownership (record_owners): only the device that stored a record's first rev, or the one
//   staff handed it to, writes new revs. A staff change the owning phone has not acknowledged
//   (`applied` in the request, applied first) makes its revs conflicts answered with the
//   server's state; the answer also carries the server's state of the device's other records
//   changed by staff (`serverRecords`). See decideStatus and docs/sync-protocol.md.
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { FieldError } from '../../shared/domain/validation.js';
import { surveyDateAfter, type SurveyVisit } from '../../shared/domain/survey-date.js';
import { decideStatus, recordContentKey, type StoredRecordState, type StoredRevision } from '../../shared/protocol/decide-status.js';
import {
  MAX_SERVER_RECORDS_PER_RESPONSE,
  type ServerRecordState,
  type SyncRecordError,
  type SyncResponse,
  type SyncResult,
} from '../../shared/protocol/sync.js';
import { eraseRecordPersonalFields } from '../../shared/domain/personal-fields.js';
import { parseRecord } from '../../shared/schema/registry.js';
import { cachedSqliteStatement, deleteWhereIn, insertMany } from '../db/bulk.js';
import { lockWard, type ServerDb } from '../db/connect.js';
import type { ConflictsTable, Database, RecordOwnersTable, RecordRevisionsTable } from '../db/schema.js';
import type { DevicePrincipal } from './accounts.js';
import { message, validationMessage, type Lang } from './messages.js';
import { applyCounterDeltas, loadCountedRows } from './indicator-counters.js';
import { withSurveyDate } from './record-rows.js';
import type { AppliedState, PreparedRecord, RejectedRecord, ValidRecord } from './sync-prepare.js';
import { DEFAULT_RELEVANCE_AGES, type RelevanceAges } from '../../shared/domain/relevance.js';
import { getWardConfig, wardGroupCodes } from './wards.js';

/** What the ingest holds per record id: the decision's input, plus bodies stored by this batch. */
interface StoredState extends StoredRecordState {
  revisions: Map<number, StoredRevision>;
}

const CHUNK = 500;

// The per-batch reads on SQLite, as cached statements run once per id (bulk.ts
// cachedSqliteStatement); on PostgreSQL, one Kysely query per chunk of ids.
const SQLITE_REVISIONS_OF =
  'select record_id, rev, ward_code, kind, content_hash, personal_erased_at from record_revisions where record_id = ?';
const SQLITE_OWNER_OF = 'select record_id, device_id, unseen_staff_rev from record_owners where record_id = ?';
const SQLITE_STAFF_CHANGES =
  'select o.record_id from record_owners o where o.device_id = ? and o.unseen_staff_rev is not null ' +
  'and exists (select 1 from record_revisions r where r.record_id = o.record_id and r.device_id = ?) order by o.record_id limit ?';
type RevisionState = Pick<RecordRevisionsTable, 'record_id' | 'rev' | 'ward_code' | 'kind' | 'content_hash' | 'personal_erased_at'>;
type OwnerState = Pick<RecordOwnersTable, 'record_id' | 'device_id' | 'unseen_staff_rev'>;

function chunks<T>(rows: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * The content key of a body as stored or sent: parsed and migrated where it still parses.
 * `erase`: its personal fields erased first (domain/personal-fields.ts), to compare a phone's
 * retry with a stored rev whose body retention erased (services/retention.ts): a retry that
 * differs only in what was erased is a `duplicate` and stores nothing, never a `conflict` row
 * that would bring the erased values back.
 */
function contentKeyOfBody(body: string, erase = false): string {
  let raw: unknown = JSON.parse(body);
  if (erase) {
    try {
      raw = eraseRecordPersonalFields(raw);
    } catch {
      // A kind or version without a personal-field list: compared as sent (then a conflict).
    }
  }
  const parsed = parseRecord(raw);
  return recordContentKey(raw, parsed.ok ? parsed.record : null);
}

export interface IngestOptions {
  lang: Lang;
  /**
   * Whether the batch counts as the device being seen (default true). False for a rescue file
   * staff upload (services/rescue-import.ts): the phone itself was not heard from.
   */
  touchLastSeen?: boolean;
  /**
   * No other device is syncing now (routes/sync.ts): no other batch can join this one's group,
   * so on SQLite it is written at once instead of after the event-loop turn (about a
   * millisecond of a lone phone's every batch).
   */
  alone?: boolean;
}

/** A batch after sync-prepare.ts, for one device. */
export interface IngestBatch {
  batchId: string;
  records: PreparedRecord[];
  /** Server states the phone has taken (optional in the request). */
  applied?: AppliedState[];
}

type Outcome =
  | RejectedRecord
  | { kind: 'status'; id: string; rev: number; status: Exclude<SyncResult['status'], 'rejected' | 'conflict'> }
  | { kind: 'conflict'; id: string; rev: number; takeServerState: boolean };

interface IngestItem {
  device: DevicePrincipal;
  batch: IngestBatch;
  receivedAt: string;
  options: IngestOptions;
}

interface AppliedBatch {
  outcomes: Outcome[];
  serverStates: Map<string, ServerRecordState>;
  serverRecords: ServerRecordState[];
}

/** A group commit's size: about four phone batches, so one transaction stays short. */
const GROUP_MAX_RECORDS = 400;

export class SyncIngest {
  private readonly waiting: (IngestItem & { resolve(answer: SyncResponse): void; reject(error: unknown): void })[] = [];
  // Registers and settings change rarely; a ward's are read at most once a minute, not per batch.
  private readonly groupCache = new Map<string, { codes: ReadonlySet<string>; at: number }>();
  private readonly agesCache = new Map<string, { ages: RelevanceAges; at: number }>();
  private readonly lastSeenWritten = new Map<string, string>();

  constructor(private readonly server: ServerDb) {}

  /** The ward's tổ dân phố codes, for preparing its batches. */
  async groups(wardCode: string): Promise<ReadonlySet<string>> {
    const cached = this.groupCache.get(wardCode);
    if (cached && Date.now() - cached.at < 60_000) return cached.codes;
    const codes = await wardGroupCodes(this.server.db, wardCode);
    this.groupCache.set(wardCode, { codes, at: Date.now() });
    return codes;
  }

  /** The ward's ages (its settings) the relevance table checks its households with. */
  async ages(wardCode: string): Promise<RelevanceAges> {
    const cached = this.agesCache.get(wardCode);
    if (cached && Date.now() - cached.at < 60_000) return cached.ages;
    const settings = (await getWardConfig(this.server.db, wardCode))?.settings;
    const ages = settings ? { adultAge: settings.adultAge, vneidMinAge: settings.vneidMinAge } : DEFAULT_RELEVANCE_AGES;
    this.agesCache.set(wardCode, { ages, at: Date.now() });
    return ages;
  }

  /**
   * Applies a prepared batch in one transaction and answers it once committed. On SQLite the
   * batches that arrive while another is being written wait and are then written together, each
   * by the same steps in turn, in ONE transaction (group commit, below); on PostgreSQL every batch
   * has its own transaction, as concurrent transactions are what it does well.
   * `receivedAt` is the time the batch was prepared with (it is in its rows already).
   */
  async ingest(device: DevicePrincipal, batch: IngestBatch, receivedAt: string, options: IngestOptions): Promise<SyncResponse> {
    const item = { device, batch, receivedAt, options };
    if (!this.server.sqlite) return this.commitGroup([item]).then(([answer]) => answer!);
    return new Promise<SyncResponse>((resolve, reject) => {
      this.waiting.push({ ...item, resolve, reject });
      if (this.waiting.length > 1) return; // a flush is scheduled already
      if (options.alone) void this.flushWaiting();
      // After the current event-loop turn: the other batches whose preparation finished while
      // the last transaction ran (SQLite writes block this thread) are answered in this turn too.
      else setImmediate(() => void this.flushWaiting());
    });
  }

  /**
   * Group commit (SQLite): the waiting batches, up to GROUP_MAX_RECORDS records, in one
   * transaction: one commit and one WAL sync instead of one per batch, and the index and
   * counter pages they share written once. Each batch's steps and answer are exactly those of
   * the batch alone (a later batch sees the earlier one's writes, as it would one transaction
   * later). If the group's transaction fails, each batch is redone in a transaction of its own,
   * so one batch's problem is never another phone's.
   */
  private async flushWaiting(): Promise<void> {
    let records = 0;
    let take = 0;
    while (take < this.waiting.length && (take === 0 || records + this.waiting[take]!.batch.records.length <= GROUP_MAX_RECORDS)) {
      records += this.waiting[take]!.batch.records.length;
      take++;
    }
    const group = this.waiting.splice(0, take);
    if (this.waiting.length > 0) setImmediate(() => void this.flushWaiting());
    try {
      const answers = await this.commitGroup(group);
      group.forEach((item, i) => item.resolve(answers[i]!));
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
      for (const item of group) await this.commitGroup([item]).then(([answer]) => item.resolve(answer!), item.reject);
    }
  }

  /** The batches in one transaction, in order; their answers once it has committed. */
  private async commitGroup(group: readonly IngestItem[]): Promise<SyncResponse[]> {
    const applied: AppliedBatch[] = [];
    await this.server.db.transaction().execute(async (trx) => {
      for (const item of group) applied.push(await this.applyBatch(trx, item));
    });
    // A lone phone's batch: its WAL pages copied while the phone reads the answer and sends the next.
    if (group.length === 1 && group[0]!.options.alone) this.server.checkpointSoon?.();
    return group.map((item, i) => {
      const { device, receivedAt, options } = item;
      // After the commit only.
      if (options.touchLastSeen !== false) this.lastSeenWritten.set(device.deviceId, receivedAt.slice(0, 16));
      return this.answer(item, applied[i]!);
    });
  }

  /** One batch's steps inside the (group's) transaction: what the answer needs. */
  private async applyBatch(trx: Transaction<Database>, item: IngestItem): Promise<AppliedBatch> {
    const { device, batch, receivedAt, options } = item;
    const prepared = batch.records;
    const outcomes: Outcome[] = [];
    const serverStates = new Map<string, ServerRecordState>();
    await lockWard(trx, this.server.dialect, device.wardCode);
    // Acknowledgements first: a rev in this batch may be built on a state acknowledged here.
    await this.acknowledge(trx, device.deviceId, batch.applied ?? []);
    const { state, erased } = await this.loadState(trx, prepared);
    const storedBefore = new Set(state.keys()); // only these can have member rows to replace
    const visits = await this.loadVisits(trx, prepared.flatMap((p) => (p.kind === 'valid' && p.recordKind === 'household' && storedBefore.has(p.id) ? [p.id] : [])));
    const revisions: RecordRevisionsTable[] = [];
    const conflicts: ConflictsTable[] = [];
    const latest = new Map<string, ValidRecord>();
    const newOwners: RecordOwnersTable[] = [];
    const takeServer = new Set<string>();

    for (const p of prepared) {
      if (p.kind === 'rejected') {
        outcomes.push(p);
        continue;
      }
      const stored = state.get(p.id);
      const decision = decideStatus(stored, {
        wardCode: device.wardCode,
        kind: p.recordKind,
        rev: p.rev,
        deviceId: device.deviceId,
        contentHash: p.contentHash,
        // Against a rev whose stored body retention erased, the retry is compared erased too.
        contentKey: () => contentKeyOfBody(p.body, erased.has(`${p.id}#${p.rev}`)),
      });
      if (decision.status === 'rejected') {
        outcomes.push({ kind: 'rejected', id: p.id, rev: p.rev, errors: decision.errors });
        continue;
      }
      if (decision.status === 'conflict') {
        conflicts.push({
          id: randomUUID(),
          record_id: p.id,
          rev: p.rev,
          ward_code: device.wardCode,
          device_id: device.deviceId,
          batch_id: batch.batchId,
          body: p.body,
          content_hash: p.contentHash,
          received_at: receivedAt,
          personal_erased_at: null,
          received_schema_version: p.receivedSchemaVersion,
        });
        // Against a staff change the phone takes the server's state; its rev stays here for review.
        if (decision.takeServerState) takeServer.add(p.id);
        outcomes.push({ kind: 'conflict', id: p.id, rev: p.rev, takeServerState: decision.takeServerState });
        continue;
      }
      if (decision.status !== 'accepted') {
        outcomes.push({ kind: 'status', id: p.id, rev: p.rev, status: decision.status });
        continue;
      }
      revisions.push({
        record_id: p.id,
        rev: p.rev,
        ward_code: device.wardCode,
        kind: p.recordKind,
        schema_version: p.schemaVersion,
        body: p.body,
        content_hash: p.contentHash,
        device_id: device.deviceId,
        batch_id: batch.batchId,
        client_updated_at: p.clientUpdatedAt,
        received_at: receivedAt,
        personal_erased_at: null,
        received_schema_version: p.receivedSchemaVersion,
      });
      if (!stored) {
        // The first stored rev makes its device the owner.
        newOwners.push({ record_id: p.id, ward_code: device.wardCode, device_id: device.deviceId, since: receivedAt, unseen_staff_rev: null });
      }
      const next: StoredState = stored ?? {
        wardCode: device.wardCode,
        kind: p.recordKind,
        maxRev: 0,
        revisions: new Map(),
        ownerDeviceId: device.deviceId,
      };
      next.revisions.set(p.rev, { contentHash: p.contentHash, contentKey: () => contentKeyOfBody(p.body) });
      next.maxRev = Math.max(next.maxRev, p.rev);
      state.set(p.id, next);
      latest.set(p.id, this.withDerivedSurveyDate(p, visits));
      outcomes.push({ kind: 'status', id: p.id, rev: p.rev, status: 'accepted' });
    }

    await insertMany(this.server, trx, 'record_revisions', revisions);
    await insertMany(this.server, trx, 'record_owners', newOwners);
    await insertMany(this.server, trx, 'conflicts', conflicts, { kind: 'ignore', columns: ['record_id', 'rev', 'content_hash'] });
    await this.writeLatest(trx, [...latest.values()], storedBefore);
    for (const [id, record] of await this.latestStates(trx, [...takeServer])) serverStates.set(id, record);
    const serverRecords = await this.staffChanges(trx, device.deviceId, takeServer);
    // "Last seen" to the minute is enough for ward staff; not one more write per batch.
    if (options.touchLastSeen !== false && this.lastSeenWritten.get(device.deviceId) !== receivedAt.slice(0, 16)) {
      await trx.updateTable('devices').set({ last_seen_at: receivedAt }).where('id', '=', device.deviceId).execute();
    }
    return { outcomes, serverStates, serverRecords };
  }

  private answer(item: IngestItem, applied: AppliedBatch): SyncResponse {
    const { batch, options } = item;
    const { outcomes, serverStates, serverRecords } = applied;
    const response: SyncResponse = {
      batchId: batch.batchId,
      results: outcomes.map((o): SyncResult => {
        if (o.kind === 'rejected') return { id: o.id, rev: o.rev, status: 'rejected', errors: this.translate(o.errors, options.lang) };
        if (o.kind === 'conflict') {
          const server = o.takeServerState ? serverStates.get(o.id) : undefined;
          if (server) {
            return {
              id: o.id,
              rev: o.rev,
              status: 'conflict',
              errors: [{ path: 'rev', code: 'staff_change', message: message('staff_changed', options.lang) }],
              serverRecord: server,
            };
          }
          return { id: o.id, rev: o.rev, status: 'conflict', errors: [{ path: 'rev', code: 'conflict', message: message('rev_conflict', options.lang) }] };
        }
        return { id: o.id, rev: o.rev, status: o.status };
      }),
    };
    // Optional in protocol 1: sent only when there is something to take.
    if (serverRecords.length > 0) response.serverRecords = serverRecords;
    return response;
  }

  /**
   * The phone took these server states: a staff change of a record this device owns is seen
   * once the phone acknowledges a rev at or after it. A later staff change (a higher rev) stays
   * unseen; an acknowledgement of another device's record changes nothing.
   */
  private async acknowledge(trx: Transaction<Database>, deviceId: string, applied: AppliedState[]): Promise<void> {
    for (const a of applied) {
      await trx
        .updateTable('record_owners')
        .set({ unseen_staff_rev: null })
        .where('record_id', '=', a.id)
        .where('device_id', '=', deviceId)
        .where('unseen_staff_rev', '<=', a.rev)
        .execute();
    }
  }

  /** The latest stored rev of each record, whole, as the phone would send it. */
  private async latestStates(trx: Transaction<Database>, ids: string[]): Promise<Map<string, ServerRecordState>> {
    const out = new Map<string, ServerRecordState>();
    for (const part of chunks(ids)) {
      if (part.length === 0) continue;
      const rows = await trx
        .selectFrom('record_revisions as r')
        .select(['r.record_id', 'r.body'])
        .where('r.record_id', 'in', part)
        .where((eb) =>
          eb('r.rev', '=', eb.selectFrom('record_revisions as r2').select((e) => e.fn.max('r2.rev').as('m')).whereRef('r2.record_id', '=', 'r.record_id')),
        )
        .execute();
      for (const row of rows) out.set(row.record_id, JSON.parse(row.body) as ServerRecordState);
    }
    return out;
  }

  /**
   * The server's state of this device's records that staff changed and it has not acknowledged
   * (`except`: already answered in a conflict result). Only records the device has written a
   * rev of itself: a device handed records by transfer-records receives a staff change of one
   * it never sent only in the answer to its first rev of it, so phones never download other
   * phones' records.
   */
  private async staffChanges(trx: Transaction<Database>, deviceId: string, except: ReadonlySet<string>): Promise<ServerRecordState[]> {
    const limit = MAX_SERVER_RECORDS_PER_RESPONSE + except.size;
    const rows = this.server.sqlite
      ? (cachedSqliteStatement(this.server.sqlite, SQLITE_STAFF_CHANGES).all(deviceId, deviceId, limit) as { record_id: string }[])
      : await trx
          .selectFrom('record_owners as o')
          .select('o.record_id')
          .where('o.device_id', '=', deviceId)
          .where('o.unseen_staff_rev', 'is not', null)
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('record_revisions as r')
                .select('r.rev')
                .whereRef('r.record_id', '=', 'o.record_id')
                .where('r.device_id', '=', deviceId),
            ),
          )
          .orderBy('o.record_id')
          .limit(limit)
          .execute();
    const ids = rows.map((r) => r.record_id).filter((id) => !except.has(id)).slice(0, MAX_SERVER_RECORDS_PER_RESPONSE);
    const states = await this.latestStates(trx, ids);
    return ids.flatMap((id) => {
      const state = states.get(id);
      return state ? [state] : [];
    });
  }

  /**
   * The household's rows with its survey date derived from the history (domain/survey-date.ts):
   * the rev before it is the stored latest (or one accepted earlier in this batch), whose
   * outcome and derived date are in `visits`. Revs from app versions that kept a "not home"
   * visit's date on the revisit are counted on the day that surveyed the household; the body
   * is stored as sent. `visits` moves on to this rev.
   */
  private withDerivedSurveyDate(p: ValidRecord, visits: Map<string, SurveyVisit>): ValidRecord {
    if (p.rows.kind !== 'household') return p;
    const { outcome, surveyed_at } = p.rows.household;
    const visit: SurveyVisit = { outcome: outcome as SurveyVisit['outcome'], surveyedAt: surveyed_at };
    visit.surveyedAt = surveyDateAfter(visits.get(p.id), { ...visit, clientUpdatedAt: p.clientUpdatedAt });
    visits.set(p.id, visit);
    return visit.surveyedAt === surveyed_at ? p : { ...p, rows: withSurveyDate(p.rows, visit.surveyedAt) };
  }

  /** Outcome and derived survey date of the stored latest rev of the batch's known households. */
  private async loadVisits(trx: Transaction<Database>, ids: string[]): Promise<Map<string, SurveyVisit>> {
    const visits = new Map<string, SurveyVisit>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await trx.selectFrom('households').select(['record_id', 'outcome', 'surveyed_at']).where('record_id', 'in', part).execute();
      for (const r of rows) visits.set(r.record_id, { outcome: r.outcome as SurveyVisit['outcome'], surveyedAt: r.surveyed_at });
    }
    return visits;
  }

  private translate(errors: FieldError[], lang: Lang): SyncRecordError[] {
    return errors.map((e) => ({ path: e.path, code: e.code, message: validationMessage(e.code, lang) }));
  }

  /**
   * What is stored for the batch's ids. The body of a stored rev is read only when the batch
   * brings the same rev with another hash (a retry re-encoded, or a real conflict): the decision
   * then compares parsed, migrated content.
   */
  private async loadState(trx: Transaction<Database>, prepared: PreparedRecord[]): Promise<{ state: Map<string, StoredState>; erased: Set<string> }> {
    const valid = prepared.filter((p): p is ValidRecord => p.kind === 'valid');
    const ids = [...new Set(valid.map((p) => p.id))];
    const state = new Map<string, StoredState>();
    const hashes = new Map<string, string>(); // "id#rev" → stored hash
    const erased = new Set<string>(); // "id#rev" whose stored body retention erased
    for (const part of chunks(ids)) {
      const rows = this.server.sqlite
        ? part.flatMap((id) => cachedSqliteStatement(this.server.sqlite!, SQLITE_REVISIONS_OF).all(id) as RevisionState[])
        : await trx
            .selectFrom('record_revisions')
            .select(['record_id', 'rev', 'ward_code', 'kind', 'content_hash', 'personal_erased_at'])
            .where('record_id', 'in', part)
            .execute();
      for (const row of rows) {
        const s = state.get(row.record_id) ?? { wardCode: row.ward_code, kind: row.kind, maxRev: 0, revisions: new Map() };
        hashes.set(`${row.record_id}#${row.rev}`, row.content_hash);
        if (row.personal_erased_at !== null) erased.add(`${row.record_id}#${row.rev}`);
        s.maxRev = Math.max(s.maxRev, Number(row.rev));
        state.set(row.record_id, s);
      }
    }
    // Only records stored before have owners.
    const stored = ids.filter((id) => state.has(id));
    for (const part of chunks(stored)) {
      const owners = this.server.sqlite
        ? part.flatMap((id) => cachedSqliteStatement(this.server.sqlite!, SQLITE_OWNER_OF).all(id) as OwnerState[])
        : await trx
            .selectFrom('record_owners')
            .select(['record_id', 'device_id', 'unseen_staff_rev'])
            .where('record_id', 'in', part)
            .execute();
      for (const o of owners) {
        const s = state.get(o.record_id);
        if (!s) continue;
        s.ownerDeviceId = o.device_id;
        s.staffChangeUnseen = o.unseen_staff_rev !== null;
      }
    }
    const differing = valid.filter((p) => {
      const stored = hashes.get(`${p.id}#${p.rev}`);
      return stored !== undefined && stored !== p.contentHash;
    });
    const bodies = new Map<string, string>();
    for (const p of differing) {
      const row = await trx
        .selectFrom('record_revisions')
        .select('body')
        .where('record_id', '=', p.id)
        .where('rev', '=', p.rev)
        .executeTakeFirstOrThrow();
      bodies.set(`${p.id}#${p.rev}`, row.body);
    }
    for (const [key, contentHash] of hashes) {
      const [id, rev] = key.split('#') as [string, string];
      const body = bodies.get(key);
      state.get(id)!.revisions.set(Number(rev), {
        contentHash,
        contentKey: () => {
          if (body === undefined) throw new Error(`body of ${key} was not loaded`); // loaded above whenever hashes differ
          return contentKeyOfBody(body, erased.has(key));
        },
      });
    }
    return { state, erased };
  }

  /**
   * The dashboard's rows follow the newest revision: upsert the household and rewrite its
   * members; upsert the assistance and rewrite its kinds. The rows were made with the batch.
   */
  private async writeLatest(trx: Transaction<Database>, all: ValidRecord[], storedBefore: ReadonlySet<string>) {
    const households = all.flatMap((r) => (r.rows.kind === 'household' ? [r.rows] : []));
    const assists = all.flatMap((r) => (r.rows.kind === 'assistance' ? [r.rows] : []));
    if (assists.length > 0) {
      await insertMany(this.server, trx, 'assistances', assists.map((r) => r.assistance), { kind: 'upsert', columns: ['record_id'] });
      const replaced = assists.map((r) => r.assistance.record_id).filter((id) => storedBefore.has(id));
      await deleteWhereIn(this.server, trx, 'assistance_kinds', 'record_id', replaced);
      await insertMany(this.server, trx, 'assistance_kinds', assists.flatMap((r) => r.kinds));
    }
    if (households.length === 0) return;
    // A household first stored by this batch has no row yet: a plain insert, cheaper than an upsert.
    const isNew = (r: { household: { record_id: string } }) => !storedBefore.has(r.household.record_id);
    await insertMany(this.server, trx, 'households', households.filter(isNew).map((r) => r.household));
    const replaced = households.filter((r) => !isNew(r));
    // The indicator counters move by the difference: the stored rows' contribution out, the new one in.
    const before = await loadCountedRows(trx, replaced.map((r) => r.household.record_id));
    await insertMany(this.server, trx, 'households', replaced.map((r) => r.household), { kind: 'upsert', columns: ['record_id'] });
    await deleteWhereIn(this.server, trx, 'members', 'record_id', replaced.map((r) => r.household.record_id));
    await insertMany(this.server, trx, 'members', households.flatMap((r) => r.members));
    await applyCounterDeltas(this.server, trx, before, households);
  }
}
