// Building the rescue file on the phone (docs/sync-protocol.md, "Rescue files"): every record
// with an outbox entry (waiting or held) as its envelope in `records` — exactly what a sync
// would send — and every draft, sealed to the ward's public key and signed with the device's
// signing key (shared/crypto/rescue-seal.ts). Offline: it needs only what the phone holds.
// Nothing is removed or changed on the phone: the records stay in the outbox, and if they
// later sync, the ward answers `duplicate`.
//
// Reading envelopes and drafts needs the phone unlocked (they are encrypted at rest): the
// screen is behind the PIN (LockGate).
import { MAX_RESCUE_DRAFTS, MAX_RESCUE_RECORDS, rescueFileName, type RescueDraft, type RescueFile } from '../../../shared/crypto/rescue-file.js';
import type { GoCuaDb } from '../../storage/db.js';
import { wardSealingKey } from '../../storage/outbox-sealing.js';
import { getDevice } from '../../sync/device-store.js';
import { getSigningKey, type StoredSigningKey } from '../../sync/signing-key.js';

export type RescueProblem = 'not_enrolled' | 'no_sealing_key' | 'no_signing_key' | 'too_many' | 'locked';

export interface RescueContents {
  /** Records waiting or held, by kind. */
  households: number;
  assistances: number;
  drafts: number;
  /** Whether the ward holds this phone's signing key (else the file would be refused). */
  keyRegistered: StoredSigningKey['registered'] | 'none';
}

export type RescueBuild =
  | { ok: true; file: RescueFile; fileName: string; text: string; contents: RescueContents }
  | { ok: false; problem: RescueProblem };

interface Gathered {
  records: { kind: string; record: unknown }[];
  drafts: RescueDraft[];
}

async function gather(db: GoCuaDb): Promise<Gathered | 'locked'> {
  return db.transaction('r', db.outbox, db.records, db.drafts, async () => {
    const ids = [...new Set((await db.outbox.toArray()).map((e) => e.recordId))];
    const rows = await db.records.bulkGet(ids);
    const records: Gathered['records'] = [];
    for (const row of rows) {
      if (!row) continue; // an entry whose record is gone: the engine drops it too
      const record = (row as { record?: unknown }).record;
      if (typeof record !== 'object' || record === null) return 'locked' as const;
      records.push({ kind: row.kind, record });
    }
    const drafts: RescueDraft[] = [];
    for (const d of await db.drafts.toArray()) {
      if (d.form === undefined) return 'locked' as const;
      drafts.push({
        id: d.id,
        kind: 'household',
        ...(d.recordId ? { recordId: d.recordId } : {}),
        step: String(d.step).slice(0, 40),
        form: d.form,
        createdAt: d.createdAt,
        updatedAt: d.updatedAt,
      });
    }
    return { records, drafts };
  });
}

/** What a file made now would hold (for the screen before the volunteer taps). */
export async function rescueContents(db: GoCuaDb): Promise<RescueContents | 'locked'> {
  const gathered = await gather(db);
  if (gathered === 'locked') return 'locked';
  const signing = await getSigningKey(db);
  return {
    households: gathered.records.filter((r) => r.kind !== 'assistance').length,
    assistances: gathered.records.filter((r) => r.kind === 'assistance').length,
    drafts: gathered.drafts.length,
    keyRegistered: signing?.registered ?? 'none',
  };
}

export async function buildRescueFile(db: GoCuaDb, now = new Date()): Promise<RescueBuild> {
  const device = await getDevice(db);
  if (!device) return { ok: false, problem: 'not_enrolled' };
  const sealing = await wardSealingKey(db);
  if (!sealing || sealing.wardCode !== device.wardCode) return { ok: false, problem: 'no_sealing_key' };
  const signing = await getSigningKey(db);
  if (!signing || signing.deviceId !== device.deviceId) return { ok: false, problem: 'no_signing_key' };
  const gathered = await gather(db);
  if (gathered === 'locked') return { ok: false, problem: 'locked' };
  if (gathered.records.length > MAX_RESCUE_RECORDS || gathered.drafts.length > MAX_RESCUE_DRAFTS) return { ok: false, problem: 'too_many' };
  const { makeRescueFile } = await import('../../../shared/crypto/rescue-seal.js');
  const file = await makeRescueFile({
    wardCode: device.wardCode,
    deviceId: device.deviceId,
    createdAt: now.toISOString(),
    sealingKey: sealing.key,
    signingKey: signing.privateKey,
    payload: { records: gathered.records.map((r) => r.record), drafts: gathered.drafts },
  });
  return {
    ok: true,
    file,
    fileName: rescueFileName(file.envelope),
    text: JSON.stringify(file, null, 1),
    contents: {
      households: gathered.records.filter((r) => r.kind !== 'assistance').length,
      assistances: gathered.records.filter((r) => r.kind === 'assistance').length,
      drafts: gathered.drafts.length,
      keyRegistered: signing.registered,
    },
  };
}
