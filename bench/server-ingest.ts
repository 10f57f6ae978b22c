// Server ingest: records per second through the real sync endpoint (HTTP parsing, validation,
// statuses, one transaction per batch, revision + household + member rows) in batches of 100
// generated households, against plain inserts of the same rows in transactions of 100 on the
// same database engine, in the same run. Goal: the endpoint reaches ≥ 0.5 of the raw rate.
// SQLite always; PostgreSQL too when DATABASE_URL is set (a scratch database, dropped after).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { buildServer } from '../src/server/app.js';
import { openServerDb, SQLITE_FILE_NAME, type ServerDb } from '../src/server/db/connect.js';
import { issueEnrolmentCode } from '../src/server/services/accounts.js';
import { sha256 } from '../src/server/services/secrets.js';
import { householdRow, memberRows } from '../src/server/services/sync-ingest.js';
import { generateHouseholds } from '../src/shared/domain/demo-data.js';
import type { HouseholdRecord } from '../src/shared/schema/household.js';
import { wardConfigSchema } from '../src/shared/schema/ward-config.js';
import type { BenchRow } from './bench-row.js';
import { createPgDatabase } from '../tests/helpers/server-db.js';

const WARD = '10546';
const SEEDS_DIR = 'seeds/wards';
const BATCH = 100;
const GOAL = 0.5;

interface Rows {
  revisions: Record<string, unknown>[];
  households: Record<string, unknown>[];
  members: Record<string, unknown>[];
}

function households(count: number, seed: number): HouseholdRecord[] {
  const wardConfig = wardConfigSchema.parse(JSON.parse(readFileSync(path.join(SEEDS_DIR, `${WARD}.json`), 'utf8')));
  return generateHouseholds({ wardConfig, count, seed });
}

/** The rows the endpoint writes for one batch, made up front so the raw side only inserts. */
function rowsFor(records: HouseholdRecord[], deviceId: string, batchId: string): Rows {
  const receivedAt = new Date().toISOString();
  return {
    revisions: records.map((r) => {
      const body = JSON.stringify(r);
      return {
      record_id: r.id,
      rev: r.rev,
      ward_code: WARD,
      kind: r.kind,
      schema_version: r.schemaVersion,
      body,
      content_hash: sha256(body),
      device_id: deviceId,
      batch_id: batchId,
      client_updated_at: r.clientUpdatedAt,
      received_at: receivedAt,
      };
    }),
    households: records.map((r) => ({ ...householdRow(r, deviceId, receivedAt) })),
    members: records.flatMap((r) => memberRows(r, deviceId, receivedAt).map((m) => ({ ...m }))),
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Step = (i: number) => Promise<void> | void;

/** A step per batch through the real endpoint (app.inject: the whole Fastify pipeline). */
async function endpointSteps(server: ServerDb, batches: HouseholdRecord[][]): Promise<{ step: Step; close(): Promise<void> }> {
  const app = await buildServer({ db: server, seedsDir: SEEDS_DIR, rateLimits: { syncPerMinute: 1_000_000 } });
  const code = await issueEnrolmentCode(server.db, WARD, 1);
  const enrol = await app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: code, volunteerName: 'Bench' } });
  const { token } = enrol.json() as { token: string };
  // Bodies are made up front: serialising is the phone's work, not the server's.
  const bodies = batches.map((records) => JSON.stringify({ protocolVersion: 1, batchId: randomUUID(), records }));
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    async step(i) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/sync', headers, body: bodies[i]! });
      if (res.statusCode !== 200) throw new Error(`sync answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      const results = (res.json() as { results: { status: string }[] }).results;
      if (results.some((r) => r.status !== 'accepted')) throw new Error(`not all accepted: ${JSON.stringify(results.find((r) => r.status !== 'accepted'))}`);
    },
    close: () => app.close(),
  };
}

function insertSql(table: string, columns: string[], placeholder: (i: number) => string): string {
  return `insert into ${table} (${columns.join(', ')}) values (${columns.map((_, i) => placeholder(i + 1)).join(', ')})`;
}

function sqliteRawSteps(file: string, batches: Rows[]): { step: Step; close(): void } {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const first = batches[0]!;
  const stmt = (table: keyof Rows) => {
    const columns = Object.keys(first[table][0]!);
    const s = db.prepare(insertSql(table === 'revisions' ? 'record_revisions' : table, columns, () => '?'));
    return (row: Record<string, unknown>) => s.run(...columns.map((c) => row[c]));
  };
  const ins = { revisions: stmt('revisions'), households: stmt('households'), members: stmt('members') };
  const tx = db.transaction((rows: Rows) => {
    for (const r of rows.revisions) ins.revisions(r);
    for (const r of rows.households) ins.households(r);
    for (const r of rows.members) ins.members(r);
  });
  return { step: (i) => tx(batches[i]!), close: () => db.close() };
}

async function pgRawSteps(url: string, batches: Rows[]): Promise<{ step: Step; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const first = batches[0]!;
  const sqlFor = (table: keyof Rows) => {
    const columns = Object.keys(first[table][0]!);
    return { columns, text: insertSql(table === 'revisions' ? 'record_revisions' : table, columns, (i) => `$${i}`), name: `ins_${table}` };
  };
  const q = { revisions: sqlFor('revisions'), households: sqlFor('households'), members: sqlFor('members') };
  return {
    async step(i) {
      const rows = batches[i]!;
      await client.query('begin');
      for (const table of ['revisions', 'households', 'members'] as const) {
        for (const row of rows[table]) {
          await client.query({ name: q[table].name, text: q[table].text, values: q[table].columns.map((c) => row[c]) });
        }
      }
      await client.query('commit');
    },
    close: () => client.end(),
  };
}

/**
 * Runs the two sides batch by batch, alternating which goes first, so that a busy machine
 * (other tests, other fsyncs) slows both alike instead of skewing the ratio. Rates use the
 * median batch time of each side, which a few stalls (another process's fsync) do not move.
 */
async function interleave(n: number, endpoint: Step, raw: Step): Promise<{ endpointMs: number; rawMs: number }> {
  const endpointMs: number[] = [];
  const rawMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const order: [Step, number[]][] = i % 2 === 0 ? [[endpoint, endpointMs], [raw, rawMs]] : [[raw, rawMs], [endpoint, endpointMs]];
    for (const [step, times] of order) {
      const t = performance.now();
      await step(i);
      times.push(performance.now() - t);
    }
  }
  return { endpointMs: median(endpointMs), rawMs: median(rawMs) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function rowsOf(engine: string, n: number, times: { endpointMs: number; rawMs: number }, rawKind: string): BenchRow[] {
  const endpoint = (BATCH / times.endpointMs) * 1000;
  const raw = (BATCH / times.rawMs) * 1000;
  const ratio = endpoint / raw;
  return [
    { name: `Sync ingest, ${engine}`, value: Math.round(endpoint), unit: 'records/s', note: `${n} households in batches of ${BATCH}; median ${times.endpointMs.toFixed(1)} ms per batch` },
    { name: `Raw inserts, ${engine}`, value: Math.round(raw), unit: 'records/s', note: `${rawKind}; median ${times.rawMs.toFixed(1)} ms per batch` },
    { name: `Ingest / raw, ${engine}`, value: Number(ratio.toFixed(2)), unit: '×', budget: `≥ ${GOAL}`, ok: ratio >= GOAL, note: 'same rows, batches interleaved' },
  ];
}

async function benchSqlite(records: HouseholdRecord[]): Promise<BenchRow[]> {
  const dirA = mkdtempSync(path.join(tmpdir(), 'gocua-bench-'));
  const dirB = mkdtempSync(path.join(tmpdir(), 'gocua-bench-'));
  try {
    const batches = chunk(records, BATCH);
    const serverA = await openServerDb({ dataDir: dirA });
    const endpoint = await endpointSteps(serverA, [...batches, ...warmUp(batches)]);
    // The raw side writes the same rows into the same schema (migrations applied), in its own file.
    const serverB = await openServerDb({ dataDir: dirB });
    await serverB.close();
    const raw = sqliteRawSteps(path.join(dirB, SQLITE_FILE_NAME), [...batches, ...warmUp(batches)].map((b) => rowsFor(b, 'bench-device', randomUUID())));
    for (let w = batches.length; w < batches.length + WARM_UP; w++) {
      await endpoint.step(w);
      await raw.step(w);
    }
    const times = await interleave(batches.length, endpoint.step, raw.step);
    await endpoint.close();
    raw.close();
    await serverA.close();
    return rowsOf('SQLite', records.length, times, `better-sqlite3 prepared inserts, one transaction per ${BATCH}, WAL + synchronous=FULL`);
  } finally {
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  }
}

const WARM_UP = 3;

/** Extra batches of fresh ids, run first so both sides are warm (JIT, caches, files). */
function warmUp(batches: HouseholdRecord[][]): HouseholdRecord[][] {
  return batches.slice(0, WARM_UP).map((b) => b.map((r) => ({ ...r, id: randomUUID() })));
}


async function benchPostgres(adminUrl: string, records: HouseholdRecord[]): Promise<BenchRow[]> {
  const a = await createPgDatabase(adminUrl);
  const b = await createPgDatabase(adminUrl);
  try {
    const batches = chunk(records, BATCH);
    const serverA = await openServerDb({ databaseUrl: a.url });
    const endpoint = await endpointSteps(serverA, [...batches, ...warmUp(batches)]);
    const serverB = await openServerDb({ databaseUrl: b.url });
    await serverB.close();
    const raw = await pgRawSteps(b.url, [...batches, ...warmUp(batches)].map((x) => rowsFor(x, 'bench-device', randomUUID())));
    for (let w = batches.length; w < batches.length + WARM_UP; w++) {
      await endpoint.step(w);
      await raw.step(w);
    }
    const times = await interleave(batches.length, endpoint.step, raw.step);
    await endpoint.close();
    await raw.close();
    await serverA.close();
    return rowsOf('PostgreSQL', records.length, times, `pg prepared row-by-row inserts, one transaction per ${BATCH}`);
  } finally {
    await a.drop();
    await b.drop();
  }
}

export async function run(): Promise<BenchRow[]> {
  const records = households(5000, 2026);
  const rows = await benchSqlite(records);
  const url = process.env.DATABASE_URL;
  if (url && /^postgres/.test(url)) rows.push(...(await benchPostgres(url, records.slice(0, 3000))));
  return rows;
}

// `npx tsx bench/server-ingest.ts` runs this benchmark alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
