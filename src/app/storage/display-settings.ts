// How the screen looks on this phone: a high-contrast theme for sunlight and a larger-text
// setting for older eyes. Kept in the meta table (META_KEYS.display) and mirrored in
// localStorage, as the language is, so the first paint already has them; meta wins when the
// two disagree (localStorage can be cleared while IndexedDB stays).
import type { GoCuaDb } from './db.js';
import { getMeta, META_KEYS, setMeta } from './meta.js';

export interface DisplaySettings {
  highContrast: boolean;
  largeText: boolean;
}

export const DISPLAY_STORAGE_KEY = 'go-cua.display';
export const DEFAULT_DISPLAY: DisplaySettings = { highContrast: false, largeText: false };

/** Anything stored (or hand-edited) read as settings; unknown shapes fall back to the default. */
export function readDisplay(value: unknown): DisplaySettings {
  if (typeof value !== 'object' || value === null) return DEFAULT_DISPLAY;
  const v = value as Record<string, unknown>;
  return { highContrast: v.highContrast === true, largeText: v.largeText === true };
}

/** Puts the settings on <html> (data-theme, data-text-size): styles.css does the rest. */
export function applyDisplay(settings: DisplaySettings, root: HTMLElement | undefined = globalThis.document?.documentElement): void {
  if (!root) return;
  if (settings.highContrast) root.dataset.theme = 'contrast';
  else delete root.dataset.theme;
  if (settings.largeText) root.dataset.textSize = 'large';
  else delete root.dataset.textSize;
}

/** The settings for the first paint, read synchronously. */
export function initialDisplay(): DisplaySettings {
  try {
    const raw = globalThis.localStorage?.getItem(DISPLAY_STORAGE_KEY);
    return raw ? readDisplay(JSON.parse(raw)) : DEFAULT_DISPLAY;
  } catch {
    return DEFAULT_DISPLAY;
  }
}

export async function getDisplay(db: GoCuaDb): Promise<DisplaySettings> {
  return readDisplay(await getMeta<unknown>(db, META_KEYS.display));
}

export async function setDisplay(db: GoCuaDb, settings: DisplaySettings): Promise<void> {
  await setMeta(db, META_KEYS.display, settings);
  try {
    globalThis.localStorage?.setItem(DISPLAY_STORAGE_KEY, JSON.stringify(settings));
  } catch {
    // localStorage can be unavailable (private mode); IndexedDB keeps the choice anyway.
  }
}
