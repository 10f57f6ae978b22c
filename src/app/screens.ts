// Lazily loaded screens, one loader each. A loader is memoised so main.tsx can start fetching
// the screen the URL asks for while React itself is still loading (instead of after the first
// render, at the end of a waterfall of imports), and App's lazy() reuses the same promise.
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
    default:
      return Promise.resolve();
  }
}
