// The worker threads that prepare sync batches: real workers (the TypeScript source through
// tsx, as in production) give exactly what the inline path gives, and a worker that dies or
// never starts loses no batch.
import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/app.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { createPreparePool, type PreparePool } from '../../src/server/services/sync-prepare-pool.js';
import { prepareBatch, type PrepareContext } from '../../src/server/services/sync-prepare.js';
import { generateSealingKeyPair, sealText } from '../../src/shared/crypto/hpke.js';
import { canonicalJson } from '../../src/shared/protocol/canonical-json.js';
import { backends } from '../helpers/server-db.js';
import { batch, FIXTURE_WARDS_DIR, householdRecord, OTHER_WARD, WARD } from '../helpers/records.js';
import { waitFor } from '../helpers/wait-for.js';

// Sealed records are opened where the batch is prepared: in the workers too.
const wardKey = await generateSealingKeyPair();
const sealedGood = householdRecord({ seed: 14, members: 2 });
const sealed = await sealText(wardKey, WARD, sealedGood.id, sealedGood.rev, canonicalJson(sealedGood));
const tampered = { ...sealed, ct: (sealed.ct[0] === 'A' ? 'B' : 'A') + sealed.ct.slice(1) };

const context: PrepareContext = {
  sealingKeys: [wardKey],
  wardCode: WARD,
  deviceId: 'device-1',
  groups: new Set(['TDP01', 'TDP02', 'TDP03', 'TDP04', 'TDP05', 'TDP06', 'TDP07', 'TDP08', 'TDP09']),
  ages: { adultAge: 18, vneidMinAge: 14 },
  receivedAt: '2026-11-24T05:00:00.000Z',
};

function mixedBatch(): Buffer {
  const good = householdRecord({ seed: 11, members: 3 });
  const otherWard = householdRecord({ seed: 12, wardCode: OTHER_WARD });
  const badMember = householdRecord({ seed: 13, members: 2 });
  const broken = { ...badMember, data: { ...badMember.data, members: [{ ...badMember.data.members[0], birthYear: 'x' }] } };
  const sealedItems = [
    { id: sealedGood.id, rev: sealedGood.rev, sealed },
    { id: sealedGood.id, rev: sealedGood.rev, sealed: tampered },
  ];
  return Buffer.from(JSON.stringify(batch([good, otherWard, broken, { kind: 'nope' }, 42, ...sealedItems])));
}

describe('sync preparation pool', () => {
  it('prepares in worker threads exactly as inline, and several batches at once', async () => {
    const pool = createPreparePool(2);
    try {
      await pool.start();
      expect(pool.size).toBe(2);
      const bytes = mixedBatch();
      const before = Buffer.from(bytes);
      const inline = await prepareBatch(bytes, context);
      expect(inline.ok && inline.records.map((r) => r.kind)).toEqual(['valid', 'rejected', 'rejected', 'rejected', 'rejected', 'valid', 'rejected']);
      expect(inline.ok && inline.records[6]).toMatchObject({ kind: 'rejected', errors: [{ path: 'sealed', code: 'unsealable' }] });
      const fromWorkers = await Promise.all(Array.from({ length: 6 }, () => pool.prepare(bytes, context)));
      for (const result of fromWorkers) expect(result).toEqual(inline);
      // The request's own buffer is left intact (the worker got a copy).
      expect(bytes.equals(before)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('answers whole-request errors from the worker as inline: bad JSON, prototype keys, 426', async () => {
    const pool = createPreparePool(1);
    try {
      await pool.start();
      for (const text of ['{"protocolVersion":1,', '', '{"__proto__":{"x":1},"protocolVersion":1}', '{"protocolVersion":0,"records":[]}', '[]']) {
        const bytes = Buffer.from(text);
        expect(await pool.prepare(bytes, context)).toEqual(await prepareBatch(bytes, context));
      }
      expect(await pool.prepare(Buffer.from('{"protocolVersion":99}'), context)).toMatchObject({ ok: false, status: 426, code: 'protocol_too_new' });
      expect(await pool.prepare(Buffer.from('nope'), context)).toMatchObject({ ok: false, status: 400, messageKey: 'bad_json' });
    } finally {
      await pool.close();
    }
  });

  it('redoes a batch inline when its worker dies, and stops respawning workers that keep dying', async () => {
    const problems: string[] = [];
    // A real worker that reports ready, then exits as soon as it is handed a batch.
    const dying = () => new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ ready: true }); parentPort.on('message', () => process.exit(3));`, { eval: true });
    const pool = createPreparePool(1, { spawn: dying, onProblem: (p) => problems.push(p) });
    try {
      await pool.start();
      const bytes = mixedBatch();
      const expected = await prepareBatch(bytes, context);
      for (let i = 0; i < 6; i++) {
        await pool.start(); // the replacement worker is up: this batch goes to it
        expect(await pool.prepare(bytes, context)).toEqual(expected);
      }
      expect(problems.some((p) => /exit code 3/.test(p))).toBe(true);
      expect(problems.at(-1)).toMatch(/preparing batches on the main thread/);
      expect(pool.size).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('prepares a batch inline when it is alone, in a worker when others are being handled', async () => {
    const pool = createPreparePool(1);
    try {
      await pool.start();
      const bytes = mixedBatch();
      const expected = await prepareBatch(bytes, context);
      expect(await pool.prepare(bytes, context, true)).toEqual(expected);
      expect(pool.prepared).toEqual({ inWorkers: 0, inline: 1 });
      expect(await pool.prepare(bytes, context, false)).toEqual(expected);
      expect(pool.prepared).toEqual({ inWorkers: 1, inline: 1 });
    } finally {
      await pool.close();
    }
  });

  it('finishes queued and running batches when closed', async () => {
    const pool = createPreparePool(1);
    await pool.start();
    const bytes = mixedBatch();
    const pending = Array.from({ length: 5 }, () => pool.prepare(bytes, context));
    await pool.close();
    const results = await Promise.all(pending);
    for (const result of results) expect(result).toEqual(await prepareBatch(bytes, context));
  });

  it('the endpoint prepares a lone batch inline and the batches of a team in workers', async () => {
    const opened = await backends[0]!.open();
    const pool = createPreparePool(1);
    await pool.start();
    const app = await buildServer({ db: opened.server, seedsDir: FIXTURE_WARDS_DIR, syncPreparePool: pool });
    try {
      const code = (await issueEnrolmentCode(opened.server, WARD, 8)).code;
      const tokens: string[] = [];
      for (let i = 0; i < 8; i++) {
        const enrol = await app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: code, volunteerName: `Lan ${i}` } });
        tokens.push(enrol.json().token);
      }
      const send = (seed: number, token: string) =>
        app.inject({ method: 'POST', url: '/api/v1/sync', headers: { authorization: `Bearer ${token}` }, payload: batch([householdRecord({ seed })]) });
      // One phone, batch after batch: inline.
      for (const seed of [100, 101]) expect((await send(seed, tokens[0]!)).json().results[0].status).toBe('accepted');
      expect(pool.prepared).toEqual({ inWorkers: 0, inline: 2 });
      // A team at once: from the second device on, the workers.
      const team = await Promise.all(tokens.map((token, i) => send(200 + i, token)));
      expect(team.map((r) => r.json().results[0].status)).toEqual(Array(8).fill('accepted'));
      expect(pool.prepared.inWorkers).toBeGreaterThan(0);
      // 7 in workers unless the machine took over a second between two of these requests.
      expect(pool.prepared.inWorkers).toBeGreaterThan(0);
      expect(pool.prepared.inWorkers + pool.prepared.inline).toBe(10);
    } finally {
      await app.close();
      await pool.close();
      await opened.cleanup();
    }
  });
});

/** The pool's answers, noting whether each batch was called alone (routes/sync.ts). */
function spying(pool: PreparePool): PreparePool & { alone: (boolean | undefined)[] } {
  const alone: (boolean | undefined)[] = [];
  return {
    alone,
    prepare(bytes, context, isAlone) {
      alone.push(isAlone);
      return pool.prepare(bytes, context, isAlone);
    },
    start: () => pool.start(),
    close: () => pool.close(),
    get size() {
      return pool.size;
    },
    get prepared() {
      return pool.prepared;
    },
  };
}

describe('one phone with batches in flight', () => {
  async function serve(setUp: (app: FastifyInstance) => void = () => {}) {
    const opened = await backends[0]!.open();
    const pool = spying(createPreparePool(1));
    await pool.start();
    const app = await buildServer({ db: opened.server, seedsDir: FIXTURE_WARDS_DIR, syncPreparePool: pool });
    setUp(app);
    const code = (await issueEnrolmentCode(opened.server, WARD, 1)).code;
    const enrol = await app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { wardCode: WARD, enrolmentCode: code, volunteerName: 'Lan' } });
    const token: string = enrol.json().token;
    return {
      app,
      pool,
      token,
      opened,
      async close() {
        await app.close();
        await pool.close();
        await opened.cleanup();
      },
    };
  }

  it('takes its overlapping batches as a team\'s: checked in the workers, each record stored once', async () => {
    const s = await serve();
    try {
      const send = (seeds: number[]) =>
        s.app.inject({ method: 'POST', url: '/api/v1/sync', headers: { authorization: `Bearer ${s.token}` }, payload: batch(seeds.map((seed) => householdRecord({ seed }))) });
      expect((await send([300])).json().results[0].status).toBe('accepted');
      expect(s.pool.alone).toEqual([true]);
      // Three at once, with disjoint records, as the phone sends them (CLIENT_MAX_BATCHES_IN_FLIGHT).
      const seeds = [
        [310, 311, 312],
        [320, 321, 322],
        [330, 331, 332],
      ];
      const answers = await Promise.all(seeds.map(send));
      for (const [i, answer] of answers.entries()) {
        expect(answer.statusCode).toBe(200);
        expect(answer.json().results).toEqual(seeds[i]!.map((seed) => ({ id: householdRecord({ seed }).id, rev: 1, status: 'accepted' })));
      }
      expect(s.pool.alone.slice(1)).toEqual([false, false, false]);
      expect(s.pool.prepared).toEqual({ inWorkers: 3, inline: 1 });
      const ids = seeds.flat().map((seed) => householdRecord({ seed }).id);
      const revisions = await s.opened.server.db.selectFrom('record_revisions').select('record_id').where('record_id', 'in', ids).execute();
      expect(revisions.map((r) => r.record_id).sort()).toEqual([...ids].sort());
    } finally {
      await s.close();
    }
  });

  it('counts no request as still open after a 4xx or a body cut off (over a real socket)', async () => {
    // Told when the server has seen each sync request's response close (before the route's own
    // listener, in the same emit), so the test knows the cut request has been dealt with.
    const closed: Promise<void>[] = [];
    // Set when the request to be cut has passed every onRequest hook (the route's open count
    // included): preParsing runs after them, before its body is read.
    let cutTakenIn = false;
    const s = await serve((app) => {
      app.addHook('onRequest', async (request, reply) => {
        if (request.url === '/api/v1/sync') closed.push(new Promise((resolve) => reply.raw.once('close', () => resolve())));
      });
      app.addHook('preParsing', async (request) => {
        if (request.headers['x-test-cut']) cutTakenIn = true;
      });
    });
    try {
      const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
      const post = (body: string, headers: Record<string, string> = {}) =>
        fetch(`${url}/api/v1/sync`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json', ...headers }, body });
      const good = (seed: number) => JSON.stringify(batch([householdRecord({ seed })]));
      expect((await post(good(400))).status).toBe(200);
      expect((await post(good(401), { 'x-outbox-waiting': 'many' })).status).toBe(400);
      expect((await post('{"protocolVersion":1,')).status).toBe(400);
      expect((await post('x', { 'content-type': 'text/plain' })).status).toBe(415);
      expect((await post(good(402), { authorization: 'Bearer nope' })).status).toBe(401);
      // Headers and half a body, then the connection is gone.
      const { port } = new URL(url);
      const cut = good(403);
      const socket = await new Promise<Socket>((resolve, reject) => {
        const opened = connect(Number(port), '127.0.0.1', () => resolve(opened));
        opened.on('error', reject);
      });
      socket.write(`POST /api/v1/sync HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: application/json\r\nX-Test-Cut: 1\r\nContent-Length: ${cut.length}\r\n\r\n${cut.slice(0, 100)}`);
      // Cut once the server has taken the request in (its hooks ran), not after a guessed delay.
      await waitFor(() => cutTakenIn, 15_000, 'the server to take in the request that is cut');
      socket.destroy();
      expect(closed).toHaveLength(6); // the stranger's too: this hook runs before the token is checked
      await Promise.all(closed);
      // The next batch is alone: nothing left open (a leak would make it a second request).
      expect((await post(good(404))).status).toBe(200);
      expect(s.pool.alone).toEqual([true, true, true]); // the bad JSON's bytes went to the pool too
    } finally {
      await s.close();
    }
  });
});
