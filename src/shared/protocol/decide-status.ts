// The sync decision: what the ward endpoint answers for one incoming record, given what it
// already holds for that id (docs/sync-protocol.md, "Statuses"). One pure function, called by
// the server's ingest (src/server/services/sync-ingest.ts) and by the tests' in-memory ward
// (tests/helpers/sync-fixtures.ts), so the phone is always tested against the real rule.
//
// In order:
//   1. an id belongs to the ward and the kind that first stored it → else `rejected`;
//   2. the same rev with the same content (parsed and migrated, key order and clientUpdatedAt
//      ignored) is a retry → `duplicate`, whoever sends it (harmless: nothing is written);
//   3. only the device that owns the record writes to it → else `rejected` (`not_owner`). The
//      owner is the device that stored its first rev, or the one staff handed it to
//      (`transfer-records`);
//   4. staff changed the record (a void, a correction, an erasure) and the owning phone has not
//      yet acknowledged taking that state: whatever the phone built its rev on, it is older →
//      `conflict` answered with the server's state (`takeServerState`): the phone replaces its
//      copy with it, and its own rev stays on the server as a conflict row for staff to review;
//   5. the same rev stored with other content → `conflict` (kept for review; the phone holds its
//      copy for the volunteer);
//   6. a newer rev is stored → `stale` (the phone's copy moved on; the server keeps the newest);
//   7. otherwise → `accepted`.
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
  /**
   * A staff rev (void, correction, erasure) the owning phone has not acknowledged taking
   * (the sync request's `applied`): any rev the phone sends was built on an older state.
   */
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
  | { status: Exclude<SyncStatus, 'rejected' | 'conflict'> }
  | {
      status: 'conflict';
      /** True when the conflict is against a staff change: the answer carries the server's state and the phone takes it. */
      takeServerState: boolean;
    }
  | { status: 'rejected'; errors: FieldError[] };

export function decideStatus(stored: StoredRecordState | undefined, incoming: IncomingRecord): SyncDecision {
  if (!stored) return { status: 'accepted' };
  if (stored.wardCode !== incoming.wardCode) return { status: 'rejected', errors: [{ path: 'id', code: 'wrong_ward' }] };
  // An id names one record of one kind for good: a household never becomes an assistance.
  if (stored.kind !== incoming.kind) return { status: 'rejected', errors: [{ path: 'kind', code: 'invalid' }] };

  const sameRev = stored.revisions.get(incoming.rev);
  const sameContent = !!sameRev && (sameRev.contentHash === incoming.contentHash || sameRev.contentKey() === incoming.contentKey());
  if (sameContent) return { status: 'duplicate' };
  if (stored.ownerDeviceId !== undefined && incoming.deviceId !== stored.ownerDeviceId) {
    return { status: 'rejected', errors: [{ path: 'id', code: 'not_owner' }] };
  }
  if (stored.staffChangeUnseen) return { status: 'conflict', takeServerState: true };
  if (sameRev) return { status: 'conflict', takeServerState: false };
  if (stored.maxRev > incoming.rev) return { status: 'stale' };
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
