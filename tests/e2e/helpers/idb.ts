// Reads (and, for a state the UI cannot reach in one test, writes) the phone's IndexedDB from
// the page with the plain IndexedDB API: the production build exposes no test hook. The
// database and store names are those of src/app/storage/db.ts.
// Since the lock, personal parts are stored encrypted (src/app/security/at-rest.ts): readStore
// decrypts them with the PIN, on its own, with WebCrypto (PBKDF2 → the wrapped data key →
// AES-GCM per row), so it also checks the stored format; readStoreRaw returns the bytes as stored.
import type { Page } from 'playwright-core';
import { TEST_PIN } from '../../helpers/phone-pin.js';

type StoreName = 'records' | 'outbox' | 'summaries' | 'drafts' | 'meta';

/** Every row of one store as the app reads it unlocked (decrypted with `pin`). */
export async function readStore<T>(page: Page, store: StoreName, pin = TEST_PIN): Promise<T[]> {
  const rows = await readStoreRaw<Record<string, unknown>>(page, store);
  if (!rows.some((r) => r.enc !== undefined)) return rows as T[];
  const [lock] = (await readStoreRaw<{ key: string; value: unknown }>(page, 'meta')).filter((m) => m.key === 'lock');
  return page.evaluate(
    async ({ storeName, lockValue, rowsIn, secret }) => {
      const wrap = (lockValue as { wrap: { salt: Uint8Array; iterations: number; wrapped: Uint8Array } }).wrap;
      const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'PBKDF2', false, ['deriveKey']);
      const pinKey = await crypto.subtle.deriveKey(
        { name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(wrap.salt), iterations: wrap.iterations },
        material,
        { name: 'AES-GCM', length: 256 },
        false,
        ['decrypt'],
      );
      const blob = (b: Uint8Array) => ({ iv: new Uint8Array(b).slice(1, 13), ct: new Uint8Array(b).slice(13) });
      const w = blob(wrap.wrapped);
      const raw = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: w.iv, additionalData: new TextEncoder().encode('go-cua:data-key:v1') }, pinKey, w.ct);
      const dataKey = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
      const out = [];
      for (const row of rowsIn) {
        if (row.enc === undefined) {
          out.push(row);
          continue;
        }
        const { enc, ...clear } = row;
        const b = blob(enc as Uint8Array);
        const pk = storeName === 'meta' ? clear.key : clear.id;
        const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b.iv, additionalData: new TextEncoder().encode(`go-cua:${storeName}:${String(pk)}`) }, dataKey, b.ct);
        if (storeName === 'records') delete clear.rev;
        out.push({ ...clear, ...(JSON.parse(new TextDecoder().decode(plain)) as Record<string, unknown>) });
      }
      return out;
    },
    { storeName: store, lockValue: lock?.value, rowsIn: rows, secret: pin },
  ) as Promise<T[]>;
}

/** Every row of one store of the app's database ('go-cua'), as stored (personal parts encrypted). */
export function readStoreRaw<T>(page: Page, store: StoreName): Promise<T[]> {
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

/**
 * Puts rows into several stores in ONE transaction, as the app's save does (row, summary and
 * outbox entry). A summary written this way bypasses the middleware that marks the list's packs
 * stale (src/app/storage/summary-packs.ts), so the packs are dropped too, as a clear does.
 */
export function putRows(page: Page, rows: { store: string; value: unknown }[]): Promise<void> {
  return page.evaluate(
    (puts) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('go-cua');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const packs = puts.some((p) => p.store === 'summaries') && db.objectStoreNames.contains('summaryPacks');
          const tx = db.transaction([...new Set([...puts.map((p) => p.store), ...(packs ? ['summaryPacks'] : [])])], 'readwrite');
          for (const p of puts) tx.objectStore(p.store).put(p.value);
          if (packs) tx.objectStore('summaryPacks').clear();
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
