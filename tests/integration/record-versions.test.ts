// Issue 14 point 4 (safe updates) at the ward endpoint, on SQLite and (with DATABASE_URL)
// PostgreSQL, with the assistance record's v1 → v2 change (consent) as the real new version:
// - an older version the server has a migration for is accepted and stored migrated, with the
//   version the phone sent kept beside it (`received_schema_version`), in revisions and conflicts;
// - a newer version than the server knows is `rejected` per record (`newer_schema_version`,
//   translated), stores nothing, and the rest of the batch is stored;
// - a retry across the upgrade is a `duplicate`, never a `conflict`: the v1 body retried, and the
//   same rev sent as its v2 equivalent (a fast-check property over the forms a retry can take).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, householdRecord } from '../helpers/records.js';
import { v1Assistance } from '../helpers/assistance-fixtures.js';
import type { Loose } from '../helpers/household-fixtures.js';

/** A v1 assistance (name and phone, no consent) with a fresh id. */
function freshV1(): Loose {
  const record = v1Assistance();
  record.id = randomUUID();
  return record;
}

/** What the app at version 2 holds for the same help: the v1 → v2 migration dropped name and phone. */
function asV2(v1: Loose): Loose {
  const { name: _n, phone: _p, ...person } = v1.data.person;
  return { ...v1, schemaVersion: 2, data: { ...v1.data, person } };
}

/** The same object with its keys in reverse order, at every level (another build's serialiser). */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
}

describe.each(backends)('record versions on $name', (backend) => {
  let t: TestServer;
  let token: string;

  beforeAll(async () => {
    t = await startTestServer(backend);
    ({ token } = await t.enrol());
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const statuses = async (records: unknown[], headers?: Record<string, string>) => {
    const res = await t.sync(token, batch(records), headers);
    expect(res.statusCode).toBe(200);
    return res.json().results as { id: string; rev: number; status: string; errors?: { path: string; code: string; message: string }[] }[];
  };
  const revisions = (id: string) =>
    t.db.db.selectFrom('record_revisions').select(['rev', 'schema_version', 'received_schema_version', 'body']).where('record_id', '=', id).orderBy('rev').execute();

  it('stores an older version migrated with the version received beside it; a newer one is rejected and stores nothing', async () => {
    const old = freshV1();
    const current = asV2(freshV1());
    const newer = { ...asV2(freshV1()), schemaVersion: 3 };
    const household = { ...householdRecord({ seed: 41 }), schemaVersion: 1 };
    const results = await statuses([old, newer, current, household], { 'accept-language': 'en' });
    expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'accepted', 'accepted']);
    expect(results[1]).toEqual({
      id: newer.id,
      rev: 1,
      status: 'rejected',
      errors: [{ path: 'schemaVersion', code: 'newer_schema_version', message: expect.stringMatching(/newer version of the app/) }],
    });
    // Vietnamese by default, with diacritics.
    const vi = await statuses([newer]);
    expect(vi[0]!.errors![0]!.message).toMatch(/mới hơn máy chủ/);
    expect(await revisions(newer.id)).toEqual([]);

    const [stored] = await revisions(old.id);
    expect(Number(stored!.schema_version)).toBe(2);
    expect(Number(stored!.received_schema_version)).toBe(1);
    // The migrated form is what is kept: v1 recorded no consent, so no name or phone.
    expect(JSON.parse(stored!.body)).toEqual(asV2(old));
    expect(stored!.body).not.toContain(old.data.person.name);
    expect((await revisions(current.id)).map((r) => Number(r.received_schema_version))).toEqual([2]);
    const [hh] = await revisions(household.id);
    expect([Number(hh!.schema_version), Number(hh!.received_schema_version)]).toEqual([2, 1]);
  });

  it('a v1 retry, and the same rev as its v2 equivalent, are duplicates across the upgrade; other content is a conflict that keeps its received version', async () => {
    const old = freshV1();
    expect((await statuses([old]))[0]!.status).toBe('accepted');
    // The answer was lost: the phone (still on the old build) retries the same v1 body, then is
    // updated, its Dexie upgrade migrates the row, and it sends the same rev at version 2.
    expect((await statuses([old]))[0]!.status).toBe('duplicate');
    expect((await statuses([asV2(old)]))[0]!.status).toBe('duplicate');
    expect((await statuses([reversedKeys({ ...asV2(old), clientUpdatedAt: '2026-11-09T00:00:00.000Z' })]))[0]!.status).toBe('duplicate');
    expect(await revisions(old.id)).toHaveLength(1);

    // Not blind: other content under rev 1 is a conflict, kept with the version it came in.
    const other = { ...old, data: { ...old.data, place: 'Chỗ khác' } };
    expect((await statuses([other]))[0]!.status).toBe('conflict');
    const conflicts = await t.db.db.selectFrom('conflicts').select(['received_schema_version', 'body']).where('record_id', '=', old.id).execute();
    expect(conflicts.map((c) => Number(c.received_schema_version))).toEqual([1]);
    expect(JSON.parse(conflicts[0]!.body).schemaVersion).toBe(2);

    // A stored v2 rev retried as v1 by a phone not yet updated (a second phone of the same
    // volunteer restored from the same backup is not possible: the same device retries).
    const fresh = freshV1();
    expect((await statuses([asV2(fresh)]))[0]!.status).toBe('accepted');
    expect((await statuses([fresh]))[0]!.status).toBe('duplicate');
  });

  it('property: whatever form a retry across the upgrade takes, it is a duplicate and stores nothing', async () => {
    const retryForm = fc.constantFrom('v1', 'v2', 'v1-reordered', 'v2-reordered', 'v1-other-contact');
    const first = fc.constantFrom('v1', 'v2');
    await fc.assert(
      fc.asyncProperty(
        first,
        retryForm,
        fc.boolean(),
        fc.boolean(),
        fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0 && !/\d{6}/.test(s)),
        fc.date({ min: new Date('2026-11-08T03:00:00Z'), max: new Date('2027-01-01T00:00:00Z'), noInvalidDate: true }),
        async (firstForm, retry, keepName, keepPhone, place, updatedAt) => {
          const v1 = freshV1();
          if (!keepName) delete v1.data.person.name;
          if (!keepPhone) delete v1.data.person.phone;
          // Typed text with spaces around it: the stored form is trimmed, the retry is not.
          v1.data.place = ` ${place} `;
          const sentFirst = firstForm === 'v1' ? v1 : asV2(v1);
          expect((await statuses([sentFirst]))[0]!.status).toBe('accepted');
          let again: unknown;
          const later = { clientUpdatedAt: updatedAt.toISOString() };
          if (retry === 'v1') again = v1;
          else if (retry === 'v2') again = asV2(v1);
          else if (retry === 'v1-reordered') again = reversedKeys({ ...v1, ...later });
          else if (retry === 'v2-reordered') again = reversedKeys({ ...asV2(v1), ...later });
          // Version 1 kept no consent: whatever name it carried is dropped on both sides.
          else again = { ...v1, data: { ...v1.data, person: { ...v1.data.person, name: 'Người Khác', phone: '0987654321' } } };
          const [result] = await statuses([again]);
          expect(result!.status).toBe('duplicate');
          expect(await revisions(v1.id)).toHaveLength(1);
        },
      ),
      { numRuns: 25 },
    );
  });
});
