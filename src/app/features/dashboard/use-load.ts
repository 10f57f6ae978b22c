// Loads one API answer for a screen: the data, the error (translated by the server, or our own
// message when there was no answer) and a reload. A 401 ends the session (it expired or was
// revoked) so the sign-in form comes back.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api.js';
import { errorText, say } from './messages.js';

export type ErrorMessage = (e: unknown) => string;

export function useErrorMessage(): ErrorMessage {
  const { t } = useTranslation();
  return useCallback((e: unknown) => say(t, errorText(e)), [t]);
}

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], onUnauthorized: () => void) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let alive = true;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => alive && setState({ data, loading: false }),
      (error: unknown) => {
        if (!alive) return;
        if (error instanceof ApiError && error.status === 401) onUnauthorized();
        setState({ error, loading: false });
      },
    );
    return () => {
      alive = false;
    };
    // `load` is a fresh closure each render: the caller's deps say when it really changed.
  }, [...deps, nonce]);
  return { ...state, reload: () => setNonce((n) => n + 1) };
}
