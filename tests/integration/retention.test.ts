// Retention on the ward endpoint (issue 12, point 4): records past the ward's retentionMonths
// lose their personal fields in every stored revision and conflict (checked with SQL on the JSON
// columns, and on SQLite in the database files after the checkpoint); records within it keep
// them; the dashboard's tallies are identical before and after; a phone's retry of an erased rev
// stays a duplicate; the run is idempotent; the admin CLI and the server's daily timer run it.
// On SQLite, and PostgreSQL when DATABASE_URL is set.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildServer, retentionScheduleOf } from '../../src/server/app.js';
import { SQLITE_FILE_NAME } from '../../src/server/db/connect.js';
import { applyRetention, retentionCutOff, startRetentionSchedule } from '../../src/server/services/retention.js';
import { todayInVietnam } from '../../src/shared/domain/iso-week.js';
import { ERASED_TEXT } from '../../src/shared/domain/personal-fields.js';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';
import { validAssistance } from '../helpers/assistance-fixtures.js';
import { get, household, member, send, signIn, syncAll } from '../helpers/dashboard.js';
import { FIXTURE_WARDS_DIR, WARD } from '../helpers/records.js';
import { backends, sqliteBackend } from '../helpers/server-db.js';
import { runAdmin } from '../helpers/spawn-server.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

vi.setConfig({ testTimeout: 60_000 });

// Dates relative to the real day, so the CLI (which uses the clock) sees the same split: the
// fixture ward keeps 36 months.
const today = todayInVietnam();
const daysAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
const OLD = daysAgo(5 * 365); // past 36 months
const RECENT = daysAgo(10);
const NOW = new Date();

/** Values that must be gone from old records, and (their twins) kept in recent ones. */
const OLD_VALUES = ['Đỗ Thị Hếthạn', 'Phan Văn Cũ', '031080111222', '031183444555', '0912111222', '0987222333', 'Số 77B', 'Ngõ Cũ Kỹ', 'Ghi chú riêng tư', 'Vũ Thị Trợgiúp', '0903555666', 'Xung Đột Một', 'Xung Đột Hai'];
const RECENT_VALUES = ['Lê Văn Còngiữ', '031090333444', '0988333444', 'Số 99C', 'Hoàng Văn Mới', '0904777888'];

function oldHousehold(id: string, rev: number, headName = 'Đỗ Thị Hếthạn'): HouseholdRecord {
  const r = household({
    id,
    rev,
    surveyedAt: OLD,
    houseNumber: 'Số 77B',
    lane: 'Ngõ Cũ Kỹ',
    street: 'Trần Phú',
    members: [
      member(1980, { id: '00000000-0000-4000-9999-000000000001', relation: 'head', sex: 'male', name: headName, cccd: '031080111222', phone: '0912111222', wantsHelp: ['vneid_level2'], wantsHelpNote: 'Ghi chú riêng tư về hộ' }, 2021),
      member(1983, { id: '00000000-0000-4000-9999-000000000002', relation: 'spouse', name: 'Phan Văn Cũ', cccd: '031183444555', phone: '0987222333' }, 2021),
    ],
  });
  r.data.note = 'Ghi chú riêng tư';
  r.data.consent = { ...r.data.consent!, consenterName: headName };
  if (rev > 1) r.data.devices = { ...r.data.devices!, smartphones: 3 };
  return r;
}

const OLD_ID = '00000000-0000-4000-a111-000000000001';
// The same door as the old household: a possible duplicate in the quality report, until erased.
const OLD_NOT_HOME = household({ id: '00000000-0000-4000-a111-000000000002', surveyedAt: OLD, outcome: 'not_home', houseNumber: 'Số 77B', lane: 'Ngõ Cũ Kỹ', street: 'Trần Phú' });
const RECENT_HH = household({
  id: '00000000-0000-4000-a111-000000000003',
  surveyedAt: RECENT,
  houseNumber: 'Số 99C',
  members: [member(1990, { relation: 'head', name: 'Lê Văn Còngiữ', cccd: '031090333444', phone: '0988333444' })],
});

function assistance(id: string, helpedAt: string, name: string, phone: string) {
  const r = validAssistance();
  r.id = id;
  r.data.helpedAt = `${helpedAt}T02:30:00.000Z`;
  r.clientUpdatedAt = `${helpedAt}T02:31:00.000Z`;
  r.data.person = { name, birthYear: 1955, phone };
  delete r.data.household;
  return r as HouseholdRecord; // syncAll is typed for households; the endpoint takes any kind
}
const OLD_ASSIST = assistance('00000000-0000-4000-b111-000000000001', OLD, 'Vũ Thị Trợgiúp', '0903555666');
const RECENT_ASSIST = assistance('00000000-0000-4000-b111-000000000002', RECENT, 'Hoàng Văn Mới', '0904777888');

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function jsonColumns(t: TestServer): Promise<string> {
  const revs = await t.db.db.selectFrom('record_revisions').select('body').execute();
  const conflicts = await t.db.db.selectFrom('conflicts').select('body').execute();
  const keys = await t.db.db.selectFrom('household_address_keys').select('address_key').execute();
  return [...revs.map((r) => r.body), ...conflicts.map((c) => c.body), ...keys.map((k) => k.address_key)].join('\n');
}

/** Rows whose JSON holds `value`, found by SQL LIKE (what a DBA would run). */
async function rowsLike(t: TestServer, value: string): Promise<number> {
  const pattern = `%${value}%`;
  const r = await sql<{ n: number | string }>`select
      (select count(*) from record_revisions where body like ${pattern}) +
      (select count(*) from conflicts where body like ${pattern}) as n`.execute(t.db.db);
  return Number(r.rows[0]!.n);
}

async function tallies(t: TestServer, token: string): Promise<unknown[]> {
  const urls = [
    `/api/v1/wards/${WARD}/indicators`,
    `/api/v1/wards/${WARD}/indicators?by=group`,
    `/api/v1/wards/${WARD}/indicators?by=ageBand`,
    `/api/v1/wards/${WARD}/indicators?by=sex`,
    `/api/v1/wards/${WARD}/indicators/weekly`,
    `/api/v1/wards/${WARD}/assistances?from=${daysAgo(6 * 365)}&to=${today}`,
  ];
  const out: unknown[] = [];
  for (const url of urls) {
    const res = await get(t, token, url);
    expect(res.statusCode, url).toBe(200);
    out.push(res.json());
  }
  return out;
}

describe.each(backends)('retention on $name', (backend) => {
  let t: TestServer;
  let token: string;
  let device: { token: string };

  beforeAll(async () => {
    t = await startTestServer(backend);
    device = await t.enrol(WARD);
    await syncAll(t, device.token, [oldHousehold(OLD_ID, 1), OLD_NOT_HOME, RECENT_HH, OLD_ASSIST, RECENT_ASSIST]);
    await syncAll(t, device.token, [oldHousehold(OLD_ID, 2)]);
    // Two conflicting copies of rev 2 that differ only in a name: two conflict rows.
    for (const name of ['Xung Đột Một', 'Xung Đột Hai']) {
      const res = await t.sync(device.token, { protocolVersion: 1, batchId: crypto.randomUUID(), records: [oldHousehold(OLD_ID, 2, name)] });
      expect((res.json() as { results: { status: string }[] }).results[0]!.status).toBe('conflict');
    }
    token = (await signIn(t, WARD)).token;
    // The duplicate check's cache of normalised addresses is filled by the quality report.
    const quality = await get(t, token, `/api/v1/wards/${WARD}/quality`);
    expect(quality.statusCode).toBe(200);
    expect(quality.body).toContain('77b|');
    expect((quality.json() as { duplicates: { count: number } }).duplicates.count).toBe(1);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('the cut-off is today minus the setting, in calendar months', () => {
    expect(retentionCutOff('2026-12-03', 36)).toBe('2023-12-03');
    expect(retentionCutOff('2026-03-31', 1)).toBe('2026-02-28');
    expect(retentionCutOff('2024-01-15', 13)).toBe('2022-12-15');
  });

  it('erases every personal field of old records in every revision and conflict, keeps recent ones, and leaves the tallies alone', async () => {
    const before = await tallies(t, token);
    const json = await jsonColumns(t);
    for (const value of [...OLD_VALUES, ...RECENT_VALUES]) expect(json, value).toContain(value);
    expect(await t.db.db.selectFrom('conflicts').select('id').execute()).toHaveLength(2);

    const report = await applyRetention(t.db, { now: NOW, wardCode: WARD });
    expect(report.wards).toEqual([
      expect.objectContaining({ wardCode: WARD, retentionMonths: 36, households: 2, assistances: 1, revisions: 4, conflicts: 1, conflictsMerged: 1, failed: 0 }),
    ]);
    expect(report.wards[0]!.addressKeys).toBeGreaterThanOrEqual(1);
    expect(report.scrub).not.toBeNull();

    for (const value of OLD_VALUES) expect(await rowsLike(t, value), value).toBe(0);
    for (const value of RECENT_VALUES) expect(await rowsLike(t, value), value).toBeGreaterThan(0);
    expect(await jsonColumns(t)).not.toContain('77b|');

    // Every old row is marked; the recent ones are not.
    const marks = await t.db.db.selectFrom('record_revisions').select(['record_id', 'personal_erased_at']).execute();
    for (const m of marks) expect(m.personal_erased_at !== null, m.record_id).toBe([OLD_ID, OLD_NOT_HOME.id, OLD_ASSIST.id].includes(m.record_id));

    expect(await tallies(t, token)).toEqual(before);

    // Audited with the counts, never a value.
    const audit = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'retention.apply').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ ward_code: WARD, actor_name: 'retention-job' });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ households: 2, assistances: 1, revisions: 4 });

    // The erased records still read: drill-down shows the marker, the follow-up list still lists the help asked for.
    const detail = (await get(t, token, `/api/v1/wards/${WARD}/households/${OLD_ID}`)).json() as { record: HouseholdRecord };
    expect(detail.record.data.address).toEqual({ houseNumber: ERASED_TEXT });
    expect(detail.record.data.members.map((m) => [m.birthYear, m.sex, m.name])).toEqual([[1980, 'male', undefined], [1983, 'female', undefined]]);
    // An erased address is unknown: no longer a possible duplicate, and not cached again (the
    // key is "77b|…"; ids are random and may hold "77b" by chance).
    const quality = await get(t, token, `/api/v1/wards/${WARD}/quality`);
    expect(quality.statusCode).toBe(200);
    expect(quality.body).not.toContain('77b|');
    expect((quality.json() as { duplicates: { count: number } }).duplicates.count).toBe(0);
    expect(await jsonColumns(t)).not.toContain('77b|');
    const followUps = await get(t, token, `/api/v1/wards/${WARD}/follow-ups`);
    expect(followUps.statusCode).toBe(200);
    expect(followUps.body).not.toContain('Hếthạn');
  });

  it('is idempotent: a second run erases nothing', async () => {
    const report = await applyRetention(t.db, { now: NOW });
    for (const w of report.wards) expect([w.households, w.assistances, w.revisions, w.conflicts, w.conflictsMerged, w.failed]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(report.scrub).toBeNull();
  });

  it('a phone retrying an erased rev gets `duplicate`, and nothing personal comes back', async () => {
    const retry = await t.sync(device.token, {
      protocolVersion: 1,
      batchId: crypto.randomUUID(),
      records: [oldHousehold(OLD_ID, 2), oldHousehold(OLD_ID, 2, 'Xung Đột Một'), OLD_ASSIST],
    });
    expect((retry.json() as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    for (const value of OLD_VALUES) expect(await rowsLike(t, value), value).toBe(0);
  });

  it.runIf(backend.name === 'postgres')('on PostgreSQL the touched tables were vacuumed', async () => {
    for (const table of ['record_revisions', 'conflicts', 'household_address_keys']) {
      await until(async () => {
        // record_revisions is partitioned (migration 20261203T113000): its statistics are its
        // partitions'; VACUUM of the parent vacuums every one.
        const r = await sql<{ last_vacuum: Date | null }>`select last_vacuum from pg_stat_user_tables
          where relid in (select inhrelid from pg_inherits where inhparent = ${table}::regclass)
             or (relname = ${table} and relid not in (select partrelid from pg_partitioned_table))`.execute(t.db.db);
        return r.rows.length > 0 && r.rows.every((row) => row.last_vacuum != null);
      }, `VACUUM of ${table}`);
    }
  });

  it.runIf(backend.name === 'sqlite')('on SQLite the database files hold no erased value after the checkpoint', async () => {
    // Written again and erased by a run, so this test does not depend on the order above.
    await syncAll(t, device.token, [oldHousehold('00000000-0000-4000-a111-000000000009', 1, 'Đỗ Thị Hếthạn')]);
    await applyRetention(t.db, { now: NOW, wardCode: WARD });
    const file = path.join(t.env.DATA_DIR!, SQLITE_FILE_NAME);
    const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
    for (const value of OLD_VALUES.filter((v) => !v.startsWith('Xung'))) expect(bytes.includes(Buffer.from(value, 'utf8')), value).toBe(false);
    // The check can fail: a recent record's values are in the files.
    expect(bytes.includes(Buffer.from('Lê Văn Còngiữ', 'utf8'))).toBe(true);
  });
});

describe.each(backends)('apply-retention CLI and the daily timer on $name', (backend) => {
  let t: TestServer;
  let device: { token: string };
  beforeAll(async () => {
    t = await startTestServer(backend);
    device = await t.enrol(WARD);
    await syncAll(t, device.token, [oldHousehold(OLD_ID, 1), RECENT_HH, OLD_ASSIST]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('apply-retention prints the counts per ward, and zeros on a second run', async () => {
    const cutOff = retentionCutOff(today, 36);
    const dry = runAdmin(['apply-retention', '--ward', WARD, '--dry-run'], t.env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(`${WARD}\t${cutOff}\t1\t1\n`);
    expect(await rowsLike(t, 'Đỗ Thị Hếthạn')).toBeGreaterThan(0);
    const first = runAdmin(['apply-retention', '--ward', WARD], t.env);
    expect(first.stderr).toMatch(/retention: 1 ward/);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`${WARD}\t${cutOff}\t1\t1\t2\t0\n`);
    for (const value of ['Đỗ Thị Hếthạn', '0912111222', 'Vũ Thị Trợgiúp']) expect(await rowsLike(t, value), value).toBe(0);
    expect(await rowsLike(t, 'Lê Văn Còngiữ')).toBe(1);
    const again = runAdmin(['apply-retention'], t.env);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n').filter(Boolean).map((l) => l.split('\t').slice(2).join(','))).toEqual(['0,0,0,0', '0,0,0,0']);
    const unknown = runAdmin(['apply-retention', '--ward', '99999'], t.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
  });

  it('the server applies it on a timer (first run soon after start, then every interval) and stops on close', async () => {
    await syncAll(t, device.token, [oldHousehold('00000000-0000-4000-a111-000000000010', 1, 'Hẹngiờ Thị Tám')]);
    expect(await rowsLike(t, 'Hẹngiờ Thị Tám')).toBe(1);
    const app = await buildServer({ db: t.db, seedsDir: FIXTURE_WARDS_DIR, retention: { firstRunDelayMs: 10, intervalMs: 50, now: () => NOW } });
    try {
      const schedule = retentionScheduleOf(app)!;
      await until(async () => (await rowsLike(t, 'Hẹngiờ Thị Tám')) === 0, 'the first run');
      await until(async () => schedule.runs >= 3, 'later runs');
    } finally {
      await app.close();
    }
    const runs = retentionScheduleOf(app)!.runs;
    // Absence can only be shown over time: four intervals pass without a run.
    await new Promise((r) => setTimeout(r, 200));
    expect(retentionScheduleOf(app)!.runs).toBe(runs);
  });
});

describe.each(backends)('the ward setting decides on $name', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('a shorter retentionMonths set by the ward admin erases records the longer one kept', async () => {
    const device = await t.enrol(WARD);
    const twoAndAHalfMonths = household({ id: '00000000-0000-4000-a111-000000000020', surveyedAt: daysAgo(75), members: [member(1970, { name: 'Haithang Thị Mười' })] });
    await syncAll(t, device.token, [twoAndAHalfMonths, RECENT_HH]);
    await applyRetention(t.db, { now: NOW, wardCode: WARD });
    expect(await rowsLike(t, 'Haithang Thị Mười')).toBe(1);
    const admin = await signIn(t, WARD, 'ward_admin');
    expect((await send(t, admin.token, 'PUT', `/api/v1/wards/${WARD}/config/settings`, { retentionMonths: 2 })).statusCode).toBe(200);
    const report = await applyRetention(t.db, { now: NOW, wardCode: WARD });
    expect(report.wards[0]).toMatchObject({ retentionMonths: 2, cutOff: retentionCutOff(today, 2), households: 1 });
    expect(await rowsLike(t, 'Haithang Thị Mười')).toBe(0);
    expect(await rowsLike(t, 'Lê Văn Còngiữ')).toBe(1);
  });
});

describe('the retention schedule', () => {
  it('reports a failed run and keeps its schedule (a database that cannot be read never crashes the server)', async () => {
    const opened = await sqliteBackend.open();
    await opened.server.close(); // every query now fails
    const errors: unknown[] = [];
    const schedule = startRetentionSchedule(opened.server, { firstRunDelayMs: 0, intervalMs: 20, onError: (e) => errors.push(e) });
    try {
      await until(async () => errors.length >= 2, 'two failed runs');
    } finally {
      await schedule.stop();
      await opened.cleanup().catch(() => undefined);
    }
    expect(schedule.runs).toBe(0);
    expect(errors[0]).toBeInstanceOf(Error);
  });
});
