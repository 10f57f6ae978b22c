// A tiny hash router: the screen lives in location.hash so a reload (or an app update) comes
// back to the same screen. Routes: #/ · #/survey/<draftId> · #/edit/<recordId> · #/list ·
// #/record/<id> · #/revisits · #/enrol · #/ward[/<screen>[/<id>]] (ward staff dashboard) ·
// #/assist[/for/<householdId>[/<memberId>] | /again/<assistanceId>
// | /card/<cardId>[/<householdId>/<memberId>]] · #/follow-up · #/cards · #/cards/<id>.
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'home' }
  | { name: 'survey'; draftId: string }
  | { name: 'edit'; recordId: string }
  | { name: 'list' }
  | { name: 'record'; id: string }
  | { name: 'revisits' }
  | { name: 'enrol' }
  | { name: 'ward'; sub: string[] }
  | { name: 'assist'; householdId?: string; memberId?: string; againId?: string; cardId?: string }
  | { name: 'followUp' }
  | { name: 'cards' }
  | { name: 'card'; id: string }
  | { name: 'notFound' };

function assistRoute(parts: string[]): Route {
  const [, mode, a, b, c] = parts;
  const opt = (key: 'householdId' | 'memberId', v: string | undefined) => (v ? { [key]: v } : {});
  if (mode === 'for' && a) return { name: 'assist', householdId: a, ...opt('memberId', b) };
  if (mode === 'again' && a) return { name: 'assist', againId: a };
  if (mode === 'card' && a) return { name: 'assist', cardId: a, ...opt('householdId', b), ...opt('memberId', c) };
  return { name: 'assist' };
}

function assistHref(r: Extract<Route, { name: 'assist' }>): string {
  const e = encodeURIComponent;
  if (r.againId) return `#/assist/again/${e(r.againId)}`;
  if (r.cardId) return `#/assist/card/${e(r.cardId)}${r.householdId ? `/${e(r.householdId)}${r.memberId ? `/${e(r.memberId)}` : ''}` : ''}`;
  if (r.householdId) return `#/assist/for/${e(r.householdId)}${r.memberId ? `/${e(r.memberId)}` : ''}`;
  return '#/assist';
}

export function parseHash(hash: string): Route {
  // A route may carry parameters after `?` (the enrolment link: `#/enrol?ward=…&code=…`).
  const parts = hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, arg] = parts;
  if (!head) return { name: 'home' };
  if (head === 'survey' && arg) return { name: 'survey', draftId: arg };
  if (head === 'edit' && arg) return { name: 'edit', recordId: arg };
  if (head === 'list') return { name: 'list' };
  if (head === 'record' && arg) return { name: 'record', id: arg };
  if (head === 'revisits') return { name: 'revisits' };
  if (head === 'enrol') return { name: 'enrol' };
  if (head === 'ward') return { name: 'ward', sub: parts.slice(1) };
  if (head === 'assist') return assistRoute(parts);
  if (head === 'follow-up') return { name: 'followUp' };
  if (head === 'cards') return arg ? { name: 'card', id: arg } : { name: 'cards' };
  return { name: 'notFound' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'home':
    case 'notFound':
      return '#/';
    case 'survey':
      return `#/survey/${encodeURIComponent(route.draftId)}`;
    case 'edit':
      return `#/edit/${encodeURIComponent(route.recordId)}`;
    case 'record':
      return `#/record/${encodeURIComponent(route.id)}`;
    case 'list':
      return '#/list';
    case 'revisits':
      return '#/revisits';
    case 'enrol':
      return '#/enrol';
    case 'ward':
      return `#/ward${route.sub.map((p) => `/${encodeURIComponent(p)}`).join('')}`;
    case 'assist':
      return assistHref(route);
    case 'followUp':
      return '#/follow-up';
    case 'cards':
      return '#/cards';
    case 'card':
      return `#/cards/${encodeURIComponent(route.id)}`;
  }
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const target = href(route);
  if (options.replace) {
    history.replaceState(history.state, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target;
  }
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => location.hash);
}
