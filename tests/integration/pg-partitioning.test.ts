// Migration 20261203T113000-partition-records on PostgreSQL: a database populated before it
// keeps every row, now in hash partitions of record_id, with the same keys and index names;
// an empty database migrates too; the real sync path and the dashboard work on the result,
// and the dashboard's ward query and the sync's id lookup still use their indexes.
// PostgreSQL only (SQLite has nothing to partition): skipped, with a line saying so, without
// DATABASE_URL.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { openServerDb, type ServerDb } from '../../src/server/db/connect.js';
import { migrations } from '../../src/server/db/migrations/index.js';
import { PARTITIONED_TABLES, RECORD_PARTITIONS } from '../../src/server/db/migrations/20261203T113000-partition-records.js';
import type { Database } from '../../src/server/db/schema.js';
import { householdRow, memberRows } from '../../src/server/services/record-rows.js';
import { sha256 } from '../../src/server/services/secrets.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { wardConfigSchema } from '../../src/shared/schema/ward-config.js';
import { createPgDatabase } from '../helpers/server-db.js';
import { batch, FIXTURE_WARDS_DIR, householdRecord, WARD } from '../helpers/records.js';
import { signIn } from '../helpers/dashboard.js';
import type { TestServer } from '../helpers/test-server.js';

const adminUrl = process.env.DATABASE_URL;
const havePg = !!adminUrl && /^postgres/.test(adminUrl);
if (!havePg) console.log('SKIPPED: pg-partitioning.test.ts needs DATABASE_URL=postgres://… (PostgreSQL only)');

const names = Object.keys(migrations);
// Populated before the indicator counters too (20261203T111000), so that migration counts
// these rows as it would on a real upgrade; every migration after this one runs at open.
const before = names.filter((n) => n < '20261203T111000')
  .at(-1)!;

async function partitionsOf(db: Kysely<Database>, table: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from pg_inherits where inhparent = ${table}::regclass`.execute(db);
  return Number(r.rows[0]!.n);
}

async function indexNames(db: Kysely<Database>, table: string): Promise<string[]> {
  const r = await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = current_schema() and tablename = ${table} order by 1`.execute(db);
  return r.rows.map((x) => x.indexname);
}

async function planOf(db: Kysely<Database>, query: string): Promise<string> {
  const r = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(query)}`.execute(db);
  return r.rows.map((x) => x['QUERY PLAN']).join('\n');
}

describe.skipIf(!havePg)('record tables partitioned on PostgreSQL', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let dir: string;
  let server: ServerDb;
  const indexesBefore: Record<string, string[]> = {};
  const preRecords = Array.from({ length: 40 }, (_, i) => householdRecord({ seed: 100 + i, members: 3 }));

  beforeAll(async () => {
    scratch = await createPgDatabase(adminUrl!);
    dir = mkdtempSync(path.join(tmpdir(), 'gocua-part-'));
    // A database as the previous release left it, with households synced.
    const old = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: scratch.url, max: 2 }) }) });
    const { error } = await new Migrator({ db: old, provider: { getMigrations: async () => migrations } }).migrateTo(before);
    if (error) throw error;
    // Its wards were loaded at its first start (the counters migration counts by ward).
    // (As that release wrote them: the wards and ward_groups rows.)
    const config = wardConfigSchema.parse(JSON.parse(readFileSync(path.join(FIXTURE_WARDS_DIR, `${WARD}.json`), 'utf8')));
    await old.insertInto('wards').values({ code: config.code, name: config.name, province_code: config.province.code, province_name: config.province.name, config_json: JSON.stringify(config), created_at: new Date().toISOString() }).execute();
    await old.insertInto('ward_groups').values(config.groups.map((g) => ({ ward_code: config.code, code: g.code, name: g.name, households_on_register: g.householdsOnRegister }))).execute();
    const receivedAt = '2026-11-20T08:00:00.000Z';
    for (const r of preRecords) {
      const body = JSON.stringify(r);
      await old.insertInto('record_revisions').values({
        record_id: r.id, rev: r.rev, ward_code: WARD, kind: r.kind, schema_version: r.schemaVersion, body, content_hash: sha256(body),
        device_id: 'pre-device', batch_id: 'pre-batch', client_updated_at: r.clientUpdatedAt, received_at: receivedAt,
      }).execute();
      await old.insertInto('households').values(householdRow(r, 'pre-device', receivedAt)).execute();
      await old.insertInto('members').values(memberRows(r, 'pre-device', receivedAt)).execute();
    }
    for (const t of PARTITIONED_TABLES) indexesBefore[t] = await indexNames(old, t);
    await old.destroy();
    server = await openServerDb({ databaseUrl: scratch.url, dataDir: dir });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await scratch?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('moves the rows of a populated database into hash partitions with the same keys and index names', async () => {
    const db = server.db;
    for (const t of PARTITIONED_TABLES) {
      expect(await partitionsOf(db, t), t).toBe(RECORD_PARTITIONS);
      expect(await indexNames(db, t), t).toEqual(indexesBefore[t]);
    }
    const count = async (t: 'households' | 'members' | 'record_revisions') =>
      Number((await db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count('households')).toBe(40);
    expect(await count('record_revisions')).toBe(40);
    expect(await count('members')).toBe(120);
    // Rows really are spread over the partitions (not all in one).
    const used = await sql<{ n: string }>`select count(distinct tableoid) as n from households`.execute(db);
    expect(Number(used.rows[0]!.n)).toBeGreaterThan(8);
    // The primary key still holds across partitions.
    const first = await db.selectFrom('record_revisions').selectAll().limit(1).executeTakeFirstOrThrow();
    await expect(db.insertInto('record_revisions').values({ ...first, batch_id: 'again' }).execute()).rejects.toThrow(/duplicate key/);
  });

  it('keeps the indexes the dashboard and the sync use', async () => {
    const db = server.db;
    await sql`set enable_seqscan = off`.execute(db);
    try {
      const ward = await planOf(db, `select count(*) from members where ward_code = '${WARD}' and group_code = 'TDP01'`);
      expect(ward).toMatch(/members_p\d+_ward_code_group_code_idx|members_ward_group|Index|Bitmap/);
      const lookup = await planOf(db, `select rev from households where record_id = '${preRecords[0]!.id}'`);
      // One id: pruned to its partition, read through that partition's primary key.
      expect(lookup).toMatch(/households_p\d+_pkey/);
      expect(lookup.match(/households_p\d+/g)!.every((p) => p === lookup.match(/households_p\d+/)![0])).toBe(true);
    } finally {
      await sql`reset enable_seqscan`.execute(db);
    }
  });

  it('syncs through the real endpoint and counts old and new households on the dashboard', async () => {
    const app = await buildServer({ db: server, seedsDir: FIXTURE_WARDS_DIR });
    try {
      const code = (await issueEnrolmentCode(server, WARD, 1)).code;
      const enrol = await app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: code, volunteerName: 'Nguyễn Thị Test' } });
      const token = (enrol.json() as { token: string }).token;
      const fresh = Array.from({ length: 5 }, (_, i) => householdRecord({ seed: 900 + i, members: 2 }));
      const res = await app.inject({ method: 'POST', url: '/api/v1/sync', headers: { authorization: `Bearer ${token}` }, payload: batch(fresh) });
      expect(res.json().results.map((r: { status: string }) => r.status)).toEqual(Array(5).fill('accepted'));
      const again = await app.inject({ method: 'POST', url: '/api/v1/sync', headers: { authorization: `Bearer ${token}` }, payload: batch(fresh) });
      expect(again.json().results.map((r: { status: string }) => r.status)).toEqual(Array(5).fill('duplicate'));
      const staff = await signIn({ app, db: server } as unknown as TestServer, WARD);
      const overview = await app.inject({ method: 'GET', url: `/api/v1/wards/${WARD}/indicators?year=2026`, headers: { authorization: `Bearer ${staff.token}` } });
      expect(overview.statusCode).toBe(200);
      expect((overview.json() as { households: { surveyed: number } }).households.surveyed).toBe(45);
    } finally {
      await app.close();
    }
  });

  it('migrates an empty database', async () => {
    const empty = await createPgDatabase(adminUrl!);
    const emptyDir = mkdtempSync(path.join(tmpdir(), 'gocua-part-'));
    try {
      const fresh = await openServerDb({ databaseUrl: empty.url, dataDir: emptyDir });
      try {
        for (const t of PARTITIONED_TABLES) expect(await partitionsOf(fresh.db, t), t).toBe(RECORD_PARTITIONS);
      } finally {
        await fresh.close();
      }
    } finally {
      await empty.drop();
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});
