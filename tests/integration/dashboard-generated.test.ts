// The dashboard API against an independent count: generated households (the demo-data
// generator) are synced through the real endpoint, some then edited (a new rev with other
// answers), voided or made in practice mode; the test computes countIndicators over the latest
// revs itself and compares every indicator, for the ward, each tổ dân phố filter, a cut-off
// date, and the group breakdown. Two wards with different settings (vneidMinAge 18 vs 14).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHouseholds } from '../../src/demo/demo-data.js';
import { countIndicators, ratio } from '../../src/shared/domain/indicators.js';
import type { HouseholdRecord } from '../../src/shared/schema/household.js';
import type { WardConfig } from '../../src/shared/schema/ward-config.js';
import { backends } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { FIXTURE_WARDS_DIR, OTHER_WARD, WARD } from '../helpers/records.js';
import { get, signIn, syncAll } from '../helpers/dashboard.js';

const wardConfig = (code: string) => JSON.parse(readFileSync(`${FIXTURE_WARDS_DIR}/${code}.json`, 'utf8')) as WardConfig;

/** Latest revs after edits: every 7th surveyed household edited, every 13th voided, every 17th practice. */
function scenario(config: WardConfig, count: number): { first: HouseholdRecord[]; later: HouseholdRecord[]; latest: HouseholdRecord[] } {
  const first = generateHouseholds({ wardConfig: config, count, seed: 'dashboard-test' });
  const later: HouseholdRecord[] = [];
  const latest = new Map(first.map((r) => [r.id, r]));
  first.forEach((r, i) => {
    if (i % 17 === 5) {
      // Practice households are a rev of their own here (synced as such from the start).
      const p = { ...r, data: { ...r.data, practice: true } };
      first[i] = p;
      latest.set(r.id, p);
      return;
    }
    let next: HouseholdRecord | null = null;
    if (i % 13 === 3) next = { ...r, rev: r.rev + 1, data: { ...r.data, voided: true, voidReason: 'Khảo sát trùng' } };
    else if (i % 7 === 1 && r.data.outcome === 'surveyed') {
      next = {
        ...r,
        rev: r.rev + 1,
        data: {
          ...r.data,
          devices: r.data.devices ? { ...r.data.devices, fibre: r.data.devices.fibre === 'yes' ? 'no' : 'yes' } : r.data.devices,
          members: r.data.members.map((m) => ({ ...m, vneid: m.vneid === 'level2' ? 'none' : 'level2', ehr: m.ehr === 'unknown' ? 'yes' : 'unknown' })),
        },
      };
    }
    if (next) {
      later.push(next);
      latest.set(r.id, next);
    }
  });
  return { first, later, latest: [...latest.values()] };
}

type Ind = { code: string; numerator: number; denominator: number; unknown: number; value: number | null; target: number | null };

function expectSame(api: { households: unknown; indicators: Ind[] }, records: HouseholdRecord[], config: WardConfig, onRegister: number, year: string) {
  const ref = countIndicators(records.map((r) => r.data), config.settings, onRegister);
  expect(api.households).toEqual(ref.households);
  expect(api.indicators.map((i) => ({ code: i.code, numerator: i.numerator, denominator: i.denominator, unknown: i.unknown }))).toEqual(ref.indicators);
  for (const i of api.indicators) {
    expect(i.value).toBe(ratio(i));
    expect(i.target).toBe(config.targets[year]?.[i.code as keyof (typeof config.targets)[string]] ?? null);
  }
}

describe.each(backends)('dashboard vs an independent count on $name', (backend) => {
  let t: TestServer;
  const wards = [
    { code: WARD, config: wardConfig(WARD), count: 700 },
    { code: OTHER_WARD, config: wardConfig(OTHER_WARD), count: 300 },
  ].map((w) => ({ ...w, ...scenario(w.config, w.count), token: '' }));

  beforeAll(async () => {
    t = await startTestServer(backend, { syncWorkers: 1 });
    for (const w of wards) {
      const device = await t.enrol(w.code);
      await syncAll(t, device.token, w.first);
      await syncAll(t, device.token, w.later);
      w.token = (await signIn(t, w.code)).token;
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('every indicator of the ward, with and without a cut-off date', async () => {
    for (const w of wards) {
      const onRegister = w.config.groups.reduce((s, g) => s + g.householdsOnRegister, 0);
      const all = (await get(t, w.token, `/api/v1/wards/${w.code}/indicators?year=2026`)).json();
      expectSame(all, w.latest, w.config, onRegister, '2026');
      expect(all.households.surveyed).toBeGreaterThan(w.count / 2);
      const dates = w.latest.map((r) => r.data.surveyedAt).sort();
      const asOf = dates[Math.floor(dates.length / 2)]!;
      const cut = (await get(t, w.token, `/api/v1/wards/${w.code}/indicators?year=2026&asOf=${asOf}`)).json();
      expectSame(cut, w.latest.filter((r) => r.data.surveyedAt <= asOf), w.config, onRegister, '2026');
      expect(cut.households.surveyed).toBeLessThan(all.households.surveyed);
    }
  });

  it('every tổ dân phố filter and the group breakdown agree with the count', async () => {
    for (const w of wards) {
      const dates = w.latest.map((r) => r.data.surveyedAt).sort();
      const asOf = dates[Math.floor(dates.length * 0.7)]!;
      const breakdown = (await get(t, w.token, `/api/v1/wards/${w.code}/indicators?by=group&asOf=${asOf}`)).json() as {
        breakdown: { key: string; households: unknown; indicators: Ind[] }[];
      };
      expect(breakdown.breakdown.map((b) => b.key)).toEqual(w.config.groups.map((g) => g.code).sort());
      for (const g of w.config.groups) {
        const records = w.latest.filter((r) => r.data.groupCode === g.code && r.data.surveyedAt <= asOf);
        const filtered = (await get(t, w.token, `/api/v1/wards/${w.code}/indicators?group=${g.code}&asOf=${asOf}`)).json();
        expectSame(filtered, records, w.config, g.householdsOnRegister, asOf.slice(0, 4));
        expectSame(breakdown.breakdown.find((b) => b.key === g.code)!, records, w.config, g.householdsOnRegister, asOf.slice(0, 4));
      }
    }
  });

  it('the last week of the weekly trend equals the overview', async () => {
    for (const w of wards) {
      const overview = (await get(t, w.token, `/api/v1/wards/${w.code}/indicators`)).json();
      const weekly = (await get(t, w.token, `/api/v1/wards/${w.code}/indicators/weekly`)).json() as { weeks: { households: unknown; indicators: Ind[] }[] };
      expect(weekly.weeks.length).toBeGreaterThan(1);
      const last = weekly.weeks[weekly.weeks.length - 1]!;
      expect(last.households).toEqual(overview.households);
      expect(last.indicators.map((i) => [i.code, i.numerator, i.denominator, i.unknown])).toEqual(
        (overview.indicators as Ind[]).map((i) => [i.code, i.numerator, i.denominator, i.unknown]),
      );
    }
  });
});
