// A worker thread's side of sync-prepare-pool.ts: prepares one batch at a time.
import { parentPort } from 'node:worker_threads';
import { prepareBatch, type PreparedBatch } from './sync-prepare.js';

export interface PrepareTask {
  taskId: number;
  bytes: Uint8Array;
  wardCode: string;
  deviceId: string;
  groups: string[];
  ages: { adultAge: number; vneidMinAge: number };
  receivedAt: string;
}

export type PrepareReply = { ready: true } | { taskId: number; batch: PreparedBatch } | { taskId: number; failure: string };

const port = parentPort;
if (!port) throw new Error('sync-prepare-worker.ts runs only as a worker thread');

port.on('message', (task: PrepareTask) => {
  let reply: PrepareReply;
  try {
    const batch = prepareBatch(task.bytes, {
      wardCode: task.wardCode,
      deviceId: task.deviceId,
      groups: new Set(task.groups),
      ages: task.ages,
      receivedAt: task.receivedAt,
    });
    reply = { taskId: task.taskId, batch };
  } catch (error) {
    reply = { taskId: task.taskId, failure: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});

port.postMessage({ ready: true } satisfies PrepareReply);
