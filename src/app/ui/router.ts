// A tiny hash router: the screen lives in location.hash so a reload (or an app update) comes
// back to the same screen. Routes: #/ · #/survey/<draftId> · #/edit/<recordId> · #/list ·
// #/record/<id> · #/revisits · #/enrol · #/ward[/<screen>[/<id>]] (ward staff dashboard).
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
  | { name: 'notFound' };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [head, arg] = parts;
  if (!head) return { name: 'home' };
  if (head === 'survey' && arg) return { name: 'survey', draftId: arg };
  if (head === 'edit' && arg) return { name: 'edit', recordId: arg };
  if (head === 'list') return { name: 'list' };
  if (head === 'record' && arg) return { name: 'record', id: arg };
  if (head === 'revisits') return { name: 'revisits' };
  if (head === 'enrol') return { name: 'enrol' };
  if (head === 'ward') return { name: 'ward', sub: parts.slice(1) };
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
