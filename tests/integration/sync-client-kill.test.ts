// The phone's sync engine against the real ward endpoint PROCESS, killed with SIGKILL while a
// batch is in flight, twice, and restarted on the same port: the engine backs off, retries,
// and every household ends up stored exactly once, none lost, the phone's outbox empty.
// "In flight" is made certain, not left to timing: the batch to be cut goes out in two halves,
// and the server is killed between them, once its own request log shows the request reached it.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openServerDb } from '../../src/server/db/connect.js';
import { createSyncEngine } from '../../src/app/sync/sync-engine.js';
import { enrolDevice } from '../../src/app/sync/enrolment.js';
import { backends, createPgDatabase, tempDir } from '../helpers/server-db.js';
import { freePort, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { householdRecord, WARD } from '../helpers/records.js';
import { ManualClock, freshDb, queueRecord } from '../helpers/sync-fixtures.js';
import { waitFor } from '../helpers/wait-for.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function databaseEnv(backend: 'sqlite' | 'postgres'): Promise<Record<string, string>> {
  const dir = tempDir('gocua-client-kill-');
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  if (backend === 'sqlite') return { DATA_DIR: dir };
  const created = await createPgDatabase(process.env.DATABASE_URL!);
  cleanups.push(() => created.drop());
  return { DATA_DIR: dir, DATABASE_URL: created.url };
}

describe.each(backends.map((b) => b.name))('phone engine vs a SIGKILLed ward endpoint on %s', (backendName) => {
  it('retries through two kills mid-batch: each household stored once, none lost', async () => {
    // LOG=info: the server logs "incoming request" as soon as a request's headers reach it.
    const env: Record<string, string> = { ...(await databaseEnv(backendName)), PORT: String(await freePort()), LOG: 'info' };
    let server: SpawnedServer = await spawnServer(env);
    cleanups.push(() => server.stop('SIGKILL'));
    const code = /Mã đăng ký thiết bị đầu tiên:\s+(\S+)/.exec(server.stdout())?.[1];
    expect(code).toBeTruthy();

    const db = await freshDb(false);
    const enrolled = await enrolDevice(db, { wardCode: WARD, enrolmentCode: code!, volunteerName: 'Chịu lỗi' }, { baseUrl: server.url });
    expect(enrolled.ok).toBe(true);
    const RECORDS = 600;
    const records = Array.from({ length: RECORDS }, (_, i) => householdRecord({ seed: 90_000 + i, members: 3 }));
    for (const r of records) await queueRecord(db, r);

    // Kill the server while the 3rd and the 8th request are in flight: the request reached the
    // server (its log says so), half its body is sent, no answer can have left.
    const syncRequestsLogged = (out: string) =>
      out.split('\n').filter((line) => line.includes('"incoming request"') && line.includes('"/api/v1/sync"')).length;
    let requests = 0;
    const failures: number[] = [];
    const killedInFlight: number[] = [];
    // The requests open when a kill came (the cut one and those in flight beside it), and those
    // sent while the server was down (before the phone saw the cut request fail).
    const open = new Set<number>();
    const openAtKills: number[] = [];
    const sentWhileDown: number[] = [];
    let down = false;
    const killAt = new Set([3, 8]);
    const kills: Promise<void>[] = [];
    const killingFetch: typeof fetch = async (input, init) => {
      const n = ++requests;
      let body = init?.body;
      if (killAt.has(n)) {
        const victim = server;
        const bytes = new Uint8Array(await new Response(init!.body).arrayBuffer());
        const loggedBefore = syncRequestsLogged(victim.stdout());
        let killed!: () => void;
        kills.push(new Promise<void>((resolve) => (killed = resolve)));
        let pulls = 0;
        body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (pulls++ === 0) {
              controller.enqueue(bytes.subarray(0, bytes.length >> 1));
              return;
            }
            await waitFor(() => syncRequestsLogged(victim.stdout()) > loggedBefore, 15_000, `request ${n} to reach the server`);
            openAtKills.push(...open);
            down = true;
            victim.proc.kill('SIGKILL');
            await victim.exited;
            killedInFlight.push(n);
            killed();
            controller.error(new Error('the server was killed'));
          },
        });
      }
      open.add(n);
      if (down) sentWhileDown.push(n);
      try {
        return await fetch(input, { ...init, body, ...(body !== init?.body ? { duplex: 'half' } : {}) } as RequestInit);
      } catch (error) {
        failures.push(n);
        throw error;
      } finally {
        open.delete(n);
      }
    };
    const clock = new ManualClock();
    const engine = createSyncEngine({ db, baseUrl: server.url, fetch: killingFetch, clock, random: () => 0.5, locks: null, events: null, isOnline: () => true, maxRecords: 50 });
    await engine.requestSync();
    let restarts = 0;
    for (let guard = 0; (await db.outbox.count()) > 0 && guard < 20; guard++) {
      expect(engine.getState().phase).toBe('waiting');
      await Promise.all(kills);
      if (server.proc.exitCode !== null || server.proc.signalCode !== null) {
        server = await spawnServer(env); // same port, same database
        down = false;
        restarts++;
      }
      clock.advance(clock.pendingDelays()[0]!);
      await engine.whenIdle();
    }
    await engine.stop();
    expect(restarts).toBe(2);
    // The two cut requests failed, each after the server had received it, and with them exactly
    // the requests in flight beside them (batches in flight) or sent to the dead server, none other.
    expect(killedInFlight).toEqual([3, 8]);
    expect(failures).toContain(3);
    expect(failures).toContain(8);
    // (One in flight may still have had its answer back before the kill.)
    const mayFail = new Set([...openAtKills, ...sentWhileDown]);
    expect(failures.filter((n) => !mayFail.has(n))).toEqual([]);
    expect(sentWhileDown.filter((n) => !failures.includes(n))).toEqual([]);
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0 });
    expect((await db.records.toArray()).every((r) => r.syncState === 'synced')).toBe(true);
    db.close();
    await server.stop();

    const opened = await openServerDb(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR });
    try {
      const revs = await opened.db.selectFrom('record_revisions').select(['record_id', 'rev', 'body']).execute();
      expect(revs).toHaveLength(RECORDS);
      const byId = new Map(revs.map((r) => [r.record_id, r]));
      for (const rec of records) expect(JSON.parse(byId.get(rec.id)!.body)).toEqual(rec);
      expect(await opened.db.selectFrom('households').select('record_id').execute()).toHaveLength(RECORDS);
    } finally {
      await opened.close();
    }
  });
});
