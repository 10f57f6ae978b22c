// The moment the app's first job is done: the survey's first question is on screen, or the
// volunteer has had Home (or any other screen) in front of them for a moment without starting a
// survey. Work the first screen does not need waits for it (main.tsx): the sync engine and its
// schemas, the service worker's registration (its precache then downloads every other chunk in
// the background, so offline still has everything) and the rest of the interface strings. On a
// cheap phone over a slow link they would otherwise compete with the first question for the
// network and the CPU.

/** How long a first screen that is not the survey stays alone before the rest loads. */
const DWELL_MS = 800;

let markShown: () => void = () => {};
const shown = new Promise<void>((resolve) => (markShown = resolve));
let dwellStarted = false;

/** The survey calls this once its first step is on screen and accepts input. */
export function firstQuestionShown(): void {
  markShown();
}

/** Should the survey fail to show (a chunk missing), the rest still loads. */
const SAFETY_NET_MS = 10_000;
setTimeout(markShown, SAFETY_NET_MS);

/**
 * App calls this once a screen other than the survey is up: the rest loads after a short dwell,
 * unless the volunteer has opened a survey by then (it then waits for its first question).
 */
export function firstScreenRendered(): void {
  if (dwellStarted) return;
  dwellStarted = true;
  setTimeout(() => {
    if (!/^#\/(survey|edit)\//.test(location.hash)) markShown();
  }, DWELL_MS);
}

const idle = () =>
  new Promise<void>((resolve) => {
    if ('requestIdleCallback' in window) requestIdleCallback(() => resolve(), { timeout: 1000 });
    else setTimeout(resolve, 50);
  });

/** Resolves when the first screen's work is done and the page is idle. */
export const afterFirstScreen: Promise<void> = shown.then(idle);
