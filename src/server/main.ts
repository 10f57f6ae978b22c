// Reads the environment, opens the database, builds the ward endpoint and listens.
// Everything testable lives in app.ts and services/.
//   HOST (127.0.0.1), PORT (8080), DATA_DIR (./data: the SQLite file), DATABASE_URL
//   (postgres://… to use PostgreSQL), SEEDS_DIR (seeds/wards), STATIC_ROOT (dist),
//   LOG (info; "off" for none), SYNC_RATE_PER_MIN (600), AUTH_RATE_PER_MIN (20, sign-in),
//   ENROL_RATE_PER_MIN (60), TRUST_PROXY (0/1).
import { buildServer } from './app.js';
import { createPreparePool, defaultSyncWorkerCount } from './services/sync-prepare-pool.js';
import { openServerDb } from './db/connect.js';
import { initialise } from './services/first-start.js';
import { formatEnrolmentCode } from './services/secrets.js';

function positiveInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  return n;
}

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const staticRoot = process.env.STATIC_ROOT ?? 'dist';
const seedsDir = process.env.SEEDS_DIR ?? 'seeds/wards';
const log = process.env.LOG ?? 'info';

const db = await openServerDb({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? './data' });
const { firstStart } = await initialise(db, seedsDir);
if (firstStart) {
  // Printed once, on the first start only: the password is stored hashed and cannot be shown again.
  const line = '='.repeat(72);
  console.log(
    [
      line,
      'Gõ Cửa: first start / Lần khởi động đầu tiên',
      `Ward / Phường: ${firstStart.wardCode} ${firstStart.wardName}`,
      `Ward admin username / Tên đăng nhập quản trị: ${firstStart.username}`,
      `Ward admin password / Mật khẩu quản trị:      ${firstStart.password}`,
      `Enrolment code for a first device / Mã đăng ký thiết bị đầu tiên: ${formatEnrolmentCode(firstStart.enrolmentCode)}`,
      'Write these down now: they are not shown again. / Hãy ghi lại ngay: thông tin này không hiển thị lại.',
      line,
    ].join('\n'),
  );
}

// SYNC_WORKERS=0 prepares sync batches on the main thread; the default is one worker per spare core.
const syncWorkers = process.env.SYNC_WORKERS === '0' ? 0 : (positiveInt('SYNC_WORKERS') ?? defaultSyncWorkerCount());
const syncPreparePool = createPreparePool(syncWorkers, { onProblem: (problem) => console.warn(problem) });
// Started now, not with the first batch: the first team to sync gets them ready.
void syncPreparePool.start();

const app = await buildServer({
  db,
  syncPreparePool,
  staticRoot,
  logger: log === 'off' ? false : log,
  rateLimits: {
    syncPerMinute: positiveInt('SYNC_RATE_PER_MIN'),
    authPerMinute: positiveInt('AUTH_RATE_PER_MIN'),
    enrolPerMinute: positiveInt('ENROL_RATE_PER_MIN'),
  },
  trustProxy: process.env.TRUST_PROXY === '1',
});
await app.listen({ host, port });
console.log(`Gõ Cửa ward endpoint: http://${host}:${port}/ (database: ${db.dialect} ${db.location})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void app
      .close()
      .then(() => syncPreparePool.close())
      .then(() => db.close())
      .then(() => process.exit(0));
  });
}
