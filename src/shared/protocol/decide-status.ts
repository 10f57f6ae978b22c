// The sync decision: what the ward endpoint answers for one incoming record, given what it
// already holds for that id (docs/sync-protocol.md, "Statuses"). One pure function, called by
// the server's ingest (src/server/services/sync-ingest.ts) and by the tests' in-memory ward
// (tests/helpers/sync-fixtures.ts), so the phone is always tested against the real rule.
//
// In order:
//   1. an id belongs to the ward and the kind that first stored it → else `rejected`;
//   2. the same rev is stored already: the same content (parsed and migrated, key order and
//      clientUpdatedAt ignored) is a retry → `duplicate`; other content → `conflict` (kept for
//      review, never overwriting what was acknowledged);
//   3. only the device that owns the record (made it, or was handed it by staff) writes new revs
//      → else `rejected` (a retry of a stored rev is still a duplicate above: harmless);
//   4. a newer rev is stored → `stale` (the phone's copy moved on; the server keeps the newest);
//   5. staff changed the record after the phone's last known state (a void, a correction, an
//      erasure) and this rev is built on the older state → `conflict`, answered with the
//      server's state so the phone can take it;
//   6. otherwise → `accepted`.
import type { FieldError } from '../domain/validation.js';
import { canonicalJson } from './canonical-json.js';
import type { SyncStatus } from './sync.js';

/** One stored revision, as the decision needs it. */
export interface StoredRevision {
  /** Hash of the body as stored: equal to the incoming hash means certainly a retry. */
  contentHash: string;
  /**
   * The content key (recordContentKey) of the stored rev. Called only when the hashes differ
   * (rare: a retry re-encoded by another app version, or a real conflict).
   */
  contentKey: () => string;
}

/** What the server holds for one record id. */
export interface StoredRecordState {
  wardCode: string;
  kind: string;
  maxRev: number;
  revisions: ReadonlyMap<number, StoredRevision>;
  /** The device allowed to write new revs; undefined where ownership is not tracked. */
  ownerDeviceId?: string;
  /** A staff rev (void, correction, erasure) newer than what the owning phone has been told of. */
  staffChangeUnseen?: boolean;
}

/** One incoming record, already checked by its kind's schema. */
export interface IncomingRecord {
  wardCode: string;
  kind: string;
  rev: number;
  deviceId?: string;
  contentHash: string;
  contentKey: () => string;
}

export type SyncDecision =
  | { status: Exclude<SyncStatus, 'rejected'> }
  | { status: 'rejected'; errors: FieldError[] };

export function decideStatus(stored: StoredRecordState | undefined, incoming: IncomingRecord): SyncDecision {
  if (!stored) return { status: 'accepted' };
  if (stored.wardCode !== incoming.wardCode) return { status: 'rejected', errors: [{ path: 'id', code: 'wrong_ward' }] };
  // An id names one record of one kind for good: a household never becomes an assistance.
  if (stored.kind !== incoming.kind) return { status: 'rejected', errors: [{ path: 'kind', code: 'invalid' }] };

  const sameRev = stored.revisions.get(incoming.rev);
  if (sameRev) {
    const same = sameRev.contentHash === incoming.contentHash || sameRev.contentKey() === incoming.contentKey();
    return { status: same ? 'duplicate' : 'conflict' };
  }
  if (stored.ownerDeviceId !== undefined && incoming.deviceId !== stored.ownerDeviceId) {
    return { status: 'rejected', errors: [{ path: 'id', code: 'not_owner' }] };
  }
  if (stored.maxRev > incoming.rev) return { status: 'stale' };
  if (stored.staffChangeUnseen) return { status: 'conflict' };
  return { status: 'accepted' };
}

/**
 * What "the same content" means for two revs with one id and rev: the same kind and `data`
 * after parsing and migrating to the current version (so a retry across an app update, or
 * from a build that wrote keys in another order, is still a duplicate). `parsed` is the record
 * as the kind's schema outputs it, or null when it no longer parses (then the raw JSON is
 * compared, version included).
 */
export function recordContentKey(raw: unknown, parsed: { kind: string; data: unknown } | null): string {
  if (parsed) return canonicalJson({ kind: parsed.kind, data: parsed.data });
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return canonicalJson({ raw: true, kind: r.kind, schemaVersion: r.schemaVersion, data: r.data });
}
