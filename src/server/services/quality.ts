// Data quality for ward staff (GET …/quality), three lists, each item pointing at a record:
// 1. Possible duplicates: households (latest rev, not voided, not practice) of the same tổ dân
//    phố whose normalised address (domain/address-key.ts) is the same.
// 2. Records in conflict: revisions that collided with a stored one (same id and rev, other
//    content); `superseded` when a later rev has since been stored.
// 3. Implausible members, by simple documented rules (IMPLAUSIBLE_RULES).
// Lists are capped at LIST_LIMIT items each (the counts say how many there are in all).
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { addressKey } from '../../shared/domain/address-key.js';
import { isErasedText } from '../../shared/domain/personal-fields.js';
import type { QualityResponse } from '../../shared/protocol/dashboard.js';
import type { Database } from '../db/schema.js';

export const LIST_LIMIT = 500;

/** Rule code → SQL condition over a members row. Keep in step with docs/api.md. */
export const IMPLAUSIBLE_RULES: Record<string, string> = {
  // Over 100, a level-2 VNeID and proficient in all five skills: most likely a wrong birth year.
  elderly_all_proficient: `age > 100 AND vneid = 'level2' AND skill_public_services = 'proficient' AND skill_shopping = 'proficient' AND skill_payments = 'proficient' AND skill_safety = 'proficient' AND skill_local_platforms = 'proficient'`,
  // A child under 10 with a bank account of their own.
  child_bank_account: `age < 10 AND bank_account = 'yes'`,
  // A child under 14 with a personal digital signature.
  child_digital_signature: `age < 14 AND digital_signature = 'yes'`,
  // Older than 110 on the survey date.
  age_over_110: `age > 110`,
};

const CHUNK = 400;

/** Computes the address key of households whose latest rev has none yet (incremental). */
async function refreshAddressKeys(db: Kysely<Database>, wardCode: string): Promise<void> {
  const stale = await db
    .selectFrom('households as h')
    .leftJoin('household_address_keys as k', 'k.record_id', 'h.record_id')
    .select(['h.record_id', 'h.rev'])
    .where('h.ward_code', '=', wardCode)
    .where((eb) => eb.or([eb('k.record_id', 'is', null), eb('k.rev', '<>', eb.ref('h.rev'))]))
    .execute();
  for (let i = 0; i < stale.length; i += CHUNK) {
    const part = stale.slice(i, i + CHUNK);
    const wanted = new Map(part.map((r) => [r.record_id, Number(r.rev)]));
    const bodies = await db
      .selectFrom('record_revisions')
      .select(['record_id', 'rev', 'body'])
      .where('record_id', 'in', [...wanted.keys()])
      .execute();
    const rows = bodies
      .filter((b) => wanted.get(b.record_id) === Number(b.rev))
      .map((b) => {
        const record = JSON.parse(b.body) as { data?: { address?: { houseNumber?: string; lane?: string; street?: string } } };
        const a = record.data?.address;
        // An address erased by retention (services/retention.ts) is unknown, never the same as another.
        const key = isErasedText(a?.houseNumber) ? `erased:${b.record_id}` : addressKey({ houseNumber: a?.houseNumber ?? '', lane: a?.lane, street: a?.street });
        return { record_id: b.record_id, rev: Number(b.rev), ward_code: wardCode, address_key: key };
      });
    if (rows.length === 0) continue;
    await db
      .insertInto('household_address_keys')
      .values(rows)
      .onConflict((oc) => oc.column('record_id').doUpdateSet((eb) => ({ rev: eb.ref('excluded.rev'), address_key: eb.ref('excluded.address_key'), ward_code: eb.ref('excluded.ward_code') })))
      .execute();
  }
}

export type QualityReport = QualityResponse;

export async function dataQuality(db: Kysely<Database>, wardCode: string): Promise<QualityReport> {
  await refreshAddressKeys(db, wardCode);

  const dupKeys = await db
    .selectFrom('households as h')
    .innerJoin('household_address_keys as k', 'k.record_id', 'h.record_id')
    .select(['h.group_code', 'k.address_key'])
    .select((eb) => eb.fn.countAll().as('n'))
    .where('h.ward_code', '=', wardCode)
    .where('h.voided', '=', 0)
    .where('h.practice', '=', 0)
    .groupBy(['h.group_code', 'k.address_key'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .orderBy('h.group_code')
    .orderBy('k.address_key')
    .execute();
  const shown = dupKeys.slice(0, LIST_LIMIT);
  const dupItems: QualityReport['duplicates']['items'] = [];
  for (let i = 0; i < shown.length; i += 100) {
    const part = shown.slice(i, i + 100);
    const rows = await db
      .selectFrom('households as h')
      .innerJoin('household_address_keys as k', 'k.record_id', 'h.record_id')
      .select(['h.record_id', 'h.rev', 'h.group_code', 'h.outcome', 'h.surveyed_at', 'h.device_id', 'k.address_key'])
      .where('h.ward_code', '=', wardCode)
      .where('h.voided', '=', 0)
      .where('h.practice', '=', 0)
      .where('k.address_key', 'in', [...new Set(part.map((d) => d.address_key))])
      .orderBy('h.surveyed_at')
      .orderBy('h.record_id')
      .execute();
    for (const d of part) {
      dupItems.push({
        groupCode: d.group_code,
        addressKey: d.address_key,
        households: rows
          .filter((r) => r.group_code === d.group_code && r.address_key === d.address_key)
          .map((r) => ({ recordId: r.record_id, rev: Number(r.rev), outcome: r.outcome, surveyedAt: r.surveyed_at, deviceId: r.device_id })),
      });
    }
  }

  const conflictRows = await db
    .selectFrom('conflicts as c')
    .leftJoin('households as h', 'h.record_id', 'c.record_id')
    .leftJoin('devices as d', 'd.id', 'c.device_id')
    .select(['c.id', 'c.record_id', 'c.rev', 'c.device_id', 'c.received_at', 'h.rev as current_rev', 'd.volunteer_name'])
    .where('c.ward_code', '=', wardCode)
    .orderBy('c.received_at', 'desc')
    .execute();

  const ruleSql = Object.entries(IMPLAUSIBLE_RULES).map(
    ([rule, cond]) => sql`SELECT record_id, member_id, position, group_code, age, ${rule} AS rule FROM members
      WHERE ward_code = ${wardCode} AND voided = 0 AND practice = 0 AND ${sql.raw(cond)}`,
  );
  const implausible = await sql<{ record_id: string; member_id: string; position: number; group_code: string; age: number; rule: string }>`
    SELECT * FROM (${sql.join(ruleSql, sql` UNION ALL `)}) x ORDER BY group_code, record_id, position, rule`.execute(db);

  return {
    wardCode,
    duplicates: { count: dupKeys.length, items: dupItems },
    conflicts: {
      count: conflictRows.length,
      items: conflictRows.slice(0, LIST_LIMIT).map((c) => {
        const currentRev = c.current_rev === null || c.current_rev === undefined ? null : Number(c.current_rev);
        return {
          id: c.id,
          recordId: c.record_id,
          rev: Number(c.rev),
          currentRev,
          superseded: currentRev !== null && currentRev > Number(c.rev),
          deviceId: c.device_id,
          volunteerName: c.volunteer_name ?? null,
          receivedAt: c.received_at,
        };
      }),
    },
    implausible: {
      count: implausible.rows.length,
      rules: Object.keys(IMPLAUSIBLE_RULES),
      items: implausible.rows.slice(0, LIST_LIMIT).map((r) => ({
        recordId: r.record_id,
        memberId: r.member_id,
        position: Number(r.position),
        groupCode: r.group_code,
        age: Number(r.age),
        rule: r.rule,
      })),
    },
  };
}
