// Runs inside Chromium, on the same origin as the app, with the app's real storage code
// (Dexie repos over the real IndexedDB). The bench driver (bench/phone-survey.ts) calls the
// functions exposed on `window.goCuaBench` and reads back the timings.
import { GoCuaDb } from '../../src/app/storage/db.js';
import { saveHousehold, listSummaries, searchSummaries } from '../../src/app/storage/records-repo.js';
import { generateHouseholds } from '../../src/demo/demo-data.js';
import { DEMO_WARD } from '../../src/app/demo-ward.js';
import { saveDraft } from '../../src/app/storage/drafts-repo.js';
import { firstSummaryPage, SummaryIndex } from '../../src/app/storage/search-index.js';
import { dataToForm, formSearchText } from '../../src/app/features/survey/form-model.js';

import { installEncryption } from '../../src/app/security/at-rest.js';
import { newDataKey } from '../../src/app/security/crypto.js';
import { Keyring } from '../../src/app/security/lock-state.js';

// `?lock=1`: the same storage code through the at-rest encryption (an unlocked phone), in a
// database of its own, so the rows with and without the lock can be compared.
const withLock = new URLSearchParams(location.search).get('lock') === '1';
const keyring = new Keyring();
if (withLock) keyring.unlock(newDataKey());
const db = withLock ? installEncryption(new GoCuaDb('go-cua-bench-lock'), keyring) : new GoCuaDb();

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
    rows = (await listSummaries(db)).length;
    times.push(performance.now() - t0);
  }
  return { ms: median(times), rows };
}

async function timeSearch(queries: string[]): Promise<{ ms: number; hits: number[] }> {
  const times: number[] = [];
  const hits: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    hits.push((await searchSummaries(db, q)).length);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), hits };
}

/** The list's first screen: a page read by the savedAt index. */
async function timeFirstPage(runs: number): Promise<{ ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    rows = (await firstSummaryPage(db, 40)).length;
    times.push(performance.now() - t0);
  }
  return { ms: median(times), rows };
}

/**
 * Building the in-memory index in a fresh instance each run, as at each start or unlock: from the
 * packs an earlier build wrote (storage/summary-packs.ts), after `savesBetween` households were
 * saved since (each save leaves its bucket stale: read row by row, then packed again). A first
 * build writes the packs before the timed runs.
 */
async function timeIndexBuild(runs: number, savesBetween = 0): Promise<{ ms: number; rows: number }> {
  const warm = new SummaryIndex(db);
  await warm.build();
  await warm.whenPacked();
  warm.dispose();
  const extra = savesBetween > 0 ? generateHouseholds({ wardConfig: DEMO_WARD, count: runs * savesBetween, seed: 11 + savesBetween }) : [];
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    for (const r of extra.slice(i * savesBetween, (i + 1) * savesBetween)) if (!(await saveHousehold(db, r.data)).ok) throw new Error('save failed');
    const index = new SummaryIndex(db);
    const t0 = performance.now();
    await index.build();
    times.push(performance.now() - t0);
    rows = index.list().length;
    await index.whenPacked();
    index.dispose();
  }
  return { ms: median(times), rows };
}

/** The first build after the update that brought the packs: every summary read row by row. */
async function timeIndexBuildWithoutPacks(runs: number): Promise<{ ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    await db.summaryPacks.clear();
    const index = new SummaryIndex(db);
    const t0 = performance.now();
    await index.build();
    times.push(performance.now() - t0);
    rows = index.list().length;
    await index.whenPacked();
    index.dispose();
  }
  return { ms: median(times), rows };
}

/** Searches answered by the built (warm) index. */
async function timeIndexSearch(queries: string[]): Promise<{ ms: number; hits: number[] }> {
  const index = new SummaryIndex(db);
  await index.build();
  const times: number[] = [];
  const hits: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    hits.push(index.search(q).length);
    times.push(performance.now() - t0);
  }
  index.dispose();
  return { ms: median(times), hits };
}

/** A draft on the members step holding `members` filled-in members (copies of generated ones). */
async function seedLargeDraft(members: number): Promise<string> {
  const source = generateHouseholds({ wardConfig: DEMO_WARD, count: 40, seed: 3 }).filter(
    (r) => r.data.outcome === 'surveyed',
  );
  const base = dataToForm(source[0]!.data);
  const pool = source.flatMap((r) => dataToForm(r.data).members).filter((m) => m.relation !== 'head');
  base.members = [base.members.find((m) => m.relation === 'head') ?? base.members[0]!];
  for (let i = 0; base.members.length < members; i++) base.members.push({ ...pool[i % pool.length]!, id: crypto.randomUUID() });
  const id = crypto.randomUUID();
  await saveDraft(db, { id, form: base, step: 'members', searchText: formSearchText(base), groupCode: base.groupCode });
  return id;
}

declare global {
  interface Window {
    goCuaBench: {
      seed: typeof seed;
      seedLargeDraft: typeof seedLargeDraft;
      timeSave: typeof timeSave;
      timeList: typeof timeList;
      timeSearch: typeof timeSearch;
      timeFirstPage: typeof timeFirstPage;
      timeIndexBuild: typeof timeIndexBuild;
      timeIndexBuildWithoutPacks: typeof timeIndexBuildWithoutPacks;
      timeIndexSearch: typeof timeIndexSearch;
      ready: boolean;
    };
  }
}
window.goCuaBench = { seed, seedLargeDraft, timeSave, timeList, timeSearch, timeFirstPage, timeIndexBuild, timeIndexBuildWithoutPacks, timeIndexSearch, ready: true };
