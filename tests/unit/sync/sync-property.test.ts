// Property: whatever the interleaving of saves, edits and sync runs, and whatever the network
// does to each request (dropped before the server, dropped after it committed, 503, delivered
// twice), once the network behaves the phone and the ward converge: every record's latest rev is
// stored on the server with the phone's content, each id+rev exactly once, the outbox is empty
// and every record reads `synced` at its latest rev.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSyncEngine } from '../../../src/app/sync/sync-engine.js';
import { recordContentKey } from '../../../src/shared/protocol/decide-status.js';
import { FakeWard, ManualClock, editRecord, freshDb, jsonResponse, makeHousehold, queueRecord } from '../../helpers/sync-fixtures.js';

type Fault = 'ok' | 'drop-before' | 'drop-after' | '503' | 'twice';
type Command = { kind: 'new'; members: number } | { kind: 'edit'; pick: number } | { kind: 'sync'; faults: Fault[] };

const fault = fc.constantFrom<Fault>('ok', 'drop-before', 'drop-after', '503', 'twice');
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('new' as const), members: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('edit' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('sync' as const), faults: fc.array(fault, { maxLength: 6 }) }),
);

describe('sync convergence (property)', () => {
  it('converges exactly once through any faults', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 7 }), async (commands, maxRecords) => {
        const db = await freshDb();
        const ward = new FakeWard();
        const clock = new ManualClock();
        let script: Fault[] = [];
        ward.intercept = async (req) => {
          const f = script.shift() ?? 'ok';
          if (f === 'drop-before') throw new TypeError('connection reset');
          if (f === '503') return jsonResponse(503, { error: { code: 'server_error', message: 'x' } });
          let results = req.body.records.map((r) => ward.apply(r));
          if (f === 'twice') results = req.body.records.map((r) => ward.apply(r)); // delivered again: duplicates
          if (f === 'drop-after') throw new TypeError('connection reset after commit');
          return jsonResponse(200, { batchId: req.body.batchId, results });
        };
        const engine = createSyncEngine({ db, fetch: ward.fetch, clock, random: () => 0.5, locks: null, events: null, isOnline: () => true, maxRecords });
        const ids: string[] = [];
        const drive = async (steps: number) => {
          for (let i = 0; i < steps && engine.getState().phase === 'waiting'; i++) {
            clock.advance(clock.pendingDelays()[0]!);
            await engine.whenIdle();
          }
        };
        try {
          for (const c of commands) {
            if (c.kind === 'new') {
              const r = makeHousehold({ members: c.members });
              ids.push(r.id);
              await queueRecord(db, r);
            } else if (c.kind === 'edit') {
              if (ids.length > 0) await editRecord(db, ids[c.pick % ids.length]!, `sửa ${c.pick}`);
            } else {
              script = [...c.faults];
              await engine.syncNow();
              await drive(c.faults.length);
            }
          }
          script = [];
          await engine.syncNow();
          await drive(5);

          expect(engine.getState().phase).toBe('idle');
          expect(await db.outbox.count()).toBe(0);
          for (const id of ids) {
            const row = (await db.records.get(id))!;
            expect(row.syncState).toBe('synced');
            expect(row.syncedRev).toBe(row.record.rev);
            expect(ward.latest.get(id)).toBe(row.record.rev);
            expect(ward.stored.get(`${id}#${row.record.rev}`)).toBe(recordContentKey(row.record, row.record));
          }
          expect([...ward.latest.keys()].sort()).toEqual([...ids].sort());
          // Every rev the ward stored is one the phone sent; a second, different copy of an id+rev
          // would have come back `conflict` and left the record held (checked above).
          const sent = new Set(ward.requests.flatMap((req) => req.body.records.map((r) => `${r.id}#${r.rev}`)));
          expect([...ward.stored.keys()].every((k) => sent.has(k))).toBe(true);
        } finally {
          await engine.stop();
          db.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
