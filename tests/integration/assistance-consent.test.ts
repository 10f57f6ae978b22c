// Issue 12, point 6 on every backend (SQLite always, PostgreSQL when DATABASE_URL is set):
// assistances stored at version 1 (a name and phone, no consent) lose the name and phone when the
// migration 20261203T104000-assistance-consent runs, in revisions and conflicts, checked with
// SQL; the tallies do not move; a phone still on the old build retrying its v1 rev afterwards is
// a `duplicate`, and a new v1 rev from it is accepted without the name and phone. A v2 record
// with consent keeps them; without consent a name is `rejected` with a translated message.
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up as consentMigration, withAssistanceNotice } from '../../src/server/db/migrations/20261203T104000-assistance-consent.js';
import { wardConfigSchema } from '../../src/shared/schema/ward-config.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, WARD } from '../helpers/records.js';
import { get, signIn } from '../helpers/dashboard.js';
import { v1Assistance, validAssistance } from '../helpers/assistance-fixtures.js';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');
const NAME = 'Trần Thị Hương';
const PHONE = '0912345678';

describe.each(backends)('assistance consent on $name', (backend) => {
  let t: TestServer;
  let token: string;
  let deviceId: string;
  let staffToken: string;

  beforeAll(async () => {
    t = await startTestServer(backend);
    ({ token, deviceId } = await t.enrol());
    ({ token: staffToken } = await signIn(t, WARD));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const tallies = async () => {
    const res = await get(t, staffToken, `/api/v1/wards/${WARD}/assistances?campaign=${encodeURIComponent('consent-migration')}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  /** Rows whose body still holds the name or the phone, by SQL on the table itself. */
  const holding = async (table: 'record_revisions' | 'conflicts') =>
    (
      await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)} where body like ${`%${NAME}%`} or body like ${`%${PHONE}%`}`.execute(t.db.db)
    ).rows[0]!.n;

  it('erases the name and phone of v1 assistances stored before the migration; tallies unchanged; an old-build retry is a duplicate', async () => {
    // As the build before issue 12 stored it: the parsed v1 record, name and phone included.
    const old = v1Assistance();
    old.id = randomUUID();
    old.data.campaign = 'consent-migration';
    // Stored through the real endpoint first (owner, flattened rows), then its body set back to v1.
    const asV2 = { ...old, schemaVersion: 2, data: { ...old.data, person: { birthYear: old.data.person.birthYear } } };
    expect((await t.sync(token, batch([asV2]))).json().results[0].status).toBe('accepted');
    const v1Body = JSON.stringify(old);
    await t.db.db
      .updateTable('record_revisions')
      .set({ body: v1Body, content_hash: sha(v1Body), schema_version: 1 })
      .where('record_id', '=', old.id)
      .execute();
    // Two conflicts that differ only in the phone, and one that differs in the place.
    const conflict = { record_id: old.id, rev: 1, ward_code: WARD, device_id: deviceId, batch_id: randomUUID(), received_at: '2026-11-20T09:00:00.000Z' };
    const c1 = JSON.stringify({ ...old, data: { ...old.data, person: { ...old.data.person, phone: '0987654321' } } });
    const c2 = JSON.stringify({ ...old, data: { ...old.data, person: { ...old.data.person, phone: PHONE } } });
    const c3 = JSON.stringify({ ...old, data: { ...old.data, place: 'Chỗ khác' } });
    await t.db.db
      .insertInto('conflicts')
      .values([c1, c2, c3].map((body) => ({ ...conflict, id: randomUUID(), body, content_hash: sha(body) })))
      .execute();
    expect(Number(await holding('record_revisions'))).toBe(1);
    const before = await tallies();
    expect(JSON.stringify(before)).toMatch(/install_vneid/); // the help is counted before and after

    await consentMigration(t.db.db as any);
    await consentMigration(t.db.db as any); // idempotent

    expect(Number(await holding('record_revisions'))).toBe(0);
    expect(Number(await holding('conflicts'))).toBe(0);
    expect(await sql`select 1 from conflicts where body like ${'%0987654321%'}`.execute(t.db.db).then((r) => r.rows)).toEqual([]);
    const stored = await t.db.db.selectFrom('record_revisions').selectAll().where('record_id', '=', old.id).executeTakeFirstOrThrow();
    expect(Number(stored.schema_version)).toBe(2);
    expect(stored.content_hash).toBe(sha(stored.body));
    const body = JSON.parse(stored.body);
    expect(body.schemaVersion).toBe(2);
    expect(body.data.person).toEqual({ birthYear: 1955 });
    expect(body.data.kinds).toEqual(old.data.kinds);
    const conflicts = await t.db.db.selectFrom('conflicts').select(['body', 'content_hash']).where('record_id', '=', old.id).execute();
    expect(conflicts).toHaveLength(2); // the two that differed only in the phone became one
    for (const c of conflicts) expect(c.content_hash).toBe(sha(c.body));
    expect(await tallies()).toEqual(before);

    // A phone still on the old build retries its v1 rev (a lost answer): the same content after
    // parse + migrate on both sides, so a duplicate, not a conflict.
    expect((await t.sync(token, batch([old]))).json().results).toEqual([{ id: old.id, rev: 1, status: 'duplicate' }]);
    // A different v1 rev 1 is still a conflict (the comparison is not blind).
    expect((await t.sync(token, batch([{ ...old, data: { ...old.data, place: 'Nơi khác' } }]))).json().results[0].status).toBe('conflict');
    // A new v1 rev from the old build: accepted and stored migrated, without name and phone.
    expect((await t.sync(token, batch([{ ...old, rev: 2 }]))).json().results[0].status).toBe('accepted');
    expect(Number(await holding('record_revisions'))).toBe(0);
    expect(Number(await holding('conflicts'))).toBe(0);
  });

  it('keeps a name and phone given with consent; refuses them without, with a translated message', async () => {
    const kept = validAssistance();
    kept.id = randomUUID();
    const refused = validAssistance();
    refused.id = randomUUID();
    delete refused.data.consent;
    const res = await t.sync(token, batch([kept, refused]), { 'accept-language': 'vi' });
    const results = res.json().results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected']);
    expect(results[1].errors).toEqual([
      { path: 'data.person.name', code: 'consent_required_for_contact', message: expect.stringMatching(/đồng ý/) },
      { path: 'data.person.phone', code: 'consent_required_for_contact', message: expect.stringMatching(/đồng ý/) },
    ]);
    const body = JSON.parse((await t.db.db.selectFrom('record_revisions').select('body').where('record_id', '=', kept.id).executeTakeFirstOrThrow()).body);
    expect(body.data.person).toEqual({ name: NAME, birthYear: 1955, phone: PHONE });
    expect(body.data.consent).toMatchObject({ given: true, purpose: 'assistance' });
  });

  it('gives stored wards without one an assistance notice, valid and current', async () => {
    const row = await t.db.db.selectFrom('wards').select(['code', 'config_json']).where('code', '=', WARD).executeTakeFirstOrThrow();
    // The fixture wards predate the assistance notice, like a ward seeded before this migration.
    const before = JSON.parse(row.config_json);
    const beforeHas = before.consentNotices.some((n: { purpose?: string }) => n.purpose === 'assistance');
    await consentMigration(t.db.db as any);
    const after = wardConfigSchema.parse(JSON.parse((await t.db.db.selectFrom('wards').select('config_json').where('code', '=', WARD).executeTakeFirstOrThrow()).config_json));
    expect(after.currentAssistanceNoticeVersion).toBe('2026-12');
    expect(after.consentNotices.filter((n) => n.purpose === 'assistance')).toHaveLength(1);
    expect(after.currentNoticeVersion).toBe(before.currentNoticeVersion);
    expect(after.groups).toEqual(before.groups);
    if (beforeHas) expect(JSON.stringify(after)).toBe(JSON.stringify(wardConfigSchema.parse(before)));
    expect(withAssistanceNotice(JSON.stringify(after))).toBeNull();
  });
});
