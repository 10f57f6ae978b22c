// Locks the phone after IDLE_LOCK_MS without a touch or a key (pointer and key events only:
// a screen that merely stays open is idle). Timers and the event target are injectable so a test
// advances time instead of sleeping.

/** Idle time after which the phone locks. */
export const IDLE_LOCK_MS = 10 * 60_000;

export interface IdleTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface IdleOptions {
  onIdle: () => void;
  timeoutMs?: number;
  target?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  timers?: IdleTimers;
}

const INPUT_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/** Starts watching; returns the function that stops it. */
export function watchIdle(options: IdleOptions): () => void {
  const timeout = options.timeoutMs ?? IDLE_LOCK_MS;
  const timers: IdleTimers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  const target = options.target ?? globalThis;
  let handle: unknown = timers.set(options.onIdle, timeout);
  const reset = () => {
    timers.clear(handle);
    handle = timers.set(options.onIdle, timeout);
  };
  for (const type of INPUT_EVENTS) target.addEventListener(type, reset, { passive: true, capture: true });
  return () => {
    timers.clear(handle);
    for (const type of INPUT_EVENTS) target.removeEventListener(type, reset, { capture: true });
  };
}
