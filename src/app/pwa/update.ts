// Service worker registration and the update flow. registerType 'prompt': a new version waits
// until the volunteer taps "Cập nhật"; the page never reloads by itself. Before the reload every
// open form flushes its draft (drafts survive an update anyway, this just saves the last ½ s).
import { useSyncExternalStore } from 'react';

type Flusher = () => Promise<void>;
const flushers = new Set<Flusher>();
let needRefresh = false;
let updateSW: ((reload?: boolean) => Promise<void>) | undefined;
const listeners = new Set<() => void>();

/** An open form registers its draft flush here; returns the unregister function. */
export function registerBeforeUpdate(flush: Flusher): () => void {
  flushers.add(flush);
  return () => flushers.delete(flush);
}

export async function flushAllDrafts(): Promise<void> {
  await Promise.allSettled([...flushers].map((f) => f()));
}

export async function startServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const { registerSW } = await import('virtual:pwa-register');
  updateSW = registerSW({
    immediate: true,
    onNeedRefresh() {
      needRefresh = true;
      listeners.forEach((l) => l());
    },
  });
}

/** Called when the volunteer taps "Cập nhật". */
export async function applyUpdate(): Promise<void> {
  await flushAllDrafts();
  // workbox-window reloads on 'controlling' only for what it sees as an update; on the very
  // page that installed the first worker the new one counts as "external" and nothing would
  // happen. The volunteer asked for the update, so reload once the new worker controls.
  let reloading = false;
  navigator.serviceWorker?.addEventListener('controllerchange', () => {
    if (reloading) return;
    reloading = true;
    window.location.reload();
  });
  await updateSW?.(true);
}

export function useNeedRefresh(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => needRefresh,
  );
}
