// The list's summaries packed by bucket, so the in-memory index (search-index.ts) is built from
// a few hundred rows instead of one row per household. Measured at 4× CPU with 5,000 households
// on a loaded machine: reading 5,000 summary rows costs 140–180 ms of structured-clone work and,
// with the lock on, 5,000 WebCrypto decryptions another ~370 ms; the whole build from packs
// takes ~100–120 ms (bench/phone-survey.ts).
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
//
// This module holds the layout and the middleware (db.ts installs it); summary-pack-store.ts
// reads and writes packs for the index build.
import type { DBCore, DBCoreMutateRequest, DBCoreKeyRange, DBCoreTable, Middleware } from 'dexie';

/**
 * A row of `summaryPacks`: the summaries of one bucket (`rows`, encrypted at rest with the lock
 * on), a stale marker, or the state row (`complete`). db.ts names it with its summary type.
 */
export interface SummaryPackRow<Summary> {
  bucket: string;
  /** Changes with every write of the row: a pack is written back only over the token it read. */
  token: string;
  rows?: Summary[];
  /** How many rows the pack holds, in clear (a count, nothing personal): checked at each read. */
  size?: number;
  stale?: 1;
  complete?: 1;
}

export const PACKS_TABLE = 'summaryPacks';
/** The row that says whether every bucket has a pack or a stale marker (not a bucket: 2 chars max). */
export const PACKS_STATE = '#state';

/** The bucket of a summary id: its first two characters. */
export function bucketOf(id: string): string {
  return id.slice(0, 2);
}

export const newToken = (): string => crypto.randomUUID();

/** A stale marker: this bucket's summaries changed since its pack was written. */
export function staleMarker<S = unknown>(bucket: string): SummaryPackRow<S> {
  return { bucket, token: newToken(), stale: 1 };
}

/** The state row after a clear (or a new database): packs incomplete until a full build. */
export function incompleteState<S = unknown>(): SummaryPackRow<S> {
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

