// Query-string parameters shared by the dashboard's read endpoints and exports.
import type { Kysely } from 'kysely';
import { cutOffFor } from '../../shared/domain/cut-off.js';
import { todayInVietnam } from '../../shared/domain/iso-week.js';
import type { WardConfig } from '../../shared/schema/ward-config.js';
import type { Database } from '../db/schema.js';
import type { BreakdownKey } from '../services/indicators.js';
import { getWardConfig } from '../services/wards.js';
import { DashboardError } from './dashboard-access.js';

export interface CommonQuery {
  year: string;
  asOf?: string;
  group?: string;
  by?: BreakdownKey;
}

function one(value: unknown): string | undefined {
  if (Array.isArray(value)) return one(value[value.length - 1]);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A real calendar date YYYY-MM-DD (a date-time is cut to its date). */
export function parseIsoDate(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!m) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date ? null : date;
}

/**
 * Reads ?year=&asOf=&group=&by= ; the year defaults to the cut-off's year, else this year; the
 * cut-off of a past year defaults to its 31/12 (domain/cut-off.ts), of this year to none.
 */
export function parseCommonQuery(query: unknown, groups: ReadonlySet<string>, now = new Date()): CommonQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const out: CommonQuery = { year: '' };
  const asOf = one(q.asOf);
  if (asOf !== undefined) {
    const date = parseIsoDate(asOf);
    if (!date) throw new DashboardError(400, 'bad_request', 'bad_as_of');
    out.asOf = date;
  }
  const year = one(q.year);
  if (year !== undefined && !/^\d{4}$/.test(year)) throw new DashboardError(400, 'bad_request', 'bad_year');
  out.year = year ?? (out.asOf ?? todayInVietnam(now)).slice(0, 4);
  const cutOff = cutOffFor(out.year, out.asOf, todayInVietnam(now));
  if (cutOff !== undefined) out.asOf = cutOff;
  const group = one(q.group);
  if (group !== undefined) {
    if (!groups.has(group)) throw new DashboardError(400, 'bad_request', 'unknown_group');
    out.group = group;
  }
  const by = one(q.by);
  if (by !== undefined) {
    if (by !== 'group' && by !== 'ageBand' && by !== 'sex') throw new DashboardError(400, 'bad_request', 'bad_by');
    out.by = by;
  }
  return out;
}

export async function wardConfigOrThrow(db: Kysely<Database>, wardCode: string): Promise<WardConfig> {
  const config = await getWardConfig(db, wardCode);
  if (!config) throw new DashboardError(404, 'not_found', 'not_found');
  return config;
}
