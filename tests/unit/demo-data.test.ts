import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSeedWard, SEED_WARDS } from '../../seeds/index.js';
import { generateHouseholds } from '../../src/demo/demo-data.js';
import { ageOnDate } from '../../src/shared/domain/age.js';
import { householdRecordSchema, MIN_QUESTION_AGE, type HouseholdRecord } from '../../src/shared/schema/household.js';

const chiLinh = findSeedWard('10546')!;
const minhHung = findSeedWard('25441')!;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function ids(records: HouseholdRecord[]): string[] {
  return records.flatMap((r) => [r.id, ...r.data.members.map((m) => m.id)]);
}

describe('generateHouseholds', () => {
  it('is deterministic: the same ward and seed give identical JSON', () => {
    const a = generateHouseholds({ wardConfig: chiLinh, count: 50, seed: 1 });
    const b = generateHouseholds({ wardConfig: chiLinh, count: 50, seed: 1 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // A number seed and its string are the same seed (the CLI passes strings).
    expect(JSON.stringify(generateHouseholds({ wardConfig: chiLinh, count: 5, seed: '1' }))).toBe(JSON.stringify(a.slice(0, 5)));
  });

  it('makes the first n households of a larger run identical to a run of n', () => {
    const small = generateHouseholds({ wardConfig: chiLinh, count: 3, seed: 9 });
    const large = generateHouseholds({ wardConfig: chiLinh, count: 30, seed: 9 });
    expect(large.slice(0, 3)).toEqual(small);
  });

  it('gives different ids for another ward or another seed, and unique ids within a run', () => {
    const a = ids(generateHouseholds({ wardConfig: chiLinh, count: 100, seed: 1 }));
    const otherWard = new Set(ids(generateHouseholds({ wardConfig: minhHung, count: 100, seed: 1 })));
    const otherSeed = new Set(ids(generateHouseholds({ wardConfig: chiLinh, count: 100, seed: 2 })));
    expect(new Set(a).size).toBe(a.length);
    expect(a.filter((id) => otherWard.has(id))).toEqual([]);
    expect(a.filter((id) => otherSeed.has(id))).toEqual([]);
    for (const id of a) expect(id).toMatch(UUID_V4);
  });

  it('makes 300 valid households for every seed ward', () => {
    for (const ward of SEED_WARDS) {
      const records = generateHouseholds({ wardConfig: ward, count: 300, seed: 42 });
      expect(records).toHaveLength(300);
      const groupCodes = new Set(ward.groups.map((g) => g.code));
      for (const record of records) {
        const result = householdRecordSchema.safeParse(record);
        expect(result.success, `${ward.code} ${record.id}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
        // Exactly the sync shape: parsing changes nothing.
        expect(result.data).toEqual(record);
        expect(record.data.wardCode).toBe(ward.code);
        expect(groupCodes.has(record.data.groupCode)).toBe(true);
        if (record.data.consent) expect(record.data.consent.noticeVersion).toBe(ward.currentNoticeVersion);
      }
    }
  });

  it('has a realistic few not-home (~8%) and refused (~3%) visits, which carry no personal data', () => {
    const records = generateHouseholds({ wardConfig: chiLinh, count: 2000, seed: 3 });
    const share = (outcome: string) => records.filter((r) => r.data.outcome === outcome).length / records.length;
    expect(share('not_home')).toBeGreaterThan(0.06);
    expect(share('not_home')).toBeLessThan(0.1);
    expect(share('refused')).toBeGreaterThan(0.015);
    expect(share('refused')).toBeLessThan(0.045);
    for (const r of records.filter((x) => x.data.outcome !== 'surveyed')) {
      expect(r.data.members).toEqual([]);
      expect(r.data.consent).toBeUndefined();
      expect(r.data.devices).toBeUndefined();
      expect(r.data.payments).toBeUndefined();
    }
  });

  it('makes households of 1 to 8 members, a few larger, with one head each', () => {
    const surveyed = generateHouseholds({ wardConfig: chiLinh, count: 2000, seed: 4 }).filter((r) => r.data.outcome === 'surveyed');
    const sizes = surveyed.map((r) => r.data.members.length);
    expect(Math.min(...sizes)).toBe(1);
    expect(sizes.filter((n) => n > 8).length).toBeGreaterThan(0);
    expect(sizes.filter((n) => n > 8).length / sizes.length).toBeLessThan(0.03);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(3);
    expect(mean).toBeLessThan(4.5);
    for (const r of surveyed) expect(r.data.members.filter((m) => m.relation === 'head')).toHaveLength(1);
  });

  it('asks children under 14 only the questions the schema asks of them', () => {
    const members = generateHouseholds({ wardConfig: chiLinh, count: 500, seed: 5 }).flatMap((r) =>
      r.data.members.map((m) => ({ m, age: ageOnDate(m.birthYear, r.data.surveyedAt) })),
    );
    const children = members.filter(({ age }) => age < MIN_QUESTION_AGE);
    expect(children.length).toBeGreaterThan(50);
    for (const { m } of children) {
      expect(m.ownsSmartphone).toBeUndefined();
      expect(m.skills).toBeUndefined();
      expect(m.bankAccount).toBeUndefined();
      expect(m.cccd).toBeUndefined();
    }
  });

  it('answers plausibly: most adults have VNeID level 2, some none or unknown', () => {
    const adults = generateHouseholds({ wardConfig: chiLinh, count: 1000, seed: 6 }).flatMap((r) =>
      r.data.members.filter((m) => ageOnDate(m.birthYear, r.data.surveyedAt) >= 18),
    );
    const share = (level: string) => adults.filter((m) => m.vneid === level).length / adults.length;
    expect(share('level2')).toBeGreaterThan(0.6);
    expect(share('level2')).toBeLessThan(0.9);
    expect(share('none')).toBeGreaterThan(0.03);
    expect(share('unknown')).toBeGreaterThan(0.02);
    expect(share('level1')).toBeGreaterThan(0);
  });

  it('writes realistic Vietnamese names with full diacritics', () => {
    const names = generateHouseholds({ wardConfig: chiLinh, count: 300, seed: 7 }).flatMap((r) =>
      r.data.members.flatMap((m) => (m.name ? [m.name] : [])),
    );
    expect(names.length).toBeGreaterThan(500);
    for (const name of names) expect(name.split(' ').length).toBeGreaterThanOrEqual(3);
    const withMarks = names.filter((n) => /[\u0080-\uffff]/.test(n)).length;
    expect(withMarks / names.length).toBeGreaterThan(0.8);
    const families = new Set(names.map((n) => n.split(' ')[0]));
    for (const family of ['Nguyễn', 'Trần', 'Lê', 'Phạm']) expect(families.has(family)).toBe(true);
    expect(names.every((n) => n === n.normalize('NFC'))).toBe(true);
  });

  it('gives addresses with house numbers, lanes and streets, and visits spread over weeks of 2026', () => {
    const records = generateHouseholds({ wardConfig: chiLinh, count: 300, seed: 8 });
    expect(records.every((r) => /^\d+[A-C]?$/.test(r.data.address.houseNumber))).toBe(true);
    expect(records.some((r) => r.data.address.lane?.startsWith('Ngõ '))).toBe(true);
    expect(records.some((r) => r.data.address.street)).toBe(true);
    const days = new Set(records.map((r) => r.data.surveyedAt));
    expect(days.size).toBeGreaterThan(20);
    for (const day of days) expect(day.startsWith('2026-')).toBe(true);
    // The southern ward says "Hẻm", not "Ngõ".
    const south = generateHouseholds({ wardConfig: minhHung, count: 100, seed: 8 });
    expect(south.some((r) => r.data.address.lane?.startsWith('Hẻm '))).toBe(true);
  });

  it('uses the install id it is given', () => {
    const installId = '0d6c1f1e-8a4b-4c2d-b3e4-f5a6b7c8d9e0';
    const records = generateHouseholds({ wardConfig: chiLinh, count: 20, seed: 1, installId });
    expect(new Set(records.map((r) => r.data.installId))).toEqual(new Set([installId]));
  });

  it('rejects a count that is not a non-negative integer', () => {
    expect(generateHouseholds({ wardConfig: chiLinh, count: 0, seed: 1 })).toEqual([]);
    expect(() => generateHouseholds({ wardConfig: chiLinh, count: -1, seed: 1 })).toThrow(RangeError);
    expect(() => generateHouseholds({ wardConfig: chiLinh, count: 1.5, seed: 1 })).toThrow(RangeError);
  });
});

describe('npm run demo-data (scripts/demo-data.ts)', () => {
  const root = join(import.meta.dirname, '../..');
  const run = (...args: string[]) =>
    spawnSync(join(root, 'node_modules/.bin/tsx'), ['scripts/demo-data.ts', ...args], { cwd: root, encoding: 'utf8' });

  it('prints only a JSON array of valid records on stdout, the same as the module', () => {
    const out = run('--ward', '10546', '--households', '3', '--seed', '1');
    expect(out.status, out.stderr).toBe(0);
    const records = JSON.parse(out.stdout) as unknown[];
    expect(records).toHaveLength(3);
    for (const r of records) expect(householdRecordSchema.safeParse(r).success).toBe(true);
    expect(records).toEqual(generateHouseholds({ wardConfig: chiLinh, count: 3, seed: '1' }));
  }, 30_000);

  it.each([
    [['--ward', '99999', '--households', '3'], /unknown ward "99999"/],
    [['--households', '3'], /--ward is required/],
    [['--ward', '10546'], /--households is required/],
    [['--ward', '10546', '--households', 'ten'], /--households must be a whole number/],
    [['--ward', '10546', '--households', '3', '--colour', 'red'], /Unknown option '--colour'/],
    [['--ward', '10546', '--households', '3', '--install-id', 'x'], /--install-id must be a UUID/],
  ])('exits 2 with a clear message on stderr and nothing on stdout for %j', (args, message) => {
    const out = run(...args);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
    expect(out.stderr).toMatch(/usage: npm run -s demo-data/);
  }, 30_000);
});
