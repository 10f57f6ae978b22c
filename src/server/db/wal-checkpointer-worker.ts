// The worker-thread side of wal-checkpointer.ts: its own connection to the database file, which
// copies committed WAL frames into the database file (a PASSIVE checkpoint: it never waits for,
// nor blocks, the server's writes and reads) every `intervalMs`. Not sooner: each checkpoint that
// copies anything syncs the database file, and a worker looping on every new commit (tried:
// 2 ms) took CPU and disk from the writes it should relieve; at 30–100 ms a team's sync ran
// 10–15 % faster than with SQLite's inline checkpoints, at 2 ms 15 % slower.
//
// Except when told `soon` (after a lone phone's batch: services/sync-ingest.ts): then at once,
// and the next periodic one an interval later. A checkpoint at a random moment often overlapped
// the next batch's commit, whose WAL sync then waited for the database file's; and a checkpoint
// still running when the next batch began kept SQLite from starting the WAL again from its
// beginning, so the file kept growing (to ≈ 5,000 pages over 60 batches). Right after a commit
// it overlaps the next request's checks instead, and the WAL stays at ≈ 1,500 pages; a lone
// phone's commit took 4.9–5.3 ms instead of 5.1–5.9 (mean of 57 batches, interleaved runs). A
// team's commits follow one another and its workers need the CPU: it keeps the periodic ones.
import SqliteDatabase from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointerData {
  file: string;
  intervalMs: number;
}

export type CheckpointerMessage = { stop: true } | { soon: true };
export type CheckpointerReply = { problem: string };

const { file, intervalMs } = workerData as CheckpointerData;
const port = parentPort!;
const db = new SqliteDatabase(file, { fileMustExist: true });
// FULL: the WAL is synced before its frames are copied, and the database file after.
db.pragma('synchronous = FULL');
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');

let timer: NodeJS.Timeout | null = null;
let stopped = false;

function step(): void {
  timer = null;
  if (stopped) return;
  try {
    checkpoint.get();
  } catch (error) {
    port.postMessage({ problem: error instanceof Error ? error.message : String(error) } satisfies CheckpointerReply);
  }
  timer = setTimeout(step, intervalMs);
}

let soon = false;

function checkpointNow(): void {
  soon = false;
  if (stopped) return;
  if (timer) clearTimeout(timer);
  step();
}

port.on('message', (message: CheckpointerMessage) => {
  if ('soon' in message) {
    // After the messages already queued (several commits, one checkpoint).
    if (!soon) setImmediate(checkpointNow);
    soon = true;
    return;
  }
  stopped = true;
  if (timer) clearTimeout(timer);
  db.close();
  port.close();
});

// The first one an interval after the start, like every other (a test of checkpointSoon relies on it).
timer = setTimeout(step, intervalMs);
