// storage/app-store.ts: the app's database loads lazily; a blank phone answers its first reads
// without loading it, a phone with data reads through it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GoCuaDb } from '../../../src/app/storage/db.js';

type AppStore = typeof import('../../../src/app/storage/app-store.js');
/** A fresh copy of the module (its blank-phone answer is asked once per page). */
async function freshAppStore(): Promise<AppStore> {
  vi.resetModules();
  return import('../../../src/app/storage/app-store.js');
}

beforeEach(async () => {
  await new GoCuaDb('go-cua').delete();
});
afterEach(async () => {
  const store = await import('../../../src/app/storage/app-store.js');
  store.loadedAppDb()?.close();
  await new GoCuaDb('go-cua').delete();
});

describe('app store', () => {
  it('a blank phone answers its first reads without loading the database', async () => {
    const store = await freshAppStore();
    const query = vi.fn(async (db: GoCuaDb) => (await db.meta.get('installId'))?.value);
    expect(await store.isBlankPhone()).toBe(true);
    expect(await store.readAppDb(query, 'blank')).toBe('blank');
    expect(query).not.toHaveBeenCalled();
    expect(store.loadedAppDb()).toBeUndefined();
    expect((await indexedDB.databases()).some((d) => d.name === 'go-cua')).toBe(false);

    // Once loaded (after the first screen, or by a write), reads go to the database.
    const db = await store.loadAppDb();
    expect(await store.appDbLoaded).toBe(db);
    await db.meta.put({ key: 'installId', value: 'i-2' });
    expect(await store.readAppDb(query, 'blank')).toBe('i-2');
    // Asked at start: the phone was blank then, whatever it holds now.
    expect(await store.isBlankPhone()).toBe(true);
  });

  it('a phone with a database reads through it (loading it)', async () => {
    const seeded = new GoCuaDb('go-cua');
    await seeded.meta.put({ key: 'installId', value: 'i-1' });
    seeded.close();
    const store = await freshAppStore();
    expect(await store.isBlankPhone()).toBe(false);
    expect(await store.readAppDb(async (db) => (await db.meta.get('installId'))?.value, 'blank')).toBe('i-1');
    expect(store.loadedAppDb()).toBeDefined();
  });

  it('a page served by the service worker is no first visit: it does not ask IndexedDB', async () => {
    vi.stubGlobal('navigator', { serviceWorker: { controller: {} } });
    try {
      const store = await freshAppStore();
      expect(await store.isBlankPhone()).toBe(false);
      expect((await indexedDB.databases()).some((d) => d.name === 'go-cua')).toBe(false);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('loads the database once, whoever asks', async () => {
    const store = await freshAppStore();
    const [a, b] = await Promise.all([store.loadAppDb(), store.loadAppDb()]);
    expect(a).toBe(b);
  });
});
