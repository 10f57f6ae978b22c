// Runs inside Chromium, on the same origin as the app, with the app's real storage code
// (Dexie repos over the real IndexedDB). The bench driver (bench/phone-survey.ts) calls the
// functions exposed on `window.goCuaBench` and reads back the timings.
import { GoCuaDb } from '../../src/app/storage/db.js';
import { saveHousehold, listHouseholds, searchHouseholds } from '../../src/app/storage/records-repo.js';
import { generateHouseholds } from '../../src/shared/domain/demo-data.js';
import { DEMO_WARD } from '../../src/app/demo-ward.js';

const db = new GoCuaDb();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function seed(count: number): Promise<{ households: number; members: number; ms: number }> {
  const t0 = performance.now();
  const records = generateHouseholds({ wardConfig: DEMO_WARD, count, seed: 42 });
  let members = 0;
  for (const r of records) {
    const res = await saveHousehold(db, r.data, { groupName: DEMO_WARD.groups.find((g) => g.code === r.data.groupCode)?.name });
    if (!res.ok) throw new Error('seed record invalid: ' + JSON.stringify(res.errors));
    members += r.data.members.length;
  }
  return { households: records.length, members, ms: performance.now() - t0 };
}

async function timeSave(runs: number): Promise<number> {
  const sample = generateHouseholds({ wardConfig: DEMO_WARD, count: runs + 50, seed: 7 }).filter(
    (r) => r.data.outcome === 'surveyed' && r.data.members.length >= 3,
  );
  const times: number[] = [];
  for (const r of sample.slice(0, runs)) {
    const t0 = performance.now();
    const res = await saveHousehold(db, r.data);
    times.push(performance.now() - t0);
    if (!res.ok) throw new Error('save failed');
  }
  return median(times);
}

async function timeList(runs: number): Promise<{ ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    rows = (await listHouseholds(db)).length;
    times.push(performance.now() - t0);
  }
  return { ms: median(times), rows };
}

async function timeSearch(queries: string[]): Promise<{ ms: number; hits: number[] }> {
  const times: number[] = [];
  const hits: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    hits.push((await searchHouseholds(db, q)).length);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), hits };
}

declare global {
  interface Window {
    goCuaBench: { seed: typeof seed; timeSave: typeof timeSave; timeList: typeof timeList; timeSearch: typeof timeSearch; ready: boolean };
  }
}
window.goCuaBench = { seed, timeSave, timeList, timeSearch, ready: true };
