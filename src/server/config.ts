// The ward endpoint's settings from the environment, parsed in one place (main.ts uses it; the
// unit tests check it). A variable that is unset or empty leaves the default: nothing here ever
// yields `undefined` into an options object, where an object spread would let it overwrite a
// default (that is how a default install once ran with the rate-limit plugin's 1000/min).
import { isIP } from 'node:net';

export const DEFAULT_RATE_LIMITS = {
  /** Sync requests per verified device per minute (a whole team may share one address). */
  syncPerMinute: 600,
  /** Failed sign-ins per client IP per minute (successful ones are not counted). */
  authPerMinute: 20,
  /** Failed enrolments per client IP per minute (a team enrolling at one table shares it). */
  enrolPerMinute: 60,
  /** Requests with an unknown, revoked or missing device token, per client IP per minute. */
  badTokenPerMinute: 60,
} as const;

export type RateLimits = { -readonly [K in keyof typeof DEFAULT_RATE_LIMITS]: number };

/**
 * Fastify's `trustProxy`: false (use the socket's address), a number of proxy hops in front of
 * the server, or the proxies' addresses/CIDR ranges. Never `true`: that would believe the
 * left-most X-Forwarded-For value, which any client can write.
 */
export type TrustProxy = false | number | string[];

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  /** A streaming replica of the PostgreSQL database for dashboard reads (db/read-replica.ts). */
  databaseReadUrl: string | null;
  seedsDir: string;
  staticRoot: string;
  /** A pino level, or false for no log. */
  log: string | false;
  rateLimits: RateLimits;
  trustProxy: TrustProxy;
  /** null: the default (one per spare core). */
  syncWorkers: number | null;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function wholeNumber(env: Env, name: string, fallback: number, min: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    throw new ConfigError(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
  }
  return n;
}

/**
 * TRUST_PROXY: unset, empty or 0 → trust nobody; a whole number N → N proxy hops (1: one reverse
 * proxy on this machine or in front of it; the client address is the one that proxy saw);
 * otherwise a comma-separated list of proxy addresses or CIDR ranges.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === '0' || value.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new ConfigError(`TRUST_PROXY: ${hops} proxy hops is not believable (1–10, or the proxies' addresses)`);
    return hops;
  }
  if (value.toLowerCase() === 'true') {
    throw new ConfigError('TRUST_PROXY=true would believe any client\'s X-Forwarded-For: give the number of proxy hops (1) or the proxies\' addresses');
  }
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (!family || !bitsOk || rest.length > 0) {
      throw new ConfigError(`TRUST_PROXY: "${entry}" is not an IP address or CIDR range (or give a hop count such as 1)`);
    }
  }
  return entries;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * DATABASE_READ_URL: unset → every read on DATABASE_URL. Set → a postgres:// URL of a hot
 * standby streaming from DATABASE_URL, which must itself be PostgreSQL (SQLite has no replica).
 */
export function parseDatabaseReadUrl(readUrl: string | undefined, databaseUrl: string | undefined): string | null {
  if (readUrl === undefined) return null;
  if (!databaseUrl || !POSTGRES_URL.test(databaseUrl)) {
    throw new ConfigError('DATABASE_READ_URL is set but DATABASE_URL is not a postgres:// URL: a read replica needs PostgreSQL as the primary');
  }
  if (!POSTGRES_URL.test(readUrl)) {
    throw new ConfigError('DATABASE_READ_URL must be a postgres:// URL of a streaming replica (hot standby) of DATABASE_URL');
  }
  let parsed: URL;
  try {
    parsed = new URL(readUrl);
  } catch {
    throw new ConfigError('DATABASE_READ_URL is not a valid URL (postgres://user@host:port/database)');
  }
  if (!parsed.hostname) throw new ConfigError('DATABASE_READ_URL names no host (postgres://user@host:port/database)');
  if (readUrl === databaseUrl) {
    throw new ConfigError('DATABASE_READ_URL is the same as DATABASE_URL: leave it unset to read from the primary');
  }
  return readUrl;
}

/** Reads the environment of `npm start` (main.ts). Throws ConfigError with one clear line. */
export function readServerConfig(env: Env): ServerConfig {
  const log = text(env, 'LOG') ?? 'info';
  const workers = text(env, 'SYNC_WORKERS');
  return {
    host: text(env, 'HOST') ?? '127.0.0.1',
    port: wholeNumber(env, 'PORT', 8080, 0),
    dataDir: text(env, 'DATA_DIR') ?? './data',
    databaseUrl: text(env, 'DATABASE_URL') ?? null,
    databaseReadUrl: parseDatabaseReadUrl(text(env, 'DATABASE_READ_URL'), text(env, 'DATABASE_URL')),
    seedsDir: text(env, 'SEEDS_DIR') ?? 'seeds/wards',
    staticRoot: text(env, 'STATIC_ROOT') ?? 'dist',
    log: log === 'off' ? false : log,
    rateLimits: {
      syncPerMinute: wholeNumber(env, 'SYNC_RATE_PER_MIN', DEFAULT_RATE_LIMITS.syncPerMinute, 1),
      authPerMinute: wholeNumber(env, 'AUTH_RATE_PER_MIN', DEFAULT_RATE_LIMITS.authPerMinute, 1),
      enrolPerMinute: wholeNumber(env, 'ENROL_RATE_PER_MIN', DEFAULT_RATE_LIMITS.enrolPerMinute, 1),
      badTokenPerMinute: wholeNumber(env, 'BAD_TOKEN_RATE_PER_MIN', DEFAULT_RATE_LIMITS.badTokenPerMinute, 1),
    },
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    syncWorkers: workers === undefined ? null : wholeNumber(env, 'SYNC_WORKERS', 0, 0),
  };
}

/**
 * Merges partial rate limits over the defaults, skipping keys whose value is undefined (an
 * object spread would copy them and erase the default).
 */
export function mergeRateLimits(partial: Partial<Record<keyof RateLimits, number | undefined>> | undefined): RateLimits {
  const merged: RateLimits = { ...DEFAULT_RATE_LIMITS };
  for (const key of Object.keys(DEFAULT_RATE_LIMITS) as (keyof RateLimits)[]) {
    const value = partial?.[key];
    if (value !== undefined) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`rate limit ${key} must be a whole number ≥ 1`);
      merged[key] = value;
    }
  }
  return merged;
}
