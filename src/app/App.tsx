// The app shell: banners (offline, update, storage full), language switch and the screen for
// the current hash route. Screens other than Home are loaded lazily to keep the first load small.
import { useLiveQuery } from 'dexie-react-hooks';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { HomeScreen } from './features/home/HomeScreen.js';
import { applyUpdate, useNeedRefresh } from './pwa/update.js';
import { loadDashboardScreen, loadEnrolmentScreen, loadListScreen, loadRecordScreen, loadRevisitsScreen, loadSurveyScreen } from './screens.js';
import { appDb } from './storage/app-db.js';
import { isPracticeMode, setLanguage } from './storage/meta.js';
import { parseHash, useHash } from './ui/router.js';
import { useOnline } from './ui/online.js';
import { WardProvider } from './ward-context.js';

const SurveyScreen = lazy(loadSurveyScreen);
const ListScreen = lazy(loadListScreen);
const RecordScreen = lazy(loadRecordScreen);
const RevisitsScreen = lazy(loadRevisitsScreen);
const EnrolmentScreen = lazy(loadEnrolmentScreen);
const DashboardScreen = lazy(loadDashboardScreen);
const AssistScreen = lazy(() => import('./features/assistance/AssistScreen.js'));
const FollowUpScreen = lazy(() => import('./features/assistance/FollowUpScreen.js'));
const CardsScreen = lazy(() => import('./features/assistance/CardsScreen.js'));
const CardScreen = lazy(() => import('./features/assistance/CardScreen.js'));

export interface AppProps {
  /** Slot for the sync status component (src/app/sync, written separately). */
  syncStatus?: ReactNode;
}

export function App({ syncStatus }: AppProps) {
  const { t, i18n } = useTranslation();
  const route = parseHash(useHash());
  const online = useOnline();
  const needRefresh = useNeedRefresh();
  // Practice mode (Home's switch, storage/meta.ts): a banner on every screen.
  const practice = useLiveQuery(() => isPracticeMode(appDb), []) === true;
  const switchLanguage = () => {
    const next = i18n.language === 'en' ? 'vi' : 'en';
    void i18n.changeLanguage(next);
    document.documentElement.lang = next;
    void setLanguage(appDb, next);
  };

  let screen: ReactNode;
  switch (route.name) {
    case 'home':
      screen = <HomeScreen syncStatus={syncStatus} />;
      break;
    case 'survey':
      screen = <SurveyScreen key={route.draftId} draftId={route.draftId} />;
      break;
    case 'edit':
      screen = <SurveyScreen key={route.recordId} draftId={route.recordId} recordId={route.recordId} />;
      break;
    case 'list':
      screen = <ListScreen />;
      break;
    case 'record':
      screen = <RecordScreen key={route.id} id={route.id} />;
      break;
    case 'revisits':
      screen = <RevisitsScreen />;
      break;
    case 'enrol':
      screen = <EnrolmentScreen />;
      break;
    case 'ward':
      screen = <DashboardScreen sub={route.sub} />;
      break;
    case 'assist':
      screen = <AssistScreen key={location.hash} {...route} />;
      break;
    case 'followUp':
      screen = <FollowUpScreen />;
      break;
    case 'cards':
      screen = <CardsScreen />;
      break;
    case 'card':
      screen = <CardScreen key={route.id} id={route.id} />;
      break;
    default:
      screen = <p className="notice">{t('app.notFound')}</p>;
  }

  return (
    <WardProvider>
      <header className="topbar">
        <a className="topbar__brand" href="#/">
          {t('app.name')}
        </a>
        <button type="button" className="btn btn--small" onClick={switchLanguage} data-testid="language-switch" lang={i18n.language === 'en' ? 'vi' : 'en'}>
          {t('app.otherLanguage')}
        </button>
      </header>
      {!online ? (
        <p className="banner banner--offline" role="status" data-testid="offline-banner">
          {t('app.offline')}
        </p>
      ) : null}
      {practice ? (
        <p className="banner banner--practice" role="status" data-testid="practice-banner">
          {t('practice.banner')}
        </p>
      ) : null}
      {needRefresh ? (
        <div className="banner banner--update" role="status">
          <span>{t('app.updateAvailable')}</span>
          <button type="button" className="btn btn--small" onClick={() => void applyUpdate()} data-testid="update-button">
            {t('app.updateAction')}
          </button>
        </div>
      ) : null}
      <main className={route.name === 'ward' ? 'screen screen--wide' : 'screen'}>
        <Suspense fallback={<p className="notice">{t('app.loading')}</p>}>{screen}</Suspense>
      </main>
    </WardProvider>
  );
}
