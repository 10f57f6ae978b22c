// Browser-side half of bench/phone-sync.ts, bundled on the fly (vite, IIFE) and served by the
// real ward endpoint as a same-origin page, so that Chromium's network throttling applies to the
// engine's real requests. It is the engine's test hook for the benchmark: `window.goCuaBench`.
import { GoCuaDb, type StoredRecord } from '../src/app/storage/db.js';
import { setDevice, type DeviceCredentials } from '../src/app/sync/device-store.js';
import { createSyncEngine } from '../src/app/sync/sync-engine.js';
import type { HouseholdRecord } from '../src/shared/schema/household.js';

let db: GoCuaDb | null = null;

const api = {
  /** A fresh phone database holding the device and `records` queued (records + outbox rows). */
  async prepare(name: string, device: DeviceCredentials, records: HouseholdRecord[]): Promise<number> {
    db = new GoCuaDb(name);
    await db.open();
    await setDevice(db, device);
    const now = new Date().toISOString();
    await db.transaction('rw', db.records, db.outbox, async () => {
      await db!.records.bulkPut(
        records.map(
          (record): StoredRecord => ({
            id: record.id,
            kind: 'household',
            record,
            syncState: 'pending',
            groupCode: record.data.groupCode,
            outcome: record.data.outcome,
            surveyedAt: record.data.surveyedAt,
            savedAt: now,
            searchText: '',
            voided: record.data.voided ? 1 : 0,
          }),
        ),
      );
      await db!.outbox.bulkAdd(records.map((r) => ({ recordId: r.id, rev: r.rev, queuedAt: now, state: 'queued' as const, attempts: 0 })));
    });
    return db.outbox.count();
  },
  /** One full sync run of everything queued; resolves when the engine is idle again. */
  async sync(compression: 'auto' | 'never') {
    if (!db) throw new Error('prepare first');
    let requests = 0;
    // What the same batches weigh uncompressed (batching is by uncompressed size, so this is
    // exactly what the engine sends with gzip off). Bodies are kept by reference and weighed
    // after the timed run, so measuring costs the run no time.
    const bodies: { body: Uint8Array; gzipped: boolean }[] = [];
    const originalFetch = globalThis.fetch.bind(globalThis);
    const counting: typeof fetch = (input, init) => {
      requests++;
      bodies.push({ body: init?.body as Uint8Array, gzipped: new Headers(init?.headers).get('content-encoding') === 'gzip' });
      return originalFetch(input, init);
    };
    const timed = createSyncEngine({ db, compression, events: null, fetch: counting });
    const t0 = performance.now();
    await timed.requestSync();
    const ms = performance.now() - t0;
    const state = timed.getState();
    let rawBytes = 0;
    for (const { body, gzipped } of bodies) {
      rawBytes += gzipped
        ? (await new Response(new Blob([body as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()).byteLength
        : body.byteLength;
    }
    return { ms, bytesSent: state.bytesSent, rawBytes, requests, phase: state.phase, pending: state.pending, sent: state.sent, error: state.error ?? null, left: await db.outbox.count() };
  },
};

(globalThis as unknown as { goCuaBench: typeof api }).goCuaBench = api;
