// The ward configuration the phone works with. Source of truth is the ward endpoint
// (GET /api/v1/config, stored by the sync code under meta 'wardConfig' so it works offline);
// until the phone has one, the demo configuration bundled with the app is used.
import { wardConfigSchema, type WardConfig } from '../../shared/schema/ward-config.js';
import { DEMO_WARD } from '../demo-ward.js';
import { appDb } from './app-db.js';
import type { GoCuaDb } from './db.js';
import { META_KEYS, getMeta, setMeta } from './meta.js';

export async function getWardConfig(db: GoCuaDb = appDb): Promise<WardConfig> {
  const cached = await getMeta<unknown>(db, META_KEYS.wardConfig);
  if (cached) {
    const parsed = wardConfigSchema.safeParse(cached);
    if (parsed.success) return parsed.data;
  }
  return DEMO_WARD;
}

/** Stores the configuration the server sent; rejects one that does not validate. */
export async function cacheWardConfig(db: GoCuaDb, config: unknown): Promise<WardConfig> {
  const parsed = wardConfigSchema.parse(config);
  await setMeta(db, META_KEYS.wardConfig, parsed);
  return parsed;
}

/** The consent notice volunteers read now. */
export function currentNotice(config: WardConfig) {
  return config.consentNotices.find((n) => n.version === config.currentNoticeVersion) ?? config.consentNotices[0];
}
