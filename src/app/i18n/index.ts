// i18next set up once for the app: Vietnamese first, English switchable. The choice is kept in
// localStorage (read synchronously for the first paint) and in IndexedDB meta.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { initialLanguage, type Language } from '../storage/meta.js';
import { en } from './locales/en.js';
import { vi } from './locales/vi.js';
import { syncEn, syncVi } from '../sync/locales.js';
import { assistEn, assistVi } from '../features/assistance/locales.js';
import { wipedEn, wipedVi } from '../features/wiped/locales.js';
import { lockEn, lockVi } from '../features/lock/locales.js';

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: {
    vi: { translation: { ...vi, ...syncVi, ...assistVi, ...wipedVi, ...lockVi } },
    en: { translation: { ...en, ...syncEn, ...assistEn, ...wipedEn, ...lockEn } },
  },
  lng: initialLanguage(),
  fallbackLng: 'vi',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});

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
  const { retirementVi, retirementEn } = await import('../features/dashboard/retirement-locales.js');
  i18n.addResourceBundle('vi', 'translation', retirementVi, true, false);
  i18n.addResourceBundle('en', 'translation', retirementEn, true, false);
}
