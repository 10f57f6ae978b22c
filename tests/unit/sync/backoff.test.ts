// Backoff with full jitter, its cap, Retry-After, and recovery — against a fake answer script.
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, createSyncEngine, parseRetryAfter, type SyncEngine } from '../../../src/app/sync/sync-engine.js';
import type { GoCuaDb } from '../../../src/app/storage/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FakeWard, ManualClock, freshDb, jsonResponse, makeHousehold, queueRecord } from '../../helpers/sync-fixtures.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

describe('backoffDelay', () => {
  it('is uniform in [0, min(cap, base·2^n))', () => {
    expect(backoffDelay(0, () => 0, 1000, 300_000)).toBe(0);
    expect(backoffDelay(0, () => 0.999, 1000, 300_000)).toBe(999);
    expect(backoffDelay(3, () => 0.5, 1000, 300_000)).toBe(4000);
    expect(backoffDelay(8, () => 0.5, 1000, 300_000)).toBe(128_000);
    expect(backoffDelay(9, () => 0.5, 1000, 300_000)).toBe(150_000); // capped: 512 s > 300 s
    expect(backoffDelay(500, () => 0.999999, 1000, 300_000)).toBeLessThan(300_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-24T02:00:00Z');
  it('reads seconds and HTTP dates, ignores rubbish', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 02:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 01:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('999999', now)).toBe(3_600_000);
  });
});

async function setup(random: () => number) {
  const db: GoCuaDb = await freshDb();
  const ward = new FakeWard();
  const clock = new ManualClock();
  const engine: SyncEngine = createSyncEngine({ db, fetch: ward.fetch, clock, random, locks: null, events: null, isOnline: () => true });
  cleanup.push(async () => {
    await engine.stop();
    db.close();
  });
  await queueRecord(db, makeHousehold());
  return { db, ward, clock, engine };
}

describe('engine backoff', () => {
  it('doubles the ceiling on each failure, capped at 5 minutes, then recovers', async () => {
    const { db, ward, clock, engine } = await setup(() => 0.75);
    let failing = true;
    ward.intercept = () => (failing ? jsonResponse(503, { error: { code: 'server_error', message: 'x' } }) : undefined);
    await engine.requestSync();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      expect(engine.getState()).toMatchObject({ phase: 'waiting', error: { code: 'server', status: 503 } });
      const d = clock.pendingDelays();
      expect(d.length).toBe(1);
      delays.push(d[0]!);
      expect(Date.parse(engine.getState().retryAt!) - clock.now()).toBe(d[0]);
      clock.advance(d[0]!);
      await engine.whenIdle();
    }
    expect(delays).toEqual([750, 1500, 3000, 6000, 12_000, 24_000, 48_000, 96_000, 192_000, 225_000, 225_000, 225_000]);
    expect(ward.requests.length).toBe(13);
    // A save while waiting does not jump the queue; the timer does the retry.
    await engine.requestSync();
    expect(ward.requests.length).toBe(13);
    failing = false;
    clock.advance(clock.pendingDelays()[0]!);
    await engine.whenIdle();
    expect(engine.getState()).toMatchObject({ phase: 'idle', pending: 0 });
    expect(engine.getState().error).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
  });

  it('draws each wait from the random source (full jitter)', async () => {
    const draws = [0.1, 0.9, 0.3];
    const { ward, clock, engine } = await setup(() => draws.shift() ?? 0);
    ward.intercept = () => jsonResponse(502, {});
    await engine.requestSync();
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push(clock.pendingDelays()[0]!);
      clock.advance(seen.at(-1)!);
      await engine.whenIdle();
    }
    expect(seen).toEqual([100, 1800, 1200]);
  });

  it('waits at least Retry-After on 429', async () => {
    const { ward, clock, engine } = await setup(() => 0.5);
    let n = 0;
    ward.intercept = () => (n++ === 0 ? jsonResponse(429, { error: { code: 'rate_limited', message: 'x' } }, { 'retry-after': '30' }) : undefined);
    await engine.requestSync();
    expect(engine.getState()).toMatchObject({ phase: 'waiting', error: { code: 'rate_limited', messageKey: 'sync.error.rate_limited' } });
    expect(clock.pendingDelays()).toEqual([30_000]);
    clock.advance(29_999);
    await engine.whenIdle();
    expect(ward.requests.length).toBe(1);
    clock.advance(1);
    await engine.whenIdle();
    expect(ward.requests.length).toBe(2);
    expect(ward.stored.size).toBe(1);
  });

  it('network errors back off; "Đồng bộ ngay" skips the wait', async () => {
    const { ward, clock, engine } = await setup(() => 0.5);
    let down = true;
    ward.intercept = () => {
      if (down) throw new TypeError('fetch failed');
      return undefined;
    };
    await engine.requestSync();
    expect(engine.getState()).toMatchObject({ phase: 'waiting', error: { code: 'network' } });
    down = false;
    await engine.syncNow();
    expect(engine.getState().phase).toBe('idle');
    expect(ward.stored.size).toBe(1);
    expect(clock.pendingDelays()).toEqual([]); // the retry timer was cleared
  });

  it('a network error while the phone reports offline means offline, not backoff', async () => {
    let online = true;
    const db = await freshDb();
    const clock = new ManualClock();
    const engine = createSyncEngine({
      db,
      clock,
      locks: null,
      events: null,
      isOnline: () => online,
      fetch: async () => {
        online = false;
        throw new TypeError('fetch failed');
      },
    });
    cleanup.push(async () => {
      await engine.stop();
      db.close();
    });
    await queueRecord(db, makeHousehold());
    await engine.requestSync();
    expect(engine.getState().phase).toBe('offline');
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('abandons a request that never answers (a half-open connection) and retries', async () => {
    const { ward, clock, engine } = await setup(() => 0.5);
    let hang = true;
    const inner = ward.fetch;
    const hanging: typeof fetch = (input, init) =>
      hang
        ? new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))
        : inner(input, init);
    const db = await freshDb();
    const e = createSyncEngine({ db, fetch: hanging, clock, random: () => 0.5, locks: null, events: null, isOnline: () => true, requestTimeoutMs: 30_000 });
    cleanup.push(async () => {
      await e.stop();
      db.close();
    });
    await queueRecord(db, makeHousehold());
    const run = e.requestSync();
    // The request is in flight once its timeout is armed on the test clock.
    await waitFor(() => e.getState().phase === 'sending' && clock.pendingDelays().length > 0, 15_000, 'the request to be sent');
    clock.advance(30_000);
    await run;
    expect(e.getState()).toMatchObject({ phase: 'waiting', error: { code: 'network' } });
    hang = false;
    clock.advance(clock.pendingDelays()[0]!);
    await e.whenIdle();
    expect(e.getState().phase).toBe('idle');
    expect(ward.stored.size).toBe(1);
    void engine;
  });

  it('falls back to plain JSON when the endpoint answers 415 to gzip', async () => {
    const { db, ward, engine } = await setup(() => 0.5);
    for (let i = 0; i < 10; i++) await queueRecord(db, makeHousehold({ members: 3 }));
    ward.intercept = (req) =>
      req.headers.get('content-encoding') === 'gzip' ? jsonResponse(415, { error: { code: 'unsupported_media_type', message: 'x' } }) : undefined;
    await engine.requestSync();
    expect(ward.requests.map((r) => r.headers.get('content-encoding'))).toEqual(['gzip', null]);
    expect(engine.getState().phase).toBe('idle');
    expect(await db.outbox.count()).toBe(0);
  });
});
