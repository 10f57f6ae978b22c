import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App.js';
import { i18n } from './i18n/index.js';
import { startServiceWorker } from './pwa/update.js';
import { appDb } from './storage/app-db.js';
import { getLanguage } from './storage/meta.js';
import './ui/styles.css';

document.documentElement.lang = i18n.language;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
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
