// The city roll-up reads every ward of a province in one grouped query over the day sums of the
// counters (computeWardsOverview, computeWardsWeekly in services/indicators.ts); the ward dashboard reads
// one ward at a time (computeIndicators, computeWeekly). For a province whose wards count their
// denominators from different ages (adult age 18 or 16; VNeID from 18, 14 or 0) the two must
// give the same numbers, at every cut-off, on SQLite and PostgreSQL — including a ward whose
// counters were never counted (the grouped read recounts it first, as the ward read would).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openServerDb } from '../../src/server/db/connect.js';
import { generateHouseholds } from '../../src/demo/demo-data.js';
import { computeRollup, provinceWards, startAsOfFor } from '../../src/server/services/city-rollup.js';
import { dayRows, MEASURES, storedCounters, storedDayCounters, type CounterRow } from '../../src/server/services/indicator-counters.js';
import { computeIndicators, computeWardsOverview, computeWardsWeekly, computeWeekly } from '../../src/server/services/indicators.js';
import type { WardConfig } from '../../src/shared/schema/ward-config.js';
import { household, member, syncAll } from '../helpers/dashboard.js';
import { backends, tempDir } from '../helpers/server-db.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

vi.setConfig({ testTimeout: 60_000 });

/** Three wards of province 31 with different settings: (adult, VNeID) = (18, 18), (18, 14), (16, 0). */
function seeds(): string {
  const wards = path.join(tempDir('gocua-city-grouped-'), 'wards');
  mkdirSync(wards, { recursive: true });
  for (const f of ['10546.json', '10837.json']) cpSync(path.join('tests/fixtures/wards', f), path.join(wards, f));
  const hongBang = JSON.parse(readFileSync('seeds/wards/11311.json', 'utf8')) as WardConfig;
  writeFileSync(path.join(wards, '11311.json'), JSON.stringify({ ...hongBang, settings: { ...hongBang.settings, adultAge: 16, vneidMinAge: 0 } }));
  return wards;
}

const CUT_OFFS = ['2025-12-31', '2026-10-05', '2026-10-20', '2026-11-01', '2026-12-31'];

describe.each(backends)('grouped city roll-up equals the per-ward reads on $name', (backend) => {
  let t: TestServer;
  let wards: WardConfig[];

  beforeAll(async () => {
    t = await startTestServer(backend, { seedsDir: seeds() });
    wards = await provinceWards(t.db.db, '31');
    for (const ward of wards) {
      const token = (await t.enrol(ward.code, `Máy ${ward.code}`)).token;
      const group = ward.groups[0]!.code;
      // Autumn 2026 (the generator's weeks), and a few households before the year's start cut-off.
      const generated = generateHouseholds({ wardConfig: ward, count: 80, seed: `grouped-${ward.code}` });
      const lastYear = [
        household({ wardCode: ward.code, groupCode: group, surveyedAt: '2025-12-10', members: [
            ...[1970, 1975, 1980].map((y) => member(y, { vneid: 'level2' }, 2025)),
            ...[1972, 1985, 1990].map((y) => member(y, { vneid: 'none' }, 2025)),
            member(2009, {}, 2025),
            member(2012, {}, 2025),
          ],
        }),
        household({ wardCode: ward.code, groupCode: group, surveyedAt: '2025-11-03', outcome: 'not_home' }),
      ];
      await syncAll(t, token, [...lastYear, ...generated]);
    }
    // One ward's counters forgotten (as after the migration): the grouped read must count it first.
    await t.db.db.deleteFrom('indicator_counters').where('ward_code', '=', '10837').execute();
    await t.db.db.deleteFrom('indicator_day_counters').where('ward_code', '=', '10837').execute();
    await t.db.db.deleteFrom('indicator_counter_wards').where('ward_code', '=', '10837').execute();
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('the province has wards of different settings', () => {
    expect(wards.map((w) => [w.code, w.settings.adultAge, w.settings.vneidMinAge])).toEqual([
      ['10546', 18, 18],
      ['10837', 18, 14],
      ['11311', 16, 0],
    ]);
  });

  it('overviews at every cut-off: one grouped query gives what each ward’s own overview gives', async () => {
    const grouped = await computeWardsOverview(t.db.db, wards, '2026', CUT_OFFS);
    let surveyed = 0;
    for (const ward of wards) {
      for (const asOf of CUT_OFFS) {
        const own = await computeIndicators(t.db.db, ward, { wardCode: ward.code, year: '2026', asOf });
        expect(grouped.get(ward.code)?.get(asOf), `${ward.code} ${asOf}`).toEqual(own);
        surveyed += own.households.surveyed;
      }
    }
    // Not a comparison of empty answers.
    expect(surveyed).toBeGreaterThan(300);
  });

  it('weekly trends: one grouped query gives what each ward’s own weekly trend gives', async () => {
    for (const asOf of [undefined, '2026-10-20']) {
      const grouped = await computeWardsWeekly(t.db.db, wards, { year: '2026', asOf });
      for (const ward of wards) {
        const own = await computeWeekly(t.db.db, ward, { wardCode: ward.code, year: '2026', asOf });
        expect(own.weeks.length, ward.code).toBeGreaterThan(0);
        expect(grouped.get(ward.code), `${ward.code} ${asOf}`).toEqual(own);
      }
    }
  });

  it('the roll-up: each ward’s unsuppressed cells and the totals are the per-ward overviews’ figures', async () => {
    const asOf = '2026-11-01';
    const rollup = await computeRollup(t.db.db, '31', undefined, { year: '2026', asOf });
    const now = await Promise.all(wards.map((w) => computeIndicators(t.db.db, w, { wardCode: w.code, year: '2026', asOf })));
    const start = await Promise.all(wards.map((w) => computeIndicators(t.db.db, w, { wardCode: w.code, year: '2026', asOf: startAsOfFor('2026') })));
    for (const [k, row] of rollup.wards.entries()) {
      expect(row.households).toEqual(now[k]!.households);
      for (const c of row.indicators.filter((x) => x.suppressed === null)) {
        const own = now[k]!.indicators.find((i) => i.code === c.code)!;
        expect([c.numerator, c.denominator, c.unknown], `${row.code} ${c.code}`).toEqual([own.numerator, own.denominator, own.unknown]);
      }
    }
    for (const c of rollup.total.indicators) {
      const sum = (list: typeof now, pick: 'numerator' | 'denominator') => list.reduce((s, o) => s + o.indicators.find((i) => i.code === c.code)![pick], 0);
      expect([c.numerator, c.denominator], c.code).toEqual([sum(now, 'numerator'), sum(now, 'denominator')]);
    }
    // A ward with targets gets its start value from the 31/12 cut-off.
    const chiLinh = rollup.wards.find((w) => w.code === '10546')!;
    const vneidStart = start[0]!.indicators.find((i) => i.code === 'vneid')!;
    expect(vneidStart.denominator).toBeGreaterThanOrEqual(5);
    expect(chiLinh.indicators.find((i) => i.code === 'vneid')!.startValue).toBe(vneidStart.numerator / vneidStart.denominator);
  });
});

describe.each(backends)('the day sums migration on $name', (backend) => {
  it('fills indicator_day_counters from the counters kept before it, once', async () => {
    const opened = await backend.open();
    try {
      const db = opened.server.db;
      const zero = Object.fromEntries(MEASURES.map((c) => [c, 0])) as unknown as Omit<CounterRow, 'ward_code' | 'group_code' | 'day' | 'age_from' | 'sex'>;
      const rows: CounterRow[] = [];
      for (const ward of ['10546', '10837']) {
        for (const [group, day, age, sex, units, yes] of [
          ['TDP01', '2026-10-01', 18, 'male', 3, 2],
          ['TDP02', '2026-10-01', 18, 'male', 2, 1],
          ['TDP01', '2026-10-01', 18, 'female', 4, 4],
          ['TDP01', '2026-10-02', -1, '', 5, 0],
          ['TDP03', '2026-10-02', 60, 'female', 1, 0],
        ] as const) {
          rows.push({ ...zero, ward_code: ward, group_code: group, day, age_from: age, sex, units, vneid_yes: yes });
        }
      }
      await db.insertInto('indicator_counters').values(rows).execute();
      // As a database of the build before: the table not there, the migration not applied.
      await db.schema.dropTable('indicator_day_counters').execute();
      await sql`delete from kysely_migration where name >= '20261204T150000-indicator-day-counters'`.execute(db);
      for (let start = 0; start < 2; start++) {
        // The next start runs it; run again (as the upgrade tests do) it adds nothing.
        const reopened = await openServerDb({ databaseUrl: opened.env.DATABASE_URL, dataDir: opened.env.DATA_DIR });
        try {
          for (const ward of ['10546', '10837']) {
            const days = await storedDayCounters(reopened.db, ward);
            expect(days).toHaveLength(3);
            expect(days.map((d) => ({ ...d }))).toEqual(expect.arrayContaining(dayRows(await storedCounters(reopened.db, ward))));
            expect(days.find((d) => d.day === '2026-10-01' && d.age_from === 18)).toMatchObject({ units: 9, vneid_yes: 7 });
          }
        } finally {
          await reopened.close();
        }
        if (start === 0) await sql`delete from kysely_migration where name >= '20261204T150000-indicator-day-counters'`.execute(db);
      }
    } finally {
      await opened.cleanup();
    }
  });
});
