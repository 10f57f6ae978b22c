// Lazily loaded screens, one loader each. A loader is memoised so main.tsx can start fetching
// the screen the URL asks for while React itself is still loading (instead of after the first
// render, at the end of a waterfall of imports), and App's lazy() reuses the same promise.
import { loadDashboardLocales } from './i18n/index.js';
import { parseHash, type Route } from './ui/router.js';

const once = <T,>(load: () => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= load());
};

export const loadSurveyScreen = once(() => import('./features/survey/SurveyScreen.js'));
export const loadListScreen = once(() => import('./features/list/ListScreen.js'));
export const loadRecordScreen = once(() => import('./features/list/RecordScreen.js'));
export const loadRevisitsScreen = once(() => import('./features/list/RevisitsScreen.js'));
export const loadEnrolmentScreen = once(() => import('./features/enrolment/EnrolmentScreen.js'));
/** Ward staff only: the dashboard and its messages load when #/ward is opened. */
export const loadDashboardScreen = once(async () => {
  const [mod] = await Promise.all([import('./features/dashboard/DashboardScreen.js'), loadDashboardLocales()]);
  return mod;
});

/** Starts loading the screen for `route`; resolves when its code is ready (at once for Home). */
export function preloadScreen(route: Route = parseHash(location.hash)): Promise<unknown> {
  switch (route.name) {
    case 'survey':
    case 'edit':
      return loadSurveyScreen();
    case 'list':
      return loadListScreen();
    case 'record':
      return loadRecordScreen();
    case 'revisits':
      return loadRevisitsScreen();
    case 'enrol':
      return loadEnrolmentScreen();
    case 'ward':
      return loadDashboardScreen();
    default:
      return Promise.resolve();
  }
}
