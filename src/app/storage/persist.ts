// Persistent storage: without it the browser may evict IndexedDB under storage pressure and
// unsynced surveys would be lost. We ask once at start and show the volunteer the answer.

export type PersistStatus = 'granted' | 'denied' | 'unsupported';

export async function persistenceStatus(): Promise<PersistStatus> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persisted) return 'unsupported';
  return (await storage.persisted()) ? 'granted' : 'denied';
}

/** Asks for persistent storage unless already granted; returns the resulting status. */
export async function requestPersistence(): Promise<PersistStatus> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist || !storage.persisted) return 'unsupported';
  if (await storage.persisted()) return 'granted';
  try {
    return (await storage.persist()) ? 'granted' : 'denied';
  } catch {
    return 'denied';
  }
}
