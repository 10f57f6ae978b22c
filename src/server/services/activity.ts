// Team activity (GET …/activity): households per volunteer device per ISO week of surveyedAt
// (latest revs, practice excluded, voided ones included: the visit was made), and the devices
// that have not synced for STALE_DAYS days (never synced: counted from enrolment).
import type { Kysely } from 'kysely';
import { isoWeek, isoWeeksBetween, todayInVietnam } from '../../shared/domain/iso-week.js';
import type { ActivityResponse, VisitCounts } from '../../shared/protocol/dashboard.js';
import type { Database } from '../db/schema.js';

export const STALE_DAYS = 7;

type Counts = VisitCounts;

const zero = (): Counts => ({ surveyed: 0, notHome: 0, refused: 0 });

function add(c: Counts, outcome: string, n: number): void {
  if (outcome === 'surveyed') c.surveyed += n;
  else if (outcome === 'not_home') c.notHome += n;
  else if (outcome === 'refused') c.refused += n;
}

/**
 * The ward's devices as staff see them, oldest first: who enrolled when, the last sync, and
 * whether it is stale (not revoked and no sync for STALE_DAYS days; never synced counts from
 * enrolment). Team activity and the device list both start from these.
 */
export async function wardDevices(db: Kysely<Database>, wardCode: string, now: Date) {
  const rows = await db
    .selectFrom('devices')
    .select(['id', 'volunteer_name', 'created_at', 'last_seen_at', 'revoked_at', 'revoke_kind', 'waiting_count', 'last_contact_at'])
    .where('ward_code', '=', wardCode)
    .orderBy('created_at')
    .execute();
  const staleBefore = new Date(now.getTime() - STALE_DAYS * 86_400_000).toISOString();
  return rows.map((d) => ({
    id: d.id,
    volunteerName: d.volunteer_name,
    enrolledAt: d.created_at,
    lastSyncAt: d.last_seen_at,
    revokedAt: d.revoked_at,
    /** 'retired' or 'lost' when revoked (an old revocation counts as lost), else null. */
    revokeKind: d.revoked_at === null ? null : d.revoke_kind === 'retired' ? ('retired' as const) : ('lost' as const),
    /** Records waiting in the phone's outbox at its last contact (null: never reported). */
    waitingAtLastContact: d.waiting_count === null ? null : Number(d.waiting_count),
    lastContactAt: d.last_contact_at,
    stale: d.revoked_at === null && (d.last_seen_at ?? d.created_at) < staleBefore,
  }));
}

export async function teamActivity(
  db: Kysely<Database>,
  wardCode: string,
  options: { weeks: number; now?: Date },
): Promise<ActivityResponse> {
  const now = options.now ?? new Date();
  const today = todayInVietnam(now);
  const firstMonday = isoWeek(new Date(Date.parse(`${isoWeek(today).start}T00:00:00Z`) - (options.weeks - 1) * 7 * 86_400_000).toISOString()).start;
  const weeks = isoWeeksBetween(firstMonday, today).map((w) => ({ week: w.label, start: w.start, end: w.end }));
  const devices = await wardDevices(db, wardCode, now);
  const rows = await db
    .selectFrom('households')
    .select(['device_id', 'surveyed_at', 'outcome'])
    .select((eb) => eb.fn.countAll().as('n'))
    .where('ward_code', '=', wardCode)
    .where('practice', '=', 0)
    .groupBy(['device_id', 'surveyed_at', 'outcome'])
    .execute();
  const byDevice = new Map<string, { total: Counts; perWeek: Map<string, Counts> }>();
  for (const r of rows) {
    const d = byDevice.get(r.device_id) ?? { total: zero(), perWeek: new Map<string, Counts>() };
    const n = Number(r.n);
    add(d.total, r.outcome, n);
    const label = isoWeek(r.surveyed_at).label;
    const w = d.perWeek.get(label) ?? zero();
    add(w, r.outcome, n);
    d.perWeek.set(label, w);
    byDevice.set(r.device_id, d);
  }
  return {
    wardCode,
    staleAfterDays: STALE_DAYS,
    weeks,
    // The revocation details belong to the devices screen (GET …/devices), not to team activity.
    devices: devices.map(({ id, revokeKind: _kind, waitingAtLastContact: _waiting, lastContactAt: _contact, ...dev }) => {
      const a = byDevice.get(id);
      return {
        deviceId: id,
        ...dev,
        total: a?.total ?? zero(),
        perWeek: weeks.map((w) => ({ week: w.week, ...(a?.perWeek.get(w.week) ?? zero()) })),
      };
    }),
  };
}
