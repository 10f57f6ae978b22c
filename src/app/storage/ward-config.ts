// The ward configuration the phone works with. Source of truth is the ward endpoint
// (GET /api/v1/config, stored by the sync code under meta 'wardConfig' so it works offline);
// until the phone has one, the demo configuration bundled with the app is used.
//
// The read at start-up does not load the schema (zod): the cached copy was validated when
// cacheWardConfig stored it (and the bundled demo ward is validated in tests). The full check
// still runs, lazily, after the read; a copy that fails it (e.g. stored by an older app) is
// dropped for the demo ward and the app is told to read the configuration again.
import type { ConsentNotice, ConsentPurpose, WardConfig } from '../../shared/schema/ward-config.js';
import { DEMO_WARD } from '../demo-ward.js';
import type { GoCuaDb } from './db.js';
import { META_KEYS, getMeta, setMeta } from './meta.js';
import { looksLikeWardConfig } from './ward-config-shape.js';

/** Same name as sync/enrolment.ts's WARD_CONFIG_EVENT (not imported: that module is not small). */
const WARD_CONFIG_EVENT = 'go-cua:ward-config';

const loadSchema = () => import('../../shared/schema/ward-config.js').then((m) => m.wardConfigSchema);

/** Databases whose cached copy failed the full check (until a new copy is cached). */
const rejected = new WeakSet<GoCuaDb>();
/** Bumped by each cacheWardConfig, so a check of an older copy cannot reject the new one. */
const generation = new WeakMap<GoCuaDb, number>();

/** The full check of a cached copy, in the background (also for a copy read without Dexie at a warm start). */
export function checkLater(db: GoCuaDb, cached: unknown): void {
  const at = generation.get(db) ?? 0;
  void loadSchema().then((schema) => {
    if (schema.safeParse(cached).success || (generation.get(db) ?? 0) !== at) return;
    rejected.add(db);
    const target = globalThis as { dispatchEvent?: (e: Event) => boolean };
    if (typeof target.dispatchEvent === 'function') target.dispatchEvent(new Event(WARD_CONFIG_EVENT));
  });
}

export async function getWardConfig(db: GoCuaDb): Promise<WardConfig> {
  if (rejected.has(db)) return DEMO_WARD;
  const cached = await getMeta(db, META_KEYS.wardConfig);
  if (looksLikeWardConfig(cached)) {
    checkLater(db, cached);
    return cached;
  }
  return DEMO_WARD;
}

/** Stores the configuration the server sent; rejects one that does not validate. */
export async function cacheWardConfig(db: GoCuaDb, config: unknown): Promise<WardConfig> {
  const parsed = (await loadSchema()).parse(config);
  // The sealing key is checked beyond its shape (its kid is its own digest, a point on the
  // curve): a key the phone cannot seal to is refused with the configuration.
  const sealing = await import('./outbox-sealing.js');
  if (parsed.sealingKey && !(await sealing.checkSealingKey(parsed.sealingKey))) throw new Error('ward configuration: unusable sealing key');
  await setMeta(db, META_KEYS.wardConfig, parsed);
  generation.set(db, (generation.get(db) ?? 0) + 1);
  rejected.delete(db);
  // Entries saved before the key arrived are sealed now, where the phone can read them.
  if (parsed.sealingKey) await sealing.sealWaitingEntries(db).catch(() => 0);
  return parsed;
}

/** The notice volunteers read now for a purpose; undefined when the ward has none for it. */
export function currentNoticeFor(config: WardConfig, purpose: ConsentPurpose): ConsentNotice | undefined {
  const version = purpose === 'survey' ? config.currentNoticeVersion : config.currentAssistanceNoticeVersion;
  if (version === undefined) return undefined;
  // `?? 'survey'`: a copy cached by an older app, or the bundled JSON, may predate purposes.
  return config.consentNotices.find((n) => ((n.purpose as ConsentPurpose | undefined) ?? 'survey') === purpose && n.version === version);
}

/** The survey consent notice volunteers read now. */
export function currentNotice(config: WardConfig) {
  return currentNoticeFor(config, 'survey') ?? config.consentNotices[0];
}

/** The assistance notice read before a name or phone is kept; undefined when the ward has none. */
export function currentAssistanceNotice(config: WardConfig) {
  return currentNoticeFor(config, 'assistance');
}
