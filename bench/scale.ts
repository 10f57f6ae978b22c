// `npm run bench -- --scale [--scale-households N]` (issue 15, point 4): a synthetic province
// (code 31, 114 wards cloned from the seed configurations under codes 31001…31114) filled with
// generated households (src/demo/demo-data.ts, ≈3.3 members each) through the REAL sync path
// — each batch of 100 prepared by the sync's worker pool (sync-prepare) and stored by
// SyncIngest.ingest, one transaction per batch, LANES wards syncing at once — against a
// set-based insert of the same rows into a second database with the same schema (PostgreSQL:
// INSERT … SELECT FROM unnest(typed arrays), 1,000 households per statement; SQLite: prepared
// statements in one transaction per 1,000, its fastest bulk path). Then the dashboard, with the
// result cache off: the ward overview, a `?group=` cut, the age-band breakdown and an `asOf`
// in the past through the real server (app.inject), the city roll-up as city staff meet it
// (GET /api/v1/provinces/31/rollup), and the database size per household.
// Sizes: SQLite at min(N, 100,000); PostgreSQL (DATABASE_URL) at min(N, 100,000) and at N
// when N > 100,000. N defaults to 1,000,000. `--scale-engine sqlite|postgres`: that engine at N
// only; with `--scale-load set-based` the database is filled set-based instead of through the
// sync path (the dashboard reads at sizes the sync path cannot fill in minutes on a small
// machine; no ingest rate then; the counters are then recounted from the rows, ward by ward,
// before the reads). Above 200,000 households the set-based side inserts a sample (the first 12 wards).
// `--scale-keep` keeps the filled database and prints the folder to pass to `--scale-reuse DIR`,
// which measures the dashboard reads again on it without filling anything (a million households
// through the sync path take the better part of an hour here; the reads take seconds).
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { buildServer } from '../src/server/app.js';
import { openServerDb, SQLITE_FILE_NAME, type ServerDb } from '../src/server/db/connect.js';
import { createUser, login, type DevicePrincipal } from '../src/server/services/accounts.js';
import { enrolDevice, issueEnrolmentCode } from '../src/server/services/enrolment-codes.js';
import { setIndicatorCacheEnabled } from '../src/server/services/indicator-cache.js';
import { recountWard } from '../src/server/services/indicator-counters.js';
import { householdRow, memberRows } from '../src/server/services/record-rows.js';
import { sha256 } from '../src/server/services/secrets.js';
import { SyncIngest } from '../src/server/services/sync-ingest.js';
import { createPreparePool, defaultSyncWorkerCount, type PreparePool } from '../src/server/services/sync-prepare-pool.js';
import { generateHouseholds } from '../src/demo/demo-data.js';
import type { HouseholdRecord } from '../src/shared/schema/household.js';
import { wardConfigSchema, type WardConfig } from '../src/shared/schema/ward-config.js';
import { createPgDatabase } from '../tests/helpers/server-db.js';
import type { BenchRow } from './bench-row.js';

const PROVINCE = { code: '31', name: 'Thành phố Hải Phòng (tổng hợp)' };
const WARDS = 114;
const BATCH = 100;
/** Wards syncing at once (one phone each, batch after batch). */
const LANES = 4;
/** Households per set-based statement / transaction. */
const RAW_CHUNK = 1000;
/** Above this many households the set-based side inserts the first rounds' wards only (a sample: minutes, not hours). */
const RAW_SAMPLE_ABOVE = 200_000;
const RAW_SAMPLE_ROUNDS = 3;
const RUNS = 5;
export const BUDGETS = { pgOverviewMs: 100, pgCityMs: 500, sqliteOverviewMs: 50 };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (n: number) => n.toLocaleString('en');

function provinceWards(): WardConfig[] {
  const dir = 'seeds/wards';
  const seeds = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => wardConfigSchema.parse(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))));
  return Array.from({ length: WARDS }, (_, i) => {
    const base = seeds[i % seeds.length]!;
    return wardConfigSchema.parse({ ...base, code: `31${String(i + 1).padStart(3, '0')}`, name: `${base.name} (tổng hợp ${i + 1})`, province: PROVINCE });
  });
}

interface Rows {
  record_revisions: Record<string, unknown>[];
  households: Record<string, unknown>[];
  members: Record<string, unknown>[];
}

/** The rows the ingest writes for these records (the raw side inserts exactly these). */
function rowsFor(records: HouseholdRecord[], wardCode: string): Rows {
  const receivedAt = new Date().toISOString();
  return {
    record_revisions: records.map((r) => {
      const body = JSON.stringify(r);
      return {
        record_id: r.id, rev: r.rev, ward_code: wardCode, kind: r.kind, schema_version: r.schemaVersion, body, content_hash: sha256(body),
        device_id: 'raw-device', batch_id: randomUUID(), client_updated_at: r.clientUpdatedAt, received_at: receivedAt,
      };
    }),
    households: records.map((r) => ({ ...householdRow(r, 'raw-device', receivedAt) })),
    members: records.flatMap((r) => memberRows(r, 'raw-device', receivedAt).map((m) => ({ ...m }))),
  };
}

interface RawSink {
  insert(rows: Rows): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL set-based insert: one INSERT … SELECT FROM unnest($1::type[], …) per table and chunk. */
async function pgRawSink(url: string): Promise<RawSink> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const types = new Map<string, { name: string; type: string }[]>();
  for (const table of ['record_revisions', 'households', 'members']) {
    const r = await client.query<{ column_name: string; data_type: string }>(
      'select column_name, data_type from information_schema.columns where table_name = $1 and table_schema = current_schema() order by ordinal_position',
      [table],
    );
    types.set(table, r.rows.map((c) => ({ name: c.column_name, type: c.data_type })));
  }
  return {
    async insert(rows) {
      await client.query('begin');
      for (const table of ['record_revisions', 'households', 'members'] as const) {
        const list = rows[table];
        if (list.length === 0) continue;
        const columns = types.get(table)!.filter((c) => c.name in list[0]!);
        const text = `insert into ${table} (${columns.map((c) => c.name).join(', ')}) select * from unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`;
        await client.query(text, columns.map((c) => list.map((row) => row[c.name] ?? null)));
      }
      await client.query('commit');
    },
    close: () => client.end(),
  };
}

function sqliteRawSink(file: string): RawSink {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const statements = new Map<string, { columns: string[]; stmt: SqliteDatabase.Statement }>();
  const tx = db.transaction((rows: Rows) => {
    for (const table of ['record_revisions', 'households', 'members'] as const) {
      for (const row of rows[table]) {
        let s = statements.get(table);
        if (!s) {
          const columns = Object.keys(row);
          s = { columns, stmt: db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`) };
          statements.set(table, s);
        }
        s.stmt.run(...s.columns.map((c) => row[c] ?? null));
      }
    }
  });
  return {
    insert: async (rows) => {
      tx(rows);
    },
    close: async () => {
      db.close();
    },
  };
}

/** What `--scale-keep` leaves in the data folder for `--scale-reuse`. */
interface Kept {
  engine: 'sqlite' | 'postgres';
  databaseUrl?: string;
  households: number;
  members: number;
  filledBy: string;
}
const KEPT_FILE = 'scale-kept.json';

interface Engine {
  name: 'SQLite' | 'PostgreSQL';
  dataDir: string;
  /** PostgreSQL: the server's own database. */
  databaseUrl?: string;
  server: ServerDb;
  raw: RawSink;
  /** A set-based sink into the server's own database (for `--scale-load set-based`). */
  direct(): Promise<RawSink>;
  sizeBytes(): Promise<number>;
  /** Drops everything, or with `keepServer` closes the server's database and leaves it (and its data folder) in place. */
  drop(keepServer?: boolean): Promise<void>;
}

/** Reopens a database that `--scale-keep` left (the set-based side is made anew, empty). */
async function reopenEngine(dataDir: string): Promise<{ engine: Engine; kept: Kept }> {
  const kept = JSON.parse(readFileSync(path.join(dataDir, KEPT_FILE), 'utf8')) as Kept;
  const engine = await openEngine(kept.engine, { dataDir, databaseUrl: kept.databaseUrl });
  return { engine, kept };
}

async function openEngine(kind: 'sqlite' | 'postgres', reuse?: { dataDir: string; databaseUrl: string | undefined }): Promise<Engine> {
  const dataDir = reuse?.dataDir ?? mkdtempSync(path.join(tmpdir(), 'gocua-scale-'));
  if (kind === 'sqlite') {
    const server = await openServerDb({ dataDir, checkpointInBackground: true });
    const rawDir = mkdtempSync(path.join(tmpdir(), 'gocua-scale-raw-'));
    await (await openServerDb({ dataDir: rawDir })).close();
    const raw = sqliteRawSink(path.join(rawDir, SQLITE_FILE_NAME));
    const file = path.join(dataDir, SQLITE_FILE_NAME);
    return {
      name: 'SQLite',
      dataDir,
      server,
      raw,
      direct: async () => sqliteRawSink(file),
      async sizeBytes() {
        server.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
        return statSync(file).size;
      },
      async drop(keepServer) {
        await raw.close();
        await server.close();
        if (!keepServer) rmSync(dataDir, { recursive: true, force: true });
        rmSync(rawDir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = process.env.DATABASE_URL!;
  const scratch = reuse?.databaseUrl ? { url: reuse.databaseUrl } : await createPgDatabase(adminUrl);
  const rawScratch = await createPgDatabase(adminUrl);
  const server = await openServerDb({ databaseUrl: scratch.url, dataDir });
  await (await openServerDb({ databaseUrl: rawScratch.url, dataDir })).close();
  const raw = await pgRawSink(rawScratch.url);
  return {
    name: 'PostgreSQL',
    dataDir,
    databaseUrl: scratch.url,
    server,
    raw,
    direct: () => pgRawSink(scratch.url),
    async sizeBytes() {
      // Every table of the schema with its indexes and TOAST (leaf partitions: a partitioned
      // parent holds no data itself), not the empty database's catalog.
      const r = await sql<{ n: string }>`select coalesce(sum(pg_total_relation_size(c.oid)), 0) as n from pg_class c
        join pg_namespace s on s.oid = c.relnamespace where s.nspname = current_schema() and c.relkind = 'r'`.execute(server.db);
      return Number(r.rows[0]!.n);
    },
    async drop(keepServer) {
      await raw.close();
      await server.close();
      await rawScratch.drop();
      if (keepServer || !('drop' in scratch)) return;
      await scratch.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A ward's generated households under fresh random UUIDs, as phones make them: the generator
 * derives ids from a 32-bit seed per household, which collide by the birthday bound at a
 * million (≈ 100 pairs), while real v4 UUIDs do not.
 */
function wardHouseholds(ward: WardConfig, count: number): HouseholdRecord[] {
  return generateHouseholds({ wardConfig: ward, count, seed: `scale-${ward.code}` }).map((r) => ({ ...r, id: randomUUID() }));
}

/** Households per ward: N spread evenly over the wards. */
function shares(total: number): number[] {
  return Array.from({ length: WARDS }, (_, i) => Math.floor(total / WARDS) + (i < total % WARDS ? 1 : 0));
}

interface IngestResult {
  households: number;
  members: number;
  endpointSeconds: number;
  rawSeconds: number;
  /** Households the set-based side inserted (all, or the sample). */
  rawHouseholds: number;
  /** The sync path's time for those same households (the ratio compares like with like: a sample's rounds run at the start, when the machine may be quieter than later). */
  sampledEndpointSeconds: number;
}

/** Fills the server's database set-based (no sync path): for the dashboard reads at sizes the sync path cannot reach in minutes here. */
async function loadProvince(engine: Engine, wards: WardConfig[], total: number): Promise<{ members: number; seconds: number }> {
  const sink = await engine.direct();
  const counts = shares(total);
  let members = 0;
  const t0 = performance.now();
  try {
    for (const [i, ward] of wards.entries()) {
      const records = wardHouseholds(ward, counts[i]!);
      for (let b = 0; b < records.length; b += RAW_CHUNK) {
        const rows = rowsFor(records.slice(b, b + RAW_CHUNK), ward.code);
        members += rows.members.length;
        await sink.insert(rows);
      }
      if (i % 10 === 9) process.stderr.write(`  ${engine.name}: ${i + 1} / ${WARDS} wards loaded (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
    }
  } finally {
    await sink.close();
  }
  return { members, seconds: (performance.now() - t0) / 1000 };
}

async function ingestProvince(engine: Engine, wards: WardConfig[], total: number, pool: PreparePool): Promise<IngestResult> {
  const { server } = engine;
  const ingest = new SyncIngest(server);
  const devices = new Map<string, DevicePrincipal>();
  for (const w of wards) {
    const code = (await issueEnrolmentCode(server, w.code, 1)).code;
    // The enrolment service, not app.inject: an injected POST body leaves the server's body
    // deadline timer armed, and it fires on the fake socket minutes later.
    const enrolled = await enrolDevice(server, { wardCode: w.code, enrolmentCode: code, volunteerName: `Bench ${w.code}` });
    if (!enrolled.ok) throw new Error(`enrol ${w.code}: ${enrolled.reason}`);
    devices.set(w.code, { role: 'device', deviceId: enrolled.deviceId, wardCode: w.code });
  }
  const counts = shares(total);
  let members = 0;
  let endpointMs = 0;
  let sampledEndpointMs = 0;
  let rawMs = 0;
  let rawHouseholds = 0;
  let done = 0;
  const started = performance.now();
  let lastReport = started;
  // In rounds of LANES wards: the phones' batches are made first (the phone's work, untimed),
  // then the LANES wards sync at once, one batch after another each (timed: wall time), then
  // the same rows go set-based into the raw database (timed apart).
  for (let first = 0; first < wards.length; first += LANES) {
    const round = wards.slice(first, first + LANES).map((ward, k) => {
      const records = wardHouseholds(ward, counts[first + k]!);
      const bodies: Buffer[] = [];
      for (let b = 0; b < records.length; b += BATCH) {
        bodies.push(Buffer.from(JSON.stringify({ protocolVersion: 1, batchId: randomUUID(), records: records.slice(b, b + BATCH) })));
      }
      return { ward, records, bodies };
    });
    const contexts = await Promise.all(
      round.map(async ({ ward }) => {
        const [groups, ages, sealingKeys] = await Promise.all([ingest.groups(ward.code), ingest.ages(ward.code), server.wardKeys.privateKeys(ward.code)]);
        return { groups, ages, sealingKeys };
      }),
    );
    const t0 = performance.now();
    await Promise.all(
      round.map(async ({ ward, bodies }, k) => {
        const device = devices.get(ward.code)!;
        for (const bytes of bodies) {
          const receivedAt = new Date().toISOString();
          const batch = await pool.prepare(bytes, { wardCode: ward.code, deviceId: device.deviceId, receivedAt, ...contexts[k]! }, false);
          if (!batch.ok) throw new Error(`batch refused: ${batch.code}`);
          const answer = await ingest.ingest(device, batch, receivedAt, { lang: 'vi' });
          const bad = answer.results.find((r) => r.status !== 'accepted');
          if (bad) throw new Error(`not accepted: ${JSON.stringify(bad)}`);
        }
      }),
    );
    endpointMs += performance.now() - t0;
    const sampled = total <= RAW_SAMPLE_ABOVE || first / LANES < RAW_SAMPLE_ROUNDS;
    if (sampled) sampledEndpointMs += performance.now() - t0;
    for (const { ward, records } of round) {
      for (let b = 0; b < records.length; b += RAW_CHUNK) {
        const rows = rowsFor(records.slice(b, b + RAW_CHUNK), ward.code);
        members += rows.members.length;
        if (!sampled) continue;
        const t1 = performance.now();
        await engine.raw.insert(rows);
        rawMs += performance.now() - t1;
      }
      if (sampled) rawHouseholds += records.length;
      done += records.length;
    }
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      process.stderr.write(`  ${engine.name}: ${fmt(done)} / ${fmt(total)} households (${((lastReport - started) / 1000).toFixed(0)} s)\n`);
    }
  }
  return { households: done, members, endpointSeconds: endpointMs / 1000, rawSeconds: rawMs / 1000, rawHouseholds, sampledEndpointSeconds: sampledEndpointMs / 1000 };
}

async function staffToken(server: ServerDb, scope: { wardCode: string } | { provinceCode: string }): Promise<string> {
  // A reused database already has the last run's users.
  const username = `bench.${'wardCode' in scope ? scope.wardCode : `city.${scope.provinceCode}`}.${randomUUID().slice(0, 8)}`;
  const password = 'benchmark password long enough';
  await createUser(server.db, { ...scope, username, password, role: 'wardCode' in scope ? 'ward_staff' : 'city_staff' });
  const outcome = await login(server.db, username, password);
  if (!outcome.ok) throw new Error(`login failed: ${outcome.reason}`);
  return outcome.token;
}

/**
 * Rows written around the sync move no counters (the wards were started empty when the seeds
 * were loaded): counts every ward's as `admin recount --ward` would, or the reads would sum
 * empty counters.
 */
async function recountAll(engine: Engine, wards: WardConfig[], label: string): Promise<BenchRow> {
  const t0 = performance.now();
  for (const w of wards) {
    await engine.server.db.transaction().execute((trx) => recountWard(trx, w.code, { adultAge: w.settings.adultAge, vneidMinAge: w.settings.vneidMinAge }));
  }
  const seconds = (performance.now() - t0) / 1000;
  return { name: `${label}: counters recounted`, value: Number(seconds.toFixed(1)), unit: 's', note: `recountWard × ${WARDS} wards after the set-based load (what \`admin recount\` does)` };
}

async function timeIt(fn: () => Promise<void>, runs = RUNS): Promise<number[]> {
  await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function msRow(name: string, times: number[], note: string, budgetMs?: number): BenchRow {
  const ms = median(times);
  process.stderr.write(`  ${name}: ${ms.toFixed(1)} ms\n`);
  return {
    name,
    value: Number(ms.toFixed(1)),
    unit: 'ms',
    ...(budgetMs !== undefined ? { budget: `≤ ${budgetMs} ms`, ok: ms <= budgetMs } : {}),
    note: `${note}; median of ${times.length} (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
  };
}

interface ScaleRun {
  load?: 'sync' | 'set-based';
  /** Leave the filled database in place (`--scale-keep`). */
  keep?: boolean;
  /** A data folder `--scale-keep` left: measure the reads on it, fill nothing (`--scale-reuse`). */
  reuse?: string;
}

async function benchScale(kind: 'sqlite' | 'postgres', requested: number, pool: PreparePool, run: ScaleRun = {}): Promise<BenchRow[]> {
  const reopened = run.reuse ? await reopenEngine(run.reuse) : null;
  const engine = reopened?.engine ?? (await openEngine(kind));
  kind = reopened?.kept.engine ?? kind;
  const total = reopened?.kept.households ?? requested;
  const load = run.load ?? 'sync';
  const label = `${engine.name} ${fmt(total)}`;
  const rows: BenchRow[] = [];
  let members = 0;
  let filledBy = '';
  const seedsDir = mkdtempSync(path.join(tmpdir(), 'gocua-scale-seeds-'));
  try {
    const wards = provinceWards();
    mkdirSync(seedsDir, { recursive: true });
    for (const w of wards) writeFileSync(path.join(seedsDir, `${w.code}.json`), JSON.stringify(w));
    const app = await buildServer({ db: engine.server, seedsDir, rateLimits: { syncPerMinute: 1_000_000 } });
    try {
      if (reopened) {
        const k = reopened.kept;
        process.stderr.write(`bench scale: ${label} households reused from ${run.reuse} (filled ${k.filledBy})\n`);
        rows.push({ name: `${label}: reused database`, value: k.households, unit: 'households', note: `${fmt(k.members)} members, filled ${k.filledBy}; reads only` });
        // Kept by a build whose set-based load left the counters empty: counted first.
        const counted = await engine.server.db.selectFrom('indicator_counters').select('ward_code').limit(1).execute();
        if (counted.length === 0 && k.households > 0) rows.push(await recountAll(engine, wards, label));
      } else if (load === 'set-based') {
        process.stderr.write(`bench scale: ${label} households loaded set-based (no sync path)…\n`);
        const r = await loadProvince(engine, wards, total);
        rows.push({ name: `${label}: set-based load (no sync path)`, value: Math.round(total / r.seconds), unit: 'households/s', note: `${fmt(total)} households, ${fmt(r.members)} members, ${WARDS} wards; for the reads below; ${r.seconds.toFixed(0)} s` });
        members = r.members;
        filledBy = `set-based in ${r.seconds.toFixed(0)} s`;
        rows.push(await recountAll(engine, wards, label));
      } else {
        process.stderr.write(`bench scale: ${label} households through the sync path (${LANES} wards at once)…\n`);
        const r = await ingestProvince(engine, wards, total, pool);
        members = r.members;
        filledBy = `through the sync path in ${r.endpointSeconds.toFixed(0)} s`;
        const endpointRate = r.households / r.endpointSeconds;
        const rawRate = r.rawHouseholds / r.rawSeconds;
        rows.push(
          { name: `${label}: sync ingest`, value: Math.round(endpointRate), unit: 'households/s', note: `${fmt(r.households)} households, ${fmt(r.members)} members, ${WARDS} wards; batches of ${BATCH}, ${LANES} wards at once, ${pool.size} prepare worker(s); ${r.endpointSeconds.toFixed(0)} s` },
          { name: `${label}: set-based insert`, value: Math.round(rawRate), unit: 'households/s', note: `${kind === 'postgres' ? 'INSERT … SELECT FROM unnest(arrays)' : 'prepared inserts'}, ${RAW_CHUNK} households per transaction, same rows, same schema${r.rawHouseholds < r.households ? ` (the first ${fmt(r.rawHouseholds)} households: a sample)` : ''}; ${r.rawSeconds.toFixed(0)} s` },
          {
            name: `${label}: ingest / set-based`,
            value: Number((r.rawHouseholds / r.sampledEndpointSeconds / rawRate).toFixed(2)),
            unit: '×',
            note: `the same ${fmt(r.rawHouseholds)} households both ways (sync path ${r.sampledEndpointSeconds.toFixed(0)} s); the sync path does per-record checks, history, ownership, survey dates`,
          },
        );
      }
      if (kind === 'postgres') await sql`analyze`.execute(engine.server.db);
      else engine.server.sqlite!.exec('analyze');
      setIndicatorCacheEnabled(false);
      const ward = wards[0]!;
      const token = await staffToken(engine.server, { wardCode: ward.code });
      const inject = (url: string, bearer: string) => async () => {
        const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      };
      const get = (q: string) => inject(`/api/v1/wards/${ward.code}/indicators${q}`, token);
      const perWard = fmt(Math.round(total / WARDS));
      const overviewBudget = kind === 'postgres' ? (total >= 1_000_000 ? BUDGETS.pgOverviewMs : undefined) : total >= 100_000 ? BUDGETS.sqliteOverviewMs : undefined;
      rows.push(msRow(`${label}: ward overview`, await timeIt(get('?year=2026')), `GET /indicators, a ${perWard}-household ward, cache off`, overviewBudget));
      rows.push(msRow(`${label}: ?group= cut`, await timeIt(get(`?year=2026&group=${ward.groups[0]!.code}`)), `group ${ward.groups[0]!.code}`));
      rows.push(msRow(`${label}: age-band breakdown`, await timeIt(get('?year=2026&by=ageBand')), `?by=ageBand, ${perWard}-household ward`));
      rows.push(msRow(`${label}: asOf in the past`, await timeIt(get('?asOf=2026-10-20')), 'asOf=2026-10-20 (mid-campaign)'));
      // The city roll-up as city staff meet it: the route (session, scope, the roll-up service,
      // the province's audit entry), every ward of the province now and at 31/12 of the year before.
      const cityToken = await staffToken(engine.server, { provinceCode: PROVINCE.code });
      const rollupTimes = await timeIt(inject(`/api/v1/provinces/${PROVINCE.code}/rollup?year=2026`, cityToken), 3);
      // What the roll-up's one query reads: the province's day sums (indicator_day_counters), not its counter rows.
      const countOf = async (table: 'indicator_counters' | 'indicator_day_counters') =>
        Number((await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(engine.server.db)).rows[0]!.n);
      const [counterRows, dayRows] = [await countOf('indicator_counters'), await countOf('indicator_day_counters')];
      rows.push(
        msRow(
          `${label}: city roll-up`,
          rollupTimes,
          `GET /api/v1/provinces/${PROVINCE.code}/rollup, ${WARDS} wards, cache off, ${fmt(dayRows)} day sums read (of ${fmt(counterRows)} counter rows)`,
          kind === 'postgres' && total >= 1_000_000 ? BUDGETS.pgCityMs : undefined,
        ),
      );
      const bytes = await engine.sizeBytes();
      rows.push({ name: `${label}: database size per household`, value: Math.round(bytes / total), unit: 'bytes', note: `${(bytes / 2 ** 20).toFixed(0)} MiB in all (${kind === 'postgres' ? 'pg_total_relation_size of every table: rows, indexes, TOAST' : 'the SQLite file after a checkpoint'})` });
    } finally {
      setIndicatorCacheEnabled(true);
      await app.close();
    }
  } finally {
    rmSync(seedsDir, { recursive: true, force: true });
    const keep = Boolean(reopened) || run.keep === true;
    if (run.keep && !reopened) {
      const kept: Kept = { engine: kind, ...(kind === 'postgres' ? { databaseUrl: engine.databaseUrl } : {}), households: total, members, filledBy };
      writeFileSync(path.join(engine.dataDir, KEPT_FILE), JSON.stringify(kept, null, 2));
      process.stderr.write(`bench scale: database kept; measure its reads again with  npm run bench -- --scale --scale-reuse ${engine.dataDir}\n`);
    }
    await engine.drop(keep);
  }
  return rows;
}

export interface ScaleOptions extends ScaleRun {
  households?: number;
  engine?: 'sqlite' | 'postgres';
}

export async function run(options: ScaleOptions = {}): Promise<BenchRow[]> {
  const total = options.households ?? 1_000_000;
  const small = Math.min(total, 100_000);
  const pool = createPreparePool(process.env.SYNC_WORKERS === undefined ? defaultSyncWorkerCount() : Number(process.env.SYNC_WORKERS));
  await pool.start();
  try {
    // One engine at one size only (e.g. the 1,000,000 run alone).
    if (options.engine || options.reuse) return await benchScale(options.engine ?? 'sqlite', total, pool, options);
    const rows = await benchScale('sqlite', small, pool, options);
    const url = process.env.DATABASE_URL;
    if (url && /^postgres/.test(url)) {
      rows.push(...(await benchScale('postgres', small, pool, options)));
      if (total > small) rows.push(...(await benchScale('postgres', total, pool, options)));
    } else {
      rows.push({ name: 'PostgreSQL: skipped', value: 0, unit: '', note: 'set DATABASE_URL=postgres://… to measure PostgreSQL' });
    }
    return rows;
  } finally {
    await pool.close();
  }
}
