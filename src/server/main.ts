// Reads the environment (config.ts), opens the database, builds the ward endpoint and listens.
// Everything testable lives in app.ts and services/. A problem at start (a bad variable, a
// corrupt or unreadable database file, a port in use) is one clear line on stderr and a
// non-zero exit, never a stack trace.
import { provincesDirBeside } from './services/provinces.js';
import { buildServer } from './app.js';
import { ConfigError, readServerConfig } from './config.js';
import { createPreparePool, defaultSyncWorkerCount, type PreparePool } from './services/sync-prepare-pool.js';
import { openServerDb, type ServerDb } from './db/connect.js';
import { describeStartError } from './db/start-errors.js';
import { initialise } from './services/first-start.js';
import { formatEnrolmentCode } from './services/secrets.js';

async function start(): Promise<void> {
  const config = readServerConfig(process.env);
  let db: ServerDb | null = null;
  let syncPreparePool: PreparePool | null = null;
  try {
    // A non-empty database with pending migrations is backed up first (docs/backup.md).
    const recipient = process.env.BACKUP_RECIPIENT?.trim() || undefined;
    const backupBeforeMigrations = process.env.BACKUP_BEFORE_MIGRATIONS?.trim() === 'off' ? undefined : { recipient };
    db = await openServerDb({
      databaseUrl: config.databaseUrl ?? undefined,
      databaseReadUrl: config.databaseReadUrl ?? undefined,
      dataDir: config.dataDir,
      backupBeforeMigrations,
      checkpointInBackground: true,
    });
    const { firstStart } = await initialise(db, config.seedsDir);
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
    const pool = createPreparePool(config.syncWorkers ?? defaultSyncWorkerCount(), { onProblem: (problem) => console.warn(problem) });
    syncPreparePool = pool;
    // Started now, not with the first batch: the first team to sync gets them ready.
    void pool.start();

    const app = await buildServer({
      db,
      syncPreparePool: pool,
      staticRoot: config.staticRoot,
      logger: config.log,
      rateLimits: config.rateLimits,
      trustProxy: config.trustProxy,
      provincesDir: provincesDirBeside(config.seedsDir),
      // The ward's retentionMonths, applied a minute after start and then daily (services/retention.ts).
      retention: {},
    });
    await app.listen({ host: config.host, port: config.port });
    console.log(`Gõ Cửa ward endpoint: http://${config.host}:${config.port}/ (database: ${db.dialect} ${db.location}${config.databaseReadUrl ? `; dashboard reads: replica ${config.databaseReadUrl.replace(/\/\/[^@/]*@/, '//')}` : ''})`);

    const opened = db;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        void app
          .close()
          .then(() => pool.close())
          .then(() => opened.close())
          .then(() => process.exit(0));
      });
    }
  } catch (error) {
    await syncPreparePool?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    throw error;
  }
}

try {
  await start();
} catch (error) {
  const line = error instanceof ConfigError ? error.message : describeStartError(error, process.env.DATA_DIR?.trim() || './data');
  process.stderr.write(`Gõ Cửa could not start: ${line}\n`);
  process.exit(1);
}
