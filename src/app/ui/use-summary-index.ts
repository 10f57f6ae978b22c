// React's view of the in-memory household index (storage/search-index.ts): builds it when a
// screen that searches opens, and re-renders when it changes (a save, a sync, another tab).
import { useEffect, useSyncExternalStore } from 'react';
import { summaryIndexFor, type SummaryIndex } from '../storage/search-index.js';
import type { GoCuaDb } from '../storage/db.js';

export function useSummaryIndex(db: GoCuaDb): { index: SummaryIndex; version: number } {
  const index = summaryIndexFor(db);
  const version = useSyncExternalStore(
    (listener) => index.subscribe(listener),
    () => index.version,
  );
  useEffect(() => {
    // Cleared (phone locked, data wiped) and shown again: build it again.
    if (!index.ready) void index.build();
  }, [index, version]);
  return { index, version };
}
