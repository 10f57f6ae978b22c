// The pattern every administration panel shares, written once: the server's data becomes a
// draft the form edits; saving checks the draft (nothing is sent when it is wrong), sends it, and
// turns the answer or the failure into the panel's status line. Pure: the panels' modules and
// their tests use it without React; use-panel.ts binds it to a screen.
import { errorText, type Text } from '../messages.js';

/** The line under a panel: saved, or what went wrong (with the server's per-line errors). */
export interface Status {
  ok: boolean;
  text: Text;
  lines?: Text[];
}

/** A draft checked for sending: the value the API takes, or why not. */
export type Checked<T> = { ok: true; value: T } | { ok: false; status: Status };

export const valid = <T,>(value: T): Checked<T> => ({ ok: true, value });
export const invalid = (text: Text): Checked<never> => ({ ok: false, status: { ok: false, text } });

export const SAVED: Status = { ok: true, text: { key: 'dashboard.admin.saved' } };

export function failed(e: unknown): Status {
  return { ok: false, text: errorText(e) };
}

export interface Submitted {
  status: Status;
  /** Whether the server took it (the panel then reloads its data and clears what was sent). */
  saved: boolean;
}

/** Checks → sends → says: the one save step of every panel. */
export async function submit<T, R>(
  checked: Checked<T>,
  send: (value: T) => Promise<R>,
  done: (result: R, value: T) => Status = () => SAVED,
  onError: (e: unknown) => Status = failed,
): Promise<Submitted> {
  if (!checked.ok) return { status: checked.status, saved: false };
  try {
    const result = await send(checked.value);
    return { status: done(result, checked.value), saved: true };
  } catch (e) {
    return { status: onError(e), saved: false };
  }
}
