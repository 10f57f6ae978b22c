// Counts FAILED attempts per key (a client IP) in a fixed one-minute window. Only failures
// count: a campaign Wi-Fi puts a whole team of honest phones behind one address, and their
// successful sign-ins, enrolments and syncs must never throttle each other; a stranger guessing
// passwords, enrolment codes or device tokens fails, and is stopped after `max` failures.
// In memory: a restart forgets the counts (the account lockout, in the database, does not).
import type { FastifyReply } from 'fastify';
import { HttpError } from '../http-error.js';

interface Window {
  failures: number;
  resetAt: number;
}

/** More keys than this and the oldest windows are dropped (memory stays bounded under a flood). */
const MAX_KEYS = 50_000;

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly max: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private current(key: string): Window | undefined {
    const w = this.windows.get(key);
    if (w && w.resetAt <= this.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  /** Remaining failures allowed and seconds until the window resets. */
  state(key: string): { remaining: number; resetSeconds: number } {
    const w = this.current(key);
    if (!w) return { remaining: this.max, resetSeconds: Math.ceil(this.windowMs / 1000) };
    return { remaining: Math.max(0, this.max - w.failures), resetSeconds: Math.max(1, Math.ceil((w.resetAt - this.now()) / 1000)) };
  }

  /** Sets the x-ratelimit headers and throws 429 when the key has used up its failures. */
  check(key: string, reply?: FastifyReply): void {
    const { remaining, resetSeconds } = this.state(key);
    if (reply) {
      reply.header('x-ratelimit-limit', String(this.max));
      reply.header('x-ratelimit-remaining', String(remaining));
      reply.header('x-ratelimit-reset', String(resetSeconds));
    }
    if (remaining <= 0) throw new HttpError(429, 'rate_limited', 'rate_limited', { 'retry-after': String(resetSeconds) });
  }

  /** Counts one failure of the key. */
  fail(key: string, reply?: FastifyReply): void {
    let w = this.current(key);
    if (!w) {
      if (this.windows.size >= MAX_KEYS) this.prune();
      w = { failures: 0, resetAt: this.now() + this.windowMs };
      this.windows.set(key, w);
    }
    w.failures += 1;
    if (reply) reply.header('x-ratelimit-remaining', String(Math.max(0, this.max - w.failures)));
  }

  private prune(): void {
    const now = this.now();
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    // Still full: drop the oldest (Map keeps insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}
