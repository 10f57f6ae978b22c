// The sync protocol between a phone and its ward endpoint, version 1 (docs/sync-protocol.md).
// The envelope is checked here; each record inside it is checked by its own kind's schema so
// that one bad record never blocks the good ones beside it.
import '../zod-setup.js';
import { z } from 'zod';
import type { FieldError } from '../domain/validation.js';

/** The protocol version this build speaks. */
export const PROTOCOL_VERSION = 1;
/** The oldest version the server still accepts. Older phones get 426 with a named reason. */
export const MIN_PROTOCOL_VERSION = 1;

export const MAX_RECORDS_PER_BATCH = 500;
/** At most this many `applied` acknowledgements per request (the phone sends the rest next time). */
export const MAX_APPLIED_PER_BATCH = 500;
/** At most this many server states (`serverRecords`) in one answer; the rest come with later ones. */
export const MAX_SERVER_RECORDS_PER_RESPONSE = 100;
/** What the phone sends at most in one batch (the server accepts up to 500 records / 1 MB). */
export const CLIENT_BATCH_MAX_RECORDS = 100;
export const CLIENT_BATCH_MAX_BYTES = 256 * 1024;

/** How long the phone waits for a sync request at least (sending it and reading the answer). */
export const CLIENT_REQUEST_TIMEOUT_MS = 120 * 1000;

/**
 * How long the phone waits for one request with a body of `bodyBytes` (as sent, after gzip):
 * `baseMs`, or 1 ms per 2 bytes on a slow link if that is longer. The server's receive deadline
 * (src/server/timeouts.ts) stays above this, so it never cuts an upload the phone still waits for.
 */
export function clientRequestTimeoutMs(bodyBytes: number, baseMs: number = CLIENT_REQUEST_TIMEOUT_MS): number {
  return Math.max(baseMs, Math.ceil(bodyBytes / 2));
}

/**
 * Batches a phone keeps in flight at most: it sends the next before the answer to the last,
 * so the server checks one batch while it writes another (docs/sync-protocol.md, "Batches in
 * flight"). Their records are disjoint; their answers are applied in the order they were sent.
 */
export const CLIENT_MAX_BATCHES_IN_FLIGHT = 3;

/**
 * The largest body (as sent, after gzip) that may share the link with other batches in flight:
 * the slowest link the timeouts assume (2 bytes per ms) split evenly between
 * CLIENT_MAX_BATCHES_IN_FLIGHT uploads still carries it within the phone's base wait, so no
 * upload outlasts its own timeout, nor the server's receive deadline, by sharing the link.
 */
export function sharedUploadMaxBytes(baseMs: number = CLIENT_REQUEST_TIMEOUT_MS): number {
  return Math.floor((baseMs * 2) / CLIENT_MAX_BATCHES_IN_FLIGHT);
}

/**
 * Whether a batch whose body is `bodyBytes` (as sent) may go while bodies of `inFlightBytes`
 * wait for their answers: always when nothing is in flight; otherwise while fewer than
 * CLIENT_MAX_BATCHES_IN_FLIGHT are, and only when every body involved is small enough to share
 * the link (sharedUploadMaxBytes). A large body goes alone and nothing joins it.
 */
export function maySendAlongside(inFlightBytes: readonly number[], bodyBytes: number, baseMs: number = CLIENT_REQUEST_TIMEOUT_MS): boolean {
  if (inFlightBytes.length === 0) return true;
  if (inFlightBytes.length >= CLIENT_MAX_BATCHES_IN_FLIGHT) return false;
  const limit = sharedUploadMaxBytes(baseMs);
  return bodyBytes <= limit && inFlightBytes.every((b) => b <= limit);
}

/**
 * The envelope. `records` items are left as unknown here on purpose: each is validated alone
 * and gets its own `rejected` result.
 */
export const syncRequestSchema = z.object({
  protocolVersion: z.number().int(),
  batchId: z.uuid(),
  records: z.array(z.unknown()).max(MAX_RECORDS_PER_BATCH),
  /**
   * Optional (added in version 1): the server states (`serverRecords`, or a conflict's
   * `serverRecord`) this phone has taken, as id + rev. Sent with every request until one is
   * answered 200; the server then stops sending them and accepts revs built on them.
   */
  applied: z.array(z.object({ id: z.uuid(), rev: z.number().int().min(1) })).max(MAX_APPLIED_PER_BATCH).optional(),
});

export const SYNC_STATUSES = ['accepted', 'duplicate', 'stale', 'conflict', 'rejected'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export interface SyncRecordError extends FieldError {
  /** In the language of the request's Accept-Language (Vietnamese by default). */
  message: string;
}

/**
 * A record's whole envelope as the server holds it at its latest rev (the same shape the phone
 * sends: id, kind, rev, schemaVersion, clientUpdatedAt, data). Checked by the phone with its
 * kind's schema before it is applied.
 */
export interface ServerRecordState {
  id: string;
  kind: string;
  rev: number;
  schemaVersion: number;
  clientUpdatedAt: string;
  data: unknown;
}

export interface SyncResult {
  id: string;
  rev: number;
  status: SyncStatus;
  errors?: SyncRecordError[];
  /**
   * Optional: on a `conflict` against a staff change (errors[0].code `staff_change`), the
   * server's current state of the record. The phone replaces its copy with it and settles the
   * entry; its own rev stays on the server as a conflict row for ward staff.
   */
  serverRecord?: ServerRecordState;
}

export interface SyncResponse {
  batchId: string;
  results: SyncResult[];
  /**
   * Optional: records this device owns that ward staff changed (a void; later corrections and
   * erasures) and that it has not acknowledged in `applied`: the server's current state of
   * each, at most MAX_SERVER_RECORDS_PER_RESPONSE.
   */
  serverRecords?: ServerRecordState[];
  /**
   * Optional: 'retired' when ward staff retired this device. The phone keeps sending what waits
   * in its outbox; once it asks with nothing waiting (an empty batch, WAITING_HEADER 0) the
   * answer is 410 `device_retired` and the phone wipes its personal data.
   */
  device?: 'retired';
}

/**
 * Request header on every sync request: how many records wait in the phone's outbox (distinct
 * records with any entry, queued or held: what a wipe would lose), a whole number 0–9,999,999.
 * Optional (older apps do not send it); anything else is 400 bad_request. Kept by the server
 * with the time of the contact and shown on the devices screen.
 */
export const WAITING_HEADER = 'x-outbox-waiting';
export const MAX_WAITING = 9_999_999;

/** Reads WAITING_HEADER: undefined when absent, null when present but not a whole number in range. */
export function parseWaitingHeader(value: string | string[] | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,7}$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** Whole-request error codes, always sent as `{"error":{"code","message"}}`. */
export const REQUEST_ERROR_CODES = [
  'bad_request', // malformed envelope → 400
  'unauthorized', // missing or unknown token → 401
  'device_retired', // → 410: ward staff retired this device and its outbox is empty: the phone wipes
  'device_lost', // → 410: ward staff marked this device lost or stolen: nothing is stored, the phone wipes at once
  'forbidden', // valid token, wrong ward or role → 403
  'payload_too_large', // → 413
  'unsupported_media_type', // → 415: not JSON, or an encoding other than gzip
  'protocol_too_old', // → 426: the phone must update the app
  'protocol_too_new', // → 426: the ward endpoint must be updated
  'rate_limited', // → 429 with Retry-After
  'not_found',
  'server_error',
  'unavailable', // → 503 with Retry-After: disk full, database busy or unreadable; nothing of the batch stored
  'signing_key_exists', // → 409: the device has another signing key registered already (never replaced)
] as const;
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number];

/**
 * Statuses after which a record leaves the outbox. `rejected` and `conflict` stay for the
 * volunteer to fix, except a conflict that carries the server's state (`serverRecord`): the
 * phone takes that state and the entry leaves.
 */
export function isSettled(status: SyncStatus): boolean {
  return status === 'accepted' || status === 'duplicate' || status === 'stale';
}

/**
 * Per-record error codes that mean "the reader is older than the record", not "the record is
 * wrong": the record was made by a newer app than the ward server knows. The phone keeps such a
 * record in its outbox, shows it as waiting for an update (nothing for the volunteer to fix),
 * and sends it again when the app starts and on "Đồng bộ ngay" (docs/sync-protocol.md,
 * "Record versions").
 */
export const AWAITING_UPDATE_CODES: ReadonlySet<string> = new Set(['newer_schema_version']);

/** Whether a held record waits for a server update rather than for the volunteer. */
export function awaitsUpdate(errors: readonly { code: string }[] | undefined): boolean {
  return !!errors && errors.length > 0 && errors.some((e) => AWAITING_UPDATE_CODES.has(e.code));
}
