import { describe, expect, it } from 'vitest';
import { syncEn, syncVi } from '../../../src/app/sync/locales.js';
import { vi } from '../../../src/app/i18n/locales/vi.js';
import { i18n, loadAllLocales } from '../../../src/app/i18n/index.js';
import { kindWords } from '../../../src/app/features/sync/waiting-words.js';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('sync and enrolment strings', () => {
  it('have the same keys in both languages, and no key clashes with the app strings', () => {
    expect(keys(syncEn).sort()).toEqual(keys(syncVi).sort());
    for (const top of Object.keys(syncVi)) expect(Object.keys(vi)).not.toContain(top);
  });

  it('cover every engine error and phase, and are wired into i18next', async () => {
    await loadAllLocales();
    for (const code of ['not_enrolled', 'unauthorized', 'forbidden', 'update_app', 'update_server', 'network', 'server', 'rate_limited', 'bad_response', 'device_retired', 'device_lost']) {
      expect(i18n.exists(`sync.error.${code}`, { lng: 'vi' }), code).toBe(true);
      expect(i18n.exists(`sync.error.${code}`, { lng: 'en' }), code).toBe(true);
    }
    expect(i18n.t('sync.syncNow', { lng: 'vi' })).toBe('Đồng bộ ngay');
    const vi = i18n.getFixedT('vi');
    const en = i18n.getFixedT('en');
    expect(vi('sync.pending', { what: kindWords(vi, { household: 2, assistance: 3 }) })).toBe('2 hộ, 3 lượt hỗ trợ đang chờ gửi');
    expect(vi('sync.pending', { what: kindWords(vi, { assistance: 150 }) })).toBe('150 lượt hỗ trợ đang chờ gửi');
    expect(en('sync.pending', { what: kindWords(en, { household: 1 }) })).toBe('1 household waiting to be sent');
    expect(kindWords(en, { household: 0, assistance: 1 })).toBe('1 help given');
  });
});

describe('wiped screen strings', () => {
  it('exist in both languages with the same variables, one per wipe reason', async () => {
    const { wipedVi, wipedEn } = await import('../../../src/app/features/wiped/locales.js');
    expect(keys(wipedEn).sort()).toEqual(keys(wipedVi).sort());
    for (const reason of ['retired', 'lost', 'too_many_pins', 'retention']) {
      expect(i18n.exists(`wiped.${reason}`, { lng: 'vi' }), reason).toBe(true);
      expect(i18n.exists(`wiped.${reason}`, { lng: 'en' }), reason).toBe(true);
    }
    expect(i18n.getFixedT('vi')('wiped.retired')).toMatch(/^Máy này đã được thu hồi/);
    expect(i18n.getFixedT('en')('wiped.retired')).toMatch(/^This phone was retired/);
  });
});
