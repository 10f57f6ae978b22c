// Batches in flight (docs/sync-protocol.md): the phone sends its next batch before the answer
// to the last, up to CLIENT_MAX_BATCHES_IN_FLIGHT, with disjoint records, applies the answers
// in the order it sent them, and settles every request in flight before a run ends.
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../../src/app/sync/sync-engine.js';
import { getDevice } from '../../../src/app/sync/device-store.js';
import type { GoCuaDb } from '../../../src/app/storage/db.js';
import { CLIENT_MAX_BATCHES_IN_FLIGHT, sharedUploadMaxBytes } from '../../../src/shared/protocol/sync.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FakeWard, ManualClock, editRecord, freshDb, jsonResponse, makeHousehold, queueRecord, readRequest, type SeenRequest } from '../../helpers/sync-fixtures.js';

const engines: SyncEngine[] = [];
const dbs: GoCuaDb[] = [];

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  for (const db of dbs.splice(0)) db.close();
});

/** A request held at the door until the test lets it through (or answers it otherwise). */
interface Held {
  seen: SeenRequest;
  /** Passes it to the fake ward, which answers it. */
  pass(): void;
  /** Answers it with this instead. */
  answer(response: Response | Error): void;
}

/** The fake ward behind a door: every request waits in `held` until passed or answered. */
function gatedWard() {
  const ward = new FakeWard();
  const held: Held[] = [];
  let open = 0;
  let maxOpen = 0;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const seen = await readRequest(String(input), init);
    open++;
    maxOpen = Math.max(maxOpen, open);
    try {
      const verdict = await new Promise<'pass' | Response | Error>((resolve) =>
        held.push({ seen, pass: () => resolve('pass'), answer: (response) => resolve(response) }),
      );
      if (verdict instanceof Error) throw verdict;
      if (verdict instanceof Response) return verdict;
      return await ward.fetch(input, init);
    } finally {
      open--;
    }
  };
  return { ward, held, fetch, maxOpen: () => maxOpen, open: () => open };
}

async function setup(records: number, overrides: Partial<SyncEngineOptions> = {}) {
  const db = await freshDb();
  dbs.push(db);
  const gate = gatedWard();
  const ids: string[] = [];
  for (let i = 0; i < records; i++) {
    const r = makeHousehold({ members: 1 });
    ids.push(r.id);
    await queueRecord(db, r);
  }
  const engine = createSyncEngine({
    db,
    fetch: gate.fetch,
    clock: new ManualClock(),
    random: () => 0.5,
    locks: null,
    events: null,
    isOnline: () => true,
    maxRecords: 10,
    ...overrides,
  });
  engines.push(engine);
  return { db, gate, ids, engine };
}

const idsOf = (h: Held) => h.seen.body.records.map((r) => r.id);

describe('batches in flight', () => {
  it('keeps up to three batches of disjoint records in flight, and sends every record once', async () => {
    const { db, gate, engine } = await setup(55);
    const run = engine.requestSync();
    await waitFor(() => gate.held.length === CLIENT_MAX_BATCHES_IN_FLIGHT, 15_000, 'three batches in flight');
    // No fourth while three wait.
    await new Promise((r) => setTimeout(r, 50));
    expect(gate.held.length).toBe(CLIENT_MAX_BATCHES_IN_FLIGHT);
    let passed = 0;
    while (passed < 6) {
      await waitFor(() => gate.held.length > passed, 15_000, `request ${passed + 1}`);
      gate.held[passed++]!.pass();
    }
    await run;
    expect(gate.maxOpen()).toBe(CLIENT_MAX_BATCHES_IN_FLIGHT);
    const sent = gate.held.flatMap(idsOf);
    expect(sent).toHaveLength(55);
    expect(new Set(sent).size).toBe(55);
    expect(gate.ward.stored.size).toBe(55);
    expect(await db.outbox.count()).toBe(0);
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0, sent: 55 });
  });

  it('applies the answers in the order it sent them, whatever order they arrive in', async () => {
    const { db, gate, engine } = await setup(30);
    const run = engine.requestSync();
    await waitFor(() => gate.held.length === 3, 15_000, 'three batches in flight');
    const [first, second, third] = gate.held as [Held, Held, Held];
    third.pass();
    second.pass();
    await waitFor(() => gate.ward.stored.size === 20, 15_000, 'the ward to store the 2nd and 3rd');
    // Answered, but not applied before the first.
    await new Promise((r) => setTimeout(r, 50));
    expect(engine.getState().sent).toBe(0);
    expect(await db.outbox.count()).toBe(30);
    first.pass();
    await run;
    expect(engine.getState()).toMatchObject({ phase: 'idle', sent: 30, pending: 0 });
    expect(await db.outbox.count()).toBe(0);
  });

  it('does not send a record beside its own batch: a rev saved while it is in flight goes after the answer', async () => {
    const { db, gate, ids, engine } = await setup(12);
    const run = engine.requestSync();
    await waitFor(() => gate.held.length === 2, 15_000, 'two batches (10 + 2) in flight');
    const edited = ids[0]!; // in the first batch
    await editRecord(db, edited, 'sửa khi đang gửi');
    engine.requestSync(); // a save asks for a run: it comes after this one
    gate.held[0]!.pass();
    gate.held[1]!.pass();
    await waitFor(() => gate.held.length === 3, 15_000, 'the edited record sent again');
    expect(idsOf(gate.held[2]!)).toEqual([edited]);
    expect(gate.held[2]!.seen.body.records[0]!.rev).toBe(2);
    gate.held[2]!.pass();
    await run;
    await engine.whenIdle();
    expect(gate.ward.latest.get(edited)).toBe(2);
    expect(await db.outbox.count()).toBe(0);
  });

  it('a failed request ends the run after the others in flight are answered and applied: nothing lost, nothing sent twice', async () => {
    const { db, gate, engine } = await setup(30);
    const run = engine.requestSync();
    await waitFor(() => gate.held.length === 3, 15_000, 'three batches in flight');
    const failedIds = idsOf(gate.held[1]!);
    gate.held[1]!.answer(jsonResponse(503, { error: { code: 'unavailable', message: 'busy' } }));
    gate.held[0]!.pass();
    gate.held[2]!.pass();
    expect(await run).toBeUndefined();
    expect(gate.held).toHaveLength(3); // no new batch after the failure
    expect(gate.ward.stored.size).toBe(20);
    const left = await db.outbox.toArray();
    expect(left.map((e) => e.recordId).sort()).toEqual([...failedIds].sort());
    expect(engine.getState()).toMatchObject({ phase: 'waiting', sent: 20, pending: 10, error: { code: 'server', status: 503 } });
  });

  it('a dropped connection among batches in flight: the run ends offline or waiting, the others applied', async () => {
    const { db, gate, engine } = await setup(30);
    const run = engine.requestSync();
    await waitFor(() => gate.held.length === 3, 15_000, 'three batches in flight');
    gate.held[0]!.answer(new TypeError('Failed to fetch'));
    gate.held[1]!.pass();
    gate.held[2]!.pass();
    await run;
    expect(gate.held).toHaveLength(3);
    expect(gate.ward.stored.size).toBe(20);
    expect(await db.outbox.count()).toBe(10);
    expect(engine.getState()).toMatchObject({ phase: 'waiting', error: { code: 'network' } });
  });

  it('a stop (401) among batches in flight wins over a retry, after the others are applied', async () => {
    const { db, gate, engine } = await setup(30);
    const run = engine.requestSync();
    await waitFor(() => gate.held.length === 3, 15_000, 'three batches in flight');
    gate.held[0]!.answer(jsonResponse(503, { error: { code: 'unavailable' } }));
    gate.held[1]!.pass();
    gate.held[2]!.answer(jsonResponse(401, { error: { code: 'unauthorized' } }));
    await run;
    expect(gate.ward.stored.size).toBe(10);
    expect(await db.outbox.count()).toBe(20);
    expect(engine.getState()).toMatchObject({ phase: 'error', error: { code: 'unauthorized' } });
    expect((await getDevice(db))?.revokedAt).toBeDefined();
  });

  it('a batch refused as a whole (400) is sent again in halves while the others stay in flight', async () => {
    const { db, gate, engine } = await setup(30);
    const run = engine.requestSync();
    await waitFor(() => gate.held.length === 3, 15_000, 'three batches in flight');
    gate.held[0]!.answer(jsonResponse(400, { error: { code: 'bad_request', message: 'bad' } }));
    // The halves (5 + 5) go one at a time; the ward takes them, and the rest.
    for (let i = 1; gate.held.length < 5 || i < gate.held.length; i++) {
      await waitFor(() => gate.held.length > i, 15_000, `request ${i + 1}`);
      gate.held[i]!.pass();
    }
    await run;
    expect(gate.held.slice(3).map((h) => h.seen.body.records.length)).toEqual([5, 5]);
    expect(gate.ward.stored.size).toBe(30);
    expect(await db.outbox.count()).toBe(0);
    expect(engine.getState()).toMatchObject({ phase: 'idle', sent: 30 });
  });

  it('sends a body too large to share the link alone, and nothing beside it', async () => {
    // A 3 s base wait (as the slow-link tests scale it): bodies above 2,000 bytes go alone.
    const { gate, engine } = await setup(30, { requestTimeoutMs: 3000, compression: 'never' });
    const run = engine.requestSync();
    for (let i = 0; i < 3; i++) {
      await waitFor(() => gate.held.length > i, 15_000, `request ${i + 1}`);
      expect(gate.open()).toBe(1);
      expect(gate.held[i]!.seen.wireBytes).toBeGreaterThan(sharedUploadMaxBytes(3000));
      gate.held[i]!.pass();
    }
    await run;
    expect(gate.maxOpen()).toBe(1);
    expect(gate.ward.stored.size).toBe(30);
  });
});
