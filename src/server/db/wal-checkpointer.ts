// SQLite checkpoints on a worker thread. In WAL mode a commit appends pages to the -wal file; a
// checkpoint later copies them into the database file and syncs it. SQLite runs that checkpoint
// itself inside the commit that crosses 1,000 WAL pages, on the thread that committed: on the
// server's main thread, where a sync batch of 100 households writes about 800 pages, so nearly
// every batch paid a checkpoint (a copy and a second fsync) before its phone got an answer.
//
// The server's connection now checkpoints only as a backstop (BACKSTOP_PAGES, for a worker that
// falls behind or dies), and a worker thread with its own connection runs PASSIVE checkpoints
// beside the writes (wal-checkpointer-worker.ts). Durability is unchanged: a batch is answered
// after its commit is synced to the WAL (synchronous=FULL), as before; the checkpoint only moves
// durable pages from one file to the other.
import { once } from 'node:events';
import type SqliteDatabase from 'better-sqlite3';
import { startModuleWorker } from '../worker-module.js';
import type { CheckpointerData, CheckpointerMessage, CheckpointerReply } from './wal-checkpointer-worker.js';

/**
 * The server's own connection checkpoints once the WAL holds this many pages (16 MiB of 4 KiB
 * pages): with the worker keeping up, only the few pages it has not copied yet. It also bounds
 * the WAL under a sustained sync, when the worker never finds a moment with every page copied
 * (SQLite restarts the WAL from its start only then).
 */
export const BACKSTOP_PAGES = 4096;
/** SQLite's own default, restored if the worker stops. */
const SQLITE_DEFAULT_PAGES = 1000;
/** A WAL file grown by a burst is cut back to this size once restarted (64 MiB). */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

export interface WalCheckpointer {
  /** Checkpoint now rather than at the next interval (wal-checkpointer-worker.ts says when). */
  checkpointSoon(): void;
  close(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** How often the worker checkpoints (wal-checkpointer-worker.ts says why not more often). */
  intervalMs?: number;
  onProblem?: (message: string) => void;
}

export function startWalCheckpointer(sqlite: SqliteDatabase.Database, file: string, options: WalCheckpointerOptions = {}): WalCheckpointer {
  const onProblem = options.onProblem ?? ((message: string) => process.stderr.write(`${message}\n`));
  sqlite.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const workerData: CheckpointerData = { file, intervalMs: options.intervalMs ?? 40 };
  const worker = startModuleWorker(import.meta.url, 'wal-checkpointer-worker', { workerData });
  // A checkpointer never keeps the process alive; close() stops it first.
  worker.unref();
  let closing = false;
  let exited = false;
  let fellBack = false;
  const fallBack = (why: string) => {
    // An 'error' is followed by an 'exit': one fallback, one line.
    if (closing || fellBack || !sqlite.open) return;
    fellBack = true;
    // Without the worker, SQLite checkpoints inline again, as it does by default.
    sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
    onProblem(`WAL checkpoint worker stopped (${why}); checkpointing on the main thread`);
  };
  worker.on('message', (reply: CheckpointerReply) => onProblem(`WAL checkpoint: ${reply.problem}`));
  worker.on('error', (error) => fallBack(error.message));
  worker.on('exit', (code) => {
    exited = true;
    fallBack(`exit code ${code}`);
  });
  return {
    checkpointSoon() {
      if (!closing && !exited) worker.postMessage({ soon: true } satisfies CheckpointerMessage);
    },
    async close() {
      if (closing) return;
      closing = true;
      if (exited) return;
      const done = once(worker, 'exit');
      worker.postMessage({ stop: true } satisfies CheckpointerMessage);
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      await done;
      clearTimeout(timeout);
    },
  };
}
