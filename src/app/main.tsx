import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App.js';
import { i18n } from './i18n/index.js';
import { startServiceWorker } from './pwa/update.js';
import { href } from './ui/router.js';
import { appDb } from './storage/app-db.js';
import { getLanguage } from './storage/meta.js';
import './ui/styles.css';

document.documentElement.lang = i18n.language;

// A link from the dashboard's enrolment QR code (`?ward=CODE&code=XXXX`) opens the enrolment form.
if (/[?&]code=/.test(location.search) && !location.hash.startsWith('#/enrol')) {
  history.replaceState(history.state, '', `${location.pathname}${location.search}#/enrol`);
}

// The sync engine (and the zod schemas it pulls in) loads after the first paint: it starts on
// app start, installs itself for requestSync() after each save, and the status panel waits for it.
const syncReady = import('./sync/app-sync.js').then((m) => m.startAppSync());
const SyncStatus = lazy(async () => {
  const [engine, mod] = await Promise.all([syncReady, import('./features/sync/SyncStatus.js')]);
  return { default: () => <mod.SyncStatus engine={engine} recordHref={(id) => href({ name: 'edit', recordId: id })} /> };
});

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
);

void startServiceWorker();

// localStorage can be cleared while IndexedDB stays: the language kept in meta wins.
void getLanguage(appDb).then((language) => {
  if (language !== i18n.language) {
    void i18n.changeLanguage(language);
    document.documentElement.lang = language;
  }
});
