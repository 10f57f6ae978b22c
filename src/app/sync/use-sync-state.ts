// React's view of the sync engine's state (useSyncExternalStore: no copies, no tearing).
import { useSyncExternalStore } from 'react';
import { getSyncEngine, type SyncEngine, type SyncEngineState } from './sync-engine.js';

const NO_ENGINE: SyncEngineState = { phase: 'idle', pending: 0, held: 0, sent: 0, sentByKind: {}, total: 0, bytesSent: 0 };
const noSubscribe = () => () => {};

export function useSyncState(engine: SyncEngine | null = getSyncEngine()): SyncEngineState {
  return useSyncExternalStore(
    engine ? engine.subscribe : noSubscribe,
    engine ? engine.getState : () => NO_ENGINE,
  );
}
