// The worker threads that prepare sync batches: real workers (the TypeScript source through
// tsx, as in production) give exactly what the inline path gives, and a worker that dies or
// never starts loses no batch.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { issueEnrolmentCode } from '../../src/server/services/enrolment-codes.js';
import { RecentSyncDevices } from '../../src/server/routes/sync.js';
import { createPreparePool } from '../../src/server/services/sync-prepare-pool.js';
import { prepareBatch, type PrepareContext } from '../../src/server/services/sync-prepare.js';
import { generateSealingKeyPair, sealText } from '../../src/shared/crypto/hpke.js';
import { canonicalJson } from '../../src/shared/protocol/canonical-json.js';
import { backends } from '../helpers/server-db.js';
import { batch, FIXTURE_WARDS_DIR, householdRecord, OTHER_WARD, WARD } from '../helpers/records.js';

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

describe('recent sync devices (which batches count as alone)', () => {
  it('counts the devices seen within the window', () => {
    const activity = new RecentSyncDevices(1000);
    expect(activity.seen('a', 0)).toBe(1);
    expect(activity.seen('a', 500)).toBe(1);
    expect(activity.seen('b', 900)).toBe(2);
    expect(activity.seen('b', 1600)).toBe(1); // a last seen at 500: gone
    expect(activity.seen('c', 1700)).toBe(2);
    expect(activity.seen('c', 5000)).toBe(1);
  });
});

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
