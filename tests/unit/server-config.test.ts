// The environment of `npm start`, parsed: unset or empty variables keep the documented defaults
// (an `undefined` once overwrote them in an object spread and left every limit at 1000/min).
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_RATE_LIMITS, mergeRateLimits, parseTrustProxy, readServerConfig } from '../../src/server/config.js';

describe('readServerConfig', () => {
  it('an empty environment gives the documented defaults, with no undefined anywhere', () => {
    const config = readServerConfig({});
    expect(config.rateLimits).toEqual({ syncPerMinute: 600, authPerMinute: 20, enrolPerMinute: 60, badTokenPerMinute: 60 });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: './data', databaseUrl: null, trustProxy: false, log: 'info', syncWorkers: null });
    expect(JSON.stringify(config)).not.toContain('undefined');
    for (const value of Object.values(config.rateLimits)) expect(Number.isInteger(value)).toBe(true);
  });

  it('empty strings count as unset', () => {
    const config = readServerConfig({ AUTH_RATE_PER_MIN: '', SYNC_RATE_PER_MIN: ' ', PORT: '', TRUST_PROXY: '' });
    expect(config.rateLimits.authPerMinute).toBe(20);
    expect(config.rateLimits.syncPerMinute).toBe(600);
    expect(config.port).toBe(8080);
  });

  it('reads set values and refuses nonsense with one clear line', () => {
    expect(readServerConfig({ AUTH_RATE_PER_MIN: '5', SYNC_WORKERS: '0' })).toMatchObject({ rateLimits: { authPerMinute: 5 }, syncWorkers: 0 });
    expect(() => readServerConfig({ AUTH_RATE_PER_MIN: '0' })).toThrow(ConfigError);
    expect(() => readServerConfig({ AUTH_RATE_PER_MIN: 'lots' })).toThrow(/AUTH_RATE_PER_MIN/);
    expect(() => readServerConfig({ SYNC_RATE_PER_MIN: '1.5' })).toThrow(ConfigError);
  });
});

describe('DATABASE_READ_URL', () => {
  const primary = 'postgres://app@10.0.0.1:5432/gocua';
  it('is unset by default and read when it names a PostgreSQL standby of a PostgreSQL primary', () => {
    expect(readServerConfig({ DATABASE_URL: primary }).databaseReadUrl).toBeNull();
    expect(readServerConfig({ DATABASE_URL: primary, DATABASE_READ_URL: ' ' }).databaseReadUrl).toBeNull();
    const standby = 'postgres://app@10.0.0.2:5432/gocua';
    expect(readServerConfig({ DATABASE_URL: primary, DATABASE_READ_URL: standby }).databaseReadUrl).toBe(standby);
  });

  it('refuses a replica without a PostgreSQL primary, a non-postgres URL, a bad URL and the primary itself', () => {
    expect(() => readServerConfig({ DATABASE_READ_URL: 'postgres://app@10.0.0.2/gocua' })).toThrow(/DATABASE_URL is not a postgres/);
    expect(() => readServerConfig({ DATABASE_URL: primary, DATABASE_READ_URL: 'mysql://x@h/d' })).toThrow(/must be a postgres:\/\/ URL/);
    expect(() => readServerConfig({ DATABASE_URL: primary, DATABASE_READ_URL: 'postgres://' })).toThrow(ConfigError);
    expect(() => readServerConfig({ DATABASE_URL: primary, DATABASE_READ_URL: 'postgres://a b@[::x/d' })).toThrow(/not a valid URL/);
    expect(() => readServerConfig({ DATABASE_URL: primary, DATABASE_READ_URL: primary })).toThrow(/same as DATABASE_URL/);
  });
});

describe('mergeRateLimits', () => {
  it('skips undefined values instead of copying them over the defaults', () => {
    expect(mergeRateLimits({ authPerMinute: undefined, syncPerMinute: 7 })).toEqual({ ...DEFAULT_RATE_LIMITS, syncPerMinute: 7 });
    expect(mergeRateLimits(undefined)).toEqual(DEFAULT_RATE_LIMITS);
  });
});

describe('TRUST_PROXY', () => {
  it('is a hop count or a list of proxy addresses, never "trust everything"', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1); // what an old TRUST_PROXY=1 now means: one proxy hop
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    expect(() => parseTrustProxy('true')).toThrow(ConfigError);
    expect(() => parseTrustProxy('proxy.local')).toThrow(ConfigError);
    expect(() => parseTrustProxy('10.0.0.0/40')).toThrow(ConfigError);
  });
});
