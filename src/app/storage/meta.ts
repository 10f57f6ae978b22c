// Small settings kept in the `meta` table: the install id (made once per install), the cached
// ward configuration and the interface language. The language is mirrored in localStorage so
// the first paint can already speak it before IndexedDB answers.
import type { GoCuaDb } from './db.js';

export const META_KEYS = {
  installId: 'installId',
  wardConfig: 'wardConfig',
  language: 'language',
  /** Home's practice switch: new records are marked practice (they sync but never count). */
  practiceMode: 'practiceMode',
  /** High-contrast theme and larger text (storage/display-settings.ts), per phone. */
  display: 'display',
} as const;

export const LANGUAGE_STORAGE_KEY = 'go-cua.language';
export type Language = 'vi' | 'en';

export async function getMeta<T>(db: GoCuaDb, key: string): Promise<T | undefined> {
  const row = await db.meta.get(key);
  return row?.value as T | undefined;
}

export async function setMeta(db: GoCuaDb, key: string, value: unknown): Promise<void> {
  await db.meta.put({ key, value });
}

/** The phone's own install id: made on first use, then never changes. */
export async function getInstallId(db: GoCuaDb): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await db.meta.get(META_KEYS.installId);
    if (typeof existing?.value === 'string') return existing.value;
    const id = crypto.randomUUID();
    await db.meta.put({ key: META_KEYS.installId, value: id });
    return id;
  });
}

export async function getLanguage(db: GoCuaDb): Promise<Language> {
  const stored = await getMeta<string>(db, META_KEYS.language);
  return stored === 'en' ? 'en' : 'vi';
}

export async function setLanguage(db: GoCuaDb, language: Language): Promise<void> {
  await setMeta(db, META_KEYS.language, language);
  try {
    globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // localStorage can be unavailable (private mode); IndexedDB keeps the choice anyway.
  }
}

/** The language for the first paint, read synchronously; Vietnamese unless English was chosen. */
export function initialLanguage(): Language {
  try {
    return globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

/** Whether new records are practice records (Home's switch). */
export async function isPracticeMode(db: GoCuaDb): Promise<boolean> {
  return (await getMeta<boolean>(db, META_KEYS.practiceMode)) === true;
}

export async function setPracticeMode(db: GoCuaDb, on: boolean): Promise<void> {
  await setMeta(db, META_KEYS.practiceMode, on);
}
