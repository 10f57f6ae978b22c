// The engine with Node's real fetch against a small real HTTP server on 127.0.0.1 that drops
// connections (before and after storing a batch), answers 503 and 429: every record ends up
// stored exactly once and the outbox empties. The script of faults is fixed: deterministic.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncEngine } from '../../../src/app/sync/sync-engine.js';
import type { HouseholdRecord } from '../../../src/shared/schema/household.js';
import { FakeWard, ManualClock, freshDb, makeHousehold, queueRecord } from '../../helpers/sync-fixtures.js';

type Fault = 'drop-before' | 'drop-after' | '503' | '429' | 'truncated' | 'ok';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

/** A ward endpoint whose n-th request suffers script[n] (then 'ok'). */
async function faultyWard(script: Fault[]) {
  const ward = new FakeWard();
  const seen: Fault[] = [];
  const server = createServer(async (req, res) => {
    const body = JSON.parse((await readBody(req)).toString('utf8')) as { batchId: string; records: HouseholdRecord[] };
    const fault = script.shift() ?? 'ok';
    seen.push(fault);
    if (fault === 'drop-before') return req.socket.destroy();
    if (fault === '503') return res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"server_error","message":"x"}}');
    if (fault === '429') return res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' }).end('{"error":{"code":"rate_limited","message":"x"}}');
    // The batch is stored (committed) before the answer is lost: the retry must get duplicates.
    const results = body.records.map((r) => ward.apply(r));
    const answer = JSON.stringify({ batchId: body.batchId, results });
    if (fault === 'drop-after') return req.socket.destroy();
    if (fault === 'truncated') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.length) });
      res.write(answer.slice(0, 20));
      return setImmediate(() => req.socket.destroy());
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { ward, seen, baseUrl: `http://127.0.0.1:${port}` };
}

describe('network faults against a real HTTP server', () => {
  it('drops, 503, 429 and cut answers: every record stored exactly once, none lost', async () => {
    const { ward, seen, baseUrl } = await faultyWard(['drop-before', 'ok', 'drop-after', '503', 'truncated', '429', 'ok', 'drop-after']);
    const db = await freshDb();
    const clock = new ManualClock();
    const engine = createSyncEngine({ db, baseUrl, clock, random: () => 0.5, locks: null, events: null, isOnline: () => true, maxRecords: 25 });
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const r = makeHousehold({ members: i % 3 });
      ids.push(r.id);
      await queueRecord(db, r);
    }
    await engine.requestSync();
    let guard = 0;
    while ((await db.outbox.count()) > 0 && guard++ < 50) {
      expect(engine.getState().phase).toBe('waiting');
      clock.advance(clock.pendingDelays()[0]!);
      await engine.whenIdle();
    }
    expect(seen.slice(0, 8)).toEqual(['drop-before', 'ok', 'drop-after', '503', 'truncated', '429', 'ok', 'drop-after']);
    expect(await db.outbox.count()).toBe(0);
    expect([...ward.latest.keys()].sort()).toEqual([...ids].sort());
    expect(ward.stored.size).toBe(120); // each id#rev stored once: the retries came back duplicate
    const states = await db.records.toArray();
    expect(states.every((r) => r.syncState === 'synced' && r.syncedRev === 1)).toBe(true);
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0 });
    await engine.stop();
    db.close();
  });
});
