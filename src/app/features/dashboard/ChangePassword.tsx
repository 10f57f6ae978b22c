// Shown instead of the dashboard when the password signed in with fails today's policy (the
// server refuses every ward call until it is changed). The server checks the policy again and
// answers in the page's language; the length check here only spares a round trip.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, changePassword, NetworkError, type AnySession } from './api.js';

const MIN_LENGTH = 12;

export function ChangePassword({
  session,
  onChanged,
  onSignOut,
  onExpired,
}: {
  session: AnySession;
  onChanged: () => void;
  onSignOut: () => void;
  onExpired: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!current || !next || !repeat) return setError(t('dashboard.changePassword.missing'));
    if (next !== repeat) return setError(t('dashboard.changePassword.mismatch'));
    if ([...next.normalize('NFC')].length < MIN_LENGTH) return setError(t('dashboard.changePassword.tooShort'));
    setBusy(true);
    setError(undefined);
    try {
      await changePassword(session, current, next, i18n.language);
      onChanged();
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 401) return onExpired();
      if (err instanceof ApiError && err.status === 429) return setError(t('dashboard.signIn.tooMany'));
      if (err instanceof NetworkError) return setError(t('dashboard.error.network'));
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <form className="dash-signin" onSubmit={(e) => void submit(e)} noValidate data-testid="dash-change-password">
      <h2>{t('dashboard.changePassword.title')}</h2>
      <p>{t('dashboard.changePassword.intro')}</p>
      <div className="field">
        <label htmlFor="dash-pw-current">{t('dashboard.changePassword.current')}</label>
        <input id="dash-pw-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="dash-pw-current" />
      </div>
      <div className="field">
        <label htmlFor="dash-pw-new">{t('dashboard.changePassword.next')}</label>
        <input id="dash-pw-new" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} data-testid="dash-pw-new" />
      </div>
      <div className="field">
        <label htmlFor="dash-pw-repeat">{t('dashboard.changePassword.repeat')}</label>
        <input id="dash-pw-repeat" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} data-testid="dash-pw-repeat" />
      </div>
      {error ? (
        <p className="banner banner--error" role="alert" data-testid="dash-pw-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn btn--primary btn--block" disabled={busy} data-testid="dash-pw-submit">
        {busy ? t('dashboard.changePassword.busy') : t('dashboard.changePassword.submit')}
      </button>
      <button type="button" className="btn btn--block" onClick={onSignOut} data-testid="dash-pw-signout">
        {t('dashboard.changePassword.signOut')}
      </button>
    </form>
  );
}
