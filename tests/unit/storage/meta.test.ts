import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GoCuaDb } from '../../../src/app/storage/db.js';
import { DEMO_WARD } from '../../../src/app/demo-ward.js';
import { META_KEYS, getInstallId, getLanguage, getMeta, isPracticeMode, setLanguage, setMeta, setPracticeMode } from '../../../src/app/storage/meta.js';
import { cacheWardConfig, currentNotice, getWardConfig } from '../../../src/app/storage/ward-config.js';
import { wardConfigSchema } from '../../../src/shared/schema/ward-config.js';

let db: GoCuaDb;
beforeEach(() => {
  db = new GoCuaDb(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

describe('meta', () => {
  it('makes the install id once', async () => {
    const [a, b] = await Promise.all([getInstallId(db), getInstallId(db)]);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toBe(a);
    expect(await getInstallId(db)).toBe(a);
  });

  it('keeps the stored key names phones already have (a rename would lose their settings)', () => {
    expect(Object.values(META_KEYS).sort()).toEqual(
      ['assist.campaign', 'assist.entry', 'assist.lastSaved', 'assist.place', 'assist.recentCampaigns', 'device', 'deviceKey', 'display', 'installId', 'language', 'lastSyncAt', 'lock', 'lock.attempts', 'pendingApplied', 'practiceMode', 'phoneRetention', 'serverNotices', 'signingKey', 'wardConfig', 'wardConfigFetchedAt', 'wiped'].sort(),
    );
  });

  it('types a value by its key', async () => {
    await setMeta(db, META_KEYS.assistRecentCampaigns, ['Đợt 1']);
    const recent: string[] | undefined = await getMeta(db, META_KEYS.assistRecentCampaigns);
    expect(recent).toEqual(['Đợt 1']);
    expect(await isPracticeMode(db)).toBe(false);
    await setPracticeMode(db, true);
    expect(await getMeta(db, META_KEYS.practiceMode)).toBe(true);
    // Checked by the type check (npm test runs tsc over tests/): never called.
    const wouldNotCompile = () => {
      // @ts-expect-error a value of another type than the key's
      void setMeta(db, META_KEYS.practiceMode, 'on');
      // @ts-expect-error a bare string instead of a key of META_KEYS
      void getMeta(db, 'practiceMode');
    };
    expect(typeof wouldNotCompile).toBe('function');
  });

  it('language defaults to Vietnamese and remembers English', async () => {
    expect(await getLanguage(db)).toBe('vi');
    await setLanguage(db, 'en');
    expect(await getLanguage(db)).toBe('en');
  });
});

describe('ward configuration', () => {
  it('falls back to the bundled demo ward, which is valid and has the current notice in vi and en', async () => {
    const config = await getWardConfig(db);
    expect(wardConfigSchema.safeParse(config).success).toBe(true);
    expect(config.code).toBe('10546');
    const notice = currentNotice(config);
    expect(notice?.version).toBe('2026-01');
    expect(notice?.text.vi).toContain('Ủy ban nhân dân phường');
  });

  it('prefers the cached server copy and refuses an invalid one', async () => {
    const demo = await getWardConfig(db);
    await cacheWardConfig(db, { ...demo, name: 'Phường Thử' });
    expect((await getWardConfig(db)).name).toBe('Phường Thử');
    await expect(cacheWardConfig(db, { ...demo, groups: [] })).rejects.toThrow();
    expect((await getWardConfig(db)).name).toBe('Phường Thử');
  });

  it('reads the cached copy without the schema, then drops one that fails the full check', async () => {
    const demo = await getWardConfig(db);
    // Right shape, wrong content: a group code the schema refuses.
    const bad = { ...demo, name: 'Phường Hỏng', groups: [{ code: 'not a code!', name: 'Tổ 1', householdsOnRegister: 10 }] };
    await setMeta(db, META_KEYS.wardConfig, bad);
    expect((await getWardConfig(db)).name).toBe('Phường Hỏng');
    await vi.waitFor(async () => expect((await getWardConfig(db)).name).toBe(DEMO_WARD.name));
    // A valid copy cached later is used again.
    await cacheWardConfig(db, { ...demo, name: 'Phường Thử' });
    expect((await getWardConfig(db)).name).toBe('Phường Thử');
  });
});
