// Fixtures for sync tests: valid household envelopes, a queue that writes a record and its
// outbox entry in one transaction (as the app's records repo does), a manual clock, and a fake
// ward endpoint that decides each status with the server's own rule (decideStatus).
import { gunzipSync } from 'node:zlib';
import { GoCuaDb, summaryOf, type StoredRecord } from '../../src/app/storage/db.js';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';
import type { SyncResult, SyncStatus } from '../../src/shared/protocol/sync.js';
import { decideStatus, recordContentKey, type StoredRecordState, type StoredRevision } from '../../src/shared/protocol/decide-status.js';
import { parseRecord } from '../../src/shared/schema/registry.js';
import type { SyncClock } from '../../src/app/sync/sync-engine.js';
import { setDevice } from '../../src/app/sync/device-store.js';

let counter = 0;
/** A deterministic v4-shaped UUID from a number. */
export function testUuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export interface HouseholdOptions {
  id?: string;
  rev?: number;
  wardCode?: string;
  groupCode?: string;
  members?: number;
  note?: string;
  installId?: string;
}

/** A valid household record (surveyed, `members` adults; or not_home when members is 0). */
export function makeHousehold(options: HouseholdOptions = {}): HouseholdRecord {
  const n = ++counter;
  const id = options.id ?? testUuid(0x100000 + n);
  const members = options.members ?? 1;
  const base = {
    wardCode: options.wardCode ?? '26734',
    installId: options.installId ?? testUuid(0xabc),
    surveyedAt: '2026-11-20',
    groupCode: options.groupCode ?? 'TDP01',
    address: { houseNumber: `${n}`, street: 'Lê Lợi' },
    members: [] as HouseholdRecord['data']['members'],
    ...(options.note ? { note: options.note } : {}),
  };
  const data: HouseholdRecord['data'] =
    members === 0
      ? { ...base, outcome: 'not_home' }
      : {
          ...base,
          outcome: 'surveyed',
          consent: {
            given: true,
            consenterRelation: 'head',
            consentedAt: '2026-11-20T08:00:00.000Z',
            method: 'verbal',
            noticeVersion: 'v1',
          },
          devices: { smartphones: 2, computerOrTablet: 'yes', fixedBroadband: 'yes', fibre: 'yes', wifi: 'yes' },
          payments: { billsCashless: 'yes', businessAcceptsQr: 'no_business' },
          members: Array.from({ length: members }, (_, i) => ({
            id: testUuid(0x200000 + n * 100 + i),
            name: `Nguyễn Văn Thành ${i}`,
            relation: i === 0 ? ('head' as const) : ('child' as const),
            birthYear: 1970 + (i % 30),
            sex: 'male' as const,
            vneid: 'level2' as const,
            ehr: 'yes' as const,
            digitalServices12m: { health: 'yes' as const, education: 'no' as const, insurance: 'yes' as const, transport: 'unknown' as const },
            wantsHelp: [],
            ownsSmartphone: 'yes' as const,
            usedInternet3m: 'yes' as const,
            skills: { publicServices: 'proficient' as const, shopping: 'needs_help' as const, payments: 'proficient' as const, safety: 'none' as const, localPlatforms: 'unknown' as const },
            bankAccount: 'yes' as const,
            cashless30d: 'yes' as const,
            digitalSignature: 'no' as const,
            onlinePublicService12m: 'yes' as const,
            cityApp: 'no' as const,
          })),
        };
  return {
    id,
    kind: 'household',
    rev: options.rev ?? 1,
    schemaVersion: 2,
    clientUpdatedAt: '2026-11-20T08:30:00.000Z',
    data,
  };
}

/** Saves a rev and queues it, in one transaction, as the app's records repo does. */
export async function queueRecord(db: GoCuaDb, record: HouseholdRecord): Promise<void> {
  await db.transaction('rw', [db.records, db.outbox, db.summaries], async () => {
    const previous = await db.records.get(record.id);
    const row: StoredRecord = {
      ...(previous?.syncedRev !== undefined ? { syncedRev: previous.syncedRev } : {}),
      id: record.id,
      kind: 'household',
      record,
      syncState: 'pending',
      groupCode: record.data.groupCode,
      outcome: record.data.outcome,
      surveyedAt: record.data.surveyedAt,
      savedAt: record.clientUpdatedAt,
      searchText: record.data.address.houseNumber,
      voided: record.data.voided ? 1 : 0,
    };
    await db.records.put(row);
    await db.summaries.put(summaryOf(row));
    await db.outbox.add({ recordId: record.id, rev: record.rev, queuedAt: record.clientUpdatedAt, state: 'queued', attempts: 0 });
  });
}

/** The next rev of a stored record, with a changed note. */
export async function editRecord(db: GoCuaDb, id: string, note: string): Promise<HouseholdRecord> {
  const row = await db.records.get(id);
  if (!row) throw new Error(`no record ${id}`);
  const next = { ...row.record, rev: row.record.rev + 1, data: { ...row.record.data, note } };
  await queueRecord(db, next);
  return next;
}

let dbCounter = 0;
export async function freshDb(enrolled = true): Promise<GoCuaDb> {
  const db = new GoCuaDb(`sync-test-${process.pid}-${++dbCounter}`);
  await db.open();
  if (enrolled) {
    await setDevice(db, { deviceId: 'dev-1', token: 'token-1', wardCode: '26734', volunteerName: 'Lan', enrolledAt: '2026-11-20T00:00:00.000Z' });
  }
  return db;
}

/** A clock that moves only when told to; timers fire in time order. */
export class ManualClock implements SyncClock {
  private t = Date.parse('2026-11-24T02:00:00.000Z');
  private nextId = 1;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
  pendingDelays(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.t).sort((a, b) => a - b);
  }
}

export interface SeenRequest {
  url: string;
  headers: Headers;
  /** Bytes on the wire. */
  wireBytes: number;
  /** Uncompressed body bytes. */
  rawBytes: number;
  body: { protocolVersion: number; batchId: string; records: HouseholdRecord[]; applied?: { id: string; rev: number }[] };
}

export async function readRequest(url: string, init: RequestInit | undefined): Promise<SeenRequest> {
  const headers = new Headers(init?.headers);
  const wire = Buffer.from(init?.body as Uint8Array);
  const raw = headers.get('content-encoding') === 'gzip' ? gunzipSync(wire) : wire;
  return { url, headers, wireBytes: wire.length, rawBytes: raw.length, body: JSON.parse(raw.toString('utf8')) };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/**
 * An in-memory ward endpoint that answers with the server's own rule (decideStatus, the pure
 * function the real ingest calls): stores id#rev with its content, the owner (the device of the
 * first stored rev; the token `token-N` is device `dev-N`) and answers accepted / duplicate /
 * stale / conflict / rejected `not_owner`. `staffChange` stores a staff rev as the dashboard's
 * void does: until the owner acknowledges it (`applied`), its answers carry the server's state
 * (`serverRecords`) and its revs are conflicts carrying it (`serverRecord`). `decide` can force
 * a status per record.
 */
export class FakeWard {
  /** id → what is stored for it, in decideStatus's own terms. */
  readonly records = new Map<string, StoredRecordState & { revisions: Map<number, StoredRevision> }>();
  /** "id#rev" → content key (recordContentKey) of every accepted rev. */
  readonly stored = new Map<string, string>();
  /** id → newest accepted rev. */
  readonly latest = new Map<string, number>();
  /** id → the envelope of its newest rev (the server's state). */
  readonly bodies = new Map<string, HouseholdRecord>();
  /** id → the rev of a staff change its owner has not acknowledged. */
  readonly unseen = new Map<string, number>();
  /** Revs kept as conflicts (for staff review), in arrival order. */
  readonly conflicts: HouseholdRecord[] = [];
  readonly requests: SeenRequest[] = [];
  wardCode = '10546';
  decide: (record: HouseholdRecord) => SyncStatus | undefined = () => undefined;
  /** Return a Response (or throw) to override the whole answer. */
  intercept: (req: SeenRequest) => Response | undefined | Promise<Response | undefined> = () => undefined;

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = await readRequest(String(input), init);
    this.requests.push(req);
    const override = await this.intercept(req);
    if (override) return override;
    const deviceId = (req.headers.get('authorization') ?? '').replace(/^Bearer token-/, 'dev-');
    for (const a of req.body.applied ?? []) {
      const unseen = this.unseen.get(a.id);
      if (unseen !== undefined && unseen <= a.rev && this.records.get(a.id)?.ownerDeviceId === deviceId) this.unseen.delete(a.id);
    }
    const results = req.body.records.map((r) => this.apply(r, deviceId));
    const answered = new Set(results.filter((r) => r.serverRecord).map((r) => r.id));
    const serverRecords = [...this.unseen.keys()]
      .filter((id) => this.records.get(id)?.ownerDeviceId === deviceId && !answered.has(id))
      .map((id) => this.bodies.get(id)!);
    return jsonResponse(200, { batchId: req.body.batchId, results, ...(serverRecords.length > 0 ? { serverRecords } : {}) });
  };

  /** Ward staff change a stored record (e.g. void it): a new rev max+1, as households-staff.ts stores it. */
  staffChange(id: string, change: (data: HouseholdRecord['data']) => HouseholdRecord['data']): HouseholdRecord {
    const current = this.bodies.get(id);
    const state = this.records.get(id);
    if (!current || !state) throw new Error(`no record ${id} on the fake ward`);
    const next: HouseholdRecord = { ...current, rev: state.maxRev + 1, clientUpdatedAt: '2026-11-25T03:00:00.000Z', data: change(current.data) };
    const key = recordContentKey(next, { kind: next.kind, data: next.data });
    state.revisions.set(next.rev, { contentHash: key, contentKey: () => key });
    state.maxRev = next.rev;
    this.stored.set(`${id}#${next.rev}`, key);
    this.latest.set(id, next.rev);
    this.bodies.set(id, next);
    this.unseen.set(id, next.rev);
    return next;
  }

  apply(record: HouseholdRecord, deviceId = 'dev-1'): SyncResult {
    const forced = this.decide(record);
    if (forced === 'rejected') {
      return { id: record.id, rev: record.rev, status: 'rejected', errors: [{ path: 'data.groupCode', code: 'unknown_group', message: 'Tổ dân phố không có trong danh sách' }] };
    }
    if (forced) return { id: record.id, rev: record.rev, status: forced };
    const parsed = parseRecord(record);
    const key = recordContentKey(record, parsed.ok ? parsed.record : null);
    const stored = this.records.get(record.id);
    if (stored) stored.staffChangeUnseen = this.unseen.has(record.id);
    const decision = decideStatus(stored, {
      wardCode: this.wardCode,
      kind: record.kind,
      rev: record.rev,
      deviceId,
      contentHash: key,
      contentKey: () => key,
    });
    if (decision.status === 'rejected') {
      return { id: record.id, rev: record.rev, status: 'rejected', errors: decision.errors.map((e) => ({ ...e, message: e.code })) };
    }
    if (decision.status === 'conflict') {
      this.conflicts.push(record);
      if (decision.takeServerState) {
        return {
          id: record.id,
          rev: record.rev,
          status: 'conflict',
          errors: [{ path: 'rev', code: 'staff_change', message: 'staff_changed' }],
          serverRecord: this.bodies.get(record.id)!,
        };
      }
      return { id: record.id, rev: record.rev, status: 'conflict' };
    }
    if (decision.status === 'accepted') {
      const next = stored ?? { wardCode: this.wardCode, kind: record.kind, maxRev: 0, revisions: new Map<number, StoredRevision>(), ownerDeviceId: deviceId };
      next.revisions.set(record.rev, { contentHash: key, contentKey: () => key });
      if (record.rev >= next.maxRev) this.bodies.set(record.id, record);
      next.maxRev = Math.max(next.maxRev, record.rev);
      this.records.set(record.id, next);
      this.stored.set(`${record.id}#${record.rev}`, key);
      this.latest.set(record.id, next.maxRev);
    }
    return { id: record.id, rev: record.rev, status: decision.status };
  }
}
