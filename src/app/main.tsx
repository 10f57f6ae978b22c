import { firstScreenReads, screenCode } from './boot.js';
import { afterFirstScreen } from './first-screen.js';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App.js';
import { changeAppLanguage, firstStringsReady, i18n, loadAllLocales } from './i18n/index.js';
import { startServiceWorker } from './pwa/update.js';
import { href } from './ui/router.js';
import { appDbLoaded } from './storage/app-store.js';
import { getLanguage } from './storage/meta.js';
import { applyDisplay, getDisplay, initialDisplay, setDisplay, type DisplaySettings } from './storage/display-settings.js';
import { moveEnrolmentQueryToFragment } from './sync/enrolment-link.js';
import './ui/styles.css';

document.documentElement.lang = i18n.language;
// High contrast and larger text from the first paint (mirrored in localStorage).
applyDisplay(initialDisplay());

// Enrolment links carry the code in the fragment (`/#/enrol?ward=…&code=…`), which no server or
// proxy log ever sees. An older link (`/?ward=…&code=…`) still works: its parameters move into
// the fragment and leave the address (and so the history) at once; the enrolment screen then
// reads them and clears the fragment too (sync/enrolment.ts, moveEnrolmentQueryToFragment).
moveEnrolmentQueryToFragment();

// The sync engine (and the zod schemas it pulls in) and the service worker's registration
// (workbox-window) wait until the first question is on screen (first-screen.ts): neither is
// needed to show it, and on a slow phone they would compete with it for the network and the CPU.
// The sync engine installs itself for requestSync() after each save; the status panel waits for it.
// Every other interface string, then the sync engine (its messages need them).
const allStrings = afterFirstScreen.then(loadAllLocales);
const syncReady = allStrings
  .catch(() => undefined)
  .then(() => import('./sync/app-sync.js'))
  .then((m) => m.startAppSync());
const SyncStatus = lazy(async () => {
  // Its code too waits for the engine (Home renders this slot at once).
  const engine = await syncReady;
  const mod = await import('./features/sync/SyncStatus.js');
  return { default: () => <mod.SyncStatus engine={engine} recordHref={(id) => href({ name: 'edit', recordId: id })} /> };
});

// English chosen on this phone: its first strings (a small chunk) come before the first render.
// (A `.then`, not a top-level await: an entry module that awaits cannot share its modules with
// the lazy chunks, and the bundler would split it into a dozen small files.) So does the code of
// the screen the address opens (boot.ts; none for Home): the first render then shows that screen
// rather than a "loading" notice committed, laid out and replaced (routes.ts, lazyScreen).
// A warm start on Home also waits for the reads of its first render (boot.ts), so it renders once.
// The screen's code is waited for a second at most: over a slow link a big screen (the ward
// dashboard) would otherwise leave the page blank until it arrived; past that the app shows its
// "loading" notice meanwhile.
const SCREEN_CODE_CAP_MS = 1000;
const screenCodeOrCap = Promise.race([screenCode.catch(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, SCREEN_CODE_CAP_MS))]);
void Promise.all([firstStringsReady, firstScreenReads, screenCodeOrCap]).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App
          syncStatus={
            <Suspense fallback={null}>
              <SyncStatus />
            </Suspense>
          }
        />
      </I18nextProvider>
    </StrictMode>,
  ),
);

void afterFirstScreen.then(startServiceWorker);

// localStorage can be cleared while IndexedDB stays: the language kept in meta wins (read once
// the database is loaded: storage/app-store.ts; a blank phone has none), unless the volunteer
// has switched it in the meantime (a switch loads the database and keeps the choice there).
const languageAtStart = i18n.language;
void appDbLoaded.then(getLanguage).then((language) => {
  if (language !== i18n.language && i18n.language === languageAtStart) void changeAppLanguage(language);
});

// The display settings kept in meta win too, on the same terms; the mirror is refreshed for the
// next first paint.
const displayAtStart = initialDisplay();
const shownDisplay = (): DisplaySettings => ({ highContrast: document.documentElement.dataset.theme === 'contrast', largeText: document.documentElement.dataset.textSize === 'large' });
const sameDisplay = (a: DisplaySettings, b: DisplaySettings) => a.highContrast === b.highContrast && a.largeText === b.largeText;
void appDbLoaded.then(async (db) => {
  const display = await getDisplay(db);
  if (!sameDisplay(shownDisplay(), displayAtStart)) return;
  applyDisplay(display);
  if (!sameDisplay(initialDisplay(), display)) void setDisplay(db, display);
});
