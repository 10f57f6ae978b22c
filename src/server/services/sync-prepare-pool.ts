// Worker threads that prepare sync batches (sync-prepare.ts: JSON, zod, rows) off the main
// thread. Node runs JavaScript on one thread, and SQLite writes from that thread too: with the
// CPU half of every batch moved to workers, the main thread only writes while a team syncs at
// once, and the dashboard stays responsive. A size of 0 prepares inline (same code, same
// results); so does any batch whose worker fails, so a worker problem never loses a batch.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../worker-module.js';
import { prepareBatch, type PrepareContext, type PreparedBatch } from './sync-prepare.js';
import type { PrepareReply, PrepareTask } from './sync-prepare-worker.js';

export interface PreparePool {
  /**
   * `alone`: no other device is syncing now (routes/sync.ts). Such a batch is prepared inline
   * (unless the pool was made with `inlineWhenAlone: false`): with nothing to overlap, a worker
   * round trip would only add latency.
   */
  prepare(bytes: Uint8Array, context: PrepareContext, alone?: boolean): Promise<PreparedBatch>;
  /** Starts the workers if they are not running yet and resolves once all have started. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Workers started and ready now (0 when preparing inline). */
  readonly size: number;
  /** Batches prepared so far, by where. */
  readonly prepared: { inWorkers: number; inline: number };
}

/** One worker per core beside the main thread, at least one, at most four. */
export function defaultSyncWorkerCount(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

interface Pending {
  /** The request's own bytes, kept to redo the batch inline if its worker dies. */
  source: Uint8Array;
  /** Its bytes are a fresh copy, moved (not copied again) to the worker. */
  task: PrepareTask & { bytes: Uint8Array<ArrayBuffer> };
  context: PrepareContext;
  resolve(batch: PreparedBatch): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  /** Until the worker has loaded its code, batches go to other workers or run inline. */
  ready: boolean;
  /** Sent and not answered yet, oldest first (at most WORKER_DEPTH). */
  inFlight: Pending[];
}

/**
 * Batches a worker holds at once (it prepares them one after the other). Two, so that while the
 * main thread writes one batch the worker prepares the next two instead of one: the writes of
 * batches ready together are then committed together (sync-ingest.ts, group commit).
 */
const WORKER_DEPTH = 2;

/** After this many worker failures within a minute the pool stops respawning and runs inline. */
const MAX_FAILURES_PER_MINUTE = 5;

/** The worker runs the TypeScript source through tsx, as the server itself does (worker-module.ts). */
function startWorker(): Worker {
  return startModuleWorker(import.meta.url, 'sync-prepare-worker');
}

/**
 * Workers start with the first batch (a server that never syncs, like most tests, starts
 * none); batches arriving before any worker is ready are prepared inline.
 */
export interface PreparePoolOptions {
  /** Told of worker failures (the server logs them as warnings). */
  onProblem?: (message: string) => void;
  /** Starts one worker; tests pass workers that die to check that no batch is lost. */
  spawn?: () => Worker;
  /** Prepare a batch inline when the caller says it is alone (default true). */
  inlineWhenAlone?: boolean;
}

export function createPreparePool(size: number, options: PreparePoolOptions = {}): PreparePool {
  const onProblem = options.onProblem ?? (() => {});
  const spawn = options.spawn ?? startWorker;
  const inlineWhenAlone = options.inlineWhenAlone ?? true;
  const prepared = { inWorkers: 0, inline: 0 };
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  const failures: number[] = [];
  const readyWaiters: (() => void)[] = [];
  let nextTaskId = 1;
  let started = false;
  let closed = false;
  let inline = size <= 0;

  function settleReadyWaiters() {
    if (inline || closed || slots.every((s) => s.ready)) for (const wake of readyWaiters.splice(0)) wake();
  }

  function runInline(pending: Pending) {
    prepared.inline++;
    prepareBatch(pending.source, pending.context).then(pending.resolve, pending.reject);
  }

  function dispatch(slot: Slot, pending: Pending) {
    slot.inFlight.push(pending);
    slot.worker.ref(); // a batch in flight keeps the process alive; an idle pool does not
    slot.worker.postMessage(pending.task, [pending.task.bytes.buffer]);
  }

  function pump(slot: Slot) {
    while (slot.inFlight.length < WORKER_DEPTH && queue.length > 0) dispatch(slot, queue.shift()!);
    if (slot.inFlight.length === 0) slot.worker.unref();
  }

  function fail(slot: Slot, reason: string) {
    const index = slots.indexOf(slot);
    if (index < 0) return; // already handled (error then exit)
    slots.splice(index, 1);
    void slot.worker.terminate();
    // The dead worker had copies of the bytes; redo its batches here from the requests' own.
    for (const pending of slot.inFlight.splice(0)) runInline(pending);
    if (closed) return;
    const now = Date.now();
    failures.push(now);
    while (failures.length > 0 && now - failures[0]! > 60_000) failures.shift();
    onProblem(`sync preparation worker stopped (${reason})`);
    if (failures.length >= MAX_FAILURES_PER_MINUTE) {
      if (!inline) onProblem('sync preparation workers keep failing; preparing batches on the main thread');
      inline = true;
      for (const pending of queue.splice(0)) runInline(pending);
      settleReadyWaiters();
      return;
    }
    addSlot();
  }

  function addSlot() {
    let worker: Worker;
    try {
      worker = spawn();
    } catch (error) {
      inline = true;
      onProblem(`sync preparation workers cannot start (${error instanceof Error ? error.message : String(error)}); preparing inline`);
      for (const pending of queue.splice(0)) runInline(pending);
      settleReadyWaiters();
      return;
    }
    worker.unref();
    const slot: Slot = { worker, ready: false, inFlight: [] };
    worker.on('message', (reply: PrepareReply) => {
      if ('ready' in reply) {
        slot.ready = true;
        settleReadyWaiters();
        pump(slot);
        return;
      }
      const index = slot.inFlight.findIndex((p) => p.task.taskId === reply.taskId);
      if (index < 0) return;
      const pending = slot.inFlight.splice(index, 1)[0]!;
      if ('failure' in reply) {
        onProblem(`sync preparation failed in a worker (${reply.failure}); redone inline`);
        runInline(pending);
      } else {
        prepared.inWorkers++;
        pending.resolve(reply.batch);
      }
      pump(slot);
    });
    worker.on('error', (error) => fail(slot, error.message));
    worker.on('exit', (code) => fail(slot, `exit code ${code}`));
    slots.push(slot);
  }

  function startOnce() {
    if (started || inline || closed) return;
    started = true;
    for (let i = 0; i < size; i++) addSlot();
  }

  return {
    prepared,
    get size() {
      return inline ? 0 : slots.filter((s) => s.ready).length;
    },
    prepare(bytes, context, alone = false) {
      return new Promise<PreparedBatch>((resolve, reject) => {
        // The worker gets a copy, transferred: moving Fastify's own buffer could detach a
        // pool other requests share.
        const copy: Uint8Array<ArrayBuffer> = new Uint8Array(bytes);
        const task: PrepareTask & { bytes: Uint8Array<ArrayBuffer> } = {
          taskId: nextTaskId++,
          bytes: copy,
          wardCode: context.wardCode,
          deviceId: context.deviceId,
          groups: [...context.groups],
          ages: context.ages,
          receivedAt: context.receivedAt,
          sealingKeys: [...(context.sealingKeys ?? [])],
        };
        const pending: Pending = { source: bytes, task, context, resolve, reject };
        startOnce();
        const ready = slots.filter((s) => s.ready);
        if (inline || closed || ready.length === 0 || (alone && inlineWhenAlone)) return runInline(pending);
        // The least busy worker that can take one more; else wait for one.
        const open = ready.filter((s) => s.inFlight.length < WORKER_DEPTH).sort((a, b) => a.inFlight.length - b.inFlight.length)[0];
        if (open) dispatch(open, pending);
        else queue.push(pending);
      });
    },
    start() {
      startOnce();
      return new Promise<void>((resolve) => {
        readyWaiters.push(resolve);
        settleReadyWaiters();
      });
    },
    async close() {
      closed = true;
      const running = slots.splice(0);
      for (const pending of queue.splice(0)) runInline(pending);
      for (const slot of running) {
        for (const pending of slot.inFlight.splice(0)) runInline(pending);
      }
      settleReadyWaiters();
      await Promise.all(running.map((s) => s.worker.terminate()));
    },
  };
}
