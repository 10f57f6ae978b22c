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
import type { FieldError } from '../../shared/domain/validation.js';
import type { SyncRecordError, SyncResponse, SyncResult } from '../../shared/protocol/sync.js';
import { deleteWhereIn, insertMany } from '../db/bulk.js';
import { lockWard, type ServerDb } from '../db/connect.js';
import type { ConflictsTable, Database, RecordRevisionsTable } from '../db/schema.js';
import type { DevicePrincipal } from './accounts.js';
import { sameContent } from './canonical-json.js';
import { message, validationMessage, type Lang } from './messages.js';
import type { PreparedRecord, RejectedRecord, ValidRecord } from './sync-prepare.js';
import { wardGroupCodes } from './wards.js';

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

export interface IngestOptions {
  lang: Lang;
}

/** A batch after sync-prepare.ts, for one device. */
export interface IngestBatch {
  batchId: string;
  records: PreparedRecord[];
}

export class SyncIngest {
  // Registers change rarely; a ward's set is read at most once a minute, not per batch.
  private readonly groupCache = new Map<string, { codes: ReadonlySet<string>; at: number }>();
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

  /**
   * Applies a prepared batch in one transaction. `receivedAt` is the time the batch was
   * prepared with (it is in its rows already).
   */
  async ingest(device: DevicePrincipal, batch: IngestBatch, receivedAt: string, options: IngestOptions): Promise<SyncResponse> {
    const prepared = batch.records;
    const outcomes: (RejectedRecord | { kind: 'status'; id: string; rev: number; status: SyncResult['status'] })[] = [];

    await this.server.db.transaction().execute(async (trx) => {
      await lockWard(trx, this.server.dialect, device.wardCode);
      const state = await this.loadState(trx, prepared);
      const storedBefore = new Set(state.keys()); // only these can have member rows to replace
      const revisions: RecordRevisionsTable[] = [];
      const conflicts: ConflictsTable[] = [];
      const latest = new Map<string, ValidRecord>();

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
        if (stored && stored.kind !== p.recordKind) {
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
              batch_id: batch.batchId,
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
          kind: p.recordKind,
          schema_version: p.schemaVersion,
          body: p.body,
          content_hash: p.contentHash,
          device_id: device.deviceId,
          batch_id: batch.batchId,
          client_updated_at: p.clientUpdatedAt,
          received_at: receivedAt,
        });
        const next = stored ?? { wardCode: device.wardCode, kind: p.recordKind, maxRev: 0, hashes: new Map<number, string>(), bodies: new Map<number, string>() };
        next.hashes.set(p.rev, p.contentHash);
        next.bodies.set(p.rev, p.body);
        next.maxRev = Math.max(next.maxRev, p.rev);
        state.set(p.id, next);
        latest.set(p.id, p);
        outcomes.push({ kind: 'status', id: p.id, rev: p.rev, status: 'accepted' });
      }

      await insertMany(this.server, trx, 'record_revisions', revisions);
      await insertMany(this.server, trx, 'conflicts', conflicts, { kind: 'ignore', columns: ['record_id', 'rev', 'content_hash'] });
      await this.writeLatest(trx, [...latest.values()], storedBefore);
      // "Last seen" to the minute is enough for ward staff; not one more write per batch.
      if (this.lastSeenWritten.get(device.deviceId) !== receivedAt.slice(0, 16)) {
        await trx.updateTable('devices').set({ last_seen_at: receivedAt }).where('id', '=', device.deviceId).execute();
      }
    });

    this.lastSeenWritten.set(device.deviceId, receivedAt.slice(0, 16)); // after the commit only

    return {
      batchId: batch.batchId,
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

  private async loadState(trx: Transaction<Database>, prepared: PreparedRecord[]): Promise<Map<string, StoredState>> {
    const ids = [...new Set(prepared.filter((p): p is ValidRecord => p.kind === 'valid').map((p) => p.id))];
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
    await insertMany(this.server, trx, 'households', replaced.map((r) => r.household), { kind: 'upsert', columns: ['record_id'] });
    await deleteWhereIn(this.server, trx, 'members', 'record_id', replaced.map((r) => r.household.record_id));
    await insertMany(this.server, trx, 'members', households.flatMap((r) => r.members));
  }
}
