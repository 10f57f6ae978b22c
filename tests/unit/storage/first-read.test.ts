// storage/first-read.ts: whether the phone's database exists, asked without creating or
// upgrading it, so that Dexie later opens (or creates) it as if the question had never been asked.
import { afterEach, describe, expect, it } from 'vitest';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { databaseExists } from '../../../src/app/storage/first-read.js';

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
    expect(db.verno).toBe(3);
    expect(db.tables.map((t) => t.name).sort()).toEqual(['drafts', 'meta', 'outbox', 'records', 'summaries']);
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
