// GET /api/health: a probe for a supervisor or a monitoring script. It reads one row of each
// core table, so a damaged file, a missing table or a lost PostgreSQL connection answers 503
// (a full `PRAGMA integrity_check` reads the whole file: an admin's job, too slow for a probe).
import type { ServerDb } from '../db/connect.js';

/** The tables every request path depends on. */
export const CORE_TABLES = ['wards', 'ward_groups', 'users', 'sessions', 'devices', 'enrolment_codes', 'record_revisions', 'households', 'members', 'audit_log'] as const;

/** null when healthy; otherwise what failed (for the log, never for the answer). */
export async function checkHealth(server: ServerDb): Promise<string | null> {
  for (const table of CORE_TABLES) {
    try {
      await server.db.selectFrom(table).selectAll().limit(1).execute();
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
      return `${table}: ${code || (error instanceof Error ? error.message : String(error))}`;
    }
  }
  return null;
}
