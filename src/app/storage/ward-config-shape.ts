// The quick judge of a cached ward configuration (storage/ward-config.ts): a module of its own,
// free of Dexie and zod, so a warm start can judge the copy it read without Dexie (ward-context.tsx).
import type { WardConfig } from '../../shared/schema/ward-config.js';

/** Enough of the shape to work with; the schema is the full judge (checkLater). */
export function looksLikeWardConfig(value: unknown): value is WardConfig {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    typeof v.currentNoticeVersion === 'string' &&
    typeof v.settings === 'object' && v.settings !== null &&
    Array.isArray(v.groups) && v.groups.length > 0 &&
    Array.isArray(v.consentNotices) && v.consentNotices.length > 0
  );
}

