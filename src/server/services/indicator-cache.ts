// A small result cache for the dashboard's tallies. Many staff open the same overview while
// the data change only when a phone syncs (or staff void a household), so a result is reused
// while the ward's data version is unchanged. The version is read from the database on every
// request (count of households, sum of their revs, last received_at: every sync write adds a
// household or raises a rev, and every write stamps received_at), so a write by another process
// (the admin CLI, a second server) is seen at once; the key also holds the ward configuration
// (settings, targets) and register the result depends on. Not shared between processes.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { WardConfig } from '../../shared/schema/ward-config.js';
import type { Database } from '../db/schema.js';
import { registerGroups } from './indicators.js';

const MAX_ENTRIES = 200;
const cache = new Map<string, unknown>();
let enabled = true;

/** For benchmarks: measure the computation, not the cache. */
export function setIndicatorCacheEnabled(on: boolean): void {
  enabled = on;
  cache.clear();
}

async function dataVersion(db: Kysely<Database>, wardCode: string): Promise<string> {
  const row = await db
    .selectFrom('households')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('rev').as('revs'), eb.fn.max('received_at').as('last')])
    .where('ward_code', '=', wardCode)
    .executeTakeFirst();
  return `${Number(row?.n ?? 0)}:${Number(row?.revs ?? 0)}:${row?.last ?? ''}`;
}

/** Returns the cached result for (ward data, config, register, query) or computes and keeps it. */
export async function cached<T>(db: Kysely<Database>, config: WardConfig, kind: string, query: unknown, compute: () => Promise<T>): Promise<T> {
  if (!enabled) return compute();
  const [version, groups] = await Promise.all([dataVersion(db, config.code), registerGroups(db, config.code)]);
  const key = createHash('sha256')
    .update(JSON.stringify([kind, config.code, version, query, config.settings, config.targets, groups]))
    .digest('base64url');
  if (cache.has(key)) {
    const hit = cache.get(key) as T;
    // Most recently used last, so the oldest entry is the first to go.
    cache.delete(key);
    cache.set(key, hit);
    return structuredClone(hit);
  }
  const value = await compute();
  cache.set(key, structuredClone(value));
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return value;
}
