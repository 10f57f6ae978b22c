// The ward endpoint exactly as `npm start` runs it (scripts/start.mjs), with an EMPTY
// environment: only PATH and HOME, plus PORT so it does not collide with other servers on this
// machine (PORT sets nothing but the port). It runs in a temporary copy of the checkout (the
// sources linked, not copied) so its ./data folder is a fresh one. Checks what a default
// install really does: the documented rate limits, the modes of the data files, scrypt's cost,
// the slow-client timeout, and a damaged database refused at start with one line.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUTS } from '../../src/server/timeouts.js';
import { freePort } from '../helpers/spawn-server.js';
import { batch, WARD } from '../helpers/records.js';
import { trickle } from '../helpers/slow-client.js';

const LINKED = ['node_modules', 'src', 'public', 'seeds', 'scripts', 'dist', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'];
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.reverse()) c();
});

/** A temporary checkout: every source linked to this one, and no data folder. */
function shippedCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gocua-shipped-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of LINKED) if (existsSync(name)) symlinkSync(path.resolve(name), path.join(dir, name));
  return dir;
}

interface Started {
  proc: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
}

/** start.mjs builds when dist/ is older than the sources; `npm test` builds first, so must a lone run. */
function requireFreshBuild(): void {
  const built = existsSync('dist/index.html') ? statSync('dist/index.html').mtimeMs : 0;
  if (built === 0) throw new Error('no production build: run `NODE_ENV=production npx vite build` first (npm test does)');
}

function npmStart(cwd: string, port: number): Started {
  requireFreshBuild();
  // What `npm start` runs ("exec node scripts/start.mjs"), with nothing from this environment.
  const proc = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? cwd, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  cleanups.push(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return { proc, out: () => out, err: () => err, exited };
}

async function until(condition: () => boolean, what: () => string, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const mode = (p: string) => statSync(p).mode & 0o777;

describe('npm start with an empty environment', () => {
  it('ships the documented limits, private data files, real scrypt cost and slow-client timeouts', async () => {
    const cwd = shippedCopy();
    const port = await freePort();
    const server = npmStart(cwd, port);
    await until(() => /ward endpoint: http/.test(server.out()) || server.proc.exitCode !== null, () => server.err() + server.out());
    expect(server.proc.exitCode).toBeNull();
    const url = `http://127.0.0.1:${port}`;
    // Starts now, checked at the end: a client trickling header bytes.
    const slow = trickle(port, 'GET /api/health HTTP/1.1\r\n', 'X-Slow: ' + 'a'.repeat(500), 500, DEFAULT_TIMEOUTS.headersMs + 15_000);

    const code = /Mã đăng ký thiết bị đầu tiên:\s+(\S+)/.exec(server.out())?.[1];
    const password = /Mật khẩu quản trị:\s+(\S+)/.exec(server.out())?.[1];
    expect(code && password).toBeTruthy();
    const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(url + p, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    // Rate limits as documented (a missing variable once meant the plugin's 1000/min).
    const enrol = await post('/api/v1/devices/enrol', { wardCode: WARD, enrolmentCode: code, volunteerName: 'Đầu tiên' });
    expect(enrol.status).toBe(201);
    const { token } = (await enrol.json()) as { token: string };
    const sync = await post('/api/v1/sync', batch([]), { authorization: `Bearer ${token}` });
    expect(sync.status).toBe(200);
    expect(sync.headers.get('x-ratelimit-limit')).toBe('600');
    const wrong = await post('/api/v1/auth/login', { username: `admin-${WARD}`, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('x-ratelimit-limit')).toBe('20');
    expect(wrong.headers.get('x-ratelimit-remaining')).toBe('19');
    const badToken = await post('/api/v1/sync', batch([]), { authorization: 'Bearer not-a-token' });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get('x-ratelimit-limit')).toBe('60');
    // 60 wrong enrolment codes a minute from one address, then 429 (main let 300 through in 1.2 s).
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await post('/api/v1/devices/enrol', { wardCode: WARD, enrolmentCode: 'AAAA-AAAA', volunteerName: 'X' })).status);
    expect(statuses.slice(0, 60).every((s) => s === 401)).toBe(true);
    expect(statuses[60]).toBe(429);
    const signIn = await post('/api/v1/auth/login', { username: `admin-${WARD}`, password });
    expect(signIn.status).toBe(200);

    // The data folder and the database files: the server's user only.
    const data = path.join(cwd, 'data');
    expect(mode(data)).toBe(0o700);
    for (const f of ['go-cua.sqlite', 'go-cua.sqlite-wal', 'go-cua.sqlite-shm']) expect(mode(path.join(data, f))).toBe(0o600);

    // The slow client was cut at the headers timeout (plus Node's check interval).
    const closedAfter = await slow.closedAfter;
    expect(closedAfter).not.toBeNull();
    expect(closedAfter!).toBeGreaterThanOrEqual(DEFAULT_TIMEOUTS.headersMs - 100);
    expect(closedAfter!).toBeLessThan(DEFAULT_TIMEOUTS.headersMs + 3 * DEFAULT_TIMEOUTS.checkIntervalMs + 3000);

    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // scrypt at N = 2^17, r = 8 for the first admin, as stored.
    const db = new Database(path.join(data, 'go-cua.sqlite'), { readonly: true });
    const row = db.prepare('select password_hash from users where username = ?').get(`admin-${WARD}`) as { password_hash: string };
    db.close();
    expect(row.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
  }, 180_000);

  it('stopped through npm itself (SIGTERM to the npm process): the server closes its database and the port', async () => {
    requireFreshBuild();
    const cwd = shippedCopy();
    const port = await freePort();
    // The real `npm start` (the npm on PATH): its script must not leave the server running when
    // npm alone is told to stop, as a container runtime or a `kill <pid>` does.
    const npm = spawn('npm', ['start'], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? cwd, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    npm.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    cleanups.push(() => {
      if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    });
    await until(() => /ward endpoint: http/.test(out) || npm.exitCode !== null, () => out);
    const wal = path.join(cwd, 'data', 'go-cua.sqlite-wal');
    expect(existsSync(wal)).toBe(true);
    npm.kill('SIGTERM');
    // The server's clean shutdown: its last connection checkpoints and removes the WAL, and
    // nothing answers on the port.
    await until(() => !existsSync(wal), () => `the server still holds its WAL after npm was stopped:\n${out}`, 20_000);
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
  }, 180_000);

  it('a damaged database file: one clear line on stderr, no stack trace, a non-zero exit; modes tightened', async () => {
    const cwd = shippedCopy();
    const data = path.join(cwd, 'data');
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    const file = path.join(data, 'go-cua.sqlite');
    writeFileSync(file, Buffer.alloc(8192, 'this is not a database '), { mode: 0o644 });
    chmodSync(file, 0o644);
    const server = npmStart(cwd, await freePort());
    const code = await server.exited;
    expect(code).not.toBe(0);
    const lines = server.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Gõ Cửa could not start: the database file in .* is damaged or is not a Gõ Cửa database \(SQLITE_NOTADB/);
    expect(server.err()).not.toMatch(/^\s+at /m);
    expect(mode(data)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  }, 120_000);
});
