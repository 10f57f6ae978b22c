// Enrolment: the volunteer enters the ward code, the enrolment code (pre-filled from the
// dashboard's QR link `?ward=CODE&code=XXXX`) and their name, once, online. Errors come back
// translated and the typed values stay in the form. Enrolled, the phone lands on Home, which says
// "Đã đăng ký với Phường …" (a flash) and, in the sync status, "Máy đã đăng ký với Phường …".
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { appDb } from '../../storage/app-db.js';
import type { GoCuaDb } from '../../storage/db.js';
import type { DeviceCredentials } from '../../sync/device-store.js';
import {
  enrolDevice,
  readEnrolmentLink,
  validateEnrolInput,
  type EnrolFieldErrors,
  type EnrolInput,
  type EnrolmentErrorCode,
} from '../../sync/enrolment.js';
import { forgetEnrolmentCodeInAddress } from '../../sync/enrolment-link.js';
import { getSyncEngine } from '../../sync/sync-engine.js';
import { setFlash } from '../../ui/flash.js';
import { href } from '../../ui/router.js';

export interface EnrolmentScreenProps {
  db?: GoCuaDb;
  baseUrl?: string;
  /** Defaults to the page's URL, read for the QR link's parameters. */
  url?: string;
  onEnrolled?: (device: DeviceCredentials) => void;
}

export function EnrolmentScreen({ db = appDb, baseUrl, url, onEnrolled }: EnrolmentScreenProps) {
  const { t, i18n } = useTranslation();
  const idPrefix = useId();
  const prefill = useMemo(() => readEnrolmentLink(url ?? globalThis.location?.href ?? ''), [url]);
  // Read once: the code then leaves the address bar and the history.
  useEffect(() => {
    if (url === undefined && globalThis.location) forgetEnrolmentCodeInAddress();
  }, [url]);
  const [input, setInput] = useState<EnrolInput>({
    wardCode: prefill.wardCode ?? '',
    enrolmentCode: prefill.enrolmentCode ?? '',
    volunteerName: '',
  });
  const [fieldErrors, setFieldErrors] = useState<EnrolFieldErrors>({});
  const [formError, setFormError] = useState<EnrolmentErrorCode | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ device: DeviceCredentials; wardName?: string; configMissing: boolean } | null>(null);

  const set = (key: keyof EnrolInput) => (value: string) => {
    setInput((prev) => ({ ...prev, [key]: value }));
    setFieldErrors((prev) => ({ ...prev, [key]: undefined }));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors = validateEnrolInput(input);
    setFieldErrors(errors);
    setFormError(null);
    if (Object.values(errors).some(Boolean)) return;
    setBusy(true);
    try {
      const result = await enrolDevice(db, input, { ...(baseUrl !== undefined ? { baseUrl } : {}), language: i18n.language });
      if (!result.ok) {
        setFieldErrors(result.fieldErrors ?? {});
        setFormError(result.code);
        return;
      }
      void getSyncEngine()?.syncNow(); // clears a "not enrolled / revoked" stop and sends what waits
      if (onEnrolled) {
        setDone({ device: result.device, ...(result.config ? { wardName: result.config.name } : {}), configMissing: !result.config });
        onEnrolled(result.device);
        return;
      }
      // The way forward is Home, where the volunteer starts working.
      const ward = result.config?.name ?? result.device.wardCode;
      setFlash(result.config ? t('enrolment.done', { ward }) : `${t('enrolment.done', { ward })} ${t('enrolment.error.config')}`, 'enrolment-done');
      // Home, and the enrolment code leaves the address bar (a reload must not reopen the form).
      history.replaceState(history.state, '', `${location.pathname}${href({ name: 'home' })}`);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <section className="enrolment" data-testid="enrolment-done">
        <h1>{t('enrolment.title')}</h1>
        <p className="notice" role="status">
          {t('enrolment.done', { ward: done.wardName ?? done.device.wardCode })}
        </p>
        {done.configMissing ? <p className="warning">{t('enrolment.error.config')}</p> : null}
      </section>
    );
  }

  const field = (key: keyof EnrolInput, options: { inputMode?: 'numeric' | 'text'; autoComplete?: string; maxLength: number }) => {
    const id = `${idPrefix}-${key}`;
    const error = fieldErrors[key];
    return (
      <div className={`field${error ? ' field--error' : ''}`}>
        <label htmlFor={id}>{t(`enrolment.${key}`)}</label>
        <input
          id={id}
          name={key}
          type="text"
          value={input[key]}
          inputMode={options.inputMode}
          autoComplete={options.autoComplete ?? 'off'}
          autoCapitalize={key === 'volunteerName' ? 'words' : 'off'}
          spellCheck={false}
          maxLength={options.maxLength}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          data-testid={`enrol-${key}`}
          onChange={(e) => set(key)(e.currentTarget.value)}
        />
        {error ? (
          <p className="error" id={`${id}-error`} role="alert">
            {t(`enrolment.error.${error}`)}
          </p>
        ) : null}
      </div>
    );
  };

  return (
    <section className="enrolment">
      <h1>{t('enrolment.title')}</h1>
      <p>{t('enrolment.intro')}</p>
      {prefill.enrolmentCode ? <p className="hint">{t('enrolment.prefilled')}</p> : null}
      <form onSubmit={(e) => void submit(e)} noValidate>
        {field('wardCode', { inputMode: 'numeric', maxLength: 8 })}
        {field('enrolmentCode', { maxLength: 64 })}
        {field('volunteerName', { autoComplete: 'name', maxLength: 80 })}
        {formError && !Object.values(fieldErrors).includes(formError) ? (
          <p className="error" role="alert" data-testid="enrol-error" data-code={formError}>
            {t(`enrolment.error.${formError}`)}
          </p>
        ) : null}
        <button type="submit" className="btn btn--primary btn--big" disabled={busy} data-testid="enrol-submit">
          {busy ? t('enrolment.submitting') : t('enrolment.submit')}
        </button>
      </form>
    </section>
  );
}

export default EnrolmentScreen;
