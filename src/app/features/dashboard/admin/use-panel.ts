// Binds an administration panel's module to the screen: loads the panel's data with the
// session, keeps the draft (made again from the data whenever it or `draftDeps` change), and
// saves through panel.ts's submit(), showing its status and reloading the data after a save.
import { useState } from 'react';
import type { WardApi } from '../api.js';
import { useDashboard } from '../context.js';
import { useWardLoad } from '../hooks.js';
import { submit, type Checked, type Status } from './panel.js';

export function useAdminPanel<Data, Draft>(
  load: (api: WardApi) => Promise<Data>,
  draftOf: (data: Data | undefined) => Draft | undefined,
  initialDraft: Draft,
  draftDeps: readonly unknown[] = [],
) {
  const { api } = useDashboard();
  const data = useWardLoad(load, []);
  const [draft, setDraft] = useState<Draft>(initialDraft);
  const [status, setStatus] = useState<Status>();
  // The draft is made again while rendering when the data or the caller's deps change (React's
  // "adjust state when a prop changes"): no effect, so no render with a stale draft in between.
  // `draftOf` is a fresh closure each render: the data and the deps say when it changed.
  const basis = [data.data, ...draftDeps];
  const [seen, setSeen] = useState<readonly unknown[]>();
  if (!seen || seen.length !== basis.length || basis.some((value, i) => !Object.is(value, seen[i]))) {
    setSeen(basis);
    const next = draftOf(data.data);
    if (next !== undefined) setDraft(next);
  }

  /** Sends a checked draft; true when the server took it (the data is then reloaded). */
  async function save<T, R>(
    checked: Checked<T>,
    send: (api: WardApi, value: T) => Promise<R>,
    done?: (result: R, value: T) => Status,
    onError?: (e: unknown) => Status,
    options: { reload?: boolean } = {},
  ): Promise<boolean> {
    const result = await submit(checked, (value) => send(api, value), done, onError);
    setStatus(result.status);
    if (result.saved && options.reload !== false) data.reload();
    return result.saved;
  }

  return { data, draft, setDraft, status, save };
}
