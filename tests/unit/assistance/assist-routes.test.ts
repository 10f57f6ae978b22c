// The hash routes of the assistance screens read back what href() writes.
import { describe, expect, it } from 'vitest';
import '../../../src/app/routes.js'; // registers the route table with the router
import { href, parseHash, type Route } from '../../../src/app/ui/router.js';

describe('assistance routes', () => {
  const routes: Route[] = [
    { name: 'assist' },
    { name: 'assist', householdId: 'h1' },
    { name: 'assist', householdId: 'h1', memberId: 'm1' },
    { name: 'assist', againId: 'a1' },
    { name: 'assist', cardId: 'vneid-install' },
    { name: 'assist', cardId: 'vneid-install', householdId: 'h1', memberId: 'm1' },
    { name: 'followUp' },
    { name: 'cards' },
    { name: 'card', id: 'scam-calls' },
  ];
  it.each(routes)('%o round-trips', (route) => {
    expect(parseHash(href(route))).toEqual(route);
  });
  it('reads the documented paths', () => {
    expect(href({ name: 'followUp' })).toBe('#/follow-up');
    expect(parseHash('#/cards/vneid-install')).toEqual({ name: 'card', id: 'vneid-install' });
    expect(parseHash('#/assist/for/h/m')).toEqual({ name: 'assist', householdId: 'h', memberId: 'm' });
  });
});
