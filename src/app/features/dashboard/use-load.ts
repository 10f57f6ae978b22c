// Loads one API answer for a screen: the data, the error (translated by the server, or our own
// message when there was no answer) and a reload. A 401 ends the session (it expired or was
// revoked) so the sign-in form comes back.
import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api.js';
import { errorText, say } from './messages.js';

export type ErrorMessage = (e: unknown) => string;

export function useErrorMessage(): ErrorMessage {
  const { t } = useTranslation();
  return useCallback((e: unknown) => say(t, errorText(e)), [t]);
}

interface LoadState<T> {
  /** The deps (and reload count) this state answers for. */
  key: readonly unknown[];
  data?: T;
  error?: unknown;
  loading: boolean;
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], onUnauthorized: () => void) {
  const [nonce, setNonce] = useState(0);
  const key = [...deps, nonce];
  const [state, setState] = useState<LoadState<T>>(() => ({ key, loading: true }));
  // New deps start a new load: `loading` is set while rendering (React's "adjusting state when a
  // prop changes"), keeping the last data on screen; the effect below then fetches.
  let current = state;
  if (!sameKey(state.key, key)) {
    current = { key, data: state.data, loading: true };
    setState(current);
  }
  // `load` is a fresh closure each render: the caller's deps say when it really changed.
  const fetchData = useEffectEvent(load);
  const unauthorized = useEffectEvent(onUnauthorized);
  const requestKey = current.key;
  useEffect(() => {
    let alive = true;
    fetchData().then(
      (data) => alive && setState({ key: requestKey, data, loading: false }),
      (error: unknown) => {
        if (!alive) return;
        if (error instanceof ApiError && error.status === 401) unauthorized();
        setState({ key: requestKey, error, loading: false });
      },
    );
    return () => {
      alive = false;
    };
  }, [requestKey]);
  return { data: current.data, error: current.error, loading: current.loading, reload: () => setNonce((n) => n + 1) };
}
