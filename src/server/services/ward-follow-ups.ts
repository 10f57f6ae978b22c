// The whole team's follow-up list for the ward dashboard (GET …/follow-ups): the shared pure
// buildFollowUpList over the latest rev of every household and assistance of the ward. The
// latest bodies come from record_revisions joined with the flattened tables (which hold the
// latest rev only), so a volunteer's phone and the dashboard apply the very same rules.
import type { Kysely } from 'kysely';
import { TEACHING_CARDS } from '../../../seeds/teaching/index.js';
import { buildFollowUpList } from '../../shared/domain/follow-up.js';
import type { WardFollowUpsResponse } from '../../shared/protocol/dashboard.js';
import type { AssistanceRecord } from '../../shared/schema/assistance.js';
import type { HouseholdRecord } from '../../shared/schema/household.js';
import type { WardConfig } from '../../shared/schema/ward-config.js';
import type { Database } from '../db/schema.js';

export async function wardFollowUps(db: Kysely<Database>, config: WardConfig, now = new Date()): Promise<WardFollowUpsResponse> {
  const wardCode = config.code;
  // Practice and voided latest revs are skipped in SQL; buildFollowUpList skips them as well.
  const households = await db
    .selectFrom('record_revisions as r')
    .innerJoin('households as h', (j) => j.onRef('h.record_id', '=', 'r.record_id').onRef('h.rev', '=', 'r.rev'))
    .select('r.body')
    .where('r.kind', '=', 'household')
    .where('h.ward_code', '=', wardCode)
    .where('h.practice', '=', 0)
    .where('h.voided', '=', 0)
    .execute();
  const assistances = await db
    .selectFrom('record_revisions as r')
    .innerJoin('assistances as a', (j) => j.onRef('a.record_id', '=', 'r.record_id').onRef('a.rev', '=', 'r.rev'))
    .select('r.body')
    .where('r.kind', '=', 'assistance')
    .where('a.ward_code', '=', wardCode)
    .where('a.practice', '=', 0)
    .where('a.voided', '=', 0)
    .execute();
  const list = buildFollowUpList({
    households: households.map((r) => JSON.parse(r.body) as HouseholdRecord),
    assistances: assistances.map((r) => JSON.parse(r.body) as AssistanceRecord),
    now,
    // As on the phones: a done teaching-card help counts as the kinds its card amounts to.
    cards: TEACHING_CARDS,
  });
  const names = new Map(config.groups.map((g) => [g.code, g.name]));
  return {
    wardCode,
    now: now.toISOString(),
    total: list.total,
    groups: list.groups.map((g) => ({ ...g, groupName: g.groupCode === null ? null : (names.get(g.groupCode) ?? null) })),
  };
}
