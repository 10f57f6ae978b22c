// The one route table (src/app/routes.ts): every URL the app writes reads back to the same
// screen and params, the paths stay those the e2e tests and old links use, and App gets the
// props and key each screen had before the table.
import { describe, expect, it } from 'vitest';
import { preloadScreen, routeRow, ROUTES, screenProps } from '../../src/app/routes.js';
import { href, parseHash, type Route } from '../../src/app/ui/router.js';

describe('route table', () => {
  const cases: [string, Route][] = [
    ['#/', { name: 'home' }],
    ['#/survey/d-1', { name: 'survey', draftId: 'd-1' }],
    ['#/edit/r-1', { name: 'edit', recordId: 'r-1' }],
    ['#/list', { name: 'list' }],
    ['#/record/r-1', { name: 'record', id: 'r-1' }],
    ['#/revisits', { name: 'revisits' }],
    ['#/enrol', { name: 'enrol' }],
    ['#/ward', { name: 'ward', sub: [] }],
    ['#/ward/household/h%201', { name: 'ward', sub: ['household', 'h 1'] }],
    ['#/assist', { name: 'assist' }],
    ['#/assist/for/h/m', { name: 'assist', householdId: 'h', memberId: 'm' }],
    ['#/assist/again/a', { name: 'assist', againId: 'a' }],
    ['#/assist/card/c/h/m', { name: 'assist', cardId: 'c', householdId: 'h', memberId: 'm' }],
    ['#/follow-up', { name: 'followUp' }],
    ['#/cards', { name: 'cards' }],
    ['#/cards/scam-calls', { name: 'card', id: 'scam-calls' }],
  ];

  it.each(cases)('%s ⇄ %o', (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
    expect(href(route)).toBe(hash);
  });

  it('reads the hash forms the old router read too', () => {
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#')).toEqual({ name: 'home' });
    expect(parseHash('#/list/')).toEqual({ name: 'list' });
    expect(parseHash('#/survey/a%2Fb')).toEqual({ name: 'survey', draftId: 'a/b' });
    expect(href({ name: 'survey', draftId: 'a/b' })).toBe('#/survey/a%2Fb');
  });

  it('an unknown path or a missing id is not found, and links home', () => {
    expect(parseHash('#/nowhere')).toEqual({ name: 'notFound' });
    expect(parseHash('#/survey')).toEqual({ name: 'notFound' });
    expect(parseHash('#/record')).toEqual({ name: 'notFound' });
    expect(href({ name: 'notFound' })).toBe('#/');
  });

  it('writes the first pattern the params fit (again, then card, then household)', () => {
    expect(href({ name: 'assist', againId: 'a', householdId: 'h' } as Route)).toBe('#/assist/again/a');
    expect(href({ name: 'assist', cardId: 'c', memberId: 'm' } as Route)).toBe('#/assist/card/c');
  });

  it('gives each screen the props and key it had before the table', () => {
    expect(screenProps({ name: 'edit', recordId: 'r' })).toEqual({ props: { draftId: 'r', recordId: 'r' }, key: 'r' });
    expect(screenProps({ name: 'survey', draftId: 'd' })).toEqual({ props: { draftId: 'd' }, key: 'd' });
    expect(screenProps({ name: 'ward', sub: ['quality'] })).toEqual({ props: { sub: ['quality'] }, key: undefined });
    expect(screenProps({ name: 'card', id: 'x' })).toEqual({ props: { id: 'x' }, key: 'x' });
    expect(routeRow({ name: 'ward', sub: [] })?.wide).toBe(true);
    expect(routeRow({ name: 'notFound' })).toBeUndefined();
  });

  it('every screen but Home loads lazily, the survey and its edit through one module', async () => {
    const lazyRows = Object.entries(ROUTES).filter(([, row]) => 'load' in row).map(([name]) => name);
    expect(lazyRows.sort()).toEqual(Object.keys(ROUTES).filter((n) => n !== 'home').sort());
    // One module for both; editing (which may open on any step) also waits for every string.
    expect(await ROUTES.edit.load!()).toBe(await ROUTES.survey.load!());
    await expect(preloadScreen({ name: 'home' })).resolves.toBeUndefined();
  });
});
