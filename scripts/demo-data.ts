// Prints demo household records as ONE JSON array on stdout (nothing else), for tests and
// benchmarks:  npm run -s demo-data -- --ward 10546 --households 300 --seed 1
// Errors go to stderr with exit code 2, so a pipe never receives half a message as JSON.
import { parseArgs } from 'node:util';
import { SEED_WARDS, findSeedWard } from '../seeds/index.js';
import { generateHouseholds } from '../src/demo/demo-data.js';

const USAGE =
  'usage: npm run -s demo-data -- --ward CODE --households N [--seed S] [--install-id UUID]\n' +
  `  wards: ${SEED_WARDS.map((w) => `${w.code} (${w.name})`).join(', ')}`;

function fail(message: string): never {
  process.stderr.write(`demo-data: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: { ward?: string; households?: string; seed?: string; 'install-id'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      ward: { type: 'string' },
      households: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'install-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail((err as Error).message);
}

if (values.help) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.ward) fail('--ward is required');
const ward = findSeedWard(values.ward);
if (!ward) fail(`unknown ward "${values.ward}"`);
if (values.households === undefined) fail('--households is required');
if (!/^\d+$/.test(values.households) || Number(values.households) > 1_000_000) {
  fail(`--households must be a whole number from 0 to 1000000, not "${values.households}"`);
}
const installId = values['install-id'];
if (installId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(installId)) {
  fail(`--install-id must be a UUID, not "${installId}"`);
}

const records = generateHouseholds({
  wardConfig: ward,
  count: Number(values.households),
  seed: values.seed ?? '1',
  ...(installId ? { installId } : {}),
});
process.stdout.write(JSON.stringify(records));
process.stdout.write('\n');
