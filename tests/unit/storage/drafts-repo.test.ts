import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { createAutosaver, discardDraft, getDraft, listDrafts, saveDraft } from '../../../src/app/storage/drafts-repo.js';
import { StorageFullError } from '../../../src/app/storage/errors.js';

let db: GoCuaDb;
beforeEach(() => {
  db = new GoCuaDb(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  vi.useRealTimers();
  await db.delete();
});

/** A stand-in for document + window that lets a test fire page events. */
function fakePage() {
  const doc = new EventTarget() as EventTarget & { visibilityState: DocumentVisibilityState };
  doc.visibilityState = 'visible';
  const win = new EventTarget();
  return { document: doc, window: win } as unknown as { document: Document; window: Window };
}

describe('drafts', () => {
  it('saves, restores, lists newest first and discards', async () => {
    await saveDraft(db, { id: 'a', form: { houseNumber: '1' }, step: 'address', searchText: '1' }, new Date('2026-11-24T08:00:00Z'));
    await saveDraft(db, { id: 'b', form: { houseNumber: '2' }, step: 'members', searchText: '2' }, new Date('2026-11-24T09:00:00Z'));
    const again = await saveDraft(db, { id: 'a', form: { houseNumber: '1A' }, step: 'outcome', searchText: '1a' }, new Date('2026-11-24T10:00:00Z'));
    expect(again.createdAt).toBe('2026-11-24T08:00:00.000Z');
    expect((await getDraft(db, 'a'))?.form).toEqual({ houseNumber: '1A' });
    expect((await listDrafts(db)).map((d) => d.id)).toEqual(['a', 'b']);
    await discardDraft(db, 'a');
    expect((await listDrafts(db)).map((d) => d.id)).toEqual(['b']);
  });

  it('autosave writes the last state at most the delay after the last change', async () => {
    const page = fakePage();
    const saver = createAutosaver(db, { delayMs: 400, page });
    saver.schedule({ id: 'd', form: { lane: 'N' }, step: 'address', searchText: '' });
    saver.schedule({ id: 'd', form: { lane: 'Ng' }, step: 'address', searchText: '' });
    saver.schedule({ id: 'd', form: { lane: 'Ngõ 5' }, step: 'address', searchText: '' });
    expect(await getDraft(db, 'd')).toBeUndefined();
    await vi.waitFor(async () => expect((await getDraft(db, 'd'))?.form).toEqual({ lane: 'Ngõ 5' }), { timeout: 1000, interval: 20 });
    await saver.dispose();
  });

  it('the debounce restarts on each change and never exceeds the delay after the last one', async () => {
    vi.useFakeTimers();
    const page = fakePage();
    const saved: unknown[] = [];
    const saver = createAutosaver(db, { delayMs: 400, page, onSaved: (d) => saved.push(d.form) });
    saver.schedule({ id: 'd', form: { n: 1 }, step: 'address', searchText: '' });
    vi.advanceTimersByTime(300);
    saver.schedule({ id: 'd', form: { n: 2 }, step: 'address', searchText: '' });
    vi.advanceTimersByTime(300);
    expect(saved).toEqual([]); // 600 ms since the first change, 300 since the last: not yet
    vi.advanceTimersByTime(100);
    vi.useRealTimers();
    await vi.waitFor(() => expect(saved).toEqual([{ n: 2 }]), { timeout: 1000, interval: 10 });
    await saver.dispose();
  });

  it('a change made before the database is loaded waits for it and is written then', async () => {
    const page = fakePage();
    let giveDb: (db: GoCuaDb) => void = () => {};
    const loading = new Promise<GoCuaDb>((resolve) => (giveDb = resolve));
    const load = vi.fn(() => loading);
    const saver = createAutosaver(load, { delayMs: 10, page });
    expect(load).not.toHaveBeenCalled();
    saver.schedule({ id: 'early', form: { house: '7' }, step: 'address', searchText: '' });
    saver.schedule({ id: 'early', form: { house: '7A' }, step: 'address', searchText: '' });
    await vi.waitFor(() => expect(load).toHaveBeenCalled(), { timeout: 1000, interval: 10 });
    giveDb(db);
    await vi.waitFor(async () => expect((await getDraft(db, 'early'))?.form).toEqual({ house: '7A' }), { timeout: 1000, interval: 10 });
    await saver.dispose();
  });

  it('flushes at once when the page is hidden or unloaded', async () => {
    const page = fakePage();
    const saver = createAutosaver(db, { delayMs: 60_000, page });
    saver.schedule({ id: 'h', form: { house: '12' }, step: 'address', searchText: '' });
    (page.document as unknown as { visibilityState: string }).visibilityState = 'hidden';
    page.document.dispatchEvent(new Event('visibilitychange'));
    await vi.waitFor(async () => expect((await getDraft(db, 'h'))?.form).toEqual({ house: '12' }), { timeout: 1000, interval: 10 });
    saver.schedule({ id: 'h', form: { house: '12B' }, step: 'address', searchText: '' });
    page.window.dispatchEvent(new Event('pagehide'));
    await vi.waitFor(async () => expect((await getDraft(db, 'h'))?.form).toEqual({ house: '12B' }), { timeout: 1000, interval: 10 });
    await saver.dispose();
  });

  it('a failed write (phone full) is reported and retried on the next flush, not lost', async () => {
    const page = fakePage();
    const errors: unknown[] = [];
    const saver = createAutosaver(db, { delayMs: 10, page, onError: (e) => errors.push(e) });
    let full = true;
    db.drafts.hook('creating', () => {
      if (full) throw new DOMException('quota', 'QuotaExceededError');
    });
    saver.schedule({ id: 'q', form: { name: 'Lê Thị Hà' }, step: 'members', searchText: '' });
    await vi.waitFor(() => expect(errors[0]).toBeInstanceOf(StorageFullError), { timeout: 1000, interval: 10 });
    expect(await getDraft(db, 'q')).toBeUndefined();
    full = false;
    await saver.flush();
    expect((await getDraft(db, 'q'))?.form).toEqual({ name: 'Lê Thị Hà' });
    await saver.dispose();
  });
});
