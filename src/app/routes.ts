// Every screen of the app, one row each (adding a screen is adding a row):
// - `paths`: the hash path patterns (ui/router.ts); href() writes the first one the params fit.
// - `load`: the screen's code, loaded lazily and memoised, so boot.ts can start fetching the
//   screen the URL asks for while React itself is still loading, and App's lazy() reuses the same
//   promise. The module's default export is the screen. Home has none: it is in the first bundle
//   and App renders it with the sync panel.
// - `props`: the screen's props from the params (default: the params themselves); `key`: params
//   whose change makes a new screen (a new draft, another record); `wide`: the dashboard layout.
// The router and App read only this table.
import { lazy, type ComponentType } from 'react';
import { loadAllLocales, loadDashboardLocales } from './i18n/index.js';
import { registerRoutes, type ParamsOf, type Route } from './ui/router.js';

type Params<Paths extends readonly string[]> = ParamsOf<Paths[number]>;
/** A screen component as App renders it (each row's props are checked against its own screen by screen() below). */
export type Screen = ComponentType<Record<string, unknown>>;

interface RowOptions<Paths extends readonly string[]> {
  key?: (params: Params<Paths>) => string;
  wide?: boolean;
}

interface Row<Paths extends readonly string[]> extends RowOptions<Paths> {
  paths: Paths;
  load?: () => Promise<{ default: Screen }>;
  props?: (params: Params<Paths>) => object;
}

/** What each memoised load (once) has loaded, once it has: lazyScreen renders it without suspending. */
const settled = new WeakMap<() => Promise<unknown>, unknown>();

const once = <T,>(load: () => Promise<T>) => {
  let p: Promise<T> | undefined;
  const memo = () =>
    (p ??= load().then((value) => {
      settled.set(memo, value);
      return value;
    }));
  return memo;
};

/**
 * React.lazy over a row's `load` (App makes one per row). When the code is already loaded as the
 * screen first renders (boot.ts starts it with the page; a first visit's survey is in by then),
 * lazy() is handed a thenable that calls back at once, which React.lazy resolves in the same
 * render: the screen shows in that render rather than after a suspension, a retry and, when its
 * Suspense boundary had to show its fallback, React's 300 ms throttle of the reveal (issue 13).
 */
export function lazyScreen(load: () => Promise<{ default: Screen }>): Screen {
  return lazy(() => {
    const mod = settled.get(load) as { default: Screen } | undefined;
    if (!mod) return load();
    // React.lazy takes any thenable and checks whether it settled during then(); its type says Promise.
    const now = { then: (resolve: (m: { default: Screen }) => void) => resolve(mod) };
    return now as unknown as Promise<{ default: Screen }>;
  });
}

/** A lazily loaded screen given its route's params as props, or `props(params)`. */
function screen<const Paths extends readonly string[]>(paths: Paths, load: () => Promise<{ default: ComponentType<Params<Paths>> }>, options?: RowOptions<Paths>): Row<Paths>;
function screen<const Paths extends readonly string[], P extends object>(
  paths: Paths,
  load: () => Promise<{ default: ComponentType<P> }>,
  options: RowOptions<Paths> & { props: (params: Params<Paths>) => P },
): Row<Paths>;
function screen(paths: readonly string[], load: () => Promise<unknown>, options: object = {}): Row<readonly string[]> {
  return { paths, load: load as () => Promise<{ default: Screen }>, ...options };
}

/**
 * A screen's code together with every interface string (the first download has only those of
 * Home and the survey's first step, i18n/index.ts), loaded once.
 */
const withStrings = <T,>(load: () => Promise<T>): (() => Promise<T>) => once(async () => (await Promise.all([load(), loadAllLocales()]))[0]);

// A new survey opens on its first step, whose strings are in the first download: it does not
// wait for the rest (they follow at once, and the screen re-renders with them).
const loadSurveyScreen = once(() => import('./features/survey/SurveyScreen.js'));
/** Editing may open on any step: it waits for every string. */
const loadEditScreen = withStrings(loadSurveyScreen);

export const ROUTES = {
  home: { paths: [''] as const },
  survey: screen(['survey/:draftId'], loadSurveyScreen, { key: (p) => p.draftId }),
  /** Editing (or revisiting) a saved household: the survey, with the record's id as its draft id. */
  edit: screen(['edit/:recordId'], loadEditScreen, { props: (p) => ({ draftId: p.recordId, recordId: p.recordId }), key: (p) => p.recordId }),
  list: screen(['list'], withStrings(() => import('./features/list/ListScreen.js'))),
  record: screen(['record/:id'], withStrings(() => import('./features/list/RecordScreen.js')), { key: (p) => p.id }),
  revisits: screen(['revisits'], withStrings(() => import('./features/list/RevisitsScreen.js'))),
  enrol: screen(['enrol'], withStrings(() => import('./features/enrolment/EnrolmentScreen.js'))),
  /** Ward staff only: the dashboard and its messages load when #/ward is opened. */
  ward: screen(
    ['ward/*sub'],
    once(async () => {
      const [mod] = await Promise.all([import('./features/dashboard/DashboardScreen.js'), loadDashboardLocales(), loadAllLocales()]);
      return mod;
    }),
    { wide: true },
  ),
  assist: screen(
    ['assist/again/:againId', 'assist/card/:cardId/:householdId?/:memberId?', 'assist/for/:householdId/:memberId?', 'assist'],
    withStrings(() => import('./features/assistance/AssistScreen.js')),
    { key: () => location.hash },
  ),
  followUp: screen(['follow-up'], withStrings(() => import('./features/assistance/FollowUpScreen.js'))),
  cards: screen(['cards'], withStrings(() => import('./features/assistance/CardsScreen.js'))),
  /** The rescue export (features/rescue): unsynced records and drafts as one sealed, signed file. */
  rescue: screen(['rescue'], withStrings(() => import('./features/rescue/RescueScreen.js'))),
  card: screen(['cards/:id'], withStrings(() => import('./features/assistance/CardScreen.js')), { key: (p) => p.id }),
} satisfies Record<string, Row<readonly string[]>>;

declare module './ui/router.js' {
  interface RouteRegister {
    routes: typeof ROUTES;
  }
}

registerRoutes(ROUTES);

/** The table's row for `route` (undefined for a path no pattern matches). */
export function routeRow(route: Route): Row<readonly string[]> | undefined {
  return route.name === 'notFound' ? undefined : (ROUTES[route.name] as Row<readonly string[]>);
}

/** The props and key App gives the screen of `route`. */
export function screenProps(route: Route): { props: Record<string, unknown>; key: string | undefined } {
  const { name: _, ...params } = route as { name: string } & Record<string, unknown>;
  const row = routeRow(route) as { props?: (p: object) => object; key?: (p: object) => string } | undefined;
  return { props: (row?.props ? row.props(params) : params) as Record<string, unknown>, key: row?.key?.(params) };
}

/** Starts loading the screen for `route`; resolves when its code is ready (at once for Home). */
export function preloadScreen(route: Route): Promise<unknown> {
  return routeRow(route)?.load?.() ?? Promise.resolve();
}
