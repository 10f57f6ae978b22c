// A second process writes to the same SQLite file (the admin CLI, a backup) while phones sync:
// every batch waits for the lock (busy_timeout) and is stored; not one answers 500
// ("database is locked" came from deferred transactions that SQLite refused to upgrade).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { batch, householdRecord } from '../helpers/records.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(sqliteBackend, { rateLimits: { syncPerMinute: 100_000 } });
});
afterAll(async () => {
  await t?.close();
});

function secondWriter(file: string, ms: number): Promise<{ code: number | null; commits: number }> {
  const proc = spawn(process.execPath, [path.resolve('tests/helpers/second-writer.mjs'), file, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, commits: Number(out.trim()) })));
}

describe('a second writer process', () => {
  it('sync batches wait for its lock and are stored: zero 500s', async () => {
    const file = t.db.location;
    const phones = await Promise.all([t.enrol(), t.enrol(), t.enrol()]);
    const writer = secondWriter(file, 4000);
    const statuses: Record<number, number> = {};
    let seed = 1;
    const stop = Date.now() + 4000;
    await Promise.all(
      phones.map(async (phone) => {
        while (Date.now() < stop) {
          const records = Array.from({ length: 5 }, () => householdRecord({ seed: seed++, members: 2 }));
          const res = await t.sync(phone.token, batch(records));
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode === 200) expect(res.json().results.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
        }
      }),
    );
    const { code, commits } = await writer;
    expect(code).toBe(0);
    expect(commits).toBeGreaterThan(50); // it really wrote in the loop, alongside the batches
    expect(Object.keys(statuses)).toEqual(['200']);
    expect(statuses[200]).toBeGreaterThan(10);
    const stored = await t.db.db.selectFrom('households').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(statuses[200]! * 5);
  }, 60_000);
});
