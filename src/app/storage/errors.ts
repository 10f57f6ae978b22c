// Storage failures the volunteer must see in plain words. Dexie wraps the browser's
// QuotaExceededError (the phone is full), so both the error and its `inner` are checked.

/** Thrown by the storage layer when the phone has no room left; the UI shows `storage.full`. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  readonly i18nKey = 'storage.full';
  constructor(cause?: unknown) {
    super('The phone storage is full', { cause });
  }
}

export function isQuotaError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: string; inner?: { name?: string } };
  return e.name === 'QuotaExceededError' || e.inner?.name === 'QuotaExceededError';
}

/** Runs a storage operation and turns a quota failure into a StorageFullError. */
export async function guardQuota<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (isQuotaError(err)) throw new StorageFullError(err);
    throw err;
  }
}
