// Shown instead of Home after the phone's personal data was wiped (storage/wipe.ts): why, when,
// and — for a retired or lost phone, or after too many wrong PINs — the way to enrol again. A
// new enrolment clears the wiped state (sync/device-store.ts setDevice), and Home comes back.
import { useTranslation } from 'react-i18next';
import type { WipeRecord } from '../../storage/meta.js';
import { formatDateTime } from '../../ui/dates.js';
import { href } from '../../ui/router.js';

export function WipedScreen({ wipe }: { wipe: WipeRecord }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="wiped-title" data-testid="wiped-screen" data-reason={wipe.reason}>
      <h1 id="wiped-title">{t('wiped.title')}</h1>
      <p className="notice" role="status" data-testid="wiped-reason">
        {t(`wiped.${wipe.reason}`)}
      </p>
      <p>{t('wiped.at', { time: formatDateTime(wipe.at) })}</p>
      <p className="hint">{t('wiped.kept')}</p>
      {wipe.reason === 'retention' ? null : (
        <>
          <p>{t('wiped.enrolHint')}</p>
          <a className="btn btn--primary btn--big btn--block" href={href({ name: 'enrol' })} data-testid="wiped-enrol">
            {t('wiped.enrolAgain')}
          </a>
        </>
      )}
    </section>
  );
}
