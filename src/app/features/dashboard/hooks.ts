// Loads bound to the dashboard's session.
import type { WardApi } from './api.js';
import { useDashboard } from './context.js';
import { useLoad } from './use-load.js';

export function useWardLoad<T>(load: (api: WardApi) => Promise<T>, deps: readonly unknown[]) {
  const { api, endSession } = useDashboard();
  return useLoad(() => load(api), [api, ...deps], endSession);
}

export function useGroups() {
  return useWardLoad((api) => api.groups().then((r) => r.groups), []);
}
