// The lock's own screens (LockGate shows them): setting the PIN, unlocking, the waits after wrong
// PINs and the wipe. A chunk of their own, with the cryptography (security/pin-lock.ts,
// security/crypto.ts): a first visit's survey never needs them (issue 13).
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Keyring } from '../../security/lock-state.js';
import { checkSecret, completeWipeIfDue, countUnsent, getAttempts, getLockConfig, requestWipe, setSecret, unlockWithSecret, type SecretKind } from '../../security/pin-lock.js';
import type { GoCuaDb } from '../../storage/db.js';

function SecretField(props: { id: string; label: string; kind: SecretKind; value: string; onChange: (v: string) => void; testId: string; error?: string | null; autoFocus?: boolean; autoComplete: string }) {
  const errorId = `${props.id}-error`;
  return (
    <div className={`field${props.error ? ' field--error' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="password"
        inputMode={props.kind === 'pin' ? 'numeric' : 'text'}
        pattern={props.kind === 'pin' ? '[0-9]*' : undefined}
        autoComplete={props.autoComplete}
        autoCapitalize="off"
        spellCheck={false}
        maxLength={props.kind === 'pin' ? 12 : 128}
        value={props.value}
        autoFocus={props.autoFocus}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errorId : undefined}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
      {props.error ? (
        <p className="error" id={errorId} role="alert" data-testid={`${props.testId}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function SetupScreen({ db, keyring }: { db: GoCuaDb; keyring: Keyring }) {
  const { t } = useTranslation();
  const id = useId();
  const [kind, setKind] = useState<SecretKind>('pin');
  const [secret, setSecretValue] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = checkSecret(secret, kind);
    setError(problem ? t(problem) : null);
    setConfirmError(!problem && secret !== confirm ? t('lock.error.mismatch') : null);
    if (problem || secret !== confirm) return;
    setBusy(true);
    try {
      await setSecret(db, keyring, secret, kind);
    } catch {
      setError(t('lock.error.failed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="lock" data-testid="lock-setup" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{t('lock.setup.title')}</h1>
      <p>{t('lock.setup.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label className="check">
          <input
            type="checkbox"
            checked={kind === 'passcode'}
            data-testid="lock-use-passcode"
            onChange={(e) => {
              setKind(e.currentTarget.checked ? 'passcode' : 'pin');
              setError(null);
            }}
          />
          {t('lock.setup.usePasscode')}
        </label>
        <SecretField id={`${id}-new`} label={t(kind === 'pin' ? 'lock.setup.pin' : 'lock.setup.passcode')} kind={kind} value={secret} onChange={setSecretValue} testId="lock-new-secret" error={error} autoFocus autoComplete="new-password" />
        <SecretField id={`${id}-confirm`} label={t('lock.setup.confirm')} kind={kind} value={confirm} onChange={setConfirm} testId="lock-confirm-secret" error={confirmError} autoComplete="new-password" />
        <p className="hint">{t('lock.setup.warning')}</p>
        <button type="submit" className="btn btn--primary btn--big" disabled={busy} data-testid="lock-setup-submit">
          {busy ? t('lock.setup.working') : t('lock.setup.submit')}
        </button>
        {busy ? (
          <p className="notice" role="status">
            {t('lock.setup.working')}
          </p>
        ) : null}
      </form>
    </section>
  );
}

/** The time, ticking every second while `until` is set (the countdown of a wait). */
function useNow(until: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === undefined) return undefined;
    const tick = () => setNow(Date.now());
    // At once for a new wait (the mount's time is stale), then every second.
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [until]);
  return now;
}

export function UnlockScreen({ db, keyring }: { db: GoCuaDb; keyring: Keyring }) {
  const { t } = useTranslation();
  const id = useId();
  const config = useLiveQuery(() => getLockConfig(db), [db]);
  const attempts = useLiveQuery(() => getAttempts(db), [db]);
  const unsent = useLiveQuery(() => countUnsent(db), [db]);
  const [secret, setSecretValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [forgot, setForgot] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  const waitUntil = attempts?.waitUntil;
  const now = useNow(waitUntil);
  const waiting = waitUntil !== undefined && now < waitUntil;

  // A wipe waiting for the outbox happens as soon as the last record has gone.
  useEffect(() => {
    if (config?.wipePending && unsent === 0) void completeWipeIfDue(db, keyring);
  }, [config?.wipePending, unsent, db, keyring]);

  if (!config) return <p className="notice">{t('app.loading')}</p>;
  const kind = config.kind;

  if (config.wipePending) {
    return (
      <section className="lock" data-testid="lock-wipe-pending" aria-labelledby={`${id}-title`}>
        <h1 id={`${id}-title`}>{t('lock.wipe.title')}</h1>
        <p>{t(config.wipePending === 'too_many_pins' ? 'lock.wipe.tooMany' : 'lock.wipe.forgotten')}</p>
        <p role="status" data-testid="lock-wipe-waiting">
          {t('lock.wipe.waiting', { count: unsent ?? 0 })}
        </p>
      </section>
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy || waiting || secret === '') return;
    setBusy(true);
    setError(null);
    // Emptied now, not when the derivation ends: what is typed meanwhile (the next try, once a
    // wait is over) is not wiped by this try's answer.
    setSecretValue('');
    try {
      const result = await unlockWithSecret(db, keyring, secret);
      if (!result.ok && result.reason === 'wrong') setError(t('lock.error.wrong', { count: result.triesLeft }));
    } finally {
      setBusy(false);
    }
  }

  const left = waiting ? Math.ceil((waitUntil - now) / 1000) : 0;
  const time = left >= 120 ? t('lock.time.minutes', { count: Math.ceil(left / 60) }) : t('lock.time.seconds', { count: left });

  if (forgot) {
    return (
      <section className="lock" data-testid="lock-forgot-panel" aria-labelledby={`${id}-forgot`}>
        <h1 id={`${id}-forgot`}>{t('lock.forgot.title')}</h1>
        <p>{t('lock.forgot.text')}</p>
        {confirmReset ? (
          <div className="dialog" role="alertdialog" aria-describedby={`${id}-confirm`}>
            <p className="dialog__message" id={`${id}-confirm`}>
              {t('lock.forgot.confirm')}
            </p>
            <div className="dialog__actions">
              <button type="button" className="btn btn--danger btn--big" data-testid="lock-reset-confirm" onClick={() => void requestWipe(db, keyring, 'forgotten')}>
                {t('lock.forgot.reset')}
              </button>
              <button type="button" className="btn btn--big" onClick={() => setConfirmReset(false)}>
                {t('lock.forgot.cancel')}
              </button>
            </div>
          </div>
        ) : (
          <>
            <button type="button" className="btn btn--danger-outline btn--big btn--block" data-testid="lock-reset" onClick={() => setConfirmReset(true)}>
              {t('lock.forgot.reset')}
            </button>
            <button type="button" className="btn btn--big btn--block" data-testid="lock-forgot-back" onClick={() => setForgot(false)}>
              {t('lock.forgot.cancel')}
            </button>
          </>
        )}
      </section>
    );
  }

  return (
    <section className="lock" data-testid="lock-unlock" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{t('lock.unlock.title')}</h1>
      <p>{t('lock.unlock.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <SecretField id={`${id}-secret`} label={t(kind === 'pin' ? 'lock.unlock.pin' : 'lock.unlock.passcode')} kind={kind} value={secret} onChange={setSecretValue} testId="lock-secret" error={waiting ? null : error} autoFocus autoComplete="current-password" />
        {waiting ? (
          <p className="error" role="alert" data-testid="lock-wait" data-seconds={left}>
            {t('lock.error.wait', { time })}
          </p>
        ) : null}
        <button type="submit" className="btn btn--primary btn--big btn--block" disabled={busy || waiting} data-testid="lock-submit">
          {busy ? t('lock.unlock.working') : t('lock.unlock.submit')}
        </button>
      </form>
      <button type="button" className="link-button" data-testid="lock-forgot" onClick={() => setForgot(true)}>
        {t('lock.forgot.open')}
      </button>
    </section>
  );
}
