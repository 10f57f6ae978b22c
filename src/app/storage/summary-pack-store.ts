// Reading and writing the list's summary packs for the index build (layout, staleness and the
// middleware that keeps them conservative: summary-packs.ts).
import { encodeRows, keyringOf } from '../security/at-rest.js';
import type { GoCuaDb, RecordSummary, SummaryPack } from './db.js';
import { bucketOf, newToken, PACKS_STATE, PACKS_TABLE } from './summary-packs.js';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** What one read of packs and summaries saw (rows as stored: personal parts may be encrypted). */
export interface PacksSnapshot {
  /** Fresh packs as stored. */
  packs: unknown[];
  /** Summaries of the buckets without a fresh pack (all of them when `complete` is false). */
  summaries: unknown[];
  /** Token of each bucket's pack or marker as read (absent: no row). */
  tokens: Map<string, string>;
  /** Buckets read from `summaries`: the ones writePacks may fill. */
  staleBuckets: Set<string> | 'all';
  stateToken: string | undefined;
}

/** Reads packs and the summaries they do not cover, in one read transaction (a consistent view). */
export async function readPacks(idb: IDBDatabase): Promise<PacksSnapshot> {
  const tx = idb.transaction([PACKS_TABLE, 'summaries'], 'readonly');
  const summariesStore = tx.objectStore('summaries');
  const [stored, total] = await Promise.all([request(tx.objectStore(PACKS_TABLE).getAll()) as Promise<SummaryPack[]>, request(summariesStore.count())]);
  const tokens = new Map<string, string>();
  const packs: unknown[] = [];
  const stale: string[] = [];
  let state: SummaryPack | undefined;
  for (const row of stored) {
    if (row.bucket === PACKS_STATE) state = row;
    else {
      tokens.set(row.bucket, row.token);
      if (row.stale) stale.push(row.bucket);
      else packs.push(row);
    }
  }
  const readAll = async (): Promise<PacksSnapshot> => ({ packs: [], summaries: await request(summariesStore.getAll()), tokens, staleBuckets: 'all', stateToken: state?.token });
  if (!state?.complete) return readAll();
  const reads = stale.map((bucket) => request(summariesStore.getAll(IDBKeyRange.bound(bucket, `${bucket}\uffff`))));
  // A one-character id's range also holds longer ids of other buckets: keep the bucket's own.
  const summaries = (await Promise.all(reads)).flatMap((rows, i) => rows.filter((r) => bucketOf((r as RecordSummary).id) === stale[i]));
  // A safety net for writes that bypassed Dexie (and so the middleware), e.g. a test or a tool
  // writing IndexedDB directly: packs and rows that do not add up to the store's count are not
  // trusted, and everything is read again (and packed again).
  const packed = (packs as SummaryPack[]).reduce((sum, pack) => sum + (pack.size ?? Number.NaN), 0);
  if (packed + summaries.length !== total) return readAll();
  return { packs, summaries, tokens, staleBuckets: new Set(stale), stateToken: state.token };
}

/**
 * Writes fresh packs for the buckets the snapshot read from `summaries`, from `rows` (the
 * decrypted summaries of those buckets), each only if its token is unchanged since the read.
 * Encrypts with WebCrypto first (security/at-rest.ts encodeRows), then writes the stored form in
 * one transaction of its own. A lock meanwhile skips the write (PhoneLockedError is swallowed:
 * the packs stay stale, nothing is lost).
 */
export async function writePacks(db: GoCuaDb, idb: IDBDatabase, snapshot: PacksSnapshot, rows: readonly RecordSummary[]): Promise<number> {
  const byBucket = new Map<string, RecordSummary[]>();
  for (const row of rows) {
    const bucket = bucketOf(row.id);
    if (snapshot.staleBuckets === 'all' || snapshot.staleBuckets.has(bucket)) {
      let list = byBucket.get(bucket);
      if (!list) byBucket.set(bucket, (list = []));
      list.push(row);
    }
  }
  // A bucket whose rows are all gone gets an empty pack (known empty, no re-read; after a full
  // read, an older pack of it must not count rows that are no longer there).
  const emptied = snapshot.staleBuckets === 'all' ? snapshot.tokens.keys() : snapshot.staleBuckets;
  for (const bucket of emptied) if (!byBucket.has(bucket)) byBucket.set(bucket, []);
  if (byBucket.size === 0 && snapshot.staleBuckets !== 'all') return 0;
  const keyring = keyringOf(db);
  const statusBefore = keyring?.status;
  let stored: Record<string, unknown>[];
  try {
    stored = await encodeRows(
      keyring,
      PACKS_TABLE,
      'bucket',
      [...byBucket].map(([bucket, list]) => ({ bucket, token: newToken(), size: list.length, rows: list })),
    );
  } catch (err) {
    if ((err as Error).name === 'PhoneLockedError') return 0;
    throw err;
  }
  // Locked or a PIN set while encrypting: what was encoded no longer matches how rows are kept.
  if (keyring?.status !== statusBefore) return 0;
  const tx = idb.transaction(PACKS_TABLE, 'readwrite');
  const store = tx.objectStore(PACKS_TABLE);
  const state = (await request(store.get(PACKS_STATE))) as SummaryPack | undefined;
  if (state?.token !== snapshot.stateToken) {
    tx.abort();
    return 0;
  }
  const current = (await request(store.getAll())) as SummaryPack[];
  const tokens = new Map(current.map((p) => [p.bucket, p.token]));
  let written = 0;
  for (const pack of stored) {
    const bucket = pack.bucket as string;
    if (tokens.get(bucket) !== snapshot.tokens.get(bucket)) continue;
    store.put(pack);
    written++;
  }
  if (snapshot.staleBuckets === 'all') {
    // Complete even if a bucket was skipped: it keeps its newer stale marker, so it is covered.
    store.put({ bucket: PACKS_STATE, token: snapshot.stateToken ?? newToken(), complete: 1 } satisfies SummaryPack);
  }
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
  return written;
}
