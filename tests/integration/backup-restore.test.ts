// Backups that restore (issue 14, point 3): a backup taken by the admin CLI WHILE devices sync
// against the real server process, restored into a fresh database, on which a new server finds
// every acknowledged record, user, device and audit entry. Then the refusals: a wrong
// passphrase, a damaged file, a non-empty target, another server's secret; `backup verify`;
// `--keep N`; the backup before schema migrations; the CLI through `npm run -s admin`.
//
// The consistency rule tested: the snapshot is one point in time between the moment the backup
// command starts and the moment it ends. So every record acknowledged before the command started
// is in the backup; a record acknowledged while it ran is either there exactly (the same body)
// or absent; a record first sent after it ended is absent; nothing is there that was not sent.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openServerDb, type ServerDb } from '../../src/server/db/connect.js';
import { verifyAuditChain } from '../../src/server/services/audit.js';
import { backends, createPgDatabase, tempDir } from '../helpers/server-db.js';
import { freePort, runAdmin, serverEnv, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { batch, householdRecord, WARD } from '../helpers/records.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function databaseEnv(backend: 'sqlite' | 'postgres'): Promise<Record<string, string>> {
  const dir = tempDir('gocua-bk-');
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  if (backend === 'sqlite') return { DATA_DIR: dir };
  const created = await createPgDatabase(process.env.DATABASE_URL!);
  cleanups.push(() => created.drop());
  return { DATA_DIR: dir, DATABASE_URL: created.url };
}

/** A fresh database and data folder, with the fixture wards. */
async function targetEnv(backend: 'sqlite' | 'postgres'): Promise<Record<string, string>> {
  return { ...(await databaseEnv(backend)), SEEDS_DIR: 'tests/fixtures/wards' };
}

async function post(url: string, body: unknown, token?: string) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

/** The admin CLI without blocking the test's event loop (the sync load keeps running). */
function adminAsync(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli/admin.ts', ...args], { env: serverEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** `npm run -s admin -- …` exactly as the README ships it. */
function npmAdmin(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', 'admin', '--', ...args], { env: serverEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

interface Sent {
  record: ReturnType<typeof householdRecord>;
  device: number;
  sentAt: number;
  /** When the server's answer settled it (accepted or duplicate); undefined if never. */
  ackedAt?: number;
}

const DEVICES = 4;
const PER_BATCH = 5;
const PASSPHRASE = 'một câu mật khẩu dài cho bản sao lưu';

describe.each(backends.map((b) => b.name))('backup and restore on %s', (backendName) => {
  let source: Record<string, string>;
  let server: SpawnedServer;
  let identityFile: string;
  let recipient: string;
  let adminPassword: string;
  const devices: { deviceId: string; token: string }[] = [];
  const sent: Sent[] = [];
  let backupFile: string;
  /** Made with PASSPHRASE by the `npm run -s admin` test. */
  let passphraseFile: string;
  let commandStartedAt = 0;
  let commandEndedAt = 0;

  beforeAll(async () => {
    source = await targetEnv(backendName);
    server = await spawnServer({ ...source, PORT: String(await freePort()) }, 90_000);
    cleanups.push(() => server.stop('SIGKILL'));
    adminPassword = /Mật khẩu quản trị:\s+(\S+)/.exec(server.stdout())![1]!;
    const identity = await generateX25519Identity();
    recipient = await identityToRecipient(identity);
    identityFile = path.join(source.DATA_DIR!, '..', `${path.basename(source.DATA_DIR!)}-identity.txt`);
    writeFileSync(identityFile, `# a test identity\n${identity}\n`, { mode: 0o600 });
    cleanups.push(async () => rmSync(identityFile, { force: true }));
    const codes = runAdmin(['issue-enrolment-code', '--ward', WARD, '--uses', String(DEVICES)], source);
    expect(codes.code, codes.stderr).toBe(0);
    const code = codes.stdout.trim().split('\n').at(-1)!;
    for (let i = 0; i < DEVICES; i++) {
      const res = await post(`${server.url}/api/v1/devices/enrol`, { wardCode: WARD, enrolmentCode: code, volunteerName: `Tình nguyện viên ${i}` });
      expect(res.status).toBe(201);
      devices.push((await res.json()) as { deviceId: string; token: string });
    }
    const user = runAdmin(['create-user', '--ward', WARD, '--username', 'sao.luu', '--password-stdin'], source, 'mật khẩu của người dùng sao lưu\n');
    expect(user.code, user.stderr).toBe(0);
  });

  it('backs up while devices sync; the restored server has every acknowledged record, user, device and audit entry', async () => {
    let stop = false;
    let seed = 1000;
    const load = devices.map(async (device, index) => {
      while (!stop) {
        const records = Array.from({ length: PER_BATCH }, () => householdRecord({ seed: seed++ }));
        const entries = records.map((record): Sent => ({ record, device: index, sentAt: Date.now() }));
        sent.push(...entries);
        const res = await post(`${server.url}/api/v1/sync`, batch(records), device.token);
        const now = Date.now();
        expect(res.status).toBe(200);
        const body = (await res.json()) as { results: { id: string; status: string }[] };
        for (const r of body.results) {
          const entry = entries.find((e) => e.record.id === r.id)!;
          if (r.status === 'accepted' || r.status === 'duplicate') entry.ackedAt = now;
        }
        // A phone's pace, not a flood: the two cores are shared with the backup being tested.
        await new Promise((r) => setTimeout(r, 15));
      }
    });
    const acked = () => sent.filter((s) => s.ackedAt !== undefined).length;
    while (acked() < 40) await new Promise((r) => setTimeout(r, 20));

    const dir = tempDir('gocua-bk-out-');
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    backupFile = path.join(dir, 'under-load.age');
    commandStartedAt = Date.now();
    const ackedBeforeCommand = acked();
    const made = await adminAsync(['backup', '--out', backupFile, '--recipient', recipient], source);
    commandEndedAt = Date.now();
    const ackedDuringCommand = acked() - ackedBeforeCommand;
    // A little more load after the backup: those records must not be in it.
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await Promise.all(load);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toBe(`${backupFile}\t${statSync(backupFile).size}\n`);
    expect(ackedDuringCommand, 'the sync load ran while the backup was taken').toBeGreaterThan(0);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    const checksum = readFileSync(`${backupFile}.sha256`, 'utf8');
    expect(checksum).toMatch(new RegExp(`^[0-9a-f]{64}  ${path.basename(backupFile)}\n$`));

    // The live server reports the backup (time and age only) in its public health answer.
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { lastBackup: { at: string; ageSeconds: number } | null };
    expect(health.lastBackup).not.toBeNull();
    expect(Object.keys(health.lastBackup!).sort()).toEqual(['ageSeconds', 'at']);
    expect(Date.parse(health.lastBackup!.at)).toBeGreaterThanOrEqual(commandStartedAt);

    // Restore into a fresh database and data folder.
    const target = await targetEnv(backendName);
    const restored = runAdmin(['restore', '--in', backupFile, '--identity', identityFile], target);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(new RegExp(`^AUDIT\tOK\t${WARD}\t`, 'm'));
    expect(statSync(path.join(target.DATA_DIR!, 'server-secret')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(target.DATA_DIR!, 'server-secret'))).toEqual(readFileSync(path.join(source.DATA_DIR!, 'server-secret')));
    const keyFiles = readdirSync(path.join(source.DATA_DIR!, 'ward-keys'));
    expect(keyFiles.length).toBeGreaterThan(0);
    expect(statSync(path.join(target.DATA_DIR!, 'ward-keys')).mode & 0o777).toBe(0o700);
    for (const f of keyFiles) {
      expect(readFileSync(path.join(target.DATA_DIR!, 'ward-keys', f))).toEqual(readFileSync(path.join(source.DATA_DIR!, 'ward-keys', f)));
      expect(statSync(path.join(target.DATA_DIR!, 'ward-keys', f)).mode & 0o777).toBe(0o600);
    }

    const second = await spawnServer({ ...target, PORT: String(await freePort()) }, 90_000);
    cleanups.push(() => second.stop('SIGKILL'));
    expect(second.stdout()).not.toMatch(/Mật khẩu quản trị/); // not a first start
    const db: ServerDb = await openServerDb({ dataDir: target.DATA_DIR, databaseUrl: target.DATABASE_URL });
    try {
      const rows = await db.db.selectFrom('record_revisions').select(['record_id', 'body']).execute();
      const stored = new Map(rows.map((r) => [r.record_id, JSON.parse(r.body) as unknown]));
      const byId = new Map(sent.map((s) => [s.record.id, s]));
      for (const id of stored.keys()) expect(byId.has(id), `a record nobody sent: ${id}`).toBe(true);
      let before = 0;
      const during = { present: 0, absent: 0 };
      for (const s of sent) {
        const found = stored.get(s.record.id);
        // ≤: acknowledged in the same millisecond the command started is still before it (the
        // command's process is spawned after commandStartedAt is read, and it snapshots later).
        if (s.ackedAt !== undefined && s.ackedAt <= commandStartedAt) {
          before++;
          expect(found, `acknowledged before the backup began: ${s.record.id}`).toEqual(s.record);
        } else if (s.sentAt > commandEndedAt) {
          expect(found, `sent after the backup ended: ${s.record.id}`).toBeUndefined();
        } else if (found === undefined) {
          during.absent++;
        } else {
          during.present++;
          expect(found).toEqual(s.record);
        }
      }
      expect(before).toBeGreaterThanOrEqual(40);
      // Every user can sign in.
      for (const [username, password] of [
        [`admin-${WARD}`, adminPassword],
        ['sao.luu', 'mật khẩu của người dùng sao lưu'],
      ] as const) {
        const signIn = await post(`${second.url}/api/v1/auth/login`, { username, password });
        expect(signIn.status, username).toBe(200);
      }
      // Every device's token still syncs: its own record acknowledged before the backup is a
      // duplicate (the server knows it), a new one is accepted.
      for (const [i, device] of devices.entries()) {
        const old = sent.find((s) => s.device === i && s.ackedAt !== undefined && s.ackedAt <= commandStartedAt)!;
        const fresh = householdRecord({ seed: 99 + i });
        const res = await post(`${second.url}/api/v1/sync`, batch([old.record, fresh]), device.token);
        expect(res.status).toBe(200);
        const results = ((await res.json()) as { results: { id: string; status: string }[] }).results;
        expect(results.map((r) => [r.id, r.status])).toEqual([
          [old.record.id, 'duplicate'],
          [fresh.id, 'accepted'],
        ]);
      }
      // The audit chain verifies, and holds every entry the source had when the backup began.
      const check = await verifyAuditChain(db.db, WARD);
      expect(check.ok).toBe(true);
      const sourceDb = await openServerDb({ dataDir: source.DATA_DIR, databaseUrl: source.DATABASE_URL });
      try {
        const early = await sourceDb.db.selectFrom('audit_log').select(['id', 'hash']).where('ward_code', '=', WARD).where('at', '<', new Date(commandStartedAt).toISOString()).execute();
        const restoredIds = new Map((await db.db.selectFrom('audit_log').select(['id', 'hash']).where('ward_code', '=', WARD).execute()).map((r) => [r.id, r.hash]));
        expect(early.length).toBeGreaterThan(0);
        for (const e of early) expect(restoredIds.get(e.id), e.id).toBe(e.hash);
        const actions = await db.db.selectFrom('audit_log').select('action').where('ward_code', '=', WARD).execute();
        expect(actions.map((a) => a.action)).toContain('backup.restore');
        const sourceActions = await sourceDb.db.selectFrom('audit_log').select('action').where('ward_code', '=', WARD).execute();
        expect(sourceActions.map((a) => a.action)).toContain('backup.create');
      } finally {
        await sourceDb.close();
      }
      process.stderr.write(`[${backendName}] backup under load: ${before} acknowledged before, ${during.present} present / ${during.absent} absent of those acknowledged during the backup\n`);
    } finally {
      await db.close();
      await second.stop();
    }
  });

  it('works through `npm run -s admin` as shipped: backup with a passphrase from a file, then verify', async () => {
    const dir = tempDir('gocua-bk-npm-');
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const passFile = path.join(dir, 'passphrase');
    writeFileSync(passFile, `${PASSPHRASE}\n`);
    chmodSync(passFile, 0o600);
    const out = path.join(dir, 'npm.age');
    passphraseFile = out;
    const made = await npmAdmin(['backup', '--out', out, '--passphrase-file', passFile], source);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toBe(`${out}\t${statSync(out).size}\n`);
    const verified = await npmAdmin(['backup', 'verify', out], { ...source, BACKUP_PASSPHRASE_FILE: passFile });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^TABLE\tusers\t2$/m);
  });
  it('refuses a wrong passphrase, a damaged file, a non-empty target and another server’s secret, each with its message and exit code', async () => {
    const dir = tempDir('gocua-bk-refuse-');
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const fresh = async () => (await targetEnv(backendName));
    const damaged = path.join(dir, 'damaged.age');
    const bytes = readFileSync(backupFile);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(damaged, bytes);
    const truncated = path.join(dir, 'truncated.age');
    writeFileSync(truncated, readFileSync(backupFile).subarray(0, 2000));
    const notBackup = path.join(dir, 'notes.txt');
    writeFileSync(notBackup, 'hello\n');
    const otherSecret = await fresh();
    const strangerSecret = `${Buffer.alloc(32, 7).toString('base64url')}\n`;
    writeFileSync(path.join(otherSecret.DATA_DIR!, 'server-secret'), strangerSecret, { mode: 0o600 });

    // Child processes in parallel: each costs a second of start-up.
    const identity = ['--identity', identityFile];
    const [wrong, noKey, broken, cut, notOne, nonEmpty, conflict, short] = await Promise.all([
      adminAsync(['restore', '--in', passphraseFile, '--passphrase-stdin'], await fresh(), 'not the passphrase at all\n'),
      adminAsync(['restore', '--in', backupFile], await fresh()),
      adminAsync(['restore', '--in', damaged, ...identity], await fresh()),
      adminAsync(['restore', '--in', truncated, ...identity], await fresh()),
      adminAsync(['restore', '--in', notBackup, ...identity], await fresh()),
      adminAsync(['restore', '--in', backupFile, ...identity], source),
      adminAsync(['restore', '--in', backupFile, ...identity], otherSecret),
      adminAsync(['backup', '--out', path.join(dir, 'short.age'), '--passphrase-stdin'], source, 'ngắn\n'),
    ]);
    expect([wrong.code, wrong.stderr]).toEqual([5, 'admin: wrong passphrase or identity: it does not open this backup\n']);
    expect([noKey.code, noKey.stderr]).toEqual([5, 'admin: this backup is encrypted: give its identity file with --identity FILE\n']);
    expect(broken.code).toBe(4);
    expect(broken.stderr).toMatch(/^admin: the backup file is damaged/);
    expect(cut.code).toBe(4);
    expect(cut.stderr).toMatch(/damaged|truncated/);
    expect(notOne.code).toBe(4);
    expect(notOne.stderr).toMatch(/is not a Gõ Cửa backup/);
    expect(nonEmpty.code).toBe(6);
    expect(nonEmpty.stderr).toMatch(/already holds (a database|tables): restore only into an empty/);
    expect(conflict.code).toBe(7);
    expect(conflict.stderr).toMatch(/server-secret exists and differs from the backup's/);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^BACKUP FAILED: the passphrase must be at least 10 characters$/m);
    // Nothing was written in the refused targets.
    expect(readFileSync(path.join(otherSecret.DATA_DIR!, 'server-secret'), 'utf8')).toBe(strangerSecret);
    expect(existsSync(path.join(otherSecret.DATA_DIR!, 'go-cua.sqlite'))).toBe(false);
  });

  it('backup verify prints the counts of the snapshot and the audit check', () => {
    const verified = runAdmin(['backup', 'verify', backupFile, '--identity', identityFile], source);
    expect(verified.code, verified.stderr).toBe(0);
    const counts = Object.fromEntries(
      verified.stdout
        .split('\n')
        .filter((l) => l.startsWith('TABLE\t'))
        .map((l) => [l.split('\t')[1], Number(l.split('\t')[2])]),
    );
    const acknowledgedBefore = sent.filter((s) => s.ackedAt !== undefined && s.ackedAt <= commandStartedAt).length;
    expect(counts.record_revisions).toBeGreaterThanOrEqual(acknowledgedBefore);
    expect(counts.record_revisions).toBeLessThanOrEqual(sent.length);
    expect(counts.users).toBe(2);
    expect(counts.devices).toBe(DEVICES);
    expect(verified.stdout).toMatch(new RegExp(`^AUDIT\tOK\t${WARD}\t`, 'm'));
    expect(verified.stderr).toMatch(/every checksum and count matches/);
  });

  it('backup --dir DIR --keep N keeps the newest N, records the run, and a failed run is loud and recorded', async () => {
    const dir = tempDir('gocua-bk-keep-');
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    // Two older runs' files (the names are what counts), then one real run keeping 2.
    for (const older of ['gocua-backup-20261101T010000000Z.age', 'gocua-backup-20261102T010000000Z.age']) {
      writeFileSync(path.join(dir, older), 'older');
      writeFileSync(path.join(dir, `${older}.sha256`), 'older');
    }
    const r = runAdmin(['backup', '--dir', dir, '--keep', '2'], { ...source, BACKUP_RECIPIENT: recipient });
    expect(r.code, r.stderr).toBe(0);
    const made = r.stdout.split('\t')[0]!;
    const files = readdirSync(dir).filter((f) => f.endsWith('.age')).sort();
    expect(files).toEqual(['gocua-backup-20261102T010000000Z.age', path.basename(made)]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.sha256')).sort()).toEqual(files.map((f) => `${f}.sha256`));
    expect(path.basename(made)).toMatch(/^gocua-backup-\d{8}T\d{9}Z\.age$/);

    // A run to a folder it cannot write: BACKUP FAILED on stderr, non-zero, recorded.
    const blocked = path.join(dir, 'not-a-folder');
    writeFileSync(blocked, 'x');
    const failed = runAdmin(['backup', '--dir', blocked, '--keep', '2', '--recipient', recipient], source);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/^BACKUP FAILED: /m);
    const db = await openServerDb({ dataDir: source.DATA_DIR, databaseUrl: source.DATABASE_URL });
    try {
      const runs = await db.db.selectFrom('backup_runs').selectAll().orderBy('finished_at').execute();
      expect(runs.filter((r) => r.kind === 'scheduled' && r.ok === 1)).toHaveLength(1);
      expect(runs.at(-1)).toMatchObject({ kind: 'scheduled', ok: 0 });
      expect(runs.at(-1)!.error).toBeTruthy();
    } finally {
      await db.close();
    }
  });

  it('takes a backup before pending schema migrations of a non-empty database, not of an empty one', async () => {
    const env = await databaseEnv(backendName);
    // An empty database (first start): no backup.
    const first = await openServerDb({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL, backupBeforeMigrations: {} });
    // One version behind: this migration and the later ones (idempotent) not applied yet.
    await sql`delete from kysely_migration where name >= '20261203T110500-backup-runs'`.execute(first.db);
    await first.db.schema.dropTable('backup_runs').execute();
    await first.close();
    expect(existsSync(path.join(env.DATA_DIR!, 'backups'))).toBe(false);
    // The same database behind: backed up (unencrypted, 0600 in 0700), then migrated.
    const second = await openServerDb({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL, backupBeforeMigrations: {} });
    try {
      const dir = path.join(env.DATA_DIR!, 'backups');
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      const made = readdirSync(dir).filter((f) => f.endsWith('.gocua'));
      expect(made).toHaveLength(1);
      expect(statSync(path.join(dir, made[0]!)).mode & 0o777).toBe(0o600);
      const runs = await second.db.selectFrom('backup_runs').selectAll().execute();
      expect(runs).toMatchObject([{ kind: 'pre_migration', ok: 1, encryption: 'none' }]);
      // It restores (no key needed) into a fresh target, at the schema it was taken at.
      const target = await databaseEnv(backendName);
      const restored = runAdmin(['restore', '--in', path.join(dir, made[0]!)], target);
      expect(restored.code, restored.stderr).toBe(0);
    } finally {
      await second.close();
    }
  });

});
