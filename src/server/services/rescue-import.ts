// Importing a rescue file (docs/sync-protocol.md, "Rescue files"): the unsynced records and
// drafts of a phone that cannot reach the server, which ward staff upload on the dashboard.
//
// In order, each refusal answered before anything is stored: the file's shape (strict), its
// ward (the route's), its device (enrolled in this ward; a retired or lost one is still taken —
// rescuing such a phone's work is the point), the device's registered signing key, the ECDSA
// signature over the envelope and ciphertext, then the HPKE payload opened with the ward's keys
// (every key it has had, so a file sealed before a rotation opens), and its shape.
//
// The records then go through the sync's own path, as a sync from that device would: each
// checked by sync-prepare.ts (kind schema, ward, register) and applied by SyncIngest in one
// transaction per chunk, with decideStatus's ownership rules. So importing a file twice stores
// nothing twice (`duplicate`), a record the phone later syncs itself is a `duplicate` too, and a
// record staff handed to another device is `rejected` (not_owner).
//
// Drafts are NOT stored: they are unfinished forms (no schema holds them, and storing unchecked
// input is what the sync never does). The answer lists each (address as typed, members, step,
// last change) so staff can ask the volunteer to finish them on another phone; the file keeps them.
import { randomUUID } from 'node:crypto';
import secureJson from 'secure-json-parse';
import { openBound } from '../../shared/crypto/hpke.js';
import {
  rescueAadText,
  rescueFileSchema,
  rescueInfoText,
  rescuePayloadSchema,
  verifyRescueFile,
  type RescueDraft,
  type RescueEnvelope,
  type RescueFile,
} from '../../shared/crypto/rescue-file.js';
import { isSealedItem } from '../../shared/crypto/sealed.js';
import type { SyncRecordError, SyncStatus } from '../../shared/protocol/sync.js';
import { MAX_RECORDS_PER_BATCH } from '../../shared/protocol/sync.js';
import type { ServerDb } from '../db/connect.js';
import type { StaffPrincipal } from './accounts.js';
import { writeAudit } from './audit.js';
import type { Lang } from './messages.js';
import type { SyncIngest } from './sync-ingest.js';
import { prepareRecord, prepareSealedRecord, type PrepareContext } from './sync-prepare.js';

export type RescueRefusal =
  | 'bad_file'
  | 'other_ward'
  | 'unknown_device'
  | 'device_other_ward'
  | 'no_signing_key'
  | 'bad_signature'
  | 'unsealable'
  | 'bad_payload';

export interface RescueRecordResult {
  id: string;
  rev: number;
  /** The record's kind as the file says ('household', 'assistance'), or null when it has none. */
  kind: string | null;
  status: SyncStatus;
  errors?: SyncRecordError[];
}

export interface RescueDraftSummary {
  id: string;
  /** The saved record this draft edits, if any. */
  recordId?: string;
  step: string;
  updatedAt: string;
  /** "12, Ngõ 5, Trần Hưng Đạo" as typed so far ('' when nothing was). */
  address: string;
  groupCode: string;
  members: number;
}

export interface RescueImportResult {
  envelope: RescueEnvelope;
  volunteerName: string;
  /** How the device stands: null (active), 'retired' or 'lost'. */
  deviceRevoked: 'retired' | 'lost' | null;
  results: RescueRecordResult[];
  drafts: RescueDraftSummary[];
  counts: Record<SyncStatus, number>;
}

export type RescueOutcome = { ok: true; result: RescueImportResult } | { ok: false; reason: RescueRefusal };

export interface RescueImportInput {
  wardCode: string;
  file: unknown;
  actor: StaffPrincipal & { ip?: string; userAgent?: string | undefined };
  lang: Lang;
  context: Pick<PrepareContext, 'groups' | 'ages'>;
}

const text = (value: unknown, max = 120): string => (typeof value === 'string' ? value.trim().slice(0, max) : '');

/** What staff see of a draft: read from the form defensively (its shape is the phone's UI's). */
export function draftSummary(draft: RescueDraft): RescueDraftSummary {
  const form = typeof draft.form === 'object' && draft.form !== null && !Array.isArray(draft.form) ? (draft.form as Record<string, unknown>) : {};
  return {
    id: draft.id,
    ...(draft.recordId ? { recordId: draft.recordId } : {}),
    step: draft.step,
    updatedAt: draft.updatedAt,
    address: [text(form.houseNumber), text(form.lane), text(form.street)].filter(Boolean).join(', '),
    groupCode: text(form.groupCode, 20),
    members: Array.isArray(form.members) ? form.members.length : 0,
  };
}

export class RescueImport {
  constructor(
    private readonly server: ServerDb,
    private readonly ingest: SyncIngest,
  ) {}

  async import(input: RescueImportInput, now = new Date()): Promise<RescueOutcome> {
    const parsed = rescueFileSchema.safeParse(input.file);
    const outcome: RescueOutcome = parsed.success ? await this.check(parsed.data, input, now) : { ok: false, reason: 'bad_file' };
    // Every attempt is audited, a refused one with its reason (ids and counts only).
    const envelope = parsed.success ? parsed.data.envelope : null;
    const detail = outcome.ok
      ? { fileCreatedAt: outcome.result.envelope.createdAt, records: outcome.result.envelope.records, drafts: outcome.result.envelope.drafts, ...outcome.result.counts }
      : { refused: outcome.reason, ...(envelope ? { fileCreatedAt: envelope.createdAt } : {}) };
    await writeAudit(this.server.db, input.actor, 'rescue.import', envelope?.deviceId ?? null, detail, now, { ip: input.actor.ip, userAgent: input.actor.userAgent });
    return outcome;
  }

  private async check(file: RescueFile, input: RescueImportInput, now: Date): Promise<RescueOutcome> {
    const { envelope } = file;
    if (envelope.wardCode !== input.wardCode) return { ok: false, reason: 'other_ward' };
    const device = await this.server.db
      .selectFrom('devices')
      .select(['id', 'ward_code', 'volunteer_name', 'signing_key', 'revoked_at', 'revoke_kind'])
      .where('id', '=', envelope.deviceId)
      .executeTakeFirst();
    if (!device) return { ok: false, reason: 'unknown_device' };
    if (device.ward_code !== input.wardCode) return { ok: false, reason: 'device_other_ward' };
    if (!device.signing_key) return { ok: false, reason: 'no_signing_key' };
    if (!(await verifyRescueFile(device.signing_key, file))) return { ok: false, reason: 'bad_signature' };
    const keys = await this.server.wardKeys.privateKeys(input.wardCode);
    const opened = await openBound(keys, rescueInfoText(input.wardCode), rescueAadText(envelope), file.sealed);
    if (!opened.ok) return { ok: false, reason: 'unsealable' };
    let json: unknown;
    try {
      json = secureJson.parse(opened.text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      return { ok: false, reason: 'bad_payload' };
    }
    const payload = rescuePayloadSchema.safeParse(json);
    // The signed counts must be the payload's own (the phone wrote both).
    if (!payload.success || payload.data.records.length !== envelope.records || payload.data.drafts.length !== envelope.drafts) {
      return { ok: false, reason: 'bad_payload' };
    }

    const receivedAt = now.toISOString();
    const context: PrepareContext = { wardCode: input.wardCode, deviceId: device.id, receivedAt, sealingKeys: keys, ...input.context };
    const principal = { role: 'device' as const, deviceId: device.id, wardCode: input.wardCode };
    const results: RescueRecordResult[] = [];
    for (let i = 0; i < payload.data.records.length; i += MAX_RECORDS_PER_BATCH) {
      const items = payload.data.records.slice(i, i + MAX_RECORDS_PER_BATCH);
      const prepared = await Promise.all(items.map((item) => (isSealedItem(item) ? prepareSealedRecord(item, context) : prepareRecord(item, context))));
      const answer = await this.ingest.ingest(principal, { batchId: randomUUID(), records: prepared }, receivedAt, { lang: input.lang, touchLastSeen: false });
      answer.results.forEach((r, j) => {
        const item = items[j] as { kind?: unknown } | null;
        const kind = typeof item === 'object' && item !== null && typeof item.kind === 'string' ? item.kind.slice(0, 40) : null;
        results.push({ id: r.id, rev: r.rev, kind, status: r.status, ...(r.errors ? { errors: r.errors } : {}) });
      });
    }
    const counts: Record<SyncStatus, number> = { accepted: 0, duplicate: 0, stale: 0, conflict: 0, rejected: 0 };
    for (const r of results) counts[r.status]++;
    return {
      ok: true,
      result: {
        envelope,
        volunteerName: device.volunteer_name,
        deviceRevoked: device.revoked_at ? (device.revoke_kind ?? 'lost') : null,
        results,
        drafts: payload.data.drafts.map(draftSummary),
        counts,
      },
    };
  }
}
