// storage/first-read.ts: whether the phone's database exists, asked without creating or
// upgrading it, so that Dexie later opens (or creates) it as if the question had never been asked.
import { afterEach, describe, expect, it } from 'vitest';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { APP_DB_NAME } from '../../../src/app/storage/app-store.js';
import { databaseExists, DB_PROBE_GLOBAL } from '../../../src/app/storage/first-read.js';
import { headScript } from '../../../scripts/build/prerender-shell.js';

const names: string[] = [];
const fresh = () => {
  const name = `first-read-${crypto.randomUUID()}`;
  names.push(name);
  return name;
};
afterEach(async () => {
  for (const name of names.splice(0)) await new GoCuaDb(name).delete();
});

const listed = async (name: string) => (await indexedDB.databases()).some((d) => d.name === name);

describe('databaseExists', () => {
  it('says no for a missing database and leaves none behind', async () => {
    const name = fresh();
    expect(await databaseExists(name)).toBe(false);
    expect(await listed(name)).toBe(false);
    // Asked twice: still none (the aborted creation left nothing).
    expect(await databaseExists(name)).toBe(false);
  });

  it('lets Dexie create the database afterwards with its whole schema', async () => {
    const name = fresh();
    expect(await databaseExists(name)).toBe(false);
    const db = new GoCuaDb(name);
    await db.drafts.put({ id: 'd', kind: 'household', form: {}, step: 'address', searchText: '', createdAt: 'x', updatedAt: 'x' });
    expect(db.verno).toBe(4);
    expect(db.tables.map((t) => t.name).sort()).toEqual(['drafts', 'meta', 'outbox', 'records', 'summaries', 'summaryPacks']);
    db.close();
    expect(await databaseExists(name)).toBe(true);
  });

  it('says yes for an existing database, opens it without upgrading it and does not block Dexie', async () => {
    const name = fresh();
    const db = new GoCuaDb(name);
    await db.meta.put({ key: 'installId', value: 'i-1' });
    db.close();
    expect(await databaseExists(name)).toBe(true);
    // Its connection was closed: Dexie opens (and could upgrade) at once.
    const again = new GoCuaDb(name);
    expect((await again.meta.get('installId'))?.value).toBe('i-1');
    again.close();
  });

  it('says yes while Dexie holds the database open', async () => {
    const name = fresh();
    const db = new GoCuaDb(name);
    await db.open();
    expect(await databaseExists(name)).toBe(true);
    db.close();
  });

  it('says yes when IndexedDB is not there to ask (Dexie then reports the problem)', async () => {
    expect(await databaseExists('any', null)).toBe(true);
  });
});

// index.html's first inline script asks the same question as the page starts parsing (a first
// visit: no service worker), and leaves the answer for the app (scripts/build/prerender-shell.ts).
describe("index.html's early probe (headScript)", () => {
  afterEach(async () => {
    await new GoCuaDb(APP_DB_NAME).delete();
  });

  /** Runs the inline script as the page would, with this IndexedDB; its answer, if it asked. */
  const probe = (controller: object | null = null): Promise<boolean> | undefined => {
    const page: Record<string, unknown> = { indexedDB };
    new Function('window', 'navigator', 'document', headScript(undefined))(page, { serviceWorker: { controller } }, undefined);
    return page[DB_PROBE_GLOBAL] as Promise<boolean> | undefined;
  };

  it('answers as databaseExists does, creating nothing, and Dexie then opens or creates the database', async () => {
    expect(await probe()).toBe(false);
    expect(await listed(APP_DB_NAME)).toBe(false);
    const db = new GoCuaDb(APP_DB_NAME);
    await db.meta.put({ key: 'installId', value: 'i-1' });
    db.close();
    expect(await probe()).toBe(true);
    const again = new GoCuaDb(APP_DB_NAME);
    expect((await again.meta.get('installId'))?.value).toBe('i-1');
    again.close();
  });

  it('asks nothing when the service worker serves the page (not a first visit)', () => {
    expect(probe({})).toBeUndefined();
  });
});
