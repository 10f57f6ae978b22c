import { describe, expect, it } from 'vitest';
import { dashboardEn, dashboardVi } from '../../src/app/features/dashboard/locales.js';
import { retirementEn, retirementVi } from '../../src/app/features/dashboard/retirement-locales.js';

function flat(obj: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? Object.entries(flat(v as object, `${prefix}${k}.`)) : [[`${prefix}${k}`, String(v)]])),
  );
}

describe('dashboard translations', () => {
  const vi = flat(dashboardVi);
  const en = flat(dashboardEn);
  it('vi and en have exactly the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });
  it('no message is empty and interpolation variables match', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(vi)) {
      expect(vi[key]!.trim(), key).not.toBe('');
      expect(en[key]?.trim(), key).not.toBe('');
      expect(vars(en[key]!), key).toEqual(vars(vi[key]!));
    }
  });
  it('Vietnamese is written with full diacritics', () => {
    expect(dashboardVi.dashboard.signIn.title).toBe('Cán bộ phường đăng nhập');
    expect(dashboardVi.dashboard.ind.proxy).toBe('Chỉ số thay thế từ khảo sát');
  });
});

describe('retire / lost and phone retention translations', () => {
  it('vi and en have the same keys and variables, none shadowing the dashboard bundle', () => {
    const vi = flat(retirementVi);
    const en = flat(retirementEn);
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(vi)) expect(vars(en[key]!), key).toEqual(vars(vi[key]!));
    const base = flat(dashboardVi);
    expect(Object.keys(vi).filter((k) => k in base)).toEqual([]);
  });
});

describe('rescue file (dashboard) translations', () => {
  it('vi and en have the same keys and variables, full diacritics, none shadowing the dashboard bundle except the tab', async () => {
    const { rescueDashEn, rescueDashVi } = await import('../../src/app/features/dashboard/rescue-locales.js');
    const vi = flat(rescueDashVi);
    const en = flat(rescueDashEn);
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(vi)) {
      expect(vi[key]!.trim(), key).not.toBe('');
      expect(vars(en[key]!), key).toEqual(vars(vi[key]!));
    }
    const base = flat(dashboardVi);
    expect(Object.keys(vi).filter((k) => k in base)).toEqual([]);
    expect(rescueDashVi.dashboard.tab.rescue).toBe('Nhận hồ sơ từ máy hỏng');
  });
});
