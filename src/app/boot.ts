// Imported first by main.tsx, so it runs before React DOM and the app are evaluated: the screen
// the URL asks for and the ward configuration start loading now, in parallel, rather than in a
// waterfall after the first render.
import { preloadSurveyReads } from './features/survey/survey-preload.js';
import { preloadScreen, ROUTES } from './routes.js';
import { parseHash } from './ui/router.js';
import { preloadWard } from './ward-context.js';
import { preloadHomeCounts } from './features/home/home-counts.js';
import { phoneHoldsData, startLock } from './features/lock/lock-boot.js';
import { earlyReadsSettled, firstScreenCommitted, preloadRead } from './ui/early-reads.js';
import { isPracticeMode } from './storage/meta.js';
import { getWipe, wipeFrom } from './storage/wipe.js';
import { readFirstScreenValues, type FirstScreenValues } from './storage/first-reads-raw.js';
import { localDate } from './ui/dates.js';
import { appLock } from './security/lock-state.js';
import { afterFirstScreen } from './first-screen.js';
import { isBlankPhone, loadAppDb } from './storage/app-store.js';

// The prerendered Home's "Khảo sát hộ mới" (scripts/build/prerender-shell.ts) is a plain link to
// #/survey/new, so it works before any script: "new" becomes a fresh draft id at once, before
// anything reads the address (this listener is the first one), and the history keeps only the id.
const NEW_SURVEY_HASH = '#/survey/new';
function giveNewSurveyAnId(): void {
  if (location.hash === NEW_SURVEY_HASH) history.replaceState(history.state, '', `#/survey/${crypto.randomUUID()}`);
}
giveNewSurveyAnId();
window.addEventListener('hashchange', giveNewSurveyAnId);

const route = parseHash(location.hash);
export const screenCode = preloadScreen(route);
// The database (Dexie): at once when the app is served by its service worker (no download) or the
// phone holds data; on a first visit's blank phone, once the first screen is up, so its 27 KB do
// not delay the first question on a slow link (storage/app-store.ts). A write loads it sooner.
// A warm start on Home (served by the service worker, which a first visit is not) reads what its
// first render shows straight from IndexedDB (storage/first-reads-raw.ts) and loads Dexie once
// Home is up; should that read fail, Dexie loads at once and answers as before.
const warmHome = route.name === 'home' && navigator.serviceWorker?.controller != null;
const firstValues = warmHome ? readFirstScreenValues(localDate()) : undefined;
const stored = <T,>(pick: (v: FirstScreenValues) => T): Promise<{ value: T } | undefined> | undefined =>
  firstValues?.then((v) => (v ? { value: pick(v) } : undefined));
if (firstValues) void firstValues.then((v) => (v ? firstScreenCommitted : undefined)).then(loadAppDb);
else if (navigator.serviceWorker?.controller) void loadAppDb();
if (!firstValues) void isBlankPhone().then((blank) => (blank ? afterFirstScreen : undefined)).then(loadAppDb);
const wardRead = preloadWard(false, stored((v) => v.wardConfig));
const lockStart = startLock(null, appLock, stored((v) => v.lock));
// A survey's reads once the lock's state is known (until then the phone counts as locked): a
// first visit's blank phone has no PIN, and its new survey's first render has them (issue 13).
// (Editing a saved household on a phone without a PIN sets one first: nothing to read ahead.)
const surveyReads =
  route.name === 'survey'
    ? lockStart.then(
        () => preloadSurveyReads(route.draftId),
        () => undefined,
      )
    : undefined;
// A first visit (no service worker yet) that opens on Home: the survey's code is fetched now, in
// parallel with the rest, so "Khảo sát hộ mới" does not wait for another round trip on a slow
// link. Later starts read it from the service worker's cache when it is tapped.
if (route.name === 'home' && !navigator.serviceWorker?.controller) void ROUTES.survey.load?.();
// Home's counts are read the moment the database is loaded, not after the lock gate's reads and
// Home's mount (the warm start: features/home/home-counts.ts).
if (route.name === 'home') preloadHomeCounts(stored((v) => v.counts));

// A warm start on Home (served by the service worker, which a first visit is not): everything its
// first render reads is read now (ui/early-reads.ts) and main.tsx renders once it is all there, so
// React renders Home once, with its counts, instead of a pass per answer; meanwhile the prerendered
// Home stays on screen and its "Khảo sát hộ mới" link works. Capped, so that a slow database (an
// upgrade after an app update) never holds the app back: past the cap it renders as the answers come.
const FIRST_READS_CAP_MS = 1000;
if (warmHome) {
  preloadRead(phoneHoldsData, stored((v) => v.holdsData));
  preloadRead(isPracticeMode, stored((v) => v.practiceMode));
  preloadRead(getWipe, stored((v) => wipeFrom(v.wiped)));
}
// A first visit's survey (issue 13, cold start): the same for its first question — the lock's
// state, the ward and the draft, which wait for IndexedDB's first answer on a new phone (asked by
// index.html's first script as the page started) — so the first render is the question rather
// than the lock gate's "loading" notice first. Capped shorter: the survey's screen is blank meanwhile.
const FIRST_SURVEY_READS_CAP_MS = 400;
const coldSurvey = surveyReads !== undefined && navigator.serviceWorker?.controller == null;
const capped = (reads: Promise<unknown>, ms: number) =>
  Promise.race([reads.then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, ms))]);
/** Resolves when the first screen's reads are in (a warm start on Home, a first visit's survey), at once otherwise. */
export const firstScreenReads: Promise<void> = warmHome
  ? capped(Promise.allSettled([lockStart, wardRead, earlyReadsSettled()]), FIRST_READS_CAP_MS)
  : coldSurvey
    ? capped(Promise.allSettled([lockStart, wardRead, surveyReads]), FIRST_SURVEY_READS_CAP_MS)
    : Promise.resolve();
