#!/usr/bin/env node
// Runs the test projects `npm test` names as two vitest processes at once: the browser tests
// (one file at a time: each drives a Chromium and a server) beside the unit and server tests.
// In one vitest process a one-at-a-time project runs only after every other project has
// finished, leaving a core idle for most of the run; two processes keep both busy.
// Output is streamed line by line with the process's name in front; the exit code is non-zero
// when either run fails. Extra arguments (e.g. a file filter) go to both runs.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const extra = process.argv.slice(2);
if (extra.length > 0) extra.push('--passWithNoTests');
const runs = [
  { name: 'e2e', args: ['run', '--project', 'e2e', ...extra] },
  { name: 'unit+server', args: ['run', '--project', 'unit', '--project', 'server', ...extra] },
];

const vitest = new URL('../node_modules/vitest/vitest.mjs', import.meta.url).pathname;

function start({ name, args }) {
  const child = spawn(process.execPath, [vitest, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    const out = stream === child.stdout ? process.stdout : process.stderr;
    createInterface({ input: stream }).on('line', (line) => out.write(`[${name}] ${line}\n`));
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), signal }));
  });
}

const started = Date.now();
const results = await Promise.all(runs.map(start));
const seconds = Math.round((Date.now() - started) / 1000);
for (const r of results) {
  console.log(`${r.code === 0 ? 'PASSED' : 'FAILED'}: vitest ${r.name}${r.signal ? ` (killed by ${r.signal})` : ''}`);
}
console.log(`All test runs finished in ${seconds} s`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
