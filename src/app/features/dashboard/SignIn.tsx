// Ward staff sign-in: username and password against POST /api/v1/auth/login. A wrong username
// or password gets one message (the server does not say which).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, login, NetworkError, type AnySession } from './api.js';

export function SignIn({ onSignedIn }: { onSignedIn: (s: AnySession) => void }) {
  const { t, i18n } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError(t('dashboard.signIn.missing'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await login(username.trim(), password, i18n.language));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('dashboard.signIn.wrong'));
      else if (err instanceof ApiError && err.status === 429) setError(t('dashboard.signIn.tooMany'));
      else if (err instanceof NetworkError) setError(t('dashboard.error.network'));
      else setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <form className="dash-signin" onSubmit={(e) => void submit(e)} noValidate data-testid="dash-signin">
      <h2>{t('dashboard.signIn.title')}</h2>
      <p>{t('dashboard.signIn.intro')}</p>
      <div className="field">
        <label htmlFor="dash-username">{t('dashboard.signIn.username')}</label>
        <input id="dash-username" type="text" autoComplete="username" autoCapitalize="none" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} data-testid="dash-username" />
      </div>
      <div className="field">
        <label htmlFor="dash-password">{t('dashboard.signIn.password')}</label>
        <input id="dash-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="dash-password" />
      </div>
      {error ? (
        <p className="banner banner--error" role="alert" data-testid="dash-signin-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn--primary btn--block" disabled={busy} data-testid="dash-signin-submit">
        {busy ? t('dashboard.signIn.busy') : t('dashboard.signIn.submit')}
      </button>
      <p className="dash-signin__note">{t('dashboard.signIn.sharedPc')}</p>
    </form>
  );
}
