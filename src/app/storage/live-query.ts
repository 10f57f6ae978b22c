// Dexie's liveQuery on its own, for ui/use-live-read.ts to import lazily (Dexie stays out of the
// first download: storage/app-store.ts).
export { liveQuery } from 'dexie';
