// Dashboard reads on a streaming replica (DATABASE_READ_URL, src/server/db/read-replica.ts),
// against a real primary and hot standby this test starts itself (initdb, pg_basebackup -R, as
// the `postgres` OS user when run as root) on spare ports in a temp folder, and the real ward
// server (src/server/main.ts) in a child process:
// - reads come from the standby: with its replay paused, a household synced through another
//   endpoint on the same primary stays unseen (ward overview and city roll-up) until replay
//   resumes, then shows;
// - read-your-writes: with replay paused, a household the phone just synced shows at once;
// - fallback: with the standby stopped, the dashboard answers 200 from the primary, fast.
// Skipped, with a visible line, where the PostgreSQL 15 binaries (or a way to run them) are missing.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServerDb } from '../../src/server/db/connect.js';
import { createUser } from '../../src/server/services/accounts.js';
import { enrolDevice, issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { buildServer } from '../../src/server/app.js';
import { batch, FIXTURE_WARDS_DIR, householdRecord, WARD } from '../helpers/records.js';
import { freePort, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;
const haveRunuser = !asRoot || spawnSync('runuser', ['--help']).status === 0;
const missing = ['initdb', 'pg_ctl', 'pg_basebackup'].filter((b) => !existsSync(path.join(BIN, b)));
const skipReason = missing.length ? `${missing.join(', ')} not found in ${BIN}` : !haveRunuser ? 'running as root without runuser' : null;
if (skipReason) console.log(`SKIPPED: pg-replica.ci.ts (${skipReason})`);

/** Runs a PostgreSQL binary as the `postgres` user (PostgreSQL refuses to run as root). */
function pgRun(bin: string, args: string[]): string {
  const command = asRoot ? 'runuser' : path.join(BIN, bin);
  const argv = asRoot ? ['-u', 'postgres', '--', path.join(BIN, bin), ...args] : args;
  const r = spawnSync(command, argv, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Polls an async condition (errors count as "not yet") until it holds. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await condition().catch(() => false)) return;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const PASSWORD = 'một mật khẩu dài cho thử nghiệm';

describe.skipIf(skipReason !== null)('dashboard reads on a streaming replica', () => {
  let dir: string;
  let primaryPort: number;
  let standbyPort: number;
  let server: SpawnedServer;
  let primaryUrl: string;
  let standbyUrl: string;
  let standbyRunning = false;
  let primaryRunning = false;
  let staffToken: string;
  let cityToken: string;
  let deviceToken: string;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gocua-replica-data-'));

  const primaryDir = () => path.join(dir, 'primary');
  const standbyDir = () => path.join(dir, 'standby');
  const start = (d: string, port: number) =>
    pgRun('pg_ctl', ['-D', d, '-l', `${d}.log`, '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);

  async function onStandby<T>(text: string): Promise<T[]> {
    const c = new pg.Client({ connectionString: standbyUrl });
    await c.connect();
    try {
      return (await c.query(text)).rows as T[];
    } finally {
      await c.end();
    }
  }

  /** The city roll-up of province 31 (the fixture wards' province), as city staff see it. */
  async function citySurveyed(): Promise<number> {
    const res = await fetch(`${server.url}/api/v1/provinces/31/rollup?year=2026`, { headers: { authorization: `Bearer ${cityToken}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { total: { households: { surveyed: number } } }).total.households.surveyed;
  }

  async function surveyed(): Promise<number> {
    const res = await fetch(`${server.url}/api/v1/wards/${WARD}/indicators?year=2026`, { headers: { authorization: `Bearer ${staffToken}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { households: { surveyed: number } }).households.surveyed;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gocua-replica-'));
    if (asRoot) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()));
    primaryPort = await freePort();
    standbyPort = await freePort();
    pgRun('initdb', ['-D', primaryDir(), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    start(primaryDir(), primaryPort);
    primaryRunning = true;
    pgRun('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standbyDir(), '-R', '-X', 'stream', '--no-sync']);
    start(standbyDir(), standbyPort);
    standbyRunning = true;
    primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
    standbyUrl = `postgres://postgres@127.0.0.1:${standbyPort}/postgres`;
    expect((await onStandby<{ r: boolean }>('select pg_is_in_recovery() as r'))[0]!.r).toBe(true);

    const port = await freePort();
    server = await spawnServer({ PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: primaryUrl, DATABASE_READ_URL: standbyUrl }, 120_000);
    // A staff account and a phone, made on the primary beside the running server.
    const admin = await openServerDb({ databaseUrl: primaryUrl, dataDir });
    try {
      await createUser(admin.db, { wardCode: WARD, username: 'staff.replica', password: PASSWORD, role: 'ward_staff' });
      await createUser(admin.db, { provinceCode: '31', username: 'city.replica', password: PASSWORD, role: 'city_staff' });
      const code = (await issueEnrolmentCode(admin, WARD, 1)).code;
      const enrol = await fetch(`${server.url}/api/v1/devices/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ wardCode: WARD, enrolmentCode: code, volunteerName: 'Nguyễn Thị Test' }),
      });
      expect(enrol.status).toBe(201);
      deviceToken = ((await enrol.json()) as { token: string }).token;
    } finally {
      await admin.close();
    }
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'staff.replica', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    staffToken = ((await login.json()) as { token: string }).token;
    const cityLogin = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'city.replica', password: PASSWORD }),
    });
    expect(cityLogin.status).toBe(200);
    cityToken = ((await cityLogin.json()) as { token: string }).token;
  });

  afterAll(async () => {
    await server?.stop();
    for (const [running, d] of [[standbyRunning, standbyDir], [primaryRunning, primaryDir]] as const) {
      if (running) {
        try {
          pgRun('pg_ctl', ['-D', d(), '-m', 'immediate', '-w', 'stop']);
        } catch (error) {
          console.error(error);
        }
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads the standby: a write it has not replayed stays unseen until replay resumes', async () => {
    await waitFor(async () => (await surveyed()) === 0);
    await onStandby('select pg_wal_replay_pause()');
    // A household synced through another ward endpoint on the same primary (another process:
    // this server has no write of its own to wait for). Counters included, as any sync.
    const other = await openServerDb({ databaseUrl: primaryUrl, dataDir });
    const otherApp = await buildServer({ db: other, seedsDir: FIXTURE_WARDS_DIR });
    try {
      const code = (await issueEnrolmentCode(other, WARD, 1)).code;
      const enrolled = await enrolDevice(other, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Trần Văn Khác' });
      if (!enrolled.ok) throw new Error(enrolled.reason);
      const res = await otherApp.inject({ method: 'POST', url: '/api/v1/sync', headers: { authorization: `Bearer ${enrolled.token}` }, payload: batch([householdRecord({ seed: 7001, members: 2 })]) });
      expect(res.statusCode).toBe(200);
    } finally {
      await otherApp.close();
      await other.close();
    }
    expect(await surveyed()).toBe(0);
    expect(await citySurveyed()).toBe(0);
    await onStandby('select pg_wal_replay_resume()');
    await waitFor(async () => (await surveyed()) === 1);
    await waitFor(async () => (await citySurveyed()) === 1);
  });

  it("shows the phone's own sync at once while the standby has not replayed it (read-your-writes)", async () => {
    await onStandby('select pg_wal_replay_pause()');
    try {
      const rec = householdRecord({ seed: 7002, members: 3 });
      const res = await fetch(`${server.url}/api/v1/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${deviceToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch([rec])),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { results: { status: string }[] }).results[0]!.status).toBe('accepted');
      expect(await surveyed()).toBe(2);
      expect(await citySurveyed()).toBe(2);
      // The standby really has not got it yet.
      const onReplica = await onStandby<{ n: string }>(`select count(*) as n from households where record_id = '${rec.id}'`);
      expect(Number(onReplica[0]!.n)).toBe(0);
    } finally {
      await onStandby('select pg_wal_replay_resume()');
    }
    // Once replayed it is on the standby too.
    await waitFor(async () => Number((await onStandby<{ n: string }>('select count(*) as n from households'))[0]!.n) === 2);
    expect(await surveyed()).toBe(2);
  });

  it('falls back to the primary when the standby is down, without an error', async () => {
    pgRun('pg_ctl', ['-D', standbyDir(), '-m', 'fast', '-w', 'stop']);
    standbyRunning = false;
    const started = performance.now();
    expect(await surveyed()).toBe(2);
    expect(await citySurveyed()).toBe(2);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(server.stderr()).toMatch(/Read replica unavailable/);
  });
});
