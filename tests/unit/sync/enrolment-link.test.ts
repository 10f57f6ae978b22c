// The enrolment code in the page address (issue 10, defect 7): an old `?code=` link moves into
// the fragment and out of the query; once the screen read it, the address keeps `#/enrol` only.
import { describe, expect, it } from 'vitest';
import { forgetEnrolmentCodeInAddress, moveEnrolmentQueryToFragment } from '../../../src/app/sync/enrolment-link.js';
import { readEnrolmentLink } from '../../../src/app/sync/enrolment.js';

function fakeWindow(href: string) {
  let url = new URL(href);
  const calls: string[] = [];
  const loc = {
    get pathname() { return url.pathname; },
    get search() { return url.search; },
    get hash() { return url.hash; },
    get href() { return url.href; },
  } as Location;
  const hist = {
    state: null,
    replaceState(_s: unknown, _t: string, next: string) {
      calls.push(next);
      url = new URL(next, url);
    },
  } as unknown as History;
  return { loc, hist, calls, href: () => url.href };
}

describe('enrolment link in the address', () => {
  it('moves an old ?ward=&code= link into the fragment, leaving no query', () => {
    const w = fakeWindow('https://ward.example/?ward=10546&code=ACDE-7K9M&utm=x');
    moveEnrolmentQueryToFragment(w.loc, w.hist);
    expect(w.href()).toBe('https://ward.example/#/enrol?ward=10546&code=ACDE-7K9M');
    expect(readEnrolmentLink(w.href())).toEqual({ wardCode: '10546', enrolmentCode: 'ACDE-7K9M' });
    forgetEnrolmentCodeInAddress(w.loc, w.hist);
    expect(w.href()).toBe('https://ward.example/#/enrol');
    expect(w.calls).toHaveLength(2);
  });

  it('leaves an address without a code alone', () => {
    const w = fakeWindow('https://ward.example/#/list');
    moveEnrolmentQueryToFragment(w.loc, w.hist);
    forgetEnrolmentCodeInAddress(w.loc, w.hist);
    expect(w.calls).toEqual([]);
  });
});
