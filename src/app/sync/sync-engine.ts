// The phone's sync engine: drains the outbox to the ward endpoint (POST /api/v1/sync, protocol
// v1, docs/sync-protocol.md). No React here: the UI reads `getState()` / `subscribe()` through
// useSyncExternalStore (use-sync-state.ts).
//
// Contract (what holds whatever the network does):
// - An outbox entry leaves only inside the transaction that applies the server's result for it.
//   A dropped connection, a 5xx or a killed tab leaves it queued, and resending is safe: the
//   server answers `duplicate` for an id+rev it already stored.
// - The engine sends the record's CURRENT rev. The phone keeps only the latest rev of a record,
//   so an outbox entry for rev 2 whose record is now at rev 3 is covered by sending rev 3: rev 2
//   is superseded (its content no longer exists on the phone) and its entry leaves with rev 3's
//   result. Many queued revs of one record go as one.
// - Sealed entries (storage/outbox-sealing.ts, docs/sync-protocol.md "Sealed records"): an entry
//   sealed at save time is sent as `{id, rev, sealed}` from the outbox alone; the engine never
//   reads the record's envelope for it, so a LOCKED phone (whose `records` rows then lack their
//   personal parts) still sends and settles it. An entry stored clear is sent from `records`
//   while the envelope can be read, and waits otherwise.
// - Server states (a conflict's `serverRecord`, the answer's `serverRecords`) are applied each in
//   its own transaction after the batch's results: one that cannot be applied now (the phone is
//   locked, PhoneLockedError) is left unacknowledged and comes again in a later answer, while
//   the batch's results are kept.
// - accepted / duplicate / stale settle the entry; rejected / conflict hold it (state 'held')
//   with the server's messages on the record, until the volunteer edits the record: the new rev
//   is queued, sent, and its result removes the held entry too. A record `rejected` because the
//   server does not know its schema version yet (`newer_schema_version`: made by a newer app than
//   the ward server, e.g. after the server was rolled back) is held the same way but has nothing
//   to fix: it is queued again when the engine starts (each app start) and on "Đồng bộ ngay", so
//   it goes as soon as the server is updated, and never leaves the phone before.
// - Batches in flight (docs/sync-protocol.md, "Batches in flight"): up to
//   CLIENT_MAX_BATCHES_IN_FLIGHT requests out at once, small bodies only (maySendAlongside),
//   never two holding one record; answers applied in the order sent; a run ends only when every
//   request it sent has been answered or has failed.
// - One run at a time per origin (Web Locks; without them, one per JS realm — a second tab's
//   run is then merely redundant, never harmful, thanks to the server's idempotency).
// - Backoff: full jitter, random(0, min(cap, base·2^n)) after the n-th consecutive failure
//   (network error, 5xx, 429, unreadable answer); Retry-After is a floor. 401, 403 and 426 stop
//   automatic runs (nothing the phone can fix by retrying). 400 and 413 split the batch in halves
//   down to one record, which is then held with the server's message: a bad record never blocks
//   the others and never loops.
// - Staff changes (docs/sync-protocol.md, "Staff changes"): a `conflict` that carries the
//   server's state (`serverRecord`) and each of the answer's `serverRecords` are applied through
//   storage/server-state.ts (one function: the copy replaced, the outbox entries gone, a notice
//   for the volunteer, an acknowledgement queued), in the transaction that applies the batch's
//   results. A server state for a record with a queued rev waits: that rev is sent and answered
//   with the state. Acknowledgements (`applied`) ride on every request until one is answered 200;
//   a run that leaves some (or `pollEveryMs` says it is time, or "Đồng bộ ngay") ends with an
//   empty batch carrying them, which also brings staff changes to a phone with nothing to send.
// - Retire / lost (docs/sync-protocol.md, "Retired and lost devices"): every request says how
//   many records wait in the outbox (WAITING_HEADER). An answer marked `device: 'retired'`
//   makes the run end by asking once more with nothing in the batch; 410 `device_retired`
//   (nothing waits) or `device_lost` (at once) wipes the phone's personal data
//   (storage/wipe.ts) and stops automatic runs: the wiped screen offers a new enrolment.
import type { AnyStoredRecord, GoCuaDb, OutboxEntry } from '../storage/db.js';
// Every record kind in `records` (households and assistances) is sent the same way.
import type { AnyRecord } from '../../shared/schema/registry.js';
import {
  CLIENT_BATCH_MAX_BYTES,
  CLIENT_BATCH_MAX_RECORDS,
  MAX_APPLIED_PER_BATCH,
  PROTOCOL_VERSION,
  awaitsUpdate,
  isSettled,
  WAITING_HEADER,
  type SyncRecordError,
  type SyncResult,
} from '../../shared/protocol/sync.js';
import { CLIENT_MAX_BATCHES_IN_FLIGHT, CLIENT_REQUEST_TIMEOUT_MS, clientRequestTimeoutMs, maySendAlongside, SYNC_STATUSES } from '../../shared/protocol/sync.js';
import { outboxRecordStates } from '../storage/waiting.js';
import { wipePersonalData } from '../storage/wipe.js';
import { getDevice, getLastSyncAt, markDeviceRevoked, setLastSyncAt, type DeviceCredentials } from './device-store.js';
import { applyServerRecord, clearApplied, pendingApplied, type AppliedState } from '../storage/server-state.js';

export type SyncPhase = 'idle' | 'sending' | 'waiting' | 'offline' | 'error';

/** Why the last run did not finish. Each has a `sync.error.<code>` message key. */
export type SyncErrorCode =
  | 'not_enrolled' // no device credentials yet
  | 'unauthorized' // 401: token unknown or revoked → enrol again
  | 'forbidden' // 403
  | 'update_app' // 426 protocol_too_old: this app is too old for the ward endpoint
  | 'update_server' // 426 protocol_too_new: the ward endpoint is older than this app
  | 'network' // no answer (connection refused / dropped / timeout)
  | 'server' // 5xx or an unexpected status
  | 'rate_limited' // 429
  | 'bad_response' // a 200 whose body is not the protocol's answer
  | 'device_retired' // 410: the ward retired this device and nothing waited: wiped
  | 'device_lost'; // 410: the ward reported this device lost: wiped, outbox included

/** Codes that stop automatic runs until the volunteer acts (enrol again, update). */
const FATAL_CODES: ReadonlySet<SyncErrorCode> = new Set(['not_enrolled', 'unauthorized', 'forbidden', 'update_app', 'update_server', 'device_retired', 'device_lost']);

export interface SyncEngineState {
  phase: SyncPhase;
  /** Records waiting to be sent (distinct records with a queued outbox entry). */
  pending: number;
  /** Records held after `rejected` / `conflict`, waiting for the volunteer to fix them. */
  held: number;
  /** Records the server answered for in the current (or last) run. */
  sent: number;
  /** The same, by record kind ('household', 'assistance'), so the words can name each kind. */
  sentByKind: Partial<Record<string, number>>;
  /** sent + pending: the denominator of the progress bar. */
  total: number;
  /** ISO time of the last batch the server acknowledged. */
  lastSuccessAt?: string;
  /** When phase is 'waiting': the ISO time of the next automatic attempt. */
  retryAt?: string;
  /** Request body bytes put on the wire by this engine (after compression). */
  bytesSent: number;
  error?: { code: SyncErrorCode; messageKey: string; status?: number };
}

export interface SyncClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The part of the Web Locks API the engine uses (navigator.locks). */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export interface EventSourceLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface SyncEngineOptions {
  db: GoCuaDb;
  /** Origin of the ward endpoint; '' (same origin as the app) by default. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  clock?: SyncClock;
  /** In [0, 1); Math.random by default. */
  random?: () => number;
  uuid?: () => string;
  /** undefined → navigator.locks when present; null → the in-realm fallback. */
  locks?: LockManagerLike | null;
  isOnline?: () => boolean;
  /** Where 'online' / 'offline' events come from (window by default). */
  events?: EventSourceLike | null;
  /** Accept-Language of sync requests: the server's messages come back in it. */
  language?: () => string;
  /** 'auto': gzip when CompressionStream exists and the body shrinks. */
  compression?: 'auto' | 'always' | 'never';
  maxRecords?: number;
  maxBytes?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Automatic run interval while online. */
  periodMs?: number;
  /**
   * A request (sending and reading the answer) is abandoned after this long, or after 1 ms per
   * 2 bytes of body if longer (a slow link), and counts as a network error: a half-open
   * connection must never hold the run (and its lock) forever.
   */
  requestTimeoutMs?: number;
  /**
   * With nothing to send, a run still asks the server (an empty batch) when the last answer is
   * older than this, so staff changes reach a phone that has nothing queued. Undefined: only
   * "Đồng bộ ngay" and pending acknowledgements do. The app sets it (app-sync.ts).
   */
  pollEveryMs?: number;
  /** Called after a run in which the server acknowledged at least one batch; failures ignored. */
  afterSuccessfulRun?: () => Promise<void>;
  lockName?: string;
}

export type RunOutcome = 'done' | 'offline' | 'busy' | 'retry' | 'stopped';

export interface SyncEngine {
  /** Attaches the triggers (online event, periodic timer) and runs once. */
  start(): Promise<void>;
  /** Detaches triggers and timers; resolves when the current run has finished. */
  stop(): Promise<void>;
  /** After a save or on app start: runs unless a run is under way (then it runs again after) or a backoff / stop is in force. */
  requestSync(): Promise<void>;
  /** "Đồng bộ ngay": runs now, skipping any backoff wait and any stop. */
  syncNow(): Promise<void>;
  getState(): SyncEngineState;
  subscribe(listener: () => void): () => void;
  /** Resolves when no run is under way (for tests and the benchmark). */
  whenIdle(): Promise<void>;
}

const DEFAULT_LOCK_NAME = 'go-cua-sync';
const OUTBOX_PAGE = 500;
/** Retry-After is honoured up to this; beyond it a broken header would silence a phone for days. */
const RETRY_AFTER_MAX_MS = 60 * 60 * 1000;
/** Bodies smaller than this are sent as they are: gzip would not pay for its header. */
const GZIP_MIN_BYTES = 1024;

const realClock: SyncClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Locks held in this JS realm, for environments without navigator.locks. */
const realmLocks = new Set<string>();
const fallbackLocks: LockManagerLike = {
  async request(name, _options, callback) {
    if (realmLocks.has(name)) return callback(null);
    realmLocks.add(name);
    try {
      return await callback({ name });
    } finally {
      realmLocks.delete(name);
    }
  },
};

function defaultLocks(): LockManagerLike {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? fallbackLocks;
}

function defaultIsOnline(): boolean {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return nav?.onLine ?? true;
}

function defaultEvents(): EventSourceLike | null {
  const target = globalThis as unknown as Partial<EventSourceLike> & { document?: unknown };
  return target.document && typeof target.addEventListener === 'function' ? (target as EventSourceLike) : null;
}

/** Full jitter: uniform in [0, min(cap, base·2^attempt)). */
export function backoffDelay(attempt: number, random: () => number, baseMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, RETRY_AFTER_MAX_MS);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), RETRY_AFTER_MAX_MS);
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

interface OutgoingRecord {
  id: string;
  rev: number;
  /** For the progress words ('household', 'assistance'); not personal, kept clear at rest. */
  kind: string;
  /** What goes in the request's `records`: the clear envelope, or `{id, rev, sealed}`. */
  item: unknown;
  bytes: number;
}

/** The envelope of a `records` row when it can be read (not while the phone is locked). */
function readableEnvelope(row: AnyStoredRecord | undefined): AnyRecord | undefined {
  const record = (row as { record?: Partial<AnyRecord> } | undefined)?.record;
  return record && typeof record.rev === 'number' && typeof record.data === 'object' && record.data !== null ? (record as AnyRecord) : undefined;
}

/** A server state to take after a batch's results (see applyServerState). */
interface ServerStateToApply {
  raw: unknown;
  id: string;
  /** Set when it answered the phone's own rev (a conflict against a staff change). */
  answeredTo?: { sent: Pick<OutgoingRecord, 'id' | 'rev'>; errors: SyncRecordError[] };
}

/** What one POST ended in. */
type PostOutcome =
  | { kind: 'ok'; results: (SyncResult | undefined)[]; complete: boolean; serverRecords: unknown[]; appliedSent: AppliedState[]; retired: boolean }
  | { kind: 'split'; status: number; code: string; message: string }
  | { kind: 'fatal'; code: SyncErrorCode; status: number }
  | { kind: 'retry'; code: SyncErrorCode; status?: number; retryAfterMs?: number; offline?: boolean };

/** A request's outcome that ends the run: a retry later, or a stop. */
type RunEnd = Extract<PostOutcome, { kind: 'fatal' | 'retry' }>;

/** A request made ready to send: its body as it goes on the wire (gzipped when that pays). */
interface ReadyRequest {
  device: DeviceCredentials;
  batch: OutgoingRecord[];
  applied: AppliedState[];
  payload: Uint8Array;
  headers: Record<string, string>;
}

/** A request sent and not yet answered (or its answer not yet applied). */
interface InFlight {
  request: ReadyRequest;
  ids: ReadonlySet<string>;
  outcome: Promise<PostOutcome>;
}

const statusSet = new Set<string>(SYNC_STATUSES);

function readResults(body: unknown, sent: OutgoingRecord[]): { results: (SyncResult | undefined)[]; complete: boolean } | null {
  if (!body || typeof body !== 'object') return null;
  const raw = (body as { results?: unknown }).results;
  if (!Array.isArray(raw)) return null;
  const valid: SyncResult[] = raw.filter(
    (r): r is SyncResult =>
      !!r && typeof r === 'object' && typeof (r as SyncResult).id === 'string' &&
      typeof (r as SyncResult).rev === 'number' && statusSet.has((r as SyncResult).status),
  );
  // Results come in order, but match on id+rev so that a server that reorders cannot make the
  // phone settle the wrong record.
  const byKey = new Map(valid.map((r) => [`${r.id}#${r.rev}`, r]));
  const results = sent.map((s) => byKey.get(`${s.id}#${s.rev}`));
  return { results, complete: results.every(Boolean) };
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const db = options.db;
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  const uuid = options.uuid ?? (() => crypto.randomUUID());
  const locks = options.locks === undefined ? defaultLocks() : (options.locks ?? fallbackLocks);
  const isOnline = options.isOnline ?? defaultIsOnline;
  const events = options.events === undefined ? defaultEvents() : options.events;
  const language = options.language ?? (() => 'vi');
  const compression = options.compression ?? 'auto';
  const maxRecords = options.maxRecords ?? CLIENT_BATCH_MAX_RECORDS;
  const maxBytes = options.maxBytes ?? CLIENT_BATCH_MAX_BYTES;
  const backoffBaseMs = options.backoffBaseMs ?? 1000;
  const backoffCapMs = options.backoffCapMs ?? 5 * 60 * 1000;
  const periodMs = options.periodMs ?? 60 * 1000;
  const requestTimeoutMs = options.requestTimeoutMs ?? CLIENT_REQUEST_TIMEOUT_MS;
  const lockName = options.lockName ?? DEFAULT_LOCK_NAME;
  const encoder = new TextEncoder();

  let state: SyncEngineState = { phase: 'idle', pending: 0, held: 0, sent: 0, sentByKind: {}, total: 0, bytesSent: 0 };
  const listeners = new Set<() => void>();
  let running: Promise<void> | null = null;
  let again: 'none' | 'auto' | 'forced' = 'none';
  let failures = 0;
  let retryTimer: unknown = null;
  let periodTimer: unknown = null;
  let started = false;
  /** Set when the server answered 415 to a gzip body: send plain JSON from then on. */
  let gzipRefused = false;
  /** clock.now() of the last 200 answer (for pollEveryMs). */
  let lastAnswerAt = Number.NEGATIVE_INFINITY;
  /** "Đồng bộ ngay": the run asks the server even with nothing to send. */
  let pollRequested = false;
  /** Records whose server state could not be applied in this run (locked): not resent until the next run. */
  const skipThisRun = new Set<string>();
  /** An answer of this run said the device is retired: the run ends by asking with nothing in the batch. */
  let retiredSeen = false;

  function setState(patch: Partial<SyncEngineState>): void {
    state = { ...state, ...patch };
    for (const listener of listeners) listener();
  }

  function isStopped(): boolean {
    return state.phase === 'error' && !!state.error && FATAL_CODES.has(state.error.code);
  }

  // "Waiting" has one definition (storage/waiting.ts), shared with Home, the status and the list.
  async function counts(): Promise<{ pending: number; held: number }> {
    let pending = 0;
    let held = 0;
    for (const s of outboxRecordStates(await db.outbox.toArray()).values()) {
      if (s === 'waiting') pending++;
      else held++;
    }
    return { pending, held };
  }

  function countSent(records: readonly { kind: string }[]): void {
    const sentByKind = { ...state.sentByKind };
    for (const r of records) sentByKind[r.kind] = (sentByKind[r.kind] ?? 0) + 1;
    setState({ sent: state.sent + records.length, sentByKind });
  }

  async function refreshCounts(): Promise<void> {
    const c = await counts();
    setState({ ...c, total: state.sent + c.pending });
  }

  /**
   * The next batch: queued entries oldest first, one envelope per record (its current rev),
   * within the count and byte limits. Entries whose record is gone are dropped (nothing to send).
   */
  async function nextBatch(inFlight: readonly InFlight[] = []): Promise<{ records: OutgoingRecord[]; droppedOrphans: boolean }> {
    const taken = (id: string) => skipThisRun.has(id) || inFlight.some((f) => f.ids.has(id));
    const entries = (await db.outbox.where('state').equals('queued').limit(OUTBOX_PAGE).toArray()).filter((e) => !taken(e.recordId));
    if (entries.length === 0) return { records: [], droppedOrphans: false };
    const ids = [...new Set(entries.map((e) => e.recordId))];
    const rows = await db.records.bulkGet(ids);
    const rowById = new Map<string, AnyStoredRecord>();
    rows.forEach((row, i) => row && rowById.set(ids[i]!, row));
    // An entry above the record's rev has nothing to send (its record changed under it); while
    // locked the rev cannot be read and only a missing record makes an orphan.
    const orphans = entries.filter((e) => {
      const row = rowById.get(e.recordId);
      const envelope = readableEnvelope(row);
      return !row || (envelope !== undefined && e.rev > envelope.rev);
    });
    if (orphans.length > 0) {
      await db.transaction('rw', db.outbox, db.records, async () => {
        for (const e of orphans) {
          const row = await db.records.get(e.recordId);
          const envelope = readableEnvelope(row);
          if (!row || (envelope !== undefined && e.rev > envelope.rev)) await db.outbox.delete(e.seq!);
        }
      });
    }
    const records: OutgoingRecord[] = [];
    let bytes = encoder.encode(JSON.stringify({ protocolVersion: PROTOCOL_VERSION, batchId: uuid(), records: [] })).length;
    const orphanSet = new Set(orphans);
    // Per record, its newest queued entry: the one sent (older ones leave with its result).
    const newest = new Map<string, OutboxEntry>();
    for (const e of entries) {
      if (orphanSet.has(e)) continue;
      const seen = newest.get(e.recordId);
      if (!seen || e.rev > seen.rev) newest.set(e.recordId, e);
    }
    for (const id of ids) {
      const row = rowById.get(id);
      const entry = newest.get(id);
      if (!row || !entry) continue;
      const envelope = readableEnvelope(row);
      let item: unknown;
      let rev: number;
      if (entry.sealed && (!envelope || envelope.rev === entry.rev)) {
        item = { id, rev: entry.rev, sealed: entry.sealed };
        rev = entry.rev;
      } else if (envelope) {
        item = envelope;
        rev = envelope.rev;
      } else {
        continue; // stored clear and the phone is locked: it goes once the phone is unlocked
      }
      const size = encoder.encode(JSON.stringify(item)).length + 1;
      // A record larger than the limit on its own still goes, alone: the server accepts 1 MB.
      if (records.length > 0 && (records.length >= maxRecords || bytes + size > maxBytes)) break;
      records.push({ id, rev, kind: row.kind, item, bytes: size });
      bytes += size;
    }
    return { records, droppedOrphans: orphans.length > 0 };
  }

  async function post(device: DeviceCredentials, batch: OutgoingRecord[]): Promise<PostOutcome> {
    return send(await prepareRequest(device, batch));
  }

  async function prepareRequest(device: DeviceCredentials, batch: OutgoingRecord[]): Promise<ReadyRequest> {
    const applied = (await pendingApplied(db)).slice(0, MAX_APPLIED_PER_BATCH);
    const body = {
      protocolVersion: PROTOCOL_VERSION,
      batchId: uuid(),
      records: batch.map((b) => b.item),
      ...(applied.length > 0 ? { applied } : {}),
    };
    const raw = encoder.encode(JSON.stringify(body));
    let payload: Uint8Array = raw;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${device.token}`,
      'accept-language': language(),
      // What a wipe would lose: distinct records with any outbox entry (queued or held).
      [WAITING_HEADER]: String(outboxRecordStates(await db.outbox.toArray()).size),
    };
    const canGzip = typeof CompressionStream === 'function' && !gzipRefused;
    if (canGzip && (compression === 'always' || (compression === 'auto' && raw.length >= GZIP_MIN_BYTES))) {
      const zipped = await gzip(raw);
      if (compression === 'always' || zipped.length < raw.length) {
        payload = zipped;
        headers['content-encoding'] = 'gzip';
      }
    }
    return { device, batch, applied, payload, headers };
  }

  async function send(request: ReadyRequest): Promise<PostOutcome> {
    const { device, batch, applied, payload, headers } = request;
    const abort = new AbortController();
    const timer = clock.setTimeout(() => abort.abort(), clientRequestTimeoutMs(payload.length, requestTimeoutMs));
    let response: Response;
    let json: unknown = null;
    try {
      try {
        response = await doFetch(`${baseUrl}/api/v1/sync`, { method: 'POST', headers, body: payload as BodyInit, signal: abort.signal });
      } finally {
        setState({ bytesSent: state.bytesSent + payload.length });
      }
      try {
        json = await response.json();
      } catch (error) {
        // A body cut short, not JSON, or timed out: a 200 without results is retried; other
        // statuses are handled below by their code.
        if (response.ok || abort.signal.aborted) throw error;
      }
    } catch {
      return { kind: 'retry', code: 'network', offline: !isOnline() };
    } finally {
      clock.clearTimeout(timer);
    }
    const status = response.status;
    if (status === 200) {
      const read = readResults(json, batch);
      if (!read) return { kind: 'retry', code: 'bad_response', status };
      const serverRecords = (json as { serverRecords?: unknown }).serverRecords;
      lastAnswerAt = clock.now();
      const retired = (json as { device?: unknown }).device === 'retired';
      if (retired) retiredSeen = true;
      return { kind: 'ok', ...read, serverRecords: Array.isArray(serverRecords) ? serverRecords : [], appliedSent: applied, retired };
    }
    const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const errorCode = typeof error?.code === 'string' ? error.code : '';
    const errorMessage = typeof error?.message === 'string' ? error.message : '';
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock.now());
    if (status === 400 || status === 413) return { kind: 'split', status, code: errorCode, message: errorMessage };
    if (status === 401) return { kind: 'fatal', code: 'unauthorized', status };
    if (status === 410 && (errorCode === 'device_retired' || errorCode === 'device_lost')) return { kind: 'fatal', code: errorCode, status };
    if (status === 403) return { kind: 'fatal', code: 'forbidden', status };
    if (status === 426) return { kind: 'fatal', code: errorCode === 'protocol_too_new' ? 'update_server' : 'update_app', status };
    if (status === 429) return { kind: 'retry', code: 'rate_limited', status, retryAfterMs };
    if (status === 415 && headers['content-encoding']) {
      // An endpoint (or a proxy in front of it) that refuses gzip bodies: resend as plain JSON.
      gzipRefused = true;
      return post(device, batch);
    }
    return { kind: 'retry', code: 'server', status, retryAfterMs };
  }

  /**
   * Applies the server's answers for one batch in one transaction: the results, the staff
   * changes it carried, and the acknowledgements it took. Returns the records answered.
   */
  async function applyResults(
    batch: OutgoingRecord[],
    results: (SyncResult | undefined)[],
    serverRecords: unknown[] = [],
    appliedSent: AppliedState[] = [],
  ): Promise<OutgoingRecord[]> {
    const answered: OutgoingRecord[] = [];
    const now = new Date(clock.now());
    const states: ServerStateToApply[] = [];
    await db.transaction('rw', [db.outbox, db.records, db.summaries, db.meta], async () => {
      await clearApplied(db, appliedSent);
      for (let i = 0; i < batch.length; i++) {
        const result = results[i];
        if (!result) continue; // no answer for it: it stays queued
        answered.push(batch[i]!);
        const state = await applyOne(batch[i]!, result.status, result.errors ?? [], result.status === 'conflict' ? result.serverRecord : undefined);
        if (state) states.push(state);
      }
    });
    for (const raw of serverRecords) {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'string') states.push({ raw, id });
    }
    for (const state of states) await applyServerState(state, now);
    return answered;
  }

  /**
   * One server state, in its own transaction. For a conflict's state (`answeredTo`), the
   * phone's rev was answered with it; otherwise it came in `serverRecords`, and a record with a
   * queued rev waits (that rev is sent and answered with the state). A state that cannot be
   * applied now — the phone is locked (PhoneLockedError from the lock's storage layer) or the
   * storage fails — leaves everything as it was: unacknowledged, the server sends it again, and
   * a conflict's entry stays queued (not sent again in this run).
   */
  async function applyServerState(state: ServerStateToApply, now: Date): Promise<void> {
    try {
      await db.transaction('rw', [db.outbox, db.records, db.summaries, db.meta], async () => {
        if (!state.answeredTo) {
          const queued = await db.outbox.where('recordId').equals(state.id).filter((e) => e.state === 'queued').count();
          if (queued === 0) await applyServerRecord(db, state.raw, { now, editKept: false });
          return;
        }
        const taken = await applyServerRecord(db, state.raw, { now, editKept: true });
        // A state this app cannot read: held like any conflict, for the volunteer.
        if (taken === 'invalid') await applyOne(state.answeredTo.sent, 'conflict', state.answeredTo.errors);
      });
    } catch {
      skipThisRun.add(state.id);
    }
  }

  async function applyOne(
    sent: Pick<OutgoingRecord, 'id' | 'rev'>,
    status: SyncResult['status'],
    errors: SyncRecordError[],
    serverRecord?: unknown,
  ): Promise<ServerStateToApply | undefined> {
    const entries = await db.outbox.where('recordId').equals(sent.id).toArray();
    const covered = entries.filter((e) => e.rev <= sent.rev).sort((a, b) => a.seq! - b.seq!);
    const row = await db.records.get(sent.id);
    // Whether the sent rev is still the record's newest: from its envelope, or — while the phone
    // is locked and the envelope cannot be read — from the outbox (every save queues its rev).
    const envelope = readableEnvelope(row);
    const stillLatest = !!row && (envelope ? envelope.rev === sent.rev : !entries.some((e) => e.rev > sent.rev));
    if (status === 'conflict' && serverRecord !== undefined) {
      // Against a staff change: the phone takes the server's state (its rev stays on the
      // server for review), after this transaction. An edit made meanwhile is sent next and
      // answered the same way.
      if (!stillLatest) {
        await db.outbox.bulkDelete(covered.map((e) => e.seq!));
        return undefined;
      }
      return { raw: serverRecord, id: sent.id, answeredTo: { sent, errors } };
    }
    if (isSettled(status)) {
      await db.outbox.bulkDelete(covered.map((e) => e.seq!));
      if (row) {
        const syncedRev = Math.max(row.syncedRev ?? 0, sent.rev);
        if (stillLatest) {
          const { serverErrors: _dropped, ...rest } = row;
          await db.records.put({ ...rest, syncState: 'synced', syncedRev });
        } else {
          // Edited while this rev was in flight: the newer rev is queued, the record stays pending.
          await db.records.put({ ...row, syncedRev });
        }
      }
      return undefined;
    }
    if (!stillLatest) {
      // A newer rev is queued and replaces the refused one.
      await db.outbox.bulkDelete(covered.map((e) => e.seq!));
      return undefined;
    }
    const [keep, ...rest] = covered;
    if (status === 'rejected' && errors.some((e) => e.code === 'unsealable') && covered.some((e) => e.sealed)) {
      // The ward could not open what this phone sealed (its key files restored without the key
      // this was sealed to): nothing for the volunteer to fix. The entry is queued again without
      // its seal, so it is sent from `records` while the phone is unlocked (or sealed again to
      // the ward's current key when the configuration is next cached).
      await db.outbox.bulkDelete(covered.map((e) => e.seq!));
      const { sealed: _dropped, seq: _seq, ...entry } = covered[covered.length - 1]!;
      await db.outbox.add({ ...entry, rev: sent.rev, state: 'queued', attempts: entry.attempts + 1 });
      return undefined;
    }
    await db.outbox.bulkDelete(rest.map((e) => e.seq!));
    if (keep) {
      await db.outbox.put({ ...keep, rev: sent.rev, state: 'held', attempts: keep.attempts + 1 });
    } else {
      const entry: OutboxEntry = { recordId: sent.id, rev: sent.rev, queuedAt: new Date(clock.now()).toISOString(), state: 'held', attempts: 1 };
      await db.outbox.add(entry);
    }
    await db.records.put({ ...row, syncState: status === 'conflict' ? 'conflict' : 'rejected', serverErrors: errors });
    return undefined;
  }

  /** A single record the server refuses as a whole request (400 / 413): held with the server's words. */
  async function holdAlone(sent: OutgoingRecord, outcome: { status: number; code: string; message: string }): Promise<void> {
    const code = outcome.status === 413 ? 'too_large' : outcome.code || 'bad_request';
    await db.transaction('rw', db.outbox, db.records, async () => {
      await applyOne(sent, 'rejected', [{ path: '', code, message: outcome.message }]);
    });
  }

  function scheduleRetry(outcome: Extract<PostOutcome, { kind: 'retry' }>): void {
    const delay = Math.max(backoffDelay(failures, random, backoffBaseMs, backoffCapMs), outcome.retryAfterMs ?? 0);
    failures++;
    clearRetry();
    const at = clock.now() + delay;
    retryTimer = clock.setTimeout(() => {
      retryTimer = null;
      void trigger('auto', true);
    }, delay);
    setState({
      phase: 'waiting',
      retryAt: new Date(at).toISOString(),
      error: { code: outcome.code, messageKey: `sync.error.${outcome.code}`, status: outcome.status },
    });
  }

  function clearRetry(): void {
    if (retryTimer !== null) clock.clearTimeout(retryTimer);
    retryTimer = null;
  }

  async function markSuccess(): Promise<void> {
    const at = new Date(clock.now()).toISOString();
    await setLastSyncAt(db, at);
    setState({ lastSuccessAt: at });
  }

  /**
   * With the outbox drained: an empty batch carrying pending acknowledgements, or asking for
   * staff changes when it is time to (pollEveryMs, "Đồng bộ ngay"). A few rounds at most (each
   * answer brings up to 100 states); a failure leaves the acknowledgements for the next run.
   */
  async function exchangeStaffChanges(device: DeviceCredentials): Promise<{ exchanged: boolean; fatal?: Extract<PostOutcome, { kind: 'fatal' }> }> {
    let exchanged = false;
    for (let round = 0; round < 5; round++) {
      const acks = await pendingApplied(db);
      // A retired device asks once more with nothing in the batch: the server then ends it (410).
      const poll = round === 0 && (pollRequested || retiredSeen || (options.pollEveryMs !== undefined && clock.now() - lastAnswerAt >= options.pollEveryMs));
      if (acks.length === 0 && !poll) break;
      pollRequested = false;
      retiredSeen = false;
      const outcome = await post(device, []);
      if (outcome.kind === 'fatal') return { exchanged, fatal: outcome };
      if (outcome.kind !== 'ok') break;
      await applyResults([], outcome.results, outcome.serverRecords, outcome.appliedSent);
      exchanged = true;
      await markSuccess();
    }
    pollRequested = false;
    retiredSeen = false;
    return { exchanged };
  }

  /**
   * A request the phone cannot get past. 401: the token is marked refused (enrol again; the data
   * stays). 410 device_retired / device_lost: the personal data is wiped (the outbox too when
   * lost; a retired device is answered so only with nothing waiting).
   */
  async function stopOn(device: DeviceCredentials, outcome: Extract<PostOutcome, { kind: 'fatal' }>): Promise<'stopped'> {
    if (outcome.code === 'unauthorized') await markDeviceRevoked(db, device.token, new Date(clock.now()).toISOString());
    if (outcome.code === 'device_retired' || outcome.code === 'device_lost') {
      await wipePersonalData(db, outcome.code === 'device_lost' ? 'lost' : 'retired', new Date(clock.now()));
      await refreshCounts();
    }
    setState({ phase: 'error', error: { code: outcome.code, messageKey: `sync.error.${outcome.code}`, status: outcome.status } });
    return 'stopped';
  }

  /**
   * A batch answered 200: its results, staff changes and acknowledgements applied, the run's
   * progress moved. `keepError`: a failure beside it already ends the run, and stays shown.
   */
  async function takeAnswer(batch: OutgoingRecord[], outcome: Extract<PostOutcome, { kind: 'ok' }>, options: { keepError?: boolean } = {}): Promise<void> {
    const answered = await applyResults(batch, outcome.results, outcome.serverRecords, outcome.appliedSent);
    failures = 0;
    await markSuccess();
    countSent(answered);
    if (!options.keepError) setState({ error: undefined });
    await refreshCounts();
  }

  /**
   * A batch the server refused as a whole (400 / 413): sent again in halves, one request at a
   * time, down to single records, which are then held with the server's words. Returns what
   * ends the run, if anything does.
   */
  async function sendInHalves(
    device: DeviceCredentials,
    batch: OutgoingRecord[],
    refused: Extract<PostOutcome, { kind: 'split' }>,
  ): Promise<{ acknowledged: boolean; end?: RunEnd }> {
    let acknowledged = false;
    const parts: OutgoingRecord[][] = [];
    // A refused part goes again as its two halves, first in line; a refused single record is held.
    const splitOrHold = async (part: OutgoingRecord[], refusal: Extract<PostOutcome, { kind: 'split' }>) => {
      if (part.length > 1) {
        const mid = Math.ceil(part.length / 2);
        parts.unshift(part.slice(0, mid), part.slice(mid));
        return;
      }
      await holdAlone(part[0]!, refusal);
      countSent([part[0]!]);
      await refreshCounts();
    };
    await splitOrHold(batch, refused);
    while (parts.length > 0) {
      const part = parts.shift()!;
      const outcome = await post(device, part);
      if (outcome.kind === 'ok') {
        await takeAnswer(part, outcome);
        acknowledged = true;
        if (!outcome.complete) return { acknowledged, end: { kind: 'retry', code: 'bad_response', status: 200 } };
      } else if (outcome.kind === 'split') {
        await splitOrHold(part, outcome);
      } else {
        return { acknowledged, end: outcome };
      }
    }
    return { acknowledged };
  }

  /** One run, inside the lock: drain until empty or something stops it. */
  async function runLocked(): Promise<RunOutcome> {
    clearRetry();
    skipThisRun.clear();
    setState({ sent: 0, sentByKind: {}, retryAt: undefined });
    retiredSeen = false;
    await refreshCounts();
    if (!isOnline()) {
      setState({ phase: 'offline' });
      return 'offline';
    }
    const device = await getDevice(db);
    if (!device || device.revokedAt) {
      const code: SyncErrorCode = device ? 'unauthorized' : 'not_enrolled';
      setState({ phase: 'error', error: { code, messageKey: `sync.error.${code}` } });
      return 'stopped';
    }
    let acknowledged = false;
    // Batches in flight (docs/sync-protocol.md, "Batches in flight"): up to
    // CLIENT_MAX_BATCHES_IN_FLIGHT requests are sent before the first is answered, their records
    // disjoint (a record in flight is not taken again: its newer rev waits for the answer), and
    // their answers are applied one at a time in the order sent. The first request that does not
    // end in an answer (a retry, a stop) ends the sending; those still in flight are awaited and
    // their answers applied before the run ends, so the run never returns with a request out.
    const inFlight: InFlight[] = [];
    /** The next request, made ready while others were in flight, waiting for room beside them. */
    let ready: ReadyRequest | null = null;
    /** What ends the run, once the requests in flight are settled (the first failure; a stop wins). */
    const ending: { outcome?: RunEnd } = {};
    const endWith = (outcome: RunEnd) => {
      if (!ending.outcome || (outcome.kind === 'fatal' && ending.outcome.kind !== 'fatal')) ending.outcome = outcome;
    };
    for (;;) {
      while (!ending.outcome) {
        if (!ready) {
          if (inFlight.length >= CLIENT_MAX_BATCHES_IN_FLIGHT) break;
          const { records, droppedOrphans } = await nextBatch(inFlight);
          if (records.length === 0) {
            if (droppedOrphans) continue;
            break;
          }
          ready = await prepareRequest(device, records);
        }
        if (!maySendAlongside(inFlight.map((f) => f.request.payload.length), ready.payload.length, requestTimeoutMs)) break;
        setState({ phase: 'sending' });
        const outcome = send(ready);
        // Awaited in turn below; a storage failure inside must not surface as unhandled first.
        outcome.catch(() => undefined);
        inFlight.push({ request: ready, ids: new Set(ready.batch.map((r) => r.id)), outcome });
        ready = null;
      }
      const head = inFlight.shift();
      if (!head) break;
      const outcome = await head.outcome;
      if (outcome.kind === 'ok') {
        await takeAnswer(head.request.batch, outcome, { keepError: !!ending.outcome });
        acknowledged = true;
        if (!outcome.complete) endWith({ kind: 'retry', code: 'bad_response', status: 200 });
      } else if (outcome.kind === 'split') {
        // Left queued when the run is ending anyway; otherwise sent again in halves, one at a time.
        if (!ending.outcome) {
          const halved = await sendInHalves(device, head.request.batch, outcome);
          if (halved.acknowledged) acknowledged = true;
          if (halved.end) endWith(halved.end);
        }
      } else {
        endWith(outcome);
      }
    }
    // A request made ready but never sent (the run ended first) leaves its records queued.
    const stop = ending.outcome;
    if (stop) {
      if (stop.kind === 'fatal') return stopOn(device, stop);
      if (stop.offline) {
        setState({ phase: 'offline', error: undefined });
        return 'offline';
      }
      scheduleRetry(stop);
      return 'retry';
    }
    const exchange = await exchangeStaffChanges(device);
    if (exchange.fatal) return stopOn(device, exchange.fatal);
    if (exchange.exchanged) acknowledged = true;
    setState({ phase: 'idle', error: undefined });
    if (acknowledged && options.afterSuccessfulRun) {
      try {
        await options.afterSuccessfulRun();
      } catch {
        // Best effort (e.g. refreshing the ward configuration); the sync itself succeeded.
      }
    }
    return 'done';
  }

  async function runOnce(): Promise<RunOutcome> {
    const outcome = await locks.request(lockName, { ifAvailable: true }, async (lock) => {
      if (!lock) return 'busy' as const;
      return runLocked();
    });
    if (outcome === 'busy') await refreshCounts(); // another tab is sending; show its progress on the next tick
    return outcome;
  }

  async function guardedRun(): Promise<void> {
    try {
      await runOnce();
    } catch (error) {
      // A storage failure (quota, a closed database): report it and try again later.
      console.error('sync run failed', error);
      scheduleRetry({ kind: 'retry', code: 'server' });
    }
  }

  // `again` is set by triggers that arrive during a run (read through a function: TS narrows it).
  function shouldRunAgain(): boolean {
    return again === 'forced' || (again === 'auto' && state.phase === 'idle');
  }

  /** `forced`: a manual request, the online event or the backoff timer itself. */
  function trigger(kind: 'auto' | 'forced', fromTimer = false): Promise<void> {
    if (running) {
      if (kind === 'forced' || again === 'none') again = kind;
      return running;
    }
    if (kind === 'auto' && !fromTimer && (state.phase === 'waiting' || isStopped())) return Promise.resolve();
    running = (async () => {
      do {
        again = 'none';
        await guardedRun();
      } while (shouldRunAgain());
    })().finally(() => {
      running = null;
    });
    return running;
  }

  /**
   * Held records that wait for a server update (awaitsUpdate): their entries are queued again,
   * so the next run sends them once more. Called at start and on "Đồng bộ ngay" only: a server
   * still too old answers the same and they are held again, without a loop.
   */
  async function requeueAwaitingUpdate(): Promise<void> {
    try {
      await db.transaction('rw', db.outbox, db.records, async () => {
        const held = await db.outbox.where('state').equals('held').toArray();
        if (held.length === 0) return;
        const rows = await db.records.bulkGet([...new Set(held.map((e) => e.recordId))]);
        const waiting = new Set(rows.filter((r) => r && r.syncState === 'rejected' && awaitsUpdate(r.serverErrors)).map((r) => r!.id));
        for (const e of held) if (waiting.has(e.recordId)) await db.outbox.update(e.seq!, { state: 'queued' });
      });
    } catch (error) {
      // Best effort: they stay held (and are tried at the next start).
      console.error('could not queue records waiting for an update', error);
    }
  }

  const onOnline = () => void trigger('forced');
  const onOffline = () => {
    if (!running) setState({ phase: 'offline' });
  };

  function armPeriod(): void {
    periodTimer = clock.setTimeout(() => {
      if (!started) return;
      if (isOnline()) void trigger('auto');
      armPeriod();
    }, periodMs);
  }

  return {
    async start() {
      if (started) return;
      started = true;
      const last = await getLastSyncAt(db);
      if (last) setState({ lastSuccessAt: last });
      events?.addEventListener('online', onOnline);
      events?.addEventListener('offline', onOffline);
      armPeriod();
      await requeueAwaitingUpdate();
      await trigger('auto');
    },
    async stop() {
      started = false;
      events?.removeEventListener('online', onOnline);
      events?.removeEventListener('offline', onOffline);
      clearRetry();
      if (periodTimer !== null) clock.clearTimeout(periodTimer);
      periodTimer = null;
      await running;
    },
    requestSync: () => trigger('auto'),
    syncNow: async () => {
      pollRequested = true;
      await requeueAwaitingUpdate();
      return trigger('forced');
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenIdle: async () => {
      while (running) await running;
    },
  };
}

// The app's engine, installed once at start-up (app-sync.ts), so that features can ask for a
// sync after a save without holding a reference to it.
let installed: SyncEngine | null = null;

export function installSyncEngine(engine: SyncEngine | null): void {
  installed = engine;
}

export function getSyncEngine(): SyncEngine | null {
  return installed;
}

/** Call after each save: runs a sync soon if the phone is online. A no-op before enrolment. */
export function requestSync(): Promise<void> {
  return installed ? installed.requestSync() : Promise.resolve();
}
