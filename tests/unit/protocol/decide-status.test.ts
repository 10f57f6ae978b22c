// The sync decision, alone: every branch of decideStatus (src/shared/protocol/decide-status.ts).
import { describe, expect, it } from 'vitest';
import { decideStatus, recordContentKey, type IncomingRecord, type StoredRecordState } from '../../../src/shared/protocol/decide-status.js';

const key = (data: unknown) => recordContentKey(null, { kind: 'household', data });

function stored(overrides: Partial<StoredRecordState> = {}): StoredRecordState {
  return {
    wardCode: '10546',
    kind: 'household',
    maxRev: 2,
    revisions: new Map([
      [1, { contentHash: 'h1', contentKey: () => key({ a: 1 }) }],
      [2, { contentHash: 'h2', contentKey: () => key({ a: 2, b: [1, 2] }) }],
    ]),
    ...overrides,
  };
}

function incoming(overrides: Partial<IncomingRecord> = {}): IncomingRecord {
  return { wardCode: '10546', kind: 'household', rev: 3, deviceId: 'dev-a', contentHash: 'h3', contentKey: () => key({ a: 3 }), ...overrides };
}

describe('decideStatus', () => {
  it('accepts a record the server has never seen, and the next rev of one it has', () => {
    expect(decideStatus(undefined, incoming({ rev: 1 }))).toEqual({ status: 'accepted' });
    expect(decideStatus(stored(), incoming())).toEqual({ status: 'accepted' });
  });

  it('rejects an id of another ward or of another kind', () => {
    expect(decideStatus(stored({ wardCode: '10837' }), incoming())).toEqual({ status: 'rejected', errors: [{ path: 'id', code: 'wrong_ward' }] });
    expect(decideStatus(stored({ kind: 'assistance' }), incoming())).toEqual({ status: 'rejected', errors: [{ path: 'kind', code: 'invalid' }] });
  });

  it('calls the same rev a duplicate by hash, or by content whatever the key order', () => {
    expect(decideStatus(stored(), incoming({ rev: 2, contentHash: 'h2', contentKey: () => 'never read' }))).toEqual({ status: 'duplicate' });
    expect(decideStatus(stored(), incoming({ rev: 2, contentHash: 'other', contentKey: () => key({ b: [1, 2], a: 2 }) }))).toEqual({ status: 'duplicate' });
  });

  it('keeps other content under a stored rev as a conflict for review, even for an older rev', () => {
    const review = { status: 'conflict', takeServerState: false };
    expect(decideStatus(stored(), incoming({ rev: 2, contentHash: 'x', contentKey: () => key({ a: 9 }) }))).toEqual(review);
    expect(decideStatus(stored(), incoming({ rev: 1, contentHash: 'x', contentKey: () => key({ a: 9 }) }))).toEqual(review);
  });

  it('decides duplicate before stale: a retried old rev is a duplicate, an unstored older rev is stale', () => {
    expect(decideStatus(stored(), incoming({ rev: 1, contentHash: 'h1' }))).toEqual({ status: 'duplicate' });
    const gap = stored({ maxRev: 5, revisions: new Map([[5, { contentHash: 'h5', contentKey: () => key({}) }]]) });
    expect(decideStatus(gap, incoming({ rev: 4 }))).toEqual({ status: 'stale' });
  });

  it('lets only the owning device write new revs; its retries stay duplicates', () => {
    const owned = stored({ ownerDeviceId: 'dev-a' });
    const notOwner = { status: 'rejected', errors: [{ path: 'id', code: 'not_owner' }] };
    expect(decideStatus(owned, incoming({ deviceId: 'dev-b' }))).toEqual(notOwner);
    expect(decideStatus(owned, incoming({ deviceId: undefined }))).toEqual(notOwner);
    expect(decideStatus(owned, incoming({ deviceId: 'dev-a' }))).toEqual({ status: 'accepted' });
    // A retry of a stored rev is harmless whoever sends it (e.g. in flight during a transfer).
    expect(decideStatus(owned, incoming({ deviceId: 'dev-b', rev: 2, contentHash: 'h2' }))).toEqual({ status: 'duplicate' });
  });

  it('never lets another device leave a conflict or a stale answer on a record it does not own', () => {
    const owned = stored({ ownerDeviceId: 'dev-a' });
    const notOwner = { status: 'rejected', errors: [{ path: 'id', code: 'not_owner' }] };
    expect(decideStatus(owned, incoming({ deviceId: 'dev-b', rev: 2, contentHash: 'x', contentKey: () => key({ a: 9 }) }))).toEqual(notOwner);
    expect(decideStatus(stored({ ownerDeviceId: 'dev-a', maxRev: 5 }), incoming({ deviceId: 'dev-b', rev: 4 }))).toEqual(notOwner);
  });

  it('after a transfer the new owner writes and the old one cannot', () => {
    const handed = stored({ ownerDeviceId: 'dev-b' });
    expect(decideStatus(handed, incoming({ deviceId: 'dev-b' }))).toEqual({ status: 'accepted' });
    expect(decideStatus(handed, incoming({ deviceId: 'dev-a' }))).toEqual({ status: 'rejected', errors: [{ path: 'id', code: 'not_owner' }] });
  });

  it('answers a conflict carrying the server state to any new rev built before an unseen staff change', () => {
    const voided = stored({ ownerDeviceId: 'dev-a', staffChangeUnseen: true });
    const take = { status: 'conflict', takeServerState: true };
    // the next rev (the phone never heard of the staff rev), the staff rev's number with other content, an older one
    expect(decideStatus(voided, incoming())).toEqual(take);
    expect(decideStatus(voided, incoming({ rev: 2, contentHash: 'x', contentKey: () => key({ a: 9 }) }))).toEqual(take);
    expect(decideStatus(stored({ ownerDeviceId: 'dev-a', staffChangeUnseen: true, maxRev: 5 }), incoming({ rev: 4 }))).toEqual(take);
    // a retry of a stored rev is still a duplicate; another device is still not the owner
    expect(decideStatus(voided, incoming({ rev: 2, contentHash: 'h2' }))).toEqual({ status: 'duplicate' });
    expect(decideStatus(voided, incoming({ deviceId: 'dev-b' }))).toEqual({ status: 'rejected', errors: [{ path: 'id', code: 'not_owner' }] });
  });

  it('accepts a rev built on the staff state once the phone has acknowledged it', () => {
    expect(decideStatus(stored({ ownerDeviceId: 'dev-a', staffChangeUnseen: false }), incoming())).toEqual({ status: 'accepted' });
  });
});

describe('recordContentKey', () => {
  it('compares kind and data, not the envelope; falls back to the raw JSON when a body no longer parses', () => {
    expect(recordContentKey(null, { kind: 'household', data: { x: 1, y: 2 } })).toBe(recordContentKey(null, { kind: 'household', data: { y: 2, x: 1 } }));
    expect(recordContentKey(null, { kind: 'household', data: { x: 1 } })).not.toBe(recordContentKey(null, { kind: 'assistance', data: { x: 1 } }));
    const raw = { kind: 'household', schemaVersion: 1, data: { x: 1 } };
    expect(recordContentKey(raw, null)).not.toBe(recordContentKey(raw, { kind: 'household', data: { x: 1 } }));
  });
});
