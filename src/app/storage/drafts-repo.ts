// Drafts: the survey form as the volunteer left it, saved on every change (debounced, at most
// AUTOSAVE_DELAY_MS behind the last keystroke) and flushed at once when the page is hidden or
// unloaded. So a killed tab, a dead battery or a reload loses at most that half second.
import type { Draft, GoCuaDb } from './db.js';
import { guardQuota } from './errors.js';

export const AUTOSAVE_DELAY_MS = 400;

export type DraftInput = Omit<Draft, 'createdAt' | 'updatedAt' | 'kind'> & { createdAt?: string };

export async function saveDraft(db: GoCuaDb, input: DraftInput, now: Date = new Date()): Promise<Draft> {
  const draft: Draft = {
    ...input,
    kind: 'household',
    createdAt: input.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await guardQuota(() =>
    db.transaction('rw', db.drafts, async () => {
      const existing = await db.drafts.get(draft.id);
      if (existing) draft.createdAt = existing.createdAt;
      await db.drafts.put(draft);
    }),
  );
  return draft;
}

export function getDraft(db: GoCuaDb, id: string): Promise<Draft | undefined> {
  return db.drafts.get(id);
}

/** Drafts, most recently touched first. */
export async function listDrafts(db: GoCuaDb): Promise<Draft[]> {
  return db.drafts.orderBy('updatedAt').reverse().toArray();
}

export function countDrafts(db: GoCuaDb): Promise<number> {
  return db.drafts.count();
}

export function discardDraft(db: GoCuaDb, id: string): Promise<void> {
  return db.drafts.delete(id);
}

export interface Autosaver {
  /** Records the latest form state; it is written at most `delayMs` later. */
  schedule(draft: DraftInput): void;
  /** Writes the pending state now (page hidden, app update, leaving the form). */
  flush(): Promise<void>;
  /** Drops the pending state and waits for a write in flight (before the record is saved). */
  cancel(): Promise<void>;
  /** Flushes and stops listening to page events. */
  dispose(): Promise<void>;
}

export interface AutosaverOptions {
  delayMs?: number;
  /** Called when a write fails (e.g. StorageFullError); the pending state is kept for a retry. */
  onError?: (err: unknown) => void;
  onSaved?: (draft: Draft) => void;
  /** Where page events come from; defaults to the browser's document and window. */
  page?: { document?: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>; window?: Pick<Window, 'addEventListener' | 'removeEventListener'> };
}

/** `db`, or a function that loads it: the app's database may not be loaded yet at the first keystroke (storage/app-store.ts). */
export function createAutosaver(db: GoCuaDb | (() => Promise<GoCuaDb>), options: AutosaverOptions = {}): Autosaver {
  const delay = options.delayMs ?? AUTOSAVE_DELAY_MS;
  let pending: DraftInput | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();

  const write = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const toWrite = pending;
    if (!toWrite) return writing;
    pending = undefined;
    // Writes are chained so an older state never lands after a newer one.
    writing = writing.then(async () => {
      try {
        const saved = await saveDraft(typeof db === 'function' ? await db() : db, toWrite);
        options.onSaved?.(saved);
      } catch (err) {
        if (!pending) pending = toWrite; // keep it: the next change or flush retries
        options.onError?.(err);
      }
    });
    return writing;
  };

  const doc = options.page ? options.page.document : typeof document !== 'undefined' ? document : undefined;
  const win = options.page ? options.page.window : typeof window !== 'undefined' ? window : undefined;
  const onVisibility = () => {
    if (doc?.visibilityState === 'hidden') void write();
  };
  const onPageHide = () => void write();
  doc?.addEventListener('visibilitychange', onVisibility);
  win?.addEventListener('pagehide', onPageHide);

  return {
    schedule(draft) {
      pending = draft;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => void write(), delay);
    },
    flush: write,
    async cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      await writing;
    },
    async dispose() {
      doc?.removeEventListener('visibilitychange', onVisibility);
      win?.removeEventListener('pagehide', onPageHide);
      await write();
    },
  };
}
