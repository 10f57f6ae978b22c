// What Home's first render reads on a warm start, read from IndexedDB directly (issue 13): on a
// cheap phone Dexie's chunk, its open and its first queries cost about 110 ms at 4× CPU before
// Home could show its counts. These few values need none of it: one read-only transaction over
// the stores as they are, every value a clear field (security/at-rest.ts: meta's lock, device,
// practiceMode, wiped and wardConfig entries, and the index fields the counts filter on). Dexie
// loads once Home is up (boot.ts), and the live queries take over from these answers. The
// filters and the counting are the ones the Dexie reads use (record-queries.ts, waiting.ts,
// wipe.ts, lock-start.ts, ward-config.ts); a test checks both give the same answers.
//
// Anything unexpected (no database, a store missing, an error) answers undefined, and the caller
// reads through Dexie as before. The connection is opened as first-read.ts opens it (no version,
// never creating) and closed as soon as the transaction is done, or at once if Dexie asks to upgrade.
import { APP_DB_NAME } from './app-store.js';
import { openIfExists } from './first-read.js';
import type { StoredRecord } from './db.js';
import { revisitDue, surveyedThatDay, type HomeCounts } from './record-queries.js';
import { countWaiting, kindOfRecordRow, type WaitingKind } from './waiting.js';

export interface FirstScreenValues {
  /** meta 'lock' as stored (security/lock-start.ts isLockConfig judges it). */
  lock: unknown;
  /** Whether the phone holds an enrolment, a record or a draft (features/lock/lock-boot.ts phoneHoldsData). */
  holdsData: boolean;
  practiceMode: boolean;
  /** meta 'wiped' as stored (storage/wipe.ts wipeFrom judges it). */
  wiped: unknown;
  /** meta 'wardConfig' as stored (storage/ward-config-shape.ts looksLikeWardConfig judges it). */
  wardConfig: unknown;
  counts: HomeCounts;
}

const STORES = ['meta', 'records', 'drafts', 'outbox', 'summaries'] as const;

/** Home's first-render values for `today` (YYYY-MM-DD), or undefined when they cannot be read this way. */
export function readFirstScreenValues(today: string, name = APP_DB_NAME, factory: IDBFactory | null = globalThis.indexedDB ?? null): Promise<FirstScreenValues | undefined> {
  return openIfExists(name, factory).then(
    (opened) =>
      opened.kind !== 'open'
        ? undefined
        : new Promise<FirstScreenValues | undefined>((resolve) => {
            const finish = (values: FirstScreenValues | undefined) => {
              opened.db.close();
              resolve(values);
            };
            try {
              read(opened.db, today, finish);
            } catch {
              finish(undefined);
            }
          }),
  );
}

function read(db: IDBDatabase, today: string, done: (values: FirstScreenValues | undefined) => void): void {
  if (!STORES.every((name) => db.objectStoreNames.contains(name))) {
    done(undefined);
    return;
  }
  const tx = db.transaction([...STORES], 'readonly');
  const meta = tx.objectStore('meta');
  const records = tx.objectStore('records');
  const get = <T,>(req: IDBRequest<T>, onValue: (value: T) => void) => (req.onsuccess = () => onValue(req.result));
  const metaValue = (key: string, onValue: (value: unknown) => void) => get(meta.get(key), (row: { value?: unknown } | undefined) => onValue(row?.value));

  const out: Omit<Partial<FirstScreenValues>, 'counts'> & { counts: Partial<HomeCounts> } = { counts: {} };
  let recordCount = 0;
  let draftCount = 0;
  let device = false;
  metaValue('lock', (v) => (out.lock = v));
  metaValue('device', (v) => (device = v !== undefined));
  metaValue('practiceMode', (v) => (out.practiceMode = v === true));
  metaValue('wiped', (v) => (out.wiped = v));
  metaValue('wardConfig', (v) => (out.wardConfig = v));
  get(records.count(), (n) => (recordCount = n));
  get(tx.objectStore('drafts').count(), (n) => (draftCount = n));
  type Row = Pick<StoredRecord, 'voided' | 'outcome'>;
  get(records.index('surveyedAt').getAll(today), (rows: Row[]) => (out.counts.today = rows.filter(surveyedThatDay).length));
  get(records.index('outcome').getAll('not_home'), (rows: Row[]) => (out.counts.revisits = rows.filter(revisitDue).length));
  // The outbox's records, each known as a household by its summary, or by its own row's kind.
  get(tx.objectStore('outbox').getAll(), (entries: { recordId: string; state: 'queued' | 'held' }[]) => {
    const ids = [...new Set(entries.map((e) => e.recordId))];
    const kinds = new Map<string, WaitingKind>();
    let pending = ids.length;
    const settle = () => {
      if (--pending === 0) out.counts.waiting = countWaiting(entries, (id) => kinds.get(id));
    };
    if (ids.length === 0) out.counts.waiting = countWaiting(entries, () => undefined);
    const summaries = tx.objectStore('summaries');
    for (const id of ids) {
      get(summaries.count(id), (n) => {
        if (n > 0) {
          kinds.set(id, 'household');
          settle();
        } else {
          get(records.get(id), (row: unknown) => {
            if (row) kinds.set(id, kindOfRecordRow(row));
            settle();
          });
        }
      });
    }
  });
  tx.oncomplete = () => {
    const { counts } = out;
    if (counts.today === undefined || counts.revisits === undefined || counts.waiting === undefined) return done(undefined);
    done({
      lock: out.lock,
      holdsData: device || recordCount > 0 || draftCount > 0,
      practiceMode: out.practiceMode === true,
      wiped: out.wiped,
      wardConfig: out.wardConfig,
      counts: { today: counts.today, revisits: counts.revisits, waiting: counts.waiting, drafts: draftCount },
    });
  };
  tx.onabort = () => done(undefined);
  tx.onerror = (event) => event.preventDefault();
}
