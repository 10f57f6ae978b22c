// Sealing outbox entries (docs/sync-protocol.md, "Sealed records"). When a record is saved, its
// envelope (canonical JSON) is sealed with HPKE to the ward's public key (shared/crypto/hpke.ts;
// the key comes with the ward configuration) and the sealed payload is stored in the outbox
// entry. The sync engine sends that payload as it is: it never needs the record's personal
// data, so a locked phone still drains its outbox, and only the ward endpoint can read it.
//
// Without a key (a phone enrolled before this update whose configuration is not refreshed yet,
// or a key that fails to seal) the entry is stored clear, as before; `sealWaitingEntries` seals
// those when the key arrives (and the sync engine sends them clear while the phone is unlocked).
// The HPKE library is loaded on the first seal, not with the app's first paint.
import { canonicalJson } from '../../shared/protocol/canonical-json.js';
import { sealingPublicKeySchema, type SealedPayload, type SealingPublicKey } from '../../shared/crypto/sealed.js';
import type { AnyRecord } from '../../shared/schema/registry.js';
import type { GoCuaDb } from './db.js';
import { META_KEYS, getMeta } from './meta.js';

const loadHpke = () => import('../../shared/crypto/hpke.js');

/** The key the cached ward configuration carries, with its ward, or null. */
export async function wardSealingKey(db: GoCuaDb): Promise<{ wardCode: string; key: SealingPublicKey } | null> {
  const config = (await getMeta(db, META_KEYS.wardConfig)) as { code?: unknown; sealingKey?: unknown } | undefined;
  if (!config || typeof config.code !== 'string') return null;
  const key = sealingPublicKeySchema.safeParse(config.sealingKey);
  return key.success ? { wardCode: config.code, key: key.data } : null;
}

/**
 * The sealed payload of a record for its ward, or undefined when it cannot be sealed now (no
 * key yet, a record of another ward than the key's, a failure of the platform's crypto): the
 * caller then stores the entry clear.
 */
export async function sealEnvelope(db: GoCuaDb, record: AnyRecord): Promise<SealedPayload | undefined> {
  const found = await wardSealingKey(db);
  if (!found || record.data.wardCode !== found.wardCode) return undefined;
  try {
    const { sealText } = await loadHpke();
    return await sealText(found.key, found.wardCode, record.id, record.rev, canonicalJson(record));
  } catch {
    return undefined;
  }
}

/** Whether a key received from the server is usable (its kid its own digest, a point on the curve). */
export async function checkSealingKey(key: SealingPublicKey): Promise<boolean> {
  return (await loadHpke()).isUsableSealingKey(key);
}

/**
 * Seals the queued entries stored clear, where the record's envelope can be read (the phone is
 * unlocked) and is still the entry's rev. Each entry is updated only if it is unchanged, so a
 * sync applying a result meanwhile wins. Returns how many were sealed; failures leave entries
 * clear (they are sent clear while the phone is unlocked).
 */
export async function sealWaitingEntries(db: GoCuaDb): Promise<number> {
  if (!(await wardSealingKey(db))) return 0;
  const entries = (await db.outbox.where('state').equals('queued').toArray()).filter((e) => !e.sealed);
  let sealed = 0;
  for (const entry of entries) {
    try {
      const row = await db.records.get(entry.recordId);
      // While the phone is locked the row comes without its envelope (or without its data).
      const record = (row as { record?: Partial<AnyRecord> } | undefined)?.record;
      if (!record || typeof record.data !== 'object' || record.data === null || record.rev !== entry.rev) continue;
      const payload = await sealEnvelope(db, record as AnyRecord);
      if (!payload) continue;
      await db.transaction('rw', db.outbox, async () => {
        const now = await db.outbox.get(entry.seq!);
        if (now && !now.sealed && now.rev === entry.rev && now.state === 'queued') {
          await db.outbox.put({ ...now, sealed: payload });
          sealed++;
        }
      });
    } catch {
      // Locked meanwhile, or storage trouble: this entry stays clear for now.
    }
  }
  return sealed;
}
