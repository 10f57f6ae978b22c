// i18next set up once for the app: Vietnamese first, English switchable. The choice is kept in
// localStorage (read synchronously for the first paint) and in IndexedDB meta.
//
// The first download holds only the strings of Home, the app bar and the survey's first step
// (locales/first-vi.generated.ts; English's own when English was chosen); every other string (all-locales.ts) loads right
// after the first question is on screen (main.tsx), and before any other screen (routes.ts).
// Components re-render when it arrives (bindI18nStore 'added').
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { initialLanguage, type Language } from '../storage/meta.js';
import { firstVi } from './locales/first-vi.generated.js';

export const i18n = i18next.createInstance();

const firstLanguage = initialLanguage();
void i18n.use(initReactI18next).init({
  resources: { vi: { translation: firstVi } },
  lng: firstLanguage,
  fallbackLng: 'vi',
  interpolation: { escapeValue: false }, // React escapes
  // Keys are paths ('home.newSurvey') in one namespace. Said explicitly, i18next skips its check of
  // every key for natural language (a handful of regular expressions per t() call).
  keySeparator: '.',
  nsSeparator: false,
  returnNull: false,
  initAsync: false,
  react: { bindI18n: 'languageChanged', bindI18nStore: 'added' },
});

let firstEnglish: Promise<void> | undefined;
const loadFirstEnglish = () =>
  (firstEnglish ??= import('./locales/first-en.generated.js').then(
    ({ firstEn }) => void i18n.addResourceBundle('en', 'translation', firstEn, true, false),
    (err: unknown) => {
      firstEnglish = undefined;
      throw err;
    },
  ));

/** Resolves when the first screen's strings in the chosen language are there (main.tsx waits). */
export const firstStringsReady: Promise<void> = firstLanguage === 'en' ? loadFirstEnglish().catch(() => undefined) : Promise.resolve();

/** Switches the interface language once its strings are loaded. */
export async function changeAppLanguage(language: Language): Promise<void> {
  // Only when English is not there yet (a switch before the rest of the strings arrived): once
  // loaded, the switch happens at once, as the volunteer taps.
  if (language === 'en' && !i18n.hasResourceBundle('en', 'translation')) await loadFirstEnglish().catch(() => loadAllLocales());
  document.documentElement.lang = language;
  await i18n.changeLanguage(language);
}

let allLocales: Promise<void> | undefined;

/** Every string of the volunteer's app, both languages (once; a failed load is tried again). */
export function loadAllLocales(): Promise<void> {
  allLocales ??= import('./all-locales.js').then(
    ({ allVi, allEn }) => {
      i18n.addResourceBundle('vi', 'translation', allVi, true, false);
      i18n.addResourceBundle('en', 'translation', allEn, true, false);
    },
    (err: unknown) => {
      allLocales = undefined;
      throw err;
    },
  );
  return allLocales;
}

export function currentLanguage(): Language {
  return i18n.language === 'en' ? 'en' : 'vi';
}

/**
 * The ward dashboard's messages (src/app/features/dashboard/locales.ts), added when its lazy
 * chunk loads: ward staff screens stay out of a volunteer phone's first download.
 */
export async function loadDashboardLocales(): Promise<void> {
  const [{ dashboardVi, dashboardEn }, { auditVi, auditEn }] = await Promise.all([
    import('../features/dashboard/locales.js'),
    import('../features/dashboard/audit/locales.js'),
  ]);
  i18n.addResourceBundle('vi', 'translation', dashboardVi, true, false);
  i18n.addResourceBundle('en', 'translation', dashboardEn, true, false);
  i18n.addResourceBundle('vi', 'translation', auditVi, true, false);
  i18n.addResourceBundle('en', 'translation', auditEn, true, false);
  const { privacyVi, privacyEn } = await import('../features/dashboard/privacy/locales.js');
  i18n.addResourceBundle('vi', 'translation', privacyVi, true, false);
  i18n.addResourceBundle('en', 'translation', privacyEn, true, false);
  const { cityVi, cityEn } = await import('../features/dashboard/city/locales.js');
  i18n.addResourceBundle('vi', 'translation', cityVi, true, false);
  i18n.addResourceBundle('en', 'translation', cityEn, true, false);
  const { retirementVi, retirementEn } = await import('../features/dashboard/retirement-locales.js');
  i18n.addResourceBundle('vi', 'translation', retirementVi, true, false);
  i18n.addResourceBundle('en', 'translation', retirementEn, true, false);
  const { rescueDashVi, rescueDashEn } = await import('../features/dashboard/rescue-locales.js');
  i18n.addResourceBundle('vi', 'translation', rescueDashVi, true, false);
  i18n.addResourceBundle('en', 'translation', rescueDashEn, true, false);
}
