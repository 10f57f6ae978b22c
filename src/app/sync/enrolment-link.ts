// The enrolment link's code in the page address. New links put it in the fragment
// (`/#/enrol?ward=…&code=…`): browsers never send a fragment, so no server or proxy log sees
// it. Once read, it leaves the address bar and the history (history.replaceState), so the next
// person holding the phone cannot find it there. Kept apart from enrolment.ts so the app's
// entry point loads only these few lines.

/** An old link (`/?ward=…&code=…`): its parameters move into the fragment; the query goes. */
export function moveEnrolmentQueryToFragment(loc: Location = location, hist: History = history): void {
  const query = new URLSearchParams(loc.search);
  if (!query.has('code')) return;
  const moved = new URLSearchParams();
  for (const key of ['ward', 'code']) {
    const value = query.get(key);
    if (value !== null) moved.set(key, value);
  }
  hist.replaceState(hist.state, '', `${loc.pathname}#/enrol?${moved.toString()}`);
}

/** After the enrolment screen has read the code: the address keeps `#/enrol` only. */
export function forgetEnrolmentCodeInAddress(loc: Location = location, hist: History = history): void {
  if (/[?&]code=/.test(loc.hash) || /[?&]code=/.test(loc.search)) hist.replaceState(hist.state, '', `${loc.pathname}#/enrol`);
}
