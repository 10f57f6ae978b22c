// Reads of the phone's database started before React renders (boot.ts), so that the first screen's
// first render already has their answers (issue 13, warm start). Without them a warm start on Home
// rendered four or five times — a loading notice, then the lock's state, then whether the phone
// holds data, then the counts — each pass costing a cheap phone tens of milliseconds of work it had
// to do anyway, and the prerendered Home flickered through "Đang tải…" before its counts came.
//
// A read is keyed by its query function (the same module-level function useLiveRead is given), so
// two components reading the same thing share one early answer. The registry closes once the first
// screen has rendered (App): a screen mounted later reads afresh through its live query, never an
// answer from the start of the page.
import { appDbLoaded } from '../storage/app-store.js';
import type { GoCuaDb } from '../storage/db.js';

export interface EarlyRead<T> {
  readonly promise: Promise<T>;
  /** Set once the promise has resolved: the first render takes it synchronously. */
  settled?: { value: T };
}

type Query<T> = (db: GoCuaDb) => Promise<T>;

const reads = new Map<Query<unknown>, EarlyRead<unknown>>();
let open = true;

/**
 * Starts `query` as soon as the database is loaded (once per query); nothing once the first screen
 * is up. `answered`: its answer read another way (storage/first-reads-raw.ts), used when it has one.
 */
export function preloadRead<T>(query: Query<T>, answered?: Promise<{ value: T } | undefined>): void {
  if (!open || reads.has(query)) return;
  const promise = answered ? answered.then((a) => (a ? a.value : appDbLoaded.then(query))) : appDbLoaded.then(query);
  const read: EarlyRead<unknown> = { promise };
  promise.then(
    (value) => (read.settled = { value }),
    () => undefined,
  );
  reads.set(query, read);
}

/** The early read of `query`, if one was started and the first screen has not rendered yet. */
export function earlyRead<T>(query: Query<T>): EarlyRead<T> | undefined {
  return open ? (reads.get(query) as EarlyRead<T> | undefined) : undefined;
}

/** Resolves once every early read started so far has settled, whichever way. */
export function earlyReadsSettled(): Promise<void> {
  return Promise.allSettled([...reads.values()].map((r) => r.promise)).then(() => undefined);
}

let markRendered: () => void = () => {};
/** Resolves once the first screen has rendered (closeEarlyReads). */
export const firstScreenCommitted: Promise<void> = new Promise((resolve) => (markRendered = resolve));

/** The first screen has rendered: later mounts read afresh. */
export function closeEarlyReads(): void {
  open = false;
  reads.clear();
  markRendered();
}

/**
 * Whether two answers of a read are the same plain data (numbers, strings, booleans, null,
 * undefined, arrays and plain objects of them): a live query's first answer that repeats the early
 * one then costs no render. Anything else (a Map, a Date, a class) counts as changed.
 */
export function samePlainData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => samePlainData(x, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && samePlainData(a[k], b[k]));
}

function isPlainObject(x: object): x is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}
