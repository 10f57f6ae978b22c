// The data and the timing loop of bench/follow-up-list.ts, kept free of node: modules so the
// same code runs in Node and, bundled with esbuild, in the Chromium page.
import { findSeedWard, DEMO_WARD_CODE } from '../seeds/index.js';
import { generateHouseholds } from '../src/demo/demo-data.js';
import { generateAssistances } from '../src/demo/demo-assistances.js';
import { buildFollowUpList } from '../src/shared/domain/follow-up.js';

export const HOUSEHOLDS = 5000;
export const ASSISTANCES = 5000;
export const RUNS = 7;
export const WARMUP = 3;
const NOW = '2026-11-24T00:00:00.000Z';

/** The deterministic demo households and assistances of Phường Chí Linh. */
export function makeData() {
  const wardConfig = findSeedWard(DEMO_WARD_CODE);
  if (!wardConfig) throw new Error(`seed ward ${DEMO_WARD_CODE} missing`);
  const households = generateHouseholds({ wardConfig, count: HOUSEHOLDS, seed: 'bench' });
  const assistances = generateAssistances({ wardConfig, households, count: ASSISTANCES, seed: 'bench' });
  const members = households.reduce((n, h) => n + h.data.members.length, 0);
  return { households, assistances, members };
}
export type BenchData = ReturnType<typeof makeData>;

/** `warmup` untimed runs (so the JIT has compiled the function), then `runs` timed ones. */
export function timeRuns(data: BenchData, runs = RUNS, warmup = WARMUP): { times: number[]; items: number } {
  let items = 0;
  const build = () => buildFollowUpList({ households: data.households, assistances: data.assistances, now: NOW }).total;
  for (let i = 0; i < warmup; i++) items = build();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    items = build();
    times.push(performance.now() - t0);
  }
  return { times, items };
}
