// `npm run soak [-- --seconds N]`: 200 simulated phones sync generated households to the real
// ward endpoint for two minutes, with requests cut mid-upload or abandoned before their answer
// and one server kill (SIGKILL) and restart half way; then every phone drains its outbox and the
// database must hold exactly what was acknowledged: every (id, rev) once, nothing else. Prints
// throughput and sync latency per engine: SQLite, then PostgreSQL (a fresh database of its own)
// when DATABASE_URL is set. Exits 1 on any mismatch. Loopback only; bounded in time.
//
// The server is started as `npm start` starts it (scripts/start.mjs, which builds dist/ if it is
// stale), in its own process group so the kill takes the server with it. Devices are enrolled
// as a ward would: one enrolment code from the admin CLI, then POST /api/v1/devices/enrol each.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import pg from 'pg';
import { findSeedWard } from '../seeds/index.js';
import { generateHouseholds } from '../src/demo/demo-data.js';
import { sealText } from '../src/shared/crypto/hpke.js';
import type { SealedPayload, SealingPublicKey } from '../src/shared/crypto/sealed.js';
import { canonicalJson } from '../src/shared/protocol/canonical-json.js';
import { PROTOCOL_VERSION } from '../src/shared/protocol/sync.js';
import type { HouseholdRecord } from '../src/shared/schema/household.js';

const WARD = '10546';
const BATCH_MAX_RECORDS = 100; // the phone's CLIENT_BATCH_MAX_RECORDS
const CHAOS_SHARE = 0.08; // requests cut or abandoned on purpose
const DRAIN_LIMIT_MS = 180_000;

// --- Options -------------------------------------------------------------------------------

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string' },
    devices: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});
if (options.help) {
  process.stdout.write('usage: npm run soak [-- --seconds N] [--devices N]   (or SOAK_SECONDS=N; default 120 s, 200 devices)\n');
  process.exit(0);
}
function wholeNumber(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) {
    process.stderr.write(`soak: ${name} must be a whole number ≥ 1 (got "${raw}")\n`);
    process.exit(2);
  }
  return Number(raw);
}
const SECONDS = wholeNumber(options.seconds ?? process.env.SOAK_SECONDS, 120, '--seconds');
const DEVICES = wholeNumber(options.devices, 200, '--devices');

// --- Small helpers -------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const random = (min: number, max: number) => min + Math.random() * (max - min);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// --- The server process --------------------------------------------------------------------

class ServerProcess {
  private tail = '';
  private constructor(readonly child: ChildProcess, readonly exited: Promise<void>) {}

  static async start(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['scripts/start.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const server = new ServerProcess(child, exited);
    const keep = (c: Buffer) => (server.tail = (server.tail + c.toString('utf8')).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const started = Date.now();
    while (!server.tail.includes('Gõ Cửa ward endpoint:')) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited at start:\n${server.tail}`);
      if (Date.now() - started > 240_000) {
        server.kill();
        throw new Error(`the server did not start in 240 s:\n${server.tail}`);
      }
      await sleep(50);
    }
    return server;
  }

  output(): string {
    return this.tail;
  }

  /** SIGKILL to the whole process group: start.mjs and the server under it. */
  kill(): Promise<void> {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    return this.exited;
  }

  /** A clean stop: start.mjs forwards SIGTERM to the server, which closes the database. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => void this.kill(), 30_000);
    await this.exited;
    clearTimeout(timer);
  }
}

// --- HTTP ----------------------------------------------------------------------------------

type Outcome =
  | { kind: 'answered'; status: number; body: string; headers: http.IncomingHttpHeaders; ms: number }
  | { kind: 'failed'; reason: string };

type Chaos = 'none' | 'drop-mid-upload' | 'abandon-before-answer';

// Each phone has its own connection (one request at a time each): no queueing in this process
// inflates the latencies measured.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function request(
  port: number,
  method: string,
  pathname: string,
  body: Buffer | null,
  headers: Record<string, string>,
  chaos: Chaos = 'none',
): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const settle = (o: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: pathname,
        agent,
        timeout: 150_000,
        headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          settle({ kind: 'answered', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, ms: performance.now() - started }),
        );
        res.on('error', (e) => settle({ kind: 'failed', reason: e.message }));
      },
    );
    req.on('error', (e) => settle({ kind: 'failed', reason: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    if (!body) {
      req.end();
    } else if (chaos === 'drop-mid-upload') {
      // Half the body, then the connection goes: the server must store nothing of it.
      req.write(body.subarray(0, Math.floor(body.length / 2)), () => req.destroy(new Error('dropped mid-upload')));
    } else {
      req.end(body);
      // The whole body sent, the answer never read: the batch may or may not have been stored.
      if (chaos === 'abandon-before-answer') setTimeout(() => req.destroy(new Error('abandoned before the answer')), random(0, 40));
    }
  });
}

// --- Simulated phones ----------------------------------------------------------------------

interface Stats {
  batchesOk: number;
  batchesFailed: number;
  batchesCut: number;
  recordsAccepted: number;
  recordsDuplicate: number;
  recordsSealed: number;
  unexpected: string[];
  latencies: number[];
}

const key = (id: string, rev: number) => `${id}:${rev}`;

class Phone {
  /** Queued revs in the order saved (the outbox). */
  readonly outbox: HouseholdRecord[] = [];
  /** Every (id, rev) the server acknowledged (accepted or duplicate). */
  readonly acknowledged = new Set<string>();
  private readonly latestAcked = new Map<string, HouseholdRecord>();
  private readonly sealedCache = new Map<string, SealedPayload>();
  private nextNew = 0;
  private backoffMs = 0;

  constructor(
    readonly index: number,
    readonly deviceId: string,
    private readonly token: string,
    readonly households: HouseholdRecord[],
    private readonly sealingKey: SealingPublicKey | null,
  ) {}

  /** A volunteer's save: a new household, or now and then a new rev of one already synced. */
  save(): void {
    const editable = [...this.latestAcked.values()].filter((r) => !this.outbox.some((q) => q.id === r.id));
    if (editable.length > 0 && (Math.random() < 0.15 || this.nextNew >= this.households.length)) {
      const base = editable[Math.floor(Math.random() * editable.length)]!;
      const rev = base.rev + 1;
      this.outbox.push({ ...base, rev, clientUpdatedAt: new Date().toISOString(), data: { ...base.data, note: `Sửa lần ${rev} (soak)` } });
    } else if (this.nextNew < this.households.length) {
      this.outbox.push(this.households[this.nextNew++]!);
    }
  }

  private async item(record: HouseholdRecord, stats: Stats): Promise<unknown> {
    // Every other phone seals its records (as a phone that has the ward's key does).
    if (!this.sealingKey || this.index % 2 === 1) return record;
    const k = key(record.id, record.rev);
    let sealed = this.sealedCache.get(k);
    if (!sealed) {
      sealed = await sealText(this.sealingKey, WARD, record.id, record.rev, canonicalJson(record));
      this.sealedCache.set(k, sealed);
      stats.recordsSealed++;
    }
    return { id: record.id, rev: record.rev, sealed };
  }

  /** Sends what waits, batch by batch; returns false when a request failed (try later). */
  async sync(port: number, stats: Stats, chaos: boolean): Promise<boolean> {
    while (this.outbox.length > 0) {
      const batch = this.outbox.slice(0, BATCH_MAX_RECORDS);
      const records = await Promise.all(batch.map((r) => this.item(r, stats)));
      const json = Buffer.from(JSON.stringify({ protocolVersion: PROTOCOL_VERSION, batchId: randomUUID(), records }));
      const gzip = this.index % 3 === 0;
      const roll = chaos ? Math.random() : 1;
      const mode: Chaos = roll < CHAOS_SHARE / 2 ? 'drop-mid-upload' : roll < CHAOS_SHARE ? 'abandon-before-answer' : 'none';
      const outcome = await request(
        port,
        'POST',
        '/api/v1/sync',
        gzip ? gzipSync(json) : json,
        {
          authorization: `Bearer ${this.token}`,
          'content-type': 'application/json',
          'x-outbox-waiting': String(new Set(this.outbox.map((r) => r.id)).size),
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        },
        mode,
      );
      if (mode !== 'none') stats.batchesCut++;
      if (outcome.kind === 'failed' || outcome.status !== 200) {
        if (mode === 'none') stats.batchesFailed++;
        if (outcome.kind === 'answered' && outcome.status !== 429 && outcome.status < 500) {
          stats.unexpected.push(`device ${this.index}: HTTP ${outcome.status} ${outcome.body.slice(0, 200)}`);
        }
        const retryAfter = outcome.kind === 'answered' ? Number(outcome.headers['retry-after']) * 1000 : 0;
        // Exponential backoff with full jitter, capped (the phone caps at 5 minutes; the soak is shorter).
        this.backoffMs = Math.min(4_000, Math.max(250, this.backoffMs * 2));
        await sleep(Math.max(Number.isFinite(retryAfter) ? retryAfter : 0, random(0, this.backoffMs)));
        return false;
      }
      this.backoffMs = 0;
      stats.batchesOk++;
      stats.latencies.push(outcome.ms);
      const { results } = JSON.parse(outcome.body) as { results: { id: string; rev: number; status: string; errors?: unknown }[] };
      results.forEach((result, i) => {
        const sent = batch[i]!;
        if (result.id !== sent.id || result.rev !== sent.rev) {
          stats.unexpected.push(`device ${this.index}: result ${i} is for ${result.id}:${result.rev}, sent ${sent.id}:${sent.rev}`);
          return;
        }
        if (result.status === 'accepted' || result.status === 'duplicate') {
          if (result.status === 'accepted') stats.recordsAccepted++;
          else stats.recordsDuplicate++;
          this.acknowledged.add(key(sent.id, sent.rev));
          this.latestAcked.set(sent.id, sent);
        } else {
          stats.unexpected.push(`device ${this.index}: ${sent.id}:${sent.rev} ${result.status} ${JSON.stringify(result.errors ?? '')}`);
        }
      });
      // Settled or not, a record answered leaves this outbox (an unexpected status fails the soak).
      this.outbox.splice(0, batch.length);
    }
    return true;
  }
}

// --- One engine ----------------------------------------------------------------------------

interface EngineResult {
  engine: string;
  ok: boolean;
  lines: string[];
}

function runAdmin(args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli/admin.ts', ...args], { env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`admin ${args[0]} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function storedRevisions(engine: 'sqlite' | 'postgres', dataDir: string, databaseUrl: string | null) {
  const revisionsSql = 'SELECT record_id, rev, device_id, COUNT(*) AS n FROM record_revisions GROUP BY record_id, rev, device_id';
  const householdsSql = 'SELECT record_id, COUNT(*) AS n FROM households GROUP BY record_id';
  type Row = { record_id: string; rev: number | string; device_id: string; n: number | string };
  type HouseholdRow = { record_id: string; n: number | string };
  if (engine === 'sqlite') {
    const db = new Database(path.join(dataDir, 'go-cua.sqlite'), { readonly: true });
    try {
      return { revisions: db.prepare(revisionsSql).all() as Row[], households: db.prepare(householdsSql).all() as HouseholdRow[] };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl! });
  await client.connect();
  try {
    return { revisions: (await client.query<Row>(revisionsSql)).rows, households: (await client.query<HouseholdRow>(householdsSql)).rows };
  } finally {
    await client.end();
  }
}

async function soak(engine: 'sqlite' | 'postgres', databaseUrl: string | null): Promise<EngineResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `go-cua-soak-${engine}-`));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl ?? '',
    LOG: 'warn',
  };
  delete env.NODE_OPTIONS;
  let server: ServerProcess | null = null;
  const stopOnExit = () => void server?.kill();
  process.once('exit', stopOnExit);
  try {
    console.log(`[${engine}] starting the server (as npm start), enrolling ${DEVICES} devices…`);
    server = await ServerProcess.start(env);
    const code = runAdmin(['issue-enrolment-code', '--ward', WARD, '--uses', String(DEVICES), '--expires-days', '1'], env).trim().split('\n').at(-1)!.trim();

    const wardConfig = findSeedWard(WARD)!;
    const perDevice = Math.ceil(SECONDS / 1.5) + 5;
    const phones: Phone[] = [];
    let sealingKey: SealingPublicKey | null = null;
    for (let i = 0; i < DEVICES; i++) {
      const enrol = await request(port, 'POST', '/api/v1/devices/enrol', Buffer.from(JSON.stringify({ wardCode: WARD, enrolmentCode: code, volunteerName: `Tình nguyện viên ${i + 1}` })), {
        'content-type': 'application/json',
      });
      if (enrol.kind !== 'answered' || enrol.status !== 201) throw new Error(`enrolment ${i + 1} failed: ${JSON.stringify(enrol)}`);
      const { deviceId, token } = JSON.parse(enrol.body) as { deviceId: string; token: string };
      if (i === 0) {
        const config = await request(port, 'GET', '/api/v1/config', null, { authorization: `Bearer ${token}` });
        if (config.kind !== 'answered' || config.status !== 200) throw new Error(`config failed: ${JSON.stringify(config)}`);
        sealingKey = (JSON.parse(config.body) as { sealingKey?: SealingPublicKey | null }).sealingKey ?? null;
      }
      const households = generateHouseholds({ wardConfig, count: perDevice, seed: `soak-${engine}-${i}`, installId: randomUUID() });
      phones.push(new Phone(i, deviceId, token, households, sealingKey));
    }
    const ids = new Set(phones.flatMap((p) => p.households.map((h) => h.id)));
    if (ids.size !== phones.length * perDevice) throw new Error('the generator made the same id twice');
    console.log(`[${engine}] ${DEVICES} devices enrolled; sealing ${sealingKey ? 'on (every other device)' : 'off (the ward has no key)'}; syncing for ${SECONDS} s…`);

    const stats: Stats = { batchesOk: 0, batchesFailed: 0, batchesCut: 0, recordsAccepted: 0, recordsDuplicate: 0, recordsSealed: 0, unexpected: [], latencies: [] };
    const started = performance.now();
    const until = started + SECONDS * 1000;
    let downMs = 0;

    // The restart half way: killed with no warning, started again on the same port and data.
    const restart = (async () => {
      await sleep(SECONDS * 500);
      const down = performance.now();
      await server!.kill();
      server = await ServerProcess.start(env);
      downMs = performance.now() - down;
      console.log(`[${engine}] server killed (SIGKILL) and started again at ${Math.round((down - started) / 1000)} s: down ${(downMs / 1000).toFixed(1)} s`);
    })();

    await Promise.all(
      phones.map(async (phone) => {
        await sleep(random(0, 2_000));
        while (performance.now() < until) {
          phone.save();
          if (Math.random() < 0.5) phone.save();
          await phone.sync(port, stats, true);
          await sleep(random(1_000, 3_000));
        }
      }),
    );
    await restart;
    const soakMs = performance.now() - started;
    const inWindow = { ...stats, latencies: [...stats.latencies] };

    // Drain: every phone sends what waits, without cuts, until its outbox is empty.
    const drainStarted = performance.now();
    await Promise.all(
      phones.map(async (phone) => {
        while (phone.outbox.length > 0) {
          if (performance.now() - drainStarted > DRAIN_LIMIT_MS) return;
          await phone.sync(port, stats, false);
        }
      }),
    );
    const drainMs = performance.now() - drainStarted;
    await server.stop();
    const serverTail = server.output();

    // The check: the database holds every acknowledged (id, rev) once, written by its phone, and nothing else.
    const acknowledged = new Map<string, string>();
    for (const phone of phones) for (const k of phone.acknowledged) acknowledged.set(k, phone.deviceId);
    const waiting = phones.reduce((n, p) => n + p.outbox.length, 0);
    const { revisions, households } = await storedRevisions(engine, dataDir, databaseUrl);
    const stored = new Map<string, { deviceId: string; n: number }>();
    for (const r of revisions) {
      const k = key(r.record_id, Number(r.rev));
      stored.set(k, { deviceId: r.device_id, n: (stored.get(k)?.n ?? 0) + Number(r.n) });
    }
    const missing = [...acknowledged.keys()].filter((k) => !stored.has(k));
    const extra = [...stored.keys()].filter((k) => !acknowledged.has(k));
    const doubled = [...stored.entries()].filter(([, v]) => v.n !== 1).map(([k]) => k);
    const wrongDevice = [...acknowledged.entries()].filter(([k, d]) => stored.has(k) && stored.get(k)!.deviceId !== d).map(([k]) => k);
    const householdIds = new Set([...acknowledged.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))));
    const householdRowsDoubled = households.filter((h) => Number(h.n) !== 1).length;
    const householdRowsMissing = [...householdIds].filter((id) => !households.some((h) => h.record_id === id)).length;

    const lat = [...inWindow.latencies].sort((a, b) => a - b);
    const records = inWindow.recordsAccepted + inWindow.recordsDuplicate;
    const problems = [
      waiting > 0 && `${waiting} records still waiting in outboxes after ${(DRAIN_LIMIT_MS / 1000).toFixed(0)} s of draining`,
      missing.length > 0 && `${missing.length} acknowledged revisions missing from the database (e.g. ${missing.slice(0, 3).join(', ')})`,
      extra.length > 0 && `${extra.length} stored revisions never acknowledged (e.g. ${extra.slice(0, 3).join(', ')})`,
      doubled.length > 0 && `${doubled.length} revisions stored more than once`,
      wrongDevice.length > 0 && `${wrongDevice.length} revisions stored under another device`,
      householdRowsDoubled > 0 && `${householdRowsDoubled} households rows doubled`,
      householdRowsMissing > 0 && `${householdRowsMissing} households without a row`,
      stats.unexpected.length > 0 && `${stats.unexpected.length} unexpected answers, e.g.:\n      ${stats.unexpected.slice(0, 5).join('\n      ')}`,
    ].filter((x): x is string => typeof x === 'string');
    if (problems.length > 0 && serverTail.trim()) problems.push(`server output (tail):\n${serverTail.slice(-2_000)}`);

    const lines = [
      `${engine}: ${DEVICES} devices, ${(soakMs / 1000).toFixed(0)} s, server killed and restarted once (down ${(downMs / 1000).toFixed(1)} s), drained in ${(drainMs / 1000).toFixed(1)} s`,
      `  during the soak: ${records} records acknowledged (${inWindow.recordsAccepted} accepted, ${inWindow.recordsDuplicate} duplicate retries), ${inWindow.recordsSealed} sealed; ${inWindow.batchesOk} batches answered, ${inWindow.batchesCut} cut on purpose, ${inWindow.batchesFailed} failed (restart)`,
      `  throughput: ${(records / (soakMs / 1000)).toFixed(1)} records/s, ${(inWindow.batchesOk / (soakMs / 1000)).toFixed(1)} batches/s (at the load ${DEVICES} phones offer, not the server's ceiling)`,
      `  sync latency: p50 ${percentile(lat, 50).toFixed(0)} ms, p99 ${percentile(lat, 99).toFixed(0)} ms, max ${percentile(lat, 100).toFixed(0)} ms (answered batches)`,
      `  database: ${stored.size} revisions of ${householdIds.size} households; acknowledged ${acknowledged.size}: ${problems.length === 0 ? 'every one stored once, nothing else — OK' : 'MISMATCH'}`,
      ...problems.map((p) => `  FAIL: ${p}`),
    ];
    return { engine, ok: problems.length === 0, lines };
  } finally {
    await server?.kill();
    process.removeListener('exit', stopOnExit);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function withPgDatabase<T>(adminUrl: string, run: (url: string) => Promise<T>): Promise<T> {
  const name = `gocua_soak_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await run(url.toString());
  } finally {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  }
}

const results: EngineResult[] = [];
results.push(await soak('sqlite', null));
console.log(results.at(-1)!.lines.join('\n'));
const adminUrl = process.env.DATABASE_URL?.trim();
if (adminUrl) {
  results.push(await withPgDatabase(adminUrl, (url) => soak('postgres', url)));
  console.log(results.at(-1)!.lines.join('\n'));
} else {
  console.log('SKIPPED: the PostgreSQL soak (set DATABASE_URL=postgres://… to run it in a fresh database of its own)');
}
agent.destroy();
console.log(results.every((r) => r.ok) ? 'soak: OK' : 'soak: FAILED');
process.exit(results.every((r) => r.ok) ? 0 : 1);
