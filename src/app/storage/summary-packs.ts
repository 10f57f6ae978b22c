// The list's summaries packed by bucket, so the in-memory index (search-index.ts) is built from
// a few hundred rows instead of one row per household. Measured at 4× CPU with 5,000 households:
// reading 5,000 summary rows costs 140–180 ms of structured-clone work and, with the lock on,
// 5,000 WebCrypto decryptions another ~370 ms; the same summaries in ~256 packs read and decrypt
// in ~50 ms.
//
// What a pack is: the summaries whose id starts with the same two characters (a "bucket": ids
// are random UUIDs, so ≤ 256 buckets of ~20 rows at 5,000 households), in one row of the
// `summaryPacks` store (Dexie version 4), `rows` encrypted at rest as one blob when the lock is
// on (security/at-rest.ts PERSONAL_FIELDS), in clear without a PIN — exactly as the summaries
// themselves are stored, so a pack never holds personal data in a less protected form.
//
// Packs are derived data, a cache of `summaries`, and never lead them:
// - every write to `summaries` (whatever code makes it) replaces the pack of each bucket it
//   touches by a STALE marker with a fresh token, in the same transaction (the middleware
//   below widens every read-write transaction over `summaries` to `summaryPacks`). A clear of
//   `summaries` (a wipe) clears every pack and resets the STATE row. No cryptography is
//   involved, so this works while the phone is locked; an aborted transaction rolls both back.
// - the index build reads the packs and, for stale buckets (or all, until the STATE row says
//   the packs are complete), the summaries themselves, in ONE read transaction; after building
//   it writes fresh packs back (writePacks), each only if its bucket's token is unchanged since
//   that read and the STATE token too: a write or a wipe in between wins, and its bucket stays
//   stale for the next build.
import type { DBCore, DBCoreMutateRequest, DBCoreKeyRange, DBCoreTable, Middleware } from 'dexie';
import { encodeRows, keyringOf } from '../security/at-rest.js';
import type { GoCuaDb, RecordSummary, SummaryPack } from './db.js';

export const PACKS_TABLE = 'summaryPacks';
/** The row that says whether every bucket has a pack or a stale marker (not a bucket: 2 chars max). */
export const PACKS_STATE = '#state';

/** The bucket of a summary id: its first two characters. */
export function bucketOf(id: string): string {
  return id.slice(0, 2);
}

const newToken = (): string => crypto.randomUUID();

/** A stale marker: this bucket's summaries changed since its pack was written. */
export function staleMarker(bucket: string): SummaryPack {
  return { bucket, token: newToken(), stale: 1 };
}

/** The state row after a clear (or a new database): packs incomplete until a full build. */
export function incompleteState(): SummaryPack {
  return { bucket: PACKS_STATE, token: newToken() };
}

const ANY_RANGE = { type: 3 /* DBCoreRangeType.Any (a const enum) */, lower: undefined, upper: undefined } as DBCoreKeyRange;

/** Ids touched by a write to `summaries` (the key path is `id`, inbound). */
function touchedIds(req: DBCoreMutateRequest): unknown[] {
  if (req.type === 'delete') return req.keys;
  if (req.type === 'deleteRange') return [];
  return req.keys ?? req.values.map((v) => (v as { id?: unknown }).id);
}

function markStale(packs: DBCoreTable, req: DBCoreMutateRequest): Promise<unknown> {
  const trans = req.trans;
  if (req.type === 'deleteRange') {
    return packs.mutate({ type: 'deleteRange', trans, range: ANY_RANGE }).then(() => packs.mutate({ type: 'put', trans, values: [incompleteState()] }));
  }
  const buckets = new Set(touchedIds(req).filter((id): id is string => typeof id === 'string').map(bucketOf));
  if (buckets.size === 0) return Promise.resolve();
  return packs.mutate({ type: 'put', trans, values: [...buckets].map(staleMarker) });
}

/**
 * Keeps packs conservative: a write to `summaries` marks its buckets stale in the same
 * transaction. Below the at-rest layer (level 10): it sees ids only, and its markers hold nothing
 * personal.
 */
export function summaryPacksMiddleware(): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'GoCuaSummaryPacks',
    level: 5,
    create(down: DBCore): DBCore {
      return {
        ...down,
        transaction(stores, mode, options) {
          const widened = mode === 'readwrite' && stores.includes('summaries') && !stores.includes(PACKS_TABLE) ? [...stores, PACKS_TABLE] : stores;
          return down.transaction(widened, mode, options);
        },
        table(name) {
          const table = down.table(name);
          if (name !== 'summaries') return table;
          return {
            ...table,
            mutate(req) {
              // An upgrade from before version 4 writes summaries before the store exists.
              const scope = (req.trans as unknown as IDBTransaction).objectStoreNames;
              if (scope && !scope.contains(PACKS_TABLE)) return table.mutate(req);
              // Markers first: if the write then fails, a stale bucket only costs a re-read.
              return markStale(down.table(PACKS_TABLE), req).then(() => table.mutate(req));
            },
          };
        },
      };
    },
  };
}

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
  const stored = (await request(tx.objectStore(PACKS_TABLE).getAll())) as SummaryPack[];
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
  const summariesStore = tx.objectStore('summaries');
  if (!state?.complete) {
    return { packs: [], summaries: await request(summariesStore.getAll()), tokens, staleBuckets: 'all', stateToken: state?.token };
  }
  const reads = stale.map((bucket) => request(summariesStore.getAll(IDBKeyRange.bound(bucket, `${bucket}\uffff`))));
  // A one-character id's range also holds longer ids of other buckets: keep the bucket's own.
  const summaries = (await Promise.all(reads)).flatMap((rows, i) => rows.filter((r) => bucketOf((r as RecordSummary).id) === stale[i]));
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
  // A stale bucket whose rows are all gone gets an empty pack (known empty, no re-read).
  if (snapshot.staleBuckets !== 'all') for (const bucket of snapshot.staleBuckets) if (!byBucket.has(bucket)) byBucket.set(bucket, []);
  if (byBucket.size === 0 && snapshot.staleBuckets !== 'all') return 0;
  const keyring = keyringOf(db);
  const statusBefore = keyring?.status;
  let stored: Record<string, unknown>[];
  try {
    stored = await encodeRows(
      keyring,
      PACKS_TABLE,
      'bucket',
      [...byBucket].map(([bucket, list]) => ({ bucket, token: newToken(), rows: list })),
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
    // Complete only if no bucket was skipped: a skipped one keeps its newer marker, still covered.
    store.put({ bucket: PACKS_STATE, token: snapshot.stateToken ?? newToken(), complete: 1 } satisfies SummaryPack);
  }
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
  return written;
}
