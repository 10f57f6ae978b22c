// A worker thread's side of sync-prepare-pool.ts: prepares one batch at a time (the pool sends
// the next only after this one's reply).
import { parentPort } from 'node:worker_threads';
import type { SealingPrivateKey } from '../../shared/crypto/hpke.js';
import { prepareBatch, type PreparedBatch } from './sync-prepare.js';

export interface PrepareTask {
  taskId: number;
  bytes: Uint8Array;
  wardCode: string;
  deviceId: string;
  groups: string[];
  ages: { adultAge: number; vneidMinAge: number };
  receivedAt: string;
  /** The ward's private sealing keys, to open sealed records (sync-prepare.ts). */
  sealingKeys: SealingPrivateKey[];
}

export type PrepareReply = { ready: true } | { taskId: number; batch: PreparedBatch } | { taskId: number; failure: string };

const port = parentPort;
if (!port) throw new Error('sync-prepare-worker.ts runs only as a worker thread');

port.on('message', (task: PrepareTask) => {
  prepareBatch(task.bytes, {
    wardCode: task.wardCode,
    deviceId: task.deviceId,
    groups: new Set(task.groups),
    ages: task.ages,
    receivedAt: task.receivedAt,
    sealingKeys: task.sealingKeys,
  }).then(
    (batch): PrepareReply => ({ taskId: task.taskId, batch }),
    (error: unknown): PrepareReply => ({ taskId: task.taskId, failure: error instanceof Error ? error.message : String(error) }),
  ).then((reply) => port.postMessage(reply));
});

port.postMessage({ ready: true } satisfies PrepareReply);
