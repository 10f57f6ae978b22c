// Messages as data, so the dashboard's logic can say what to show without React or i18next (and
// unit tests can compare them): text the server already translated, or an i18n key with values.
// A value may itself be a key (a setting's name inside "… must be a whole number").
import type { TFunction } from 'i18next';
import { ApiError, NetworkError } from './api.js';

export type Text = string | { key: string; values?: Record<string, string | number | { key: string }> };

/** The words of `text` in the current language. */
export function say(t: TFunction, text: Text): string {
  if (typeof text === 'string') return text;
  if (!text.values) return t(text.key);
  const values = Object.fromEntries(Object.entries(text.values).map(([k, v]) => [k, typeof v === 'object' ? t(v.key) : v]));
  return t(text.key, values);
}

/** What went wrong with a call: the server's own message, or ours when there was no answer. */
export function errorText(e: unknown): Text {
  if (e instanceof NetworkError) return { key: 'dashboard.error.network' };
  if (e instanceof ApiError) return e.message || { key: 'dashboard.error.generic', values: { status: e.status } };
  return { key: 'dashboard.error.generic', values: { status: '?' } };
}
