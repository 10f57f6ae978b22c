// Reads (and, for a state the UI cannot reach in one test, writes) the phone's IndexedDB from
// the page with the plain IndexedDB API: the production build exposes no test hook. The
// database and store names are those of src/app/storage/db.ts.
import type { Page } from 'playwright-core';

/** Every row of one store of the app's database ('go-cua'). */
export function readStore<T>(page: Page, store: 'records' | 'outbox' | 'summaries' | 'drafts' | 'meta'): Promise<T[]> {
  return page.evaluate(
    (storeName) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('go-cua');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction(storeName, 'readonly').objectStore(storeName).getAll();
          request.onsuccess = () => {
            db.close();
            resolve(request.result as T[]);
          };
          request.onerror = () => {
            db.close();
            reject(request.error);
          };
        };
      }),
    store,
  );
}

/** One row of the records store, or undefined. */
export async function readRecordRow<T>(page: Page, id: string): Promise<T | undefined> {
  const rows = await readStore<T & { id: string }>(page, 'records');
  return rows.find((r) => r.id === id);
}

/** Puts rows into several stores in ONE transaction, as the app's save does (row, summary and outbox entry). */
export function putRows(page: Page, rows: { store: string; value: unknown }[]): Promise<void> {
  return page.evaluate(
    (puts) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('go-cua');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction([...new Set(puts.map((p) => p.store))], 'readwrite');
          for (const p of puts) tx.objectStore(p.store).put(p.value);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => {
            db.close();
            reject(tx.error);
          };
        };
      }),
    rows,
  );
}

/** Waits until the records store's row `id` has the given top-level field values. */
export async function waitForRecordRow(page: Page, id: string, expected: Record<string, unknown>): Promise<void> {
  await page.waitForFunction(
    ({ recordId, fields }) =>
      new Promise<boolean>((resolve) => {
        const open = indexedDB.open('go-cua');
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('records', 'readonly').objectStore('records').get(recordId);
          request.onsuccess = () => {
            db.close();
            const row = request.result as Record<string, unknown> | undefined;
            resolve(row !== undefined && Object.entries(fields).every(([k, v]) => row[k] === v));
          };
          request.onerror = () => {
            db.close();
            resolve(false);
          };
        };
      }),
    { recordId: id, fields: expected },
  );
}
