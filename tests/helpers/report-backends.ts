// Vitest global setup of the unit/integration project: says once, at the top of the run, when
// the PostgreSQL variants of the storage tests do not run, so they never vanish unnoticed.
// The same rule as tests/helpers/server-db.ts (`backends`).
export default function reportBackends(): void {
  const url = process.env.DATABASE_URL;
  if (url && /^postgres/.test(url)) {
    console.log('Storage tests: SQLite and PostgreSQL (DATABASE_URL is set).');
  } else {
    console.log('SKIPPED: the PostgreSQL variants of the storage tests, because DATABASE_URL is not set (SQLite only). Set DATABASE_URL=postgres://… to run them.');
  }
}
