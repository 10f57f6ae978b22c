// The first render's early reads (src/app/ui/early-reads.ts): shared per query, closed after the
// first screen, and the comparison that lets a live query's repeat of an early answer cost no render.
import { describe, expect, it } from 'vitest';
import { closeEarlyReads, earlyRead, earlyReadsSettled, preloadRead, samePlainData } from '../../../src/app/ui/early-reads.js';
import { appDbLoaded, loadAppDb } from '../../../src/app/storage/app-store.js';
import type { GoCuaDb } from '../../../src/app/storage/db.js';

describe('early reads', () => {
  it('start once per query, answer from the loaded database, and close after the first screen', async () => {
    let calls = 0;
    const count = async (db: GoCuaDb) => {
      calls += 1;
      return db.records.count();
    };
    preloadRead(count);
    preloadRead(count);
    const read = earlyRead(count);
    expect(read).toBeDefined();
    expect(read?.settled).toBeUndefined();
    await loadAppDb();
    await appDbLoaded;
    await earlyReadsSettled();
    expect(calls).toBe(1);
    expect(read?.settled).toEqual({ value: 0 });
    closeEarlyReads();
    expect(earlyRead(count)).toBeUndefined();
    preloadRead(count);
    expect(earlyRead(count)).toBeUndefined();
    expect(calls).toBe(1);
  });
});

describe('samePlainData', () => {
  it('compares plain data by value', () => {
    expect(samePlainData({ today: 3, waiting: { total: 1, byKind: { household: 1 } } }, { today: 3, waiting: { total: 1, byKind: { household: 1 } } })).toBe(true);
    expect(samePlainData([1, 'a', null, undefined], [1, 'a', null, undefined])).toBe(true);
    expect(samePlainData(undefined, undefined)).toBe(true);
    expect(samePlainData(NaN, NaN)).toBe(true);
  });
  it('tells changes apart', () => {
    expect(samePlainData({ today: 3 }, { today: 4 })).toBe(false);
    expect(samePlainData({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(samePlainData({ a: undefined }, { b: undefined })).toBe(false);
    expect(samePlainData([1, 2], [1, 2, 3])).toBe(false);
    expect(samePlainData([1], { 0: 1 })).toBe(false);
    expect(samePlainData(false, undefined)).toBe(false);
  });
  it('counts anything but plain data as changed', () => {
    expect(samePlainData(new Map([[1, 2]]), new Map([[1, 3]]))).toBe(false);
    expect(samePlainData(new Date(0), new Date(0))).toBe(false);
  });
});
