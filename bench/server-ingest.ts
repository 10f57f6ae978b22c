// Server ingest: records per second through the real sync endpoint (HTTP parsing, validation,
// statuses, one transaction per batch, revision + household + member rows) in batches of 100
// generated households, against plain inserts of the same rows in transactions of 100 on the
// same database engine, in the same run. Goal: the endpoint reaches ≥ 0.5 of the raw rate.
//
// Two loads, as a ward meets them, each timed as sustained records per second (see rounds()):
// - a team: 8 phones syncing at once (the campaign table after a survey day). The server
//   prepares batches in worker threads while its main thread writes, and on SQLite writes the
//   batches that were ready together in one transaction (group commit), as `npm start` runs it.
// - one phone alone, sending as the app does: it keeps up to CLIENT_MAX_BATCHES_IN_FLIGHT
//   batches in flight when maySendAlongside allows (src/shared/protocol/sync.ts), so the server
//   checks one in a worker while it writes another, as for a team. Its batches count by the size
//   they would have on the wire gzipped (as the app sends them), though the bodies are sent
//   plain here, as this benchmark always has: the server's gunzip is not what is measured.
// On both, SQLite's WAL is checkpointed on a worker thread, as the server opens it (main.ts);
// the raw side keeps SQLite's defaults.
// SQLite always; PostgreSQL too when DATABASE_URL is set (a scratch database, dropped after).
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { buildServer } from '../src/server/app.js';
import { openServerDb, SQLITE_FILE_NAME, type ServerDb } from '../src/server/db/connect.js';
import { issueEnrolmentCode } from '../src/server/services/enrolment-codes.js';
import { createPreparePool, defaultSyncWorkerCount, type PreparePool } from '../src/server/services/sync-prepare-pool.js';
import { sha256 } from '../src/server/services/secrets.js';
import { householdRow, memberRows } from '../src/server/services/record-rows.js';
import { generateHouseholds } from '../src/demo/demo-data.js';
import { CLIENT_MAX_BATCHES_IN_FLIGHT, maySendAlongside } from '../src/shared/protocol/sync.js';
import type { HouseholdRecord } from '../src/shared/schema/household.js';
import { wardConfigSchema } from '../src/shared/schema/ward-config.js';
import type { BenchRow } from './bench-row.js';
import { createPgDatabase } from '../tests/helpers/server-db.js';

const WARD = '10546';
const SEEDS_DIR = 'seeds/wards';
const BATCH = 100;
const GOAL = 0.5;
const TEAM = 8;
/** Batches per timed round (rounds alternate with the raw side's). */
const ROUND = 12;

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
async function endpointSteps(
  server: ServerDb,
  batches: HouseholdRecord[][],
  pool: PreparePool,
  devices: number,
): Promise<{ step: Step; wireBytes: number[]; close(): Promise<void> }> {
  const app = await buildServer({ db: server, seedsDir: SEEDS_DIR, rateLimits: { syncPerMinute: 1_000_000 }, syncPreparePool: pool });
  const code = (await issueEnrolmentCode(server, WARD, devices)).code;
  const tokens: string[] = [];
  for (let d = 0; d < devices; d++) {
    const enrol = await app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: code, volunteerName: `Bench ${d + 1}` } });
    tokens.push((enrol.json() as { token: string }).token);
  }
  // Bodies are made up front, as bytes: serialising and encoding are the phone's work.
  const bodies = batches.map((records) => Buffer.from(JSON.stringify({ protocolVersion: 1, batchId: randomUUID(), records })));
  // What the app would send: the body gzipped (only its size is used, for maySendAlongside).
  const wireBytes = bodies.map((body) => gzipSync(body).length);
  return {
    wireBytes,
    async step(i) {
      const headers = { authorization: `Bearer ${tokens[i % tokens.length]!}`, 'content-type': 'application/json' };
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

interface Rates {
  endpoint: number;
  raw: number;
  note: string;
}

/**
 * How the endpoint's batches go: a team's phones each send one batch at a time, all at once;
 * one phone keeps batches in flight as the app does (their sizes as sent, for maySendAlongside).
 */
type Sending = { team: number } | { inFlightBy: readonly number[] };

/** Sends batches start..end-1 as one phone does: the next before the answers to the last. */
async function sendInFlight(start: number, end: number, wireBytes: readonly number[], endpoint: Step, batchMs: number[]): Promise<number> {
  const inFlight = new Map<number, Promise<number>>();
  let most = 0;
  for (let next = start; next < end || inFlight.size > 0; ) {
    while (next < end && maySendAlongside([...inFlight.keys()].map((i) => wireBytes[i]!), wireBytes[next]!)) {
      const i = next++;
      const b = performance.now();
      inFlight.set(
        i,
        Promise.resolve(endpoint(i)).then(() => {
          batchMs.push(performance.now() - b);
          return i;
        }),
      );
      most = Math.max(most, inFlight.size);
    }
    inFlight.delete(await Promise.race(inFlight.values()));
  }
  return most;
}

/**
 * In rounds: the phones send ROUND batches (see Sending), then the raw side inserts as many
 * batches; the next round swaps the order, so that a busy machine (other tests, other fsyncs)
 * slows both alike. Rates are records per second of each round's wall time — checkpoints and
 * all, as a sustained sync meets them — and the medians of the rounds are reported.
 */
async function rounds(n: number, sending: Sending, endpoint: Step, raw: Step): Promise<Rates> {
  const endpointRates: number[] = [];
  const rawRates: number[] = [];
  const batchMs: number[] = [];
  let mostInFlight = 0;
  for (let start = 0, round = 0; start < n; start += ROUND, round++) {
    const end = Math.min(n, start + ROUND);
    const records = (end - start) * BATCH;
    const runEndpoint = async () => {
      const t = performance.now();
      if ('inFlightBy' in sending) mostInFlight = Math.max(mostInFlight, await sendInFlight(start, end, sending.inFlightBy, endpoint, batchMs));
      else {
        let next = start;
        await Promise.all(
          Array.from({ length: sending.team }, async () => {
            while (next < end) {
              const b = performance.now();
              await endpoint(next++);
              batchMs.push(performance.now() - b);
            }
          }),
        );
      }
      endpointRates.push(records / ((performance.now() - t) / 1000));
    };
    const runRaw = async () => {
      const t = performance.now();
      for (let i = start; i < end; i++) await raw(i);
      rawRates.push(records / ((performance.now() - t) / 1000));
    };
    if (round % 2 === 0) {
      await runEndpoint();
      await runRaw();
    } else {
      await runRaw();
      await runEndpoint();
    }
  }
  return {
    endpoint: median(endpointRates),
    raw: median(rawRates),
    note:
      `median of ${endpointRates.length} rounds of ${ROUND} batches; a batch's answer took ${median(batchMs).toFixed(1)} ms (median)` +
      ('inFlightBy' in sending
        ? `; up to ${mostInFlight} batches in flight, as the app sends (bodies ≈ ${Math.round(median([...sending.inFlightBy]) / 1024)} KB gzipped)`
        : ''),
  };
}

interface Engine {
  name: string;
  rawKind: string;
  /** A fresh, migrated database for the endpoint. */
  endpointDb(): Promise<{ server: ServerDb; drop(): Promise<void> }>;
  /** Plain inserts of these rows into another fresh database with the same schema. */
  rawSteps(batches: Rows[]): Promise<{ step: Step; close(): Promise<void> }>;
}

type Load = 'team' | 'phone';

async function measure(engine: Engine, records: HouseholdRecord[], load: Load, pool: PreparePool): Promise<BenchRow[]> {
  const batches = chunk(records, BATCH);
  const all = [...batches, ...warmUp(batches)];
  const db = await engine.endpointDb();
  try {
    const endpoint = await endpointSteps(db.server, all, pool, load === 'team' ? TEAM : 1);
    const raw = await engine.rawSteps(all.map((b) => rowsFor(b, 'bench-device', randomUUID())));
    try {
      for (let w = batches.length; w < all.length; w++) {
        await endpoint.step(w);
        await raw.step(w);
      }
      const sending: Sending = load === 'team' ? { team: TEAM } : { inFlightBy: endpoint.wireBytes };
      const rates = await rounds(batches.length, sending, endpoint.step, raw.step);
      const ratio = rates.endpoint / rates.raw;
      const who = load === 'team' ? `${TEAM} phones at once` : `one phone, ${CLIENT_MAX_BATCHES_IN_FLIGHT} batches in flight`;
      return [
        { name: `Sync ingest, ${engine.name}, ${who}`, value: Math.round(rates.endpoint), unit: 'records/s', note: `${records.length} households in batches of ${BATCH}; ${rates.note}` },
        { name: `Raw inserts, ${engine.name}`, value: Math.round(rates.raw), unit: 'records/s', note: `${engine.rawKind}; same rows, rounds interleaved` },
        { name: `Ingest / raw, ${engine.name}, ${who}`, value: Number(ratio.toFixed(2)), unit: '×', budget: `≥ ${GOAL}`, ok: ratio >= GOAL, note: `${pool.size} preparation worker(s)` },
      ];
    } finally {
      await endpoint.close();
      await raw.close();
    }
  } finally {
    await db.drop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const WARM_UP = 3;

/** Extra batches of fresh ids, run first so both sides are warm (JIT, caches, files). */
function warmUp(batches: HouseholdRecord[][]): HouseholdRecord[][] {
  return batches.slice(0, WARM_UP).map((b) => b.map((r) => ({ ...r, id: randomUUID() })));
}

const sqliteEngine: Engine = {
  name: 'SQLite',
  rawKind: `better-sqlite3 prepared inserts, one transaction per ${BATCH}, WAL + synchronous=FULL, SQLite's own checkpoints (the endpoint's run on a worker thread, as npm start runs it)`,
  async endpointDb() {
    const dir = mkdtempSync(path.join(tmpdir(), 'gocua-bench-'));
    // As `npm start` opens it (src/server/main.ts).
    const server = await openServerDb({ dataDir: dir, checkpointInBackground: true });
    return {
      server,
      async drop() {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  async rawSteps(batches) {
    // The same schema (migrations applied), in a file of its own.
    const dir = mkdtempSync(path.join(tmpdir(), 'gocua-bench-'));
    await (await openServerDb({ dataDir: dir })).close();
    const raw = sqliteRawSteps(path.join(dir, SQLITE_FILE_NAME), batches);
    return {
      step: raw.step,
      async close() {
        raw.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

function postgresEngine(adminUrl: string): Engine {
  return {
    name: 'PostgreSQL',
    rawKind: `pg prepared row-by-row inserts, one transaction per ${BATCH}`,
    async endpointDb() {
      const scratch = await createPgDatabase(adminUrl);
      const server = await openServerDb({ databaseUrl: scratch.url });
      return {
        server,
        async drop() {
          await server.close();
          await scratch.drop();
        },
      };
    },
    async rawSteps(batches) {
      const scratch = await createPgDatabase(adminUrl);
      await (await openServerDb({ databaseUrl: scratch.url })).close();
      const raw = await pgRawSteps(scratch.url, batches);
      return {
        step: raw.step,
        async close() {
          await raw.close();
          await scratch.drop();
        },
      };
    },
  };
}

export async function run(): Promise<BenchRow[]> {
  // As `npm start` runs it: workers started before the first batch.
  const pool = createPreparePool(process.env.SYNC_WORKERS === undefined ? defaultSyncWorkerCount() : Number(process.env.SYNC_WORKERS));
  await pool.start();
  try {
    const teamRecords = households(9600, 2026);
    const phoneRecords = households(6000, 2027);
    const rows = [...(await measure(sqliteEngine, teamRecords, 'team', pool)), ...(await measure(sqliteEngine, phoneRecords, 'phone', pool))];
    const url = process.env.DATABASE_URL;
    if (url && /^postgres/.test(url)) {
      const pgEngine = postgresEngine(url);
      rows.push(...(await measure(pgEngine, teamRecords.slice(0, 4800), 'team', pool)), ...(await measure(pgEngine, phoneRecords.slice(0, 3600), 'phone', pool)));
    }
    return rows;
  } finally {
    await pool.close();
  }
}

// `npx tsx bench/server-ingest.ts` runs this benchmark alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
