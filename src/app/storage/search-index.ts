// The household list and its search, kept in memory. Reading all 5,000 summary rows from
// IndexedDB for every list open and every keystroke costs 60–75 ms on a phone; the list's first
// screen instead reads a page by the non-personal `savedAt` index (firstSummaryPage), and search
// runs over this index, built once (at start, or at unlock when the phone lock is on) and kept in
// step with every write to `summaries` — from this tab or another — through Dexie's
// `storagemutated` event, which fires after a transaction commits (so an aborted save never
// reaches the index).
//
// The index holds folded search text (names, addresses): personal data. It lives only in this
// tab's memory and `clear()` drops it (the phone lock calls it when the phone locks).
//
// With the lock on, the rows are encrypted at rest (security/at-rest.ts). Read through Dexie,
// each row would be decrypted synchronously with its own AES-GCM key set-up (the middleware must
// be synchronous to run inside a save's transaction) — 3.3 s for 5,000 rows at 4× CPU. The build
// and the first page therefore read rows as stored, straight from IndexedDB (no transaction of
// the app's is involved: reads only), and decrypt them in a batch with WebCrypto, the data key
// imported once per unlock (decodeRows): same rows, same authentication, a fraction of the time.
// The build reads the summaries packed by bucket (summary-packs.ts: ~256 rows and blobs instead
// of 5,000) and only the buckets written since their pack was, then writes those packs back.
import { Dexie, type IntervalTree, type ObservabilitySet } from 'dexie';
import { foldVietnamese } from '../../shared/domain/text-search.js';
import { decodeRows, keyringOf } from '../security/at-rest.js';
import type { GoCuaDb, RecordSummary, SummaryPack } from './db.js';
import { readPacks, writePacks } from './summary-pack-store.js';
import { PACKS_TABLE } from './summary-packs.js';

export interface SummaryFilter {
  groupCode?: string;
  includeVoided?: boolean;
}

/** The IndexedDB database under Dexie (opened first if need be). */
async function backend(db: GoCuaDb): Promise<IDBDatabase> {
  if (!db.isOpen()) await db.open();
  return db.backendDB();
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** IndexedDB 3.0's getAllRecords (Chromium 141+): many records in one request, in either direction. */
type GetAllRecords = (options: { query?: IDBKeyRange | null; count?: number; direction?: IDBCursorDirection }) => IDBRequest<{ value: unknown }[]>;

/** The newest `limit` summaries not voided, by the savedAt index, as stored. */
async function storedNewest(db: GoCuaDb, limit: number): Promise<unknown[]> {
  const index = (await backend(db)).transaction('summaries', 'readonly').objectStore('summaries').index('savedAt');
  const getAllRecords = (index as unknown as { getAllRecords?: GetAllRecords }).getAllRecords;
  if (getAllRecords) {
    // One request rather than one per row; a few more than asked, for the voided ones left out.
    const count = limit + 20;
    const records = await request(getAllRecords.call(index, { query: null, count, direction: 'prev' }));
    const rows = records.map((r) => r.value).filter((v) => (v as RecordSummary).voided === 0);
    if (rows.length >= limit || records.length < count) return rows.slice(0, limit);
  }
  const rows: unknown[] = [];
  return new Promise((resolve, reject) => {
    const req = index.openCursor(null, 'prev');
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) return resolve(rows);
      if ((cursor.value as RecordSummary).voided === 0) rows.push(cursor.value);
      if (rows.length >= limit) return resolve(rows);
      cursor.continue();
    };
  });
}

/** How many changed keys are re-read one by one before a full rebuild is cheaper. */
const MAX_INCREMENTAL_KEYS = 500;

function newestFirst(a: RecordSummary, b: RecordSummary): number {
  if (a.savedAt !== b.savedAt) return a.savedAt < b.savedAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function passes(row: RecordSummary, filter: SummaryFilter): boolean {
  return (filter.includeVoided || row.voided === 0) && (!filter.groupCode || row.groupCode === filter.groupCode);
}

/** The keys an interval tree holds, or undefined when it holds a range (a clear, a bulk delete by range). */
function keysOf(tree: IntervalTree | undefined): string[] | undefined {
  if (!tree) return [];
  const keys: string[] = [];
  const walk = (node: IntervalTree | undefined): boolean => {
    if (!node || !('from' in node)) return true;
    const { from, to } = node as { from: unknown; to: unknown; l?: IntervalTree; r?: IntervalTree };
    if (from !== to || typeof from !== 'string') return false;
    keys.push(from);
    if (keys.length > MAX_INCREMENTAL_KEYS) return false;
    return walk((node as { l?: IntervalTree }).l) && walk((node as { r?: IntervalTree }).r);
  };
  return walk(tree) ? keys : undefined;
}

export class SummaryIndex {
  private rows: RecordSummary[] | undefined;
  private byId = new Map<string, RecordSummary>();
  private building: Promise<void> | undefined;
  private packing: Promise<void> = Promise.resolve();
  /** Ids written while a build reads (or 'all' after a range change), read again at its end. */
  private changedWhileBuilding: Set<string> | 'all' | undefined;
  private generation = 0;
  private readonly listeners = new Set<() => void>();
  private readonly part: string;
  private readonly onMutated = (parts: ObservabilitySet) => void this.applyMutation(parts);

  constructor(private readonly db: GoCuaDb) {
    this.part = `idb://${db.name}/summaries/`;
    Dexie.on('storagemutated', this.onMutated);
  }

  /** True once built (and not cleared since). */
  get ready(): boolean {
    return this.rows !== undefined;
  }

  /** Changes whenever the index's content changes (for React's useSyncExternalStore). */
  get version(): number {
    return this.generation;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads every summary once: from their packs, plus the buckets written since their pack was
   * (summary-packs.ts), in one read transaction, decrypted in a batch. Writes that land meanwhile
   * are read again at the end. Concurrent calls share one build. The packs of the buckets read
   * row by row are written back afterwards (whenPacked), never delaying the index.
   */
  build(): Promise<void> {
    if (this.rows) return Promise.resolve();
    this.building ??= (async (): Promise<Set<string> | 'all' | undefined> => {
      const generationAtStart = this.generation;
      this.changedWhileBuilding = new Set();
      const all = await this.readAll();
      // A clear() while reading (the phone locked) wins: nothing read is kept.
      if (all === undefined || this.generation !== generationAtStart) return undefined;
      // Written by applyMutation during the awaits above (TypeScript keeps the narrowing).
      const changed = this.changedWhileBuilding as Set<string> | 'all' | undefined;
      this.setAll(all);
      return changed;
    })()
      .finally(() => {
        this.building = undefined;
        this.changedWhileBuilding = undefined;
      })
      // After the build has ended (a rebuild starts a new one).
      .then((changed) => (changed === 'all' ? this.rebuild() : changed && changed.size > 0 ? this.reread([...changed]) : undefined));
    return this.building;
  }

  /** Resolves once the packs a build read row by row are written back (tests, the bench). */
  whenPacked(): Promise<void> {
    return this.packing;
  }

  private async readAll(): Promise<RecordSummary[] | undefined> {
    const generationAtStart = this.generation;
    const keyring = keyringOf(this.db);
    const idb = await backend(this.db);
    if (keyring?.status === 'locked') {
      // Nothing can be decrypted (nor packed): the rows as stored, without their personal parts.
      return request(idb.transaction('summaries', 'readonly').objectStore('summaries').getAll()) as Promise<RecordSummary[]>;
    }
    const snapshot = await readPacks(idb);
    if (this.generation !== generationAtStart) return undefined;
    const [packs, fresh] = await Promise.all([
      decodeRows<SummaryPack>(keyring, PACKS_TABLE, 'bucket', snapshot.packs),
      decodeRows<RecordSummary>(keyring, 'summaries', 'id', snapshot.summaries),
    ]);
    if (this.generation !== generationAtStart) return undefined;
    this.packing = writePacks(this.db, idb, snapshot, fresh).then(
      () => undefined,
      // A cache that could not be written is only a slower next build.
      () => undefined,
    );
    const all = fresh.slice();
    for (const pack of packs) for (const row of pack.rows ?? []) all.push(row);
    return all;
  }

  /** Forgets everything (the phone locked, or its data was wiped). */
  clear(): void {
    this.rows = undefined;
    this.byId = new Map();
    this.changed();
  }

  /** Stops listening for writes (tests that open many databases). */
  dispose(): void {
    Dexie.on('storagemutated').unsubscribe(this.onMutated);
    this.clear();
    this.listeners.clear();
  }

  /** Summaries newest save first; [] until built. */
  list(filter: SummaryFilter = {}): RecordSummary[] {
    if (!this.rows) return [];
    return filter.groupCode || !filter.includeVoided ? this.rows.filter((r) => passes(r, filter)) : this.rows;
  }

  /** Summaries whose folded text holds every word of the query (diacritics, đ/d and case ignored). */
  search(query: string, filter: SummaryFilter = {}): RecordSummary[] {
    const words = foldVietnamese(query).split(' ').filter(Boolean);
    if (words.length === 0) return this.list(filter);
    if (!this.rows) return [];
    const out: RecordSummary[] = [];
    for (const row of this.rows) {
      if (!passes(row, filter)) continue;
      const text = row.searchText;
      if (words.every((w) => text.includes(w))) out.push(row);
    }
    return out;
  }

  private setAll(all: RecordSummary[]): void {
    all.sort(newestFirst);
    this.rows = all;
    this.byId = new Map(all.map((r) => [r.id, r]));
    this.changed();
  }

  private changed(): void {
    this.generation++;
    for (const listener of this.listeners) listener();
  }

  private async applyMutation(parts: ObservabilitySet): Promise<void> {
    const touched = parts[this.part];
    const deleted = parts[`${this.part}:dels`];
    if (!touched && !deleted) return;
    const keys = keysOf(touched);
    const deletedKeys = keysOf(deleted);
    if (this.changedWhileBuilding !== undefined) {
      if (!keys || !deletedKeys) this.changedWhileBuilding = 'all';
      else if (this.changedWhileBuilding !== 'all') for (const id of [...keys, ...deletedKeys]) this.changedWhileBuilding.add(id);
      return;
    }
    if (!this.rows) return;
    if (!keys || !deletedKeys) {
      await this.rebuild();
      return;
    }
    await this.reread([...new Set([...keys, ...deletedKeys])]);
  }

  /** Reads these ids again: changed rows replace their old place, deleted ones leave. */
  private async reread(ids: string[]): Promise<void> {
    const generationAtStart = this.generation;
    const fresh = await this.db.summaries.bulkGet(ids);
    if (!this.rows || this.generation !== generationAtStart) return;
    let rows = this.rows.filter((r) => !ids.includes(r.id));
    const found = fresh.filter((r): r is RecordSummary => r !== undefined);
    if (ids.length > 50) rows = [...rows, ...found].sort(newestFirst);
    else for (const row of found) rows.splice(insertionPoint(rows, row), 0, row);
    this.rows = rows;
    for (const id of ids) this.byId.delete(id);
    for (const row of found) this.byId.set(row.id, row);
    this.changed();
  }

  private async rebuild(): Promise<void> {
    this.rows = undefined;
    await this.build();
  }
}

/** Where `row` goes in newest-first order (binary search). */
function insertionPoint(rows: RecordSummary[], row: RecordSummary): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (newestFirst(rows[mid]!, row) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const indexes = new WeakMap<GoCuaDb, SummaryIndex>();

/** The one index of a database instance. */
export function summaryIndexFor(db: GoCuaDb): SummaryIndex {
  let index = indexes.get(db);
  if (!index) {
    index = new SummaryIndex(db);
    indexes.set(db, index);
  }
  return index;
}

/**
 * The newest `limit` summaries (voided ones left out), read through the `savedAt` index: the
 * list's first screen without reading every row. Usable in a live query: a count through Dexie
 * makes any change to `summaries` run it again.
 */
export async function firstSummaryPage(db: GoCuaDb, limit: number): Promise<RecordSummary[]> {
  await db.summaries.count();
  return decodeRows<RecordSummary>(keyringOf(db), 'summaries', 'id', await storedNewest(db, limit));
}
