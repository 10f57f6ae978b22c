// The CPU half of a sync request (docs/sync-protocol.md): the body's bytes become a checked
// envelope and, per record, either the rows to write or the reasons it is rejected. Pure (no
// database, no Fastify), so it runs in a worker thread (sync-prepare-pool.ts) while the main
// thread keeps writing other batches; services/sync-ingest.ts then applies the result in one
// transaction.
//
// A sealed record (`{"id","rev","sealed":{"kid","enc","ct"}}`, docs/sync-protocol.md "Sealed
// records") is opened first with the ward's private keys (context.sealingKeys) and then goes the
// same way as a clear one: what is stored is the parsed record, never the sealed or opened text.
// One that does not open (unknown kid, tampered, sealed for another id, rev or ward) is
// `rejected` as `unsealable`, never a whole-request error.
import secureJson from 'secure-json-parse';
import type { FieldError } from '../../shared/domain/validation.js';
import {
  MAX_RECORDS_PER_BATCH,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  syncRequestSchema,
  type RequestErrorCode,
} from '../../shared/protocol/sync.js';
import { checkRecordLimits } from '../../shared/protocol/record-limits.js';
import type { RelevanceAges } from '../../shared/domain/relevance.js';
import { parseRecord, type RecordKind } from '../../shared/schema/registry.js';
import type { AssistanceKindsTable, AssistancesTable, HouseholdsTable, MembersTable } from '../db/schema.js';
import type { MessageKey } from './messages.js';
import { assistanceKindRows, assistanceRow, householdRow, memberRows } from './record-rows.js';
import { sha256 } from './secrets.js';
import { openText, type SealingPrivateKey } from '../../shared/crypto/hpke.js';
import { isSealedItem, sealedItemSchema } from '../../shared/crypto/sealed.js';

/** Stored in an INTEGER column on both engines (PostgreSQL's is 32-bit). */
export const MAX_REV = 2_147_483_647;

/** The dashboard's rows for the newest revision of one record. */
export type LatestRows =
  | { kind: 'household'; household: HouseholdsTable; members: MembersTable[] }
  | { kind: 'assistance'; assistance: AssistancesTable; kinds: AssistanceKindsTable[] };

export interface ValidRecord {
  kind: 'valid';
  id: string;
  rev: number;
  recordKind: RecordKind;
  schemaVersion: number;
  /** The version the phone's record carried (older ones are migrated: `schemaVersion` is the current one). */
  receivedSchemaVersion: number;
  clientUpdatedAt: string;
  /**
   * The record as its kind's schema outputs it (trimmed, defaults filled, migrated to the
   * current version), as JSON: never a key the schema does not know.
   */
  body: string;
  contentHash: string;
  rows: LatestRows;
}

export interface RejectedRecord {
  kind: 'rejected';
  id: string;
  rev: number;
  errors: FieldError[];
}

export type PreparedRecord = ValidRecord | RejectedRecord;

/** A server state the phone says it has taken (the request's optional `applied`). */
export interface AppliedState {
  id: string;
  rev: number;
}

export type PreparedBatch =
  | { ok: true; batchId: string; records: PreparedRecord[]; applied: AppliedState[] }
  | { ok: false; status: 400 | 426; code: RequestErrorCode; messageKey: MessageKey };

export interface PrepareContext {
  /** From the device token, never from the body. */
  wardCode: string;
  deviceId: string;
  /** The ward's tổ dân phố codes (an assistance may name none; one it names must be here). */
  groups: ReadonlySet<string>;
  /** The ward's ages: a household's members are checked with the relevance table (domain/relevance.ts). */
  ages: RelevanceAges;
  receivedAt: string;
  /** The ward's sealing keys (services/ward-keys.ts), every kid it has had; none: sealed records are `unsealable`. */
  sealingKeys?: readonly SealingPrivateKey[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one record alone: schema, the token's ward, the ward's register; then its rows.
 * `sentInBytes`: the size of the text it arrived in (checkRecordLimits).
 */
export function prepareRecord(item: unknown, context: PrepareContext, sentInBytes?: number): PreparedRecord {
  const obj = isPlainObject(item) ? item : null;
  const id = typeof obj?.id === 'string' ? obj.id : '';
  const rev = typeof obj?.rev === 'number' && Number.isInteger(obj.rev) ? obj.rev : 0;
  if (!obj) return { kind: 'rejected', id, rev, errors: [{ path: '', code: 'invalid' }] };
  // Depth before anything recursive (zod, JSON.stringify), then size (MAX_RECORD_BYTES).
  const tooBig = checkRecordLimits(obj, sentInBytes);
  if (tooBig) return { kind: 'rejected', id, rev, errors: [tooBig] };
  // Kind and version looked up, an older known version migrated, then the current schema.
  // The ward's rules too (a household's relevance table, with the ward's ages).
  const parsed = parseRecord(obj, { ages: context.ages });
  if (!parsed.ok) return { kind: 'rejected', id, rev, errors: parsed.errors };
  const record = parsed.record;
  if (record.rev > MAX_REV) return { kind: 'rejected', id, rev, errors: [{ path: 'rev', code: 'rev_invalid' }] };
  if (record.data.wardCode !== context.wardCode) {
    return { kind: 'rejected', id, rev, errors: [{ path: 'data.wardCode', code: 'wrong_ward' }] };
  }
  if (record.data.groupCode !== undefined && !context.groups.has(record.data.groupCode)) {
    return { kind: 'rejected', id, rev, errors: [{ path: 'data.groupCode', code: 'unknown_group' }] };
  }
  // The parsed form is what is stored and hashed: a retry of a rev stored before (raw, the old
  // way) still compares equal on parsed content (decideStatus, recordContentKey).
  const body = JSON.stringify(record);
  const rows: LatestRows =
    record.kind === 'household'
      ? {
          kind: 'household',
          household: householdRow(record, context.deviceId, context.receivedAt),
          members: memberRows(record, context.deviceId, context.receivedAt),
        }
      : {
          kind: 'assistance',
          assistance: assistanceRow(record, context.deviceId, context.receivedAt),
          kinds: assistanceKindRows(record),
        };
  return {
    kind: 'valid',
    id: record.id,
    rev: record.rev,
    recordKind: record.kind,
    // The body is stored migrated: its version is the current one.
    schemaVersion: record.schemaVersion,
    // Kept beside the migrated body (docs/sync-protocol.md, "Record versions"); parseRecord
    // accepted it, so it is a whole version from 1 to the current one.
    receivedSchemaVersion: obj.schemaVersion as number,
    clientUpdatedAt: record.clientUpdatedAt,
    body,
    contentHash: sha256(body),
    rows,
  };
}

const unsealable = (id: string, rev: number, path = 'sealed'): RejectedRecord => ({ kind: 'rejected', id, rev, errors: [{ path, code: 'unsealable' }] });

/**
 * Opens one sealed batch item, then checks the record inside like any other. The id and rev in
 * clear must be the opened record's own (they are also the AAD, so a payload moved under
 * another id or rev does not even open).
 */
export async function prepareSealedRecord(item: unknown, context: PrepareContext, sentInBytes?: number): Promise<PreparedRecord> {
  const obj = isPlainObject(item) ? item : {};
  const id = typeof obj.id === 'string' ? obj.id : '';
  const rev = typeof obj.rev === 'number' && Number.isInteger(obj.rev) ? obj.rev : 0;
  const parsed = sealedItemSchema.safeParse(item);
  if (!parsed.success) return unsealable(id, rev);
  const { sealed } = parsed.data;
  const opened = await openText(context.sealingKeys ?? [], context.wardCode, parsed.data.id, parsed.data.rev, sealed);
  if (!opened.ok) return unsealable(id, rev, opened.reason === 'unknown_kid' ? 'sealed.kid' : 'sealed');
  let record: unknown;
  try {
    record = secureJson.parse(opened.text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    return unsealable(id, rev);
  }
  if (!isPlainObject(record) || record.id !== parsed.data.id || record.rev !== parsed.data.rev) return unsealable(id, rev);
  // The opened text is shorter than its ciphertext, which is part of the text it arrived in.
  return prepareRecord(record, context, sentInBytes);
}

const badRequest = (messageKey: MessageKey): PreparedBatch => ({ ok: false, status: 400, code: 'bad_request', messageKey });

/**
 * The envelope checks, in the order the API promises (docs/api.md), then every record.
 * `bodyBytes`: the size of the request body the batch came in (checkRecordLimits).
 */
export async function prepareParsedBatch(body: unknown, context: PrepareContext, bodyBytes?: number): Promise<PreparedBatch> {
  if (!isPlainObject(body)) return badRequest('bad_envelope');
  const { protocolVersion, records } = body;
  // Version first: an old phone must learn to update even if the rest of its envelope changed.
  if (typeof protocolVersion === 'number' && Number.isInteger(protocolVersion)) {
    if (protocolVersion < MIN_PROTOCOL_VERSION) return { ok: false, status: 426, code: 'protocol_too_old', messageKey: 'protocol_too_old' };
    if (protocolVersion > PROTOCOL_VERSION) return { ok: false, status: 426, code: 'protocol_too_new', messageKey: 'protocol_too_new' };
  }
  if (Array.isArray(records) && records.length > MAX_RECORDS_PER_BATCH) return badRequest('too_many_records');
  const envelope = syncRequestSchema.safeParse(body);
  if (!envelope.success) return badRequest('bad_envelope');
  return {
    ok: true,
    batchId: envelope.data.batchId,
    records: await Promise.all(
      envelope.data.records.map((item) => (isSealedItem(item) ? prepareSealedRecord(item, context, bodyBytes) : prepareRecord(item, context, bodyBytes))),
    ),
    applied: envelope.data.applied ?? [],
  };
}

/**
 * The request body's bytes (already gunzipped and size-limited by Fastify) to a prepared batch.
 * JSON is read as Fastify reads it: UTF-8, and `__proto__` or `constructor.prototype` keys
 * refused rather than trusted.
 */
export async function prepareBatch(bytes: Uint8Array, context: PrepareContext): Promise<PreparedBatch> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let body: unknown;
  try {
    body = parseUntrustedJson(text);
  } catch {
    return badRequest('bad_json');
  }
  return prepareParsedBatch(body, context, bytes.byteLength);
}

/**
 * secure-json-parse's answer, cheaper for the usual body. It refuses a `__proto__` or
 * `constructor` key, written plainly or with \u escapes, by scanning the text with two
 * regular expressions after parsing; a text with neither word and no `\u00` escape cannot hold
 * such a key (or a BOM to strip), so a plain JSON.parse answers it the same, and the scans
 * (about half a millisecond per 100-household batch) are skipped.
 */
export function parseUntrustedJson(text: string): unknown {
  if (text.charCodeAt(0) !== 0xfeff && !text.includes('__proto__') && !text.includes('constructor') && !text.includes('\\u00')) {
    return JSON.parse(text);
  }
  return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
}
