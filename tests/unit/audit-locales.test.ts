// The audit log screen's words: every action the server can write has a label in Vietnamese
// (with diacritics) and English, reachable by the key the screen uses; both languages have the
// same keys and interpolation variables.
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { actionsEn, actionsVi, auditEn, auditVi } from '../../src/app/features/dashboard/audit/locales.js';
import { AUDIT_ACTIONS } from '../../src/shared/protocol/audit.js';

function flat(obj: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? Object.entries(flat(v as object, `${prefix}${k}.`)) : [[`${prefix}${k}`, String(v)]])),
  );
}

describe('audit log translations', () => {
  it('vi and en have the same keys and variables, none empty', () => {
    const vi = flat(auditVi);
    const en = flat(auditEn);
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(vi)) {
      expect(vi[key]!.trim(), key).not.toBe('');
      expect(vars(en[key]!), key).toEqual(vars(vi[key]!));
    }
  });

  it('every action has its own label in both languages, found by the key the screen uses', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: 'vi', resources: { vi: { translation: auditVi }, en: { translation: auditEn } }, initAsync: false });
    for (const action of AUDIT_ACTIONS) {
      expect(i18n.t(`dashboard.audit.actions.${action}`, { lng: 'vi' }), action).toBe(actionsVi[action]);
      expect(i18n.t(`dashboard.audit.actions.${action}`, { lng: 'en' }), action).toBe(actionsEn[action]);
    }
    expect(new Set(Object.values(actionsVi)).size).toBe(AUDIT_ACTIONS.length);
    expect(new Set(Object.values(actionsEn)).size).toBe(AUDIT_ACTIONS.length);
    expect(Object.keys(actionsVi).sort()).toEqual([...AUDIT_ACTIONS].sort());
    expect(actionsVi['auth.login_failed']).toBe('Đăng nhập thất bại');
  });
});
