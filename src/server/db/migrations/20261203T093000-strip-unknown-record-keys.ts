// Issue 10, defect 2: record bodies used to be stored as the phone sent them, so keys the
// household schema did not know (an `otp`, a `password`, a refused visit's CCCDs) were kept in
// every revision and conflict. Since then every record schema is strict and the parsed record
// is stored; this migration strips the unknown keys already stored, in record_revisions and
// conflicts, and recomputes each changed body's content hash (sha256 of the body, base64url).
//
// The known keys are written out here, as of schema version 1 of each kind, rather than read
// from the live schemas: a migration is never edited, and must do the same thing on a database
// migrated next year as today. It only removes keys; values, key order and versions are kept.
// Idempotent: a body with nothing to strip is left alone. Bodies that are not JSON objects of a
// known kind and version are left alone too (readers already treat them as unparseable).
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

/** A node of the known-key tree: an object's keys, each a leaf (true), a sub-object or a list of them. */
type KeyTree = { readonly [key: string]: true | KeyTree | readonly [KeyTree] };

const envelope = (data: KeyTree): KeyTree => ({ id: true, kind: true, rev: true, schemaVersion: true, clientUpdatedAt: true, data });

const HOUSEHOLD_V1: KeyTree = envelope({
  wardCode: true,
  installId: true,
  surveyedAt: true,
  groupCode: true,
  address: { houseNumber: true, lane: true, street: true },
  outcome: true,
  note: true,
  consent: { given: true, consenterName: true, consenterRelation: true, consentedAt: true, method: true, noticeVersion: true },
  devices: { smartphones: true, computerOrTablet: true, fixedBroadband: true, fibre: true, wifi: true },
  payments: { billsCashless: true, businessAcceptsQr: true },
  members: [
    {
      id: true,
      name: true,
      relation: true,
      birthYear: true,
      sex: true,
      cccd: true,
      phone: true,
      vneid: true,
      ehr: true,
      digitalServices12m: { health: true, education: true, insurance: true, transport: true },
      wantsHelp: true,
      wantsHelpNote: true,
      ownsSmartphone: true,
      usedInternet3m: true,
      skills: { publicServices: true, shopping: true, payments: true, safety: true, localPlatforms: true },
      bankAccount: true,
      cashless30d: true,
      digitalSignature: true,
      onlinePublicService12m: true,
      cityApp: true,
    },
  ],
  voided: true,
  voidReason: true,
  practice: true,
});

const ASSISTANCE_V1: KeyTree = envelope({
  wardCode: true,
  installId: true,
  helpedAt: true,
  person: { name: true, birthYear: true, phone: true },
  household: { householdId: true, memberId: true },
  groupCode: true,
  kinds: true,
  teachingCardId: true,
  outcome: true,
  reason: true,
  reasonNote: true,
  campaign: true,
  place: true,
  practice: true,
  voided: true,
  voidReason: true,
});

const TREES: Record<string, Record<number, KeyTree>> = { household: { 1: HOUSEHOLD_V1 }, assistance: { 1: ASSISTANCE_V1 } };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value with only the tree's keys, or the same value when nothing had to go. */
function keepKnown(value: unknown, tree: KeyTree | readonly [KeyTree]): unknown {
  if (Array.isArray(tree)) {
    if (!Array.isArray(value)) return value;
    const items = value.map((item) => keepKnown(item, tree[0] as KeyTree));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  let changed = false;
  for (const [key, v] of Object.entries(value)) {
    const sub = (tree as KeyTree)[key];
    if (sub === undefined) {
      changed = true;
      continue;
    }
    const kept = sub === true ? v : keepKnown(v, sub);
    if (kept !== v) changed = true;
    out[key] = kept;
  }
  return changed ? out : value;
}

/** The stripped body, or null when it needs no change (or is not a record this migration knows). */
export function stripUnknownKeys(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObject(parsed) || typeof parsed.kind !== 'string' || typeof parsed.schemaVersion !== 'number') return null;
  const tree = TREES[parsed.kind]?.[parsed.schemaVersion];
  if (!tree) return null;
  const kept = keepKnown(parsed, tree);
  return kept === parsed ? null : JSON.stringify(kept);
}

const hash = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

const PAGE = 500;

// Tables untyped here on purpose: a migration sees the schema as it was, not the code's types.
export async function up(db: Kysely<any>): Promise<void> {
  // record_revisions, paged by its primary key (record_id, rev).
  let after: { id: string; rev: number } | null = null;
  for (;;) {
    let q = db.selectFrom('record_revisions').select(['record_id', 'rev', 'body']).orderBy('record_id').orderBy('rev').limit(PAGE);
    if (after) {
      const a = after;
      q = q.where((eb: any) => eb.or([eb('record_id', '>', a.id), eb.and([eb('record_id', '=', a.id), eb('rev', '>', a.rev)])]));
    }
    const rows: { record_id: string; rev: number; body: string }[] = await q.execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const body = stripUnknownKeys(row.body);
      if (body === null) continue;
      await db
        .updateTable('record_revisions')
        .set({ body, content_hash: hash(body) })
        .where('record_id', '=', row.record_id)
        .where('rev', '=', row.rev)
        .execute();
    }
    const last = rows[rows.length - 1]!;
    after = { id: last.record_id, rev: Number(last.rev) };
  }

  // conflicts, paged by id. Two conflicts that differed only in unknown keys become the same
  // content: (record_id, rev, content_hash) is unique there, so the second one is dropped.
  let afterId: string | null = null;
  for (;;) {
    let q = db.selectFrom('conflicts').select(['id', 'record_id', 'rev', 'body']).orderBy('id').limit(PAGE);
    if (afterId !== null) q = q.where('id', '>', afterId);
    const rows: { id: string; record_id: string; rev: number; body: string }[] = await q.execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const body = stripUnknownKeys(row.body);
      if (body === null) continue;
      const contentHash = hash(body);
      const twin = await db
        .selectFrom('conflicts')
        .select('id')
        .where('record_id', '=', row.record_id)
        .where('rev', '=', row.rev)
        .where('content_hash', '=', contentHash)
        .where('id', '!=', row.id)
        .executeTakeFirst();
      if (twin) await db.deleteFrom('conflicts').where('id', '=', row.id).execute();
      else await db.updateTable('conflicts').set({ body, content_hash: contentHash }).where('id', '=', row.id).execute();
    }
    afterId = rows[rows.length - 1]!.id;
  }
}

export async function down(): Promise<void> {
  throw new Error('Stripped keys cannot be restored: this migration is not reversible.');
}
