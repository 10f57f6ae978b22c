// The app shell: banners (offline, update, storage full), language switch and the screen for
// the current hash route. Screens other than Home are loaded lazily to keep the first load small.
import { createElement, Suspense, useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { HomeScreen } from './features/home/HomeScreen.js';
import { WipedScreen } from './features/wiped/WipedScreen.js';
import { LockGate, LockNowButton } from './features/lock/LockGate.js';
import { changeAppLanguage } from './i18n/index.js';
import { firstScreenRendered } from './first-screen.js';
import { applyUpdate, useNeedRefresh } from './pwa/update.js';
import { lazyScreen, ROUTES, routeRow, screenProps, type Screen } from './routes.js';
import { loadAppDb } from './storage/app-store.js';
import { isPracticeMode, setLanguage } from './storage/meta.js';
import { getWipe } from './storage/wipe.js';
import { parseHash, useHash } from './ui/router.js';
import { useOnline } from './ui/online.js';
import { closeEarlyReads } from './ui/early-reads.js';
import { dropSurveyReads } from './features/survey/survey-preload.js';
import { useLiveRead } from './ui/use-live-read.js';
import { WardProvider } from './ward-context.js';

// One lazy component per row of the route table, made once (lazy() must not run per render);
// a screen whose code is already loaded renders without suspending (routes.ts).
const SCREENS = new Map<string, Screen>(Object.entries(ROUTES).flatMap(([name, row]) => ('load' in row && row.load ? [[name, lazyScreen(row.load)]] : [])));

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
  const practice = useLiveRead(isPracticeMode, false, []) === true;
  // After a wipe (retired, lost, too many wrong PINs): Home says so until a new enrolment.
  const wipe = useLiveRead(getWipe, undefined, []);
  const switchLanguage = () => {
    const next = i18n.language === 'en' ? 'vi' : 'en';
    void changeAppLanguage(next);
    void loadAppDb().then((db) => setLanguage(db, next));
  };

  // The survey reports its own first question (first-screen.ts); any other first screen is up now.
  const firstRoute = route.name;
  useEffect(() => {
    if (firstRoute !== 'survey' && firstRoute !== 'edit') firstScreenRendered();
    // Screens mounted from now on read afresh (ui/early-reads.ts, features/survey/survey-preload.ts;
    // a survey in this first commit took its reads in its own effect, which ran before this one).
    closeEarlyReads();
    dropSurveyReads();
    // Only the route the app opened on counts (later routes are the volunteer's doing).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const row = routeRow(route);
  // SCREENS holds components made once at module load (lazy()); looking one up creates none, so
  // it is rendered with createElement rather than as a component declared in this render.
  const Screen = SCREENS.get(route.name);
  let screen: ReactNode;
  if (route.name === 'home' && wipe) {
    screen = <WipedScreen wipe={wipe} />;
  } else if (route.name === 'home') {
    screen = <HomeScreen syncStatus={syncStatus} />;
  } else if (Screen) {
    const { props, key } = screenProps(route);
    screen = createElement(Screen, { key, ...props });
  } else {
    screen = <p className="notice">{t('app.notFound')}</p>;
  }

  return (
    <WardProvider>
      <header className="topbar">
        <a className="topbar__brand" href="#/">
          {t('app.name')}
        </a>
        {route.name === 'ward' ? null : <LockNowButton />}
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
      <main className={row?.wide ? 'screen screen--wide' : 'screen'}>
        <Suspense fallback={<p className="notice">{t('app.loading')}</p>}>
          {/* The ward dashboard (staff, office PC) holds no phone data: no phone lock in front of it. */}
          {route.name === 'ward' ? screen : <LockGate openWithoutPin={route.name === 'home' ? 'when_empty' : route.name === 'survey' ? 'always' : 'never'}>{screen}</LockGate>}
        </Suspense>
      </main>
    </WardProvider>
  );
}
