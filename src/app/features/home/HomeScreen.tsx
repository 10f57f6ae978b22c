// Home: today's work at a glance (surveys today, waiting to sync, drafts, revisits due), the big
// "Khảo sát hộ mới" button, storage persistence status, and a slot for the sync status.
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { loadAppDb } from '../../storage/app-store.js';
import { isPracticeMode, setPracticeMode } from '../../storage/meta.js';
import { persistenceStatus, requestPersistence, type PersistStatus } from '../../storage/persist.js';
import { useLiveRead } from '../../ui/use-live-read.js';
import { useFlash } from '../../ui/flash.js';
import { kindWords } from '../sync/waiting-words.js';
import { DisplaySettings } from './DisplaySettings.js';
import { loadCounts, NOTHING_YET } from './home-counts.js';
import { href, navigate } from '../../ui/router.js';
import { useWard } from '../../ward-context.js';

export interface HomeScreenProps {
  syncStatus?: ReactNode;
}

export function HomeScreen({ syncStatus }: HomeScreenProps) {
  const { t } = useTranslation();
  const ward = useWard();
  const counts = useLiveRead(loadCounts, NOTHING_YET, []);
  // A one-shot message from the screen before (e.g. "Máy đã đăng ký với Phường …" after enrolling).
  const flash = useFlash();
  // Practice mode (read by the repos when they save a new record).
  const storedPractice = useLiveRead(isPracticeMode, false, []);
  // Shown at once on a tap; the stored value (a live query) follows the write.
  const [practiceTapped, setPracticeTapped] = useState<boolean>();
  const practice = practiceTapped ?? storedPractice === true;
  // Until the stored value is known the switch cannot be used: a tap on a switch still showing
  // "off" for a phone in practice mode would do nothing, and the mode would stay on.
  const practiceKnown = practiceTapped !== undefined || storedPractice !== undefined;
  const switchPractice = (on: boolean) => {
    setPracticeTapped(on);
    void loadAppDb().then((db) => setPracticeMode(db, on));
  };
  const [persist, setPersist] = useState<PersistStatus>();
  useEffect(() => {
    void requestPersistence().then(setPersist, () => void persistenceStatus().then(setPersist));
  }, []);

  const startSurvey = () => navigate({ name: 'survey', draftId: crypto.randomUUID() });
  const stat = (label: string, value: number | undefined, testId: string, link?: string, detail?: string) => {
    const body = (
      <>
        <span className="stat__value" data-testid={testId}>
          {value ?? '…'}
        </span>
        <span className="stat__label">{label}</span>
        {detail ? (
          <span className="stat__detail" data-testid={`${testId}-what`}>
            {detail}
          </span>
        ) : null}
      </>
    );
    return (
      <li className="stat">
        {link ? (
          <a href={link} className="stat__link">
            {body}
          </a>
        ) : (
          <div className="stat__link">{body}</div>
        )}
      </li>
    );
  };

  return (
    <div className="home">
      {flash ? (
        <p className="banner banner--ok" role="status" data-testid={flash.testId ?? 'home-flash'}>
          {flash.text}
        </p>
      ) : null}
      {ward ? (
        <p className="home__ward">
          {t('home.ward')}: <strong>{ward.name}</strong>
          {ward.demo ? <span className="badge">{t('home.demoWard')}</span> : null}
        </p>
      ) : null}
      <button type="button" className="btn btn--primary btn--huge" onClick={startSurvey} data-testid="new-survey">
        {t('home.newSurvey')}
      </button>
      <ul className="stats">
        {stat(t('home.surveysToday'), counts?.today, 'count-today')}
        {stat(t('home.waitingSync'), counts?.waiting.total, 'count-outbox', undefined, counts ? kindWords(t, counts.waiting.byKind) : undefined)}
        {stat(t('home.drafts'), counts?.drafts, 'count-drafts', href({ name: 'list' }))}
        {stat(t('home.revisitsDue'), counts?.revisits, 'count-revisits', href({ name: 'revisits' }))}
      </ul>
      {syncStatus ? <section className="home__sync">{syncStatus}</section> : null}
      <nav className="home__nav">
        <a className="btn btn--block" href={href({ name: 'list' })} data-testid="open-list">
          {t('home.openList')}
        </a>
        <a className="btn btn--block" href={href({ name: 'revisits' })} data-testid="open-revisits">
          {t('home.openRevisits')}
        </a>
        <a className="btn btn--block" href={href({ name: 'assist' })} data-testid="open-assist">
          {t('assist.open')}
        </a>
        <a className="btn btn--block" href={href({ name: 'followUp' })} data-testid="open-follow-up">
          {t('followUp.open')}
        </a>
        <a className="btn btn--block" href={href({ name: 'cards' })} data-testid="open-cards">
          {t('cards.open')}
        </a>
        <a className="btn btn--block" href={href({ name: 'rescue' })} data-testid="open-rescue">
          {t('rescue.open')}
        </a>
      </nav>
      <p className="home__staff">
        <a href={href({ name: 'ward', sub: [] })} data-testid="open-ward-dashboard">
          {t('home.staffSignIn')}
        </a>
      </p>
      <DisplaySettings />
      <label className="check">
        <input
          type="checkbox"
          role="switch"
          checked={practice}
          disabled={!practiceKnown}
          onChange={(e) => switchPractice(e.target.checked)}
          data-testid="practice-switch"
        />{' '}
        {t('practice.switch')}
      </label>
      <p className="hint">{t('practice.hint')}</p>
      <p className={`persist persist--${persist ?? 'unknown'}`} data-testid="persist-status">
        <strong>{t('storage.persistLabel')}:</strong> {persist ? t(`storage.persist_${persist}`) : '…'}
      </p>
    </div>
  );
}
