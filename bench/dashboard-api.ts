// Ward dashboard API time (issue 4): the overview request GET /api/v1/wards/{code}/indicators
// through the real server (app.inject: routing, session check, SQL, JSON), median of RUNS
// requests after warm-up, on SQLite and — when DATABASE_URL is set — on PostgreSQL.
//   1. one ward with 20,000 households (≈66,000 members) alone in the database;
//   2. a city-sized database: the same ward plus 9 more, 100,000 households in all (10 wards
//      made by cloning the seed configurations under new codes); measured for the 20,000-
//      household ward and for a 8,889-household ward. Budget ≤ 300 ms per overview request.
// Also the group breakdown, the weekly trend and the XLSX export at 100,000 households. All of
// these run with the result cache off (each request computes); one last row shows a repeated
// overview on unchanged data, answered from the cache after its version check.
// Data: the deterministic demo households (src/demo/demo-data.ts), flattened with the
// sync ingest's own row builders (householdRow / memberRows) and bulk-inserted straight into
// the `households` and `members` tables — the tables the dashboard reads; record_revisions is
// not filled (the overview never reads it), which keeps the set-up to seconds, not minutes.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { buildServer } from '../src/server/app.js';
import { openServerDb, type ServerDb } from '../src/server/db/connect.js';
import type { Database } from '../src/server/db/schema.js';
import { createUser } from '../src/server/services/accounts.js';
import { setIndicatorCacheEnabled } from '../src/server/services/indicator-cache.js';
import { recountWard } from '../src/server/services/indicator-counters.js';
import { householdRow, memberRows } from '../src/server/services/record-rows.js';
import { generateHouseholds } from '../src/demo/demo-data.js';
import { wardConfigSchema, type WardConfig } from '../src/shared/schema/ward-config.js';
import type { BenchRow } from './bench-row.js';

export const OVERVIEW_BUDGET_MS = 300;
const RUNS = 7;
const WARMUP = 1;
const BIG_WARD = 20_000;
const CITY = 100_000;
const WARDS = 10;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function seedConfigs(): WardConfig[] {
  const dir = 'seeds/wards';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => wardConfigSchema.parse(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))));
}

/** Ward i of the benchmark city: seed i mod 4 under the code 900ii. */
function cityWard(seeds: WardConfig[], i: number): WardConfig {
  // The first seed (Chí Linh, 30 tổ dân phố) for the big ward, then the others in turn.
  const base = seeds[i % seeds.length]!;
  const code = `900${String(i + 1).padStart(2, '0')}`;
  return { ...base, code, name: `${base.name} (bench ${i + 1})` };
}

async function insertWard(db: Kysely<Database>, config: WardConfig): Promise<void> {
  await db
    .insertInto('wards')
    .values({ code: config.code, name: config.name, province_code: config.province.code, province_name: config.province.name, config_json: JSON.stringify(config), created_at: new Date().toISOString() })
    .execute();
  await db
    .insertInto('ward_groups')
    .values(config.groups.map((g) => ({ ward_code: config.code, code: g.code, name: g.name, households_on_register: g.householdsOnRegister })))
    .execute();
}

interface Pool {
  households: ReturnType<typeof householdRow>[];
  members: ReturnType<typeof memberRows>;
}

/**
 * Flattened demo households of a seed ward, generated once per process and reused for every
 * cloned ward and both backends (only ward_code and record_id change): generating 100,000
 * households twice would take most of the time budget.
 */
const pools = new Map<string, Pool>();
function pool(config: WardConfig, count: number): Pool {
  const key = config.province.code + config.groups.map((g) => g.code).join();
  let p = pools.get(key);
  if (!p || p.households.length < count) {
    const receivedAt = '2026-11-24T00:00:00.000Z';
    const records = generateHouseholds({ wardConfig: config, count, seed: 'bench' });
    p = { households: records.map((r) => householdRow(r, 'bench-device', receivedAt)), members: records.flatMap((r) => memberRows(r, 'bench-device', receivedAt)) };
    pools.set(key, p);
  }
  return p;
}

/** Time of each ward's counter recount after its bulk load (ms). */
const recountMs: number[] = [];

/** Bulk-inserts `count` demo households of a ward (flattened rows); returns the member count. */
async function insertHouseholds(server: ServerDb, config: WardConfig, count: number): Promise<number> {
  const p = pool(config, count);
  const ids = new Set(p.households.slice(0, count).map((h) => h.record_id));
  const id = (recordId: string) => `${config.code}-${recordId}`;
  const hh = p.households.slice(0, count).map((h) => ({ ...h, ward_code: config.code, record_id: id(h.record_id) }));
  const mm = p.members.filter((m) => ids.has(m.record_id)).map((m) => ({ ...m, ward_code: config.code, record_id: id(m.record_id) }));
  // Parameters per statement stay under SQLite's (32,766) and PostgreSQL's (65,535) limits.
  const pg = server.dialect === 'postgres';
  const hhChunk = pg ? 3000 : 1000;
  const memberChunk = pg ? 1700 : 800;
  await server.db.transaction().execute(async (trx) => {
    for (let i = 0; i < hh.length; i += hhChunk) await trx.insertInto('households').values(hh.slice(i, i + hhChunk)).execute();
    for (let i = 0; i < mm.length; i += memberChunk) await trx.insertInto('members').values(mm.slice(i, i + memberChunk)).execute();
    // Rows written past the sync: the ward's indicator counters are recounted, as any bulk writer must.
    const r0 = performance.now();
    await recountWard(trx, config.code, { adultAge: config.settings.adultAge, vneidMinAge: config.settings.vneidMinAge });
    recountMs.push(performance.now() - r0);
  });
  return mm.length;
}

async function staffToken(app: FastifyInstance, db: Kysely<Database>, wardCode: string): Promise<string> {
  const username = `bench.${wardCode}`;
  const password = 'benchmark password';
  await createUser(db, { wardCode, username, password, role: 'ward_staff' });
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return (res.json() as { token: string }).token;
}

interface Timing {
  wall: number[];
  /** CPU time of this process (for SQLite: the query too, since it runs in-process). */
  cpu: number[];
}

async function timeRequest(app: FastifyInstance, token: string, url: string): Promise<Timing> {
  const t: Timing = { wall: [], cpu: [] };
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const c = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    if (i >= WARMUP) {
      t.wall.push(ms);
      t.cpu.push((c.user + c.system) / 1000);
    }
  }
  return t;
}

function row(name: string, t: Timing, note: string, budget = true): BenchRow {
  const ms = median(t.wall);
  process.stderr.write(`  ${name}: ${ms.toFixed(1)} ms\n`);
  return {
    name,
    value: Number(ms.toFixed(1)),
    unit: 'ms',
    ...(budget ? { budget: `≤ ${OVERVIEW_BUDGET_MS} ms`, ok: ms <= OVERVIEW_BUDGET_MS } : {}),
    note: `${note}; median of ${t.wall.length} (min ${Math.min(...t.wall).toFixed(0)}, max ${Math.max(...t.wall).toFixed(0)}); node CPU median ${median(t.cpu).toFixed(0)} ms`,
  };
}

async function benchBackend(dialect: 'sqlite' | 'postgres'): Promise<BenchRow[]> {
  let cleanup: () => Promise<void>;
  let server: ServerDb;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'gocua-dash-bench-'));
    server = await openServerDb({ dataDir: dir });
    cleanup = async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const { createPgDatabase } = await import('../tests/helpers/server-db.js');
    const created = await createPgDatabase(process.env.DATABASE_URL!);
    server = await openServerDb({ databaseUrl: created.url });
    cleanup = async () => {
      await server.close();
      await created.drop();
    };
  }
  const rows: BenchRow[] = [];
  try {
    const seeds = seedConfigs();
    const wards = Array.from({ length: WARDS }, (_, i) => cityWard(seeds, i));
    for (const w of wards) await insertWard(server.db, w);
    const app = await buildServer({ db: server });
    // Budget rows measure the computation: no result cache (one row below measures it).
    setIndicatorCacheEnabled(false);
    const big = wards[0]!;
    const small = wards[1]!;
    const t0 = performance.now();
    const bigMembers = await insertHouseholds(server, big, BIG_WARD);
    await sql`ANALYZE`.execute(server.db);
    const tokenBig = await staffToken(app, server.db, big.code);
    const url = (w: WardConfig, q = '') => `/api/v1/wards/${w.code}/indicators${q}`;
    rows.push(row(`${dialect}: overview, 1 ward of 20,000 households`, await timeRequest(app, tokenBig, url(big, '?year=2026')), `${bigMembers.toLocaleString('en')} members; load ${((performance.now() - t0) / 1000).toFixed(1)} s (counter recount ${recountMs[recountMs.length - 1]!.toFixed(0)} ms)`));

    const t1 = performance.now();
    const perOther = Math.round((CITY - BIG_WARD) / (WARDS - 1));
    let total = BIG_WARD;
    let totalMembers = bigMembers;
    for (const w of wards.slice(1)) {
      const n = w === wards[WARDS - 1] ? CITY - total : perOther;
      totalMembers += await insertHouseholds(server, w, n);
      total += n;
    }
    // Fresh statistics after a bulk load, as autovacuum / a periodic ANALYZE would give.
    await sql`ANALYZE`.execute(server.db);
    const load = `city: ${total.toLocaleString('en')} households, ${totalMembers.toLocaleString('en')} members in ${WARDS} wards; load ${((performance.now() - t1) / 1000).toFixed(1)} s`;
    const tokenSmall = await staffToken(app, server.db, small.code);
    rows.push(row(`${dialect}: overview, 20,000-household ward in a 100,000-household city`, await timeRequest(app, tokenBig, url(big, '?year=2026')), load));
    rows.push(row(`${dialect}: overview, ${perOther.toLocaleString('en')}-household ward in the city`, await timeRequest(app, tokenSmall, url(small, '?year=2026')), 'same database'));
    rows.push(row(`${dialect}: overview + asOf + group filter (city)`, await timeRequest(app, tokenBig, url(big, '?year=2026&asOf=2026-10-31&group=TDP03')), '20,000-household ward'));
    rows.push(row(`${dialect}: breakdown by group (city)`, await timeRequest(app, tokenBig, url(big, '?by=group')), '20,000-household ward', false));
    rows.push(row(`${dialect}: breakdown by age band (city)`, await timeRequest(app, tokenBig, url(big, '?by=ageBand')), '20,000-household ward', false));
    rows.push(row(`${dialect}: weekly trend (city)`, await timeRequest(app, tokenBig, url(big, '/weekly')), '20,000-household ward', false));
    rows.push(row(`${dialect}: export.xlsx (city)`, await timeRequest(app, tokenBig, `/api/v1/wards/${big.code}/export.xlsx?asOf=2026-12-31`), '20,000-household ward', false));
    // Repeated overview while no phone syncs: the result cache (services/indicator-cache.ts)
    // answers after a version check; still the full request through the server.
    setIndicatorCacheEnabled(true);
    rows.push(row(`${dialect}: overview, unchanged data (cached), 20,000-household ward (city)`, await timeRequest(app, tokenBig, url(big, '?year=2026')), 'version check + cached result'));
    setIndicatorCacheEnabled(false);
    await app.close();
  } finally {
    setIndicatorCacheEnabled(true);
    await cleanup();
  }
  return rows;
}

export async function run(): Promise<BenchRow[]> {
  const rows = await benchBackend('sqlite');
  const url = process.env.DATABASE_URL;
  if (url && /^postgres/.test(url)) rows.push(...(await benchBackend('postgres')));
  else rows.push({ name: 'postgres: skipped', value: 0, unit: '', note: 'set DATABASE_URL=postgres://… to measure PostgreSQL' });
  return rows;
}

// Run alone: `npx tsx bench/dashboard-api.ts`
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit} ${r.ok === undefined ? '' : r.ok ? '✓' : '✗'} (${r.note ?? ''})`);
}
