// The city roll-up's pure parts: the straight-line plan, the ward sort, the screens' words
// (vi and en alike), and the province seeds (each valid, none inventing a target).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cityEn, cityVi } from '../../src/app/features/dashboard/city/locales.js';
import { nextSort, sortWards } from '../../src/app/features/dashboard/city/sort.js';
import { dashboardVi } from '../../src/app/features/dashboard/locales.js';
import { behindPlan, planValueAt, yearFraction } from '../../src/shared/domain/plan-line.js';
import type { CityCell, CityWardRow } from '../../src/shared/protocol/city.js';
import { provinceConfigSchema } from '../../src/shared/schema/province-config.js';
import { SEED_WARDS } from '../../seeds/index.js';

function flat(obj: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? Object.entries(flat(v as object, `${prefix}${k}.`)) : [[`${prefix}${k}`, String(v)]])),
  );
}

describe('plan line', () => {
  it('runs straight from the start value on 1/1 to the target at the end of 31/12', () => {
    expect(yearFraction('2026', '2025-12-31')).toBe(0);
    expect(yearFraction('2026', '2026-01-01')).toBeCloseTo(1 / 365, 12);
    expect(yearFraction('2026', '2026-12-31')).toBe(1);
    expect(yearFraction('2028', '2028-12-31')).toBe(1); // a leap year: 366 days
    expect(yearFraction('2028', '2028-07-01')).toBeCloseTo(183 / 366, 12);
    expect(planValueAt('2026', '2026-12-31', 0.5, 0.85)).toBeCloseTo(0.85, 12);
    expect(planValueAt('2026', '2026-07-02', null, 0.8)).toBeCloseTo(0.8 * (183 / 365), 12); // no start: from 0
    expect(planValueAt('2026', '2026-07-02', 0.5, null)).toBeNull();
  });
  it('is behind strictly below the line, on the rounding the screens show', () => {
    expect(behindPlan(0.5, 0.6)).toBe(true);
    expect(behindPlan(0.6, 0.6)).toBe(false);
    expect(behindPlan(0.59996, 0.6)).toBe(false); // both 60,0%
    expect(behindPlan(null, 0.6)).toBeNull();
    expect(behindPlan(0.5, null)).toBeNull();
  });
});

const cell = (value: number | null, suppressed: CityCell['suppressed'] = null): CityCell => ({
  code: 'vneid',
  numerator: null,
  denominator: null,
  unknown: null,
  value,
  target: null,
  reached: null,
  proxy: false,
  suppressed,
  startValue: null,
  planValue: null,
  behindPlan: null,
});
const row = (code: string, name: string, value: number | null, behind = 0, hasData = true): CityWardRow => ({
  code,
  name,
  hasData,
  households: { surveyed: 0, notHome: 0, refused: 0, onRegister: 0 },
  settings: { adultAge: 18, vneidMinAge: 14 },
  indicators: [cell(value, value === null && hasData ? 'small' : null)],
  behindCount: behind,
});

describe('ward sort', () => {
  const rows = [row('1', 'Phường Đông Hải', 0.9, 1), row('2', 'Phường An Biên', 0.4, 3), row('3', 'Phường Cát Bi', null, 0, false), row('4', 'Phường Bạch Đằng', null, 2)];
  it('puts wards without a value last in both directions', () => {
    expect(sortWards(rows, { key: 'vneid', ascending: true }).map((r) => r.code)).toEqual(['2', '1', '3', '4']);
    expect(sortWards(rows, { key: 'vneid', ascending: false }).map((r) => r.code)).toEqual(['1', '2', '3', '4']);
    expect(sortWards(rows, { key: 'behind', ascending: false }).map((r) => r.code)).toEqual(['2', '4', '1', '3']);
  });
  it('sorts names the Vietnamese way (Đ after D)', () => {
    expect(sortWards(rows, { key: 'name', ascending: true }).map((r) => r.name)).toEqual(['Phường An Biên', 'Phường Bạch Đằng', 'Phường Cát Bi', 'Phường Đông Hải']);
  });
  it('a click on the same heading flips it; "behind" starts with the most', () => {
    expect(nextSort({ key: 'name', ascending: true }, 'name')).toEqual({ key: 'name', ascending: false });
    expect(nextSort({ key: 'name', ascending: true }, 'vneid')).toEqual({ key: 'vneid', ascending: true });
    expect(nextSort({ key: 'name', ascending: true }, 'behind')).toEqual({ key: 'behind', ascending: false });
  });
});

describe('city screen words', () => {
  it('vi and en have the same keys and variables, none shadowing the dashboard bundle', () => {
    const vi = flat(cityVi);
    const en = flat(cityEn);
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(vi)) {
      expect(vi[key]!.trim(), key).not.toBe('');
      expect(vars(en[key]!), key).toEqual(vars(vi[key]!));
    }
    const base = flat(dashboardVi);
    expect(Object.keys(vi).filter((k) => k in base)).toEqual([]);
    expect(cityVi.city.rules.total).toContain('không lấy trung bình các tỷ lệ');
  });
});

describe('province seeds', () => {
  const dir = join(import.meta.dirname, '../../seeds/provinces');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('are valid, named by their code, and a province of a seeded ward', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const p = provinceConfigSchema.parse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      expect(f).toBe(`${p.code}.json`);
      const ward = SEED_WARDS.find((w) => w.province.code === p.code);
      expect(ward?.province.name, f).toBe(p.name);
      // A target needs its source (no number without the plan it comes from).
      if (Object.keys(p.targets).length > 0) expect(p.sources.length, f).toBeGreaterThan(0);
    }
  });
});
