// A tiny hash router: the screen lives in location.hash so a reload (or an app update) comes
// back to the same screen. The routes are one table, src/app/routes.ts (path patterns, the lazy
// loader of each screen, its props). The table registers itself here when it loads and types
// `Route` through the `RouteRegister` interface (declaration merging, as TanStack Router's
// `Register`), so screens link with href() without importing the table that lazy-loads them
// (which would make an import circle).
//
// Patterns: `survey/:draftId` (a required part), `:memberId?` (optional, only at the end),
// `*sub` (the rest of the path, as a list). A path matches a pattern part for part.
import { useSyncExternalStore } from 'react';

/** Empty here: routes.ts adds `routes: typeof ROUTES` (route name → `{ paths }`). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging in routes.ts
export interface RouteRegister {}

type ParamOf<S extends string> = S extends `:${infer N}?`
  ? { [K in N]?: string }
  : S extends `:${infer N}`
    ? { [K in N]: string }
    : S extends `*${infer N}`
      ? { [K in N]: string[] }
      : Record<never, never>;
/** The params a path pattern carries: `assist/for/:householdId/:memberId?` → { householdId: string; memberId?: string }. */
export type ParamsOf<P extends string> = P extends `${infer A}/${infer B}` ? ParamOf<A> & ParamsOf<B> : ParamOf<P>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RouteOf<N, P> = P extends string ? Simplify<{ name: N } & ParamsOf<P>> : never;
type Table = RouteRegister extends { routes: infer T extends Record<string, { paths: readonly string[] }> } ? T : Record<never, never>;

/** A screen and its params, one shape per path pattern of the table. */
export type Route = { [N in keyof Table]: RouteOf<N, Table[N]['paths'][number]> }[keyof Table] | { name: 'notFound' };

type Part = { literal: string } | { param: string; optional: boolean } | { rest: string };
interface Pattern {
  name: string;
  parts: Part[];
}

let patterns: Pattern[] | undefined;

function compile(path: string): Part[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((p): Part => (p.startsWith('*') ? { rest: p.slice(1) } : p.startsWith(':') ? { param: p.replace(/^:|\?$/g, ''), optional: p.endsWith('?') } : { literal: p }));
}

/** Called once by routes.ts with the table. */
export function registerRoutes(table: Record<string, { paths: readonly string[] }>): void {
  patterns = Object.entries(table).flatMap(([name, row]) => row.paths.map((path) => ({ name, parts: compile(path) })));
}

function registered(): Pattern[] {
  if (!patterns) throw new Error('The route table (src/app/routes.ts) is not loaded yet');
  return patterns;
}

function match(parts: Part[], path: string[]): Record<string, string | string[]> | undefined {
  const params: Record<string, string | string[]> = {};
  let i = 0;
  for (const part of parts) {
    if ('rest' in part) {
      params[part.rest] = path.slice(i);
      i = path.length;
    } else if ('literal' in part) {
      if (path[i] !== part.literal) return undefined;
      i++;
    } else if (path[i] !== undefined) {
      params[part.param] = path[i]!;
      i++;
    } else if (!part.optional) {
      return undefined;
    }
  }
  return i === path.length ? params : undefined;
}

export function parseHash(hash: string): Route {
  // A route may carry parameters after `?` (the enrolment link: `#/enrol?ward=…&code=…`).
  const path = hash.replace(/^#\/?/, '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  for (const pattern of registered()) {
    const params = match(pattern.parts, path);
    if (params) return { name: pattern.name, ...params } as Route;
  }
  return { name: 'notFound' };
}

/** The hash for `route`: its first pattern whose required params it has (home for notFound). */
export function href(route: Route): string {
  const params = route as unknown as Record<string, string | string[] | undefined>;
  const fits = (p: Pattern) => p.name === route.name && p.parts.every((part) => !('param' in part) || part.optional || params[part.param] !== undefined);
  const pattern = registered().find(fits);
  if (!pattern) return '#/';
  const out: string[] = [];
  for (const part of pattern.parts) {
    if ('literal' in part) out.push(part.literal);
    else if ('rest' in part) out.push(...((params[part.rest] as string[] | undefined) ?? []).map(encodeURIComponent));
    else if (params[part.param] !== undefined) out.push(encodeURIComponent(params[part.param] as string));
    else break; // an optional part missing: the ones after it cannot be placed
  }
  return `#/${out.join('/')}`;
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
