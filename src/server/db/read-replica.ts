// Dashboard reads on a PostgreSQL streaming replica (DATABASE_READ_URL), with two promises:
// - read-your-writes: after this server writes a ward's data (a sync batch, a staff void, an
//   admin change), reads of that ward go to the primary until the standby has replayed the
//   write: the primary's pg_current_wal_lsn() taken after the commit, against the standby's
//   pg_last_wal_replay_lsn(). Keyed by ward, so the phone's team and the staff at the table
//   alike see a batch the moment it is acknowledged; other wards keep reading the standby.
// - no 500 because of the standby: an unreachable or failing standby (connect timeout
//   REPLICA_CONNECT_TIMEOUT_MS) sends reads to the primary, and the standby is retried after
//   REPLICA_RETRY_MS. A connection that fails mid-way (standby stopped between the check and
//   the query) is taken from the primary instead, by the fallback pool below.
// Writes made by another process (the admin CLI) are not tracked: their reads may lag by the
// replication delay (milliseconds on a healthy standby).
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export const REPLICA_CONNECT_TIMEOUT_MS = 1000;
export const REPLICA_RETRY_MS = 5000;

/** "16/B374D848" → a comparable number. */
export function parseLsn(text: string): bigint {
  const m = /^([0-9A-Fa-f]+)\/([0-9A-Fa-f]+)$/.exec(text.trim());
  if (!m) throw new Error(`not an LSN: ${text}`);
  return (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
}

export type ReadTarget = 'replica' | 'primary';

export class ReadReplica {
  private readonly pool: pg.Pool;
  /** The standby's Kysely; its connections fall back to the primary's pool. */
  readonly db: Kysely<Database>;
  /** Per ward: the newest write LSN this process made that the standby may not have replayed. */
  private readonly pending = new Map<string, bigint>();
  private downUntil = 0;
  /** For tests and logs: where the last read went, and why. */
  lastChoice: { target: ReadTarget; reason: string } = { target: 'replica', reason: 'start' };

  constructor(
    url: string,
    private readonly primary: Kysely<Database>,
    primaryPool: pg.Pool,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: REPLICA_CONNECT_TIMEOUT_MS });
    this.pool.on('error', (error: Error & { code?: string }) => {
      // An idle standby connection dropped (the standby stopped or restarted).
      this.markDown(error);
    });
    const fallbackPool: PostgresPool = {
      options: {},
      connect: async (): Promise<PostgresPoolClient> => {
        if (Date.now() >= this.downUntil) {
          try {
            return await this.pool.connect();
          } catch (error) {
            this.markDown(error);
          }
        }
        return primaryPool.connect();
      },
      // The primary's pool belongs to the primary's Kysely.
      end: () => this.pool.end(),
    };
    this.db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: fallbackPool }) });
  }

  private markDown(error: unknown): void {
    if (Date.now() < this.downUntil) return;
    this.downUntil = Date.now() + REPLICA_RETRY_MS;
    const code = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    this.log(`Read replica unavailable (${code}); reading from the primary, retrying in ${REPLICA_RETRY_MS / 1000} s`);
  }

  /** Call after a committed write of these wards (before answering), so their next reads see it. */
  async noteWrite(wardCodes: Iterable<string>): Promise<void> {
    const r = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(this.primary);
    const lsn = parseLsn(r.rows[0]!.lsn);
    for (const ward of wardCodes) {
      if ((this.pending.get(ward) ?? 0n) < lsn) this.pending.set(ward, lsn);
    }
  }

  /** The database to read these wards from now. Never throws: the primary when in doubt. */
  async readerFor(wardCodes: Iterable<string>): Promise<Kysely<Database>> {
    const choose = (target: ReadTarget, reason: string) => {
      this.lastChoice = { target, reason };
      return target === 'replica' ? this.db : this.primary;
    };
    if (Date.now() < this.downUntil) return choose('primary', 'replica down');
    let needed = 0n;
    const wards = [...wardCodes];
    for (const ward of wards) needed = (this.pending.get(ward) ?? 0n) > needed ? this.pending.get(ward)! : needed;
    // One round trip also proves the standby answers (and takes a dead pooled connection out).
    let replayed: bigint | null;
    try {
      const r = await this.pool.query<{ lsn: string | null }>('select pg_last_wal_replay_lsn()::text as lsn');
      replayed = r.rows[0]?.lsn ? parseLsn(r.rows[0].lsn) : null;
    } catch (error) {
      this.markDown(error);
      return choose('primary', 'replica down');
    }
    if (needed === 0n) return choose('replica', 'no recent write');
    if (replayed === null) return choose('primary', 'not a standby: replay position unknown');
    if (replayed < needed) return choose('primary', 'own write not yet replayed');
    for (const ward of wards) {
      if ((this.pending.get(ward) ?? 0n) <= replayed) this.pending.delete(ward);
    }
    return choose('replica', 'own write replayed');
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
