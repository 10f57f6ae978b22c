// The real server process: first start prints its secrets once; a SIGKILL in the middle of
// batches loses nothing and stores nothing twice once the client has retried.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openServerDb } from '../../src/server/db/connect.js';
import { backends, createPgDatabase, tempDir } from '../helpers/server-db.js';
import { freePort, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { batch, householdRecord, WARD } from '../helpers/records.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function databaseEnv(backend: 'sqlite' | 'postgres'): Promise<Record<string, string>> {
  const dir = tempDir('gocua-proc-');
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  if (backend === 'sqlite') return { DATA_DIR: dir };
  const created = await createPgDatabase(process.env.DATABASE_URL!);
  cleanups.push(() => created.drop());
  return { DATA_DIR: dir, DATABASE_URL: created.url };
}

function firstStartSecrets(stdout: string) {
  const password = /Mật khẩu quản trị:\s+(\S+)/.exec(stdout)?.[1];
  const username = /Tên đăng nhập quản trị:\s+(\S+)/.exec(stdout)?.[1];
  const code = /Mã đăng ký thiết bị đầu tiên:\s+(\S+)/.exec(stdout)?.[1];
  return { password, username, code };
}

async function post(url: string, body: unknown, token?: string) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe.each(backends.map((b) => b.name))('server process on %s', (backendName) => {
  it('prints the first ward-admin password and an enrolment code once, and keeps everything on restart', async () => {
    const env: Record<string, string> = { ...(await databaseEnv(backendName)), PORT: String(await freePort()) };
    const first = await spawnServer(env);
    cleanups.push(() => first.stop('SIGKILL'));
    const { password, username, code } = firstStartSecrets(first.stdout());
    expect(username).toBe(`admin-${WARD}`);
    expect(password).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const health = await fetch(`${first.url}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok', db: backendName, lastBackup: null });
    const enrol = await post(`${first.url}/api/v1/devices/enrol`, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Đầu tiên' });
    expect(enrol.status).toBe(201);
    const { token } = (await enrol.json()) as { token: string };
    await first.stop('SIGTERM');

    // With request logging on: the log must hold no token, password or personal data.
    const second = await spawnServer({ ...env, LOG: 'info' });
    cleanups.push(() => second.stop('SIGKILL'));
    expect(second.stdout()).not.toContain(password!);
    expect(firstStartSecrets(second.stdout()).password).toBeUndefined();
    const signIn = await post(`${second.url}/api/v1/auth/login`, { username, password });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toMatchObject({ wardCode: WARD, role: 'ward_admin' });
    // The device enrolled before the restart still syncs.
    const rec = householdRecord({ seed: 1, members: 1 });
    (rec.data.members[0] as { name?: string }).name = 'Nguyễn Văn Riêngtư';
    const res = await post(`${second.url}/api/v1/sync`, batch([rec]), token);
    expect(res.status).toBe(200);
    await second.stop();
    const logged = second.stdout() + second.stderr();
    expect(logged).toContain('/api/v1/sync'); // the log is on…
    for (const secret of [password!, token, 'Riêngtư', rec.id]) expect(logged).not.toContain(secret); // …and says nothing private
    expect(first.stderr()).not.toContain(password!);
  });

  it('loses nothing and stores nothing twice when killed (SIGKILL) mid-batch and retried', async () => {
    const env: Record<string, string> = { ...(await databaseEnv(backendName)), PORT: String(await freePort()) };
    let server: SpawnedServer = await spawnServer(env);
    cleanups.push(() => server.stop('SIGKILL'));
    const { code } = firstStartSecrets(server.stdout());
    const enrol = await post(`${server.url}/api/v1/devices/enrol`, { wardCode: WARD, enrolmentCode: code, volunteerName: 'Chịu lỗi' });
    const { token } = (await enrol.json()) as { token: string };

    const RECORDS = 1200;
    const PER_BATCH = 50;
    const records = Array.from({ length: RECORDS }, (_, i) => householdRecord({ seed: 50_000 + i, members: 3 }));
    const batches = Array.from({ length: RECORDS / PER_BATCH }, (_, i) => batch(records.slice(i * PER_BATCH, (i + 1) * PER_BATCH)));
    const settled = new Map<string, string>();
    let acknowledged = 0;
    let failures = 0;
    let kills = 0;

    // A client like the phone's: resend the same batch (same batchId) until it is answered.
    async function send(body: ReturnType<typeof batch>) {
      for (;;) {
        try {
          const res = await post(`${server.url}/api/v1/sync`, body, token);
          if (res.status === 200) {
            const json = (await res.json()) as { results: { id: string; status: string }[] };
            for (const r of json.results) settled.set(r.id, r.status);
            acknowledged++;
            return;
          }
          failures++;
        } catch {
          failures++;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    // Three workers in parallel, so batches are in flight when the kill lands.
    const queue = [...batches];
    const workers = Array.from({ length: 3 }, async () => {
      for (let body = queue.shift(); body; body = queue.shift()) await send(body);
    });
    const killer = (async () => {
      for (const threshold of [4, 12]) {
        while (acknowledged < threshold) await new Promise((r) => setTimeout(r, 5));
        server.proc.kill('SIGKILL');
        await server.exited;
        kills++;
        server = await spawnServer(env);
      }
    })();
    await Promise.all([...workers, killer]);
    await server.stop();

    expect(kills).toBe(2);
    expect(failures).toBeGreaterThan(0); // the kills really interrupted requests
    expect(settled.size).toBe(RECORDS);
    for (const status of settled.values()) expect(['accepted', 'duplicate']).toContain(status);

    const opened = await openServerDb(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR });
    try {
      const revs = await opened.db.selectFrom('record_revisions').select(['record_id', 'rev', 'body']).execute();
      expect(revs).toHaveLength(RECORDS);
      expect(new Set(revs.map((r) => r.record_id)).size).toBe(RECORDS);
      const byId = new Map(revs.map((r) => [r.record_id, r]));
      for (const rec of records) expect(JSON.parse(byId.get(rec.id)!.body)).toEqual(rec);
      const households = await opened.db.selectFrom('households').select('record_id').execute();
      expect(households).toHaveLength(RECORDS);
      const members = await opened.db.selectFrom('members').select('record_id').execute();
      expect(members).toHaveLength(RECORDS * 3);
    } finally {
      await opened.close();
    }
  });
});
