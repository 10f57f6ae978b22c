// Ward configurations: loaded from seeds/wards/*.json into the database once per ward (never
// overwritten: a ward's register may have been edited since), then read from the database.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { wardConfigSchema, type WardConfig } from '../../shared/schema/ward-config.js';
import type { Database } from '../db/schema.js';
import { startCounters } from './indicator-counters.js';

/** Reads and validates every *.json in `seedsDir`; a bad file stops start-up with its name. */
export function readWardSeeds(seedsDir: string): WardConfig[] {
  if (!existsSync(seedsDir)) return [];
  const files = readdirSync(seedsDir).filter((f) => f.endsWith('.json')).sort();
  return files.map((file) => {
    const full = path.join(seedsDir, file);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(full, 'utf8'));
    } catch (error) {
      throw new Error(`Ward seed ${full} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    const parsed = wardConfigSchema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(`Ward seed ${full} is not a valid ward configuration: ${where}`);
    }
    return parsed.data;
  });
}

/** Inserts the wards of `seedsDir` that the database does not have yet. Returns their codes. */
export async function loadWardSeeds(db: Kysely<Database>, seedsDir: string, now = new Date()): Promise<string[]> {
  const seeds = readWardSeeds(seedsDir);
  if (seeds.length === 0) return [];
  const existing = new Set((await db.selectFrom('wards').select('code').execute()).map((w) => w.code));
  const added: string[] = [];
  for (const config of seeds) {
    if (existing.has(config.code)) continue;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('wards')
        .values({
          code: config.code,
          name: config.name,
          province_code: config.province.code,
          province_name: config.province.name,
          config_json: JSON.stringify(config),
          created_at: now.toISOString(),
        })
        // Two processes starting at once (server and CLI) must not fail on each other.
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
      await trx
        .insertInto('ward_groups')
        .values(
          config.groups.map((g) => ({
            ward_code: config.code,
            code: g.code,
            name: g.name,
            households_on_register: g.householdsOnRegister,
          })),
        )
        .onConflict((oc) => oc.columns(['ward_code', 'code']).doNothing())
        .execute();
      await startCounters(trx, config.code, { adultAge: config.settings.adultAge, vneidMinAge: config.settings.vneidMinAge }, now.toISOString());
    });
    added.push(config.code);
  }
  return added;
}

export async function listWards(db: Kysely<Database>): Promise<{ code: string; name: string }[]> {
  return db.selectFrom('wards').select(['code', 'name']).orderBy('code').execute();
}

export async function getWardConfig(db: Kysely<Database>, wardCode: string): Promise<WardConfig | null> {
  const row = await db.selectFrom('wards').select('config_json').where('code', '=', wardCode).executeTakeFirst();
  return row ? (JSON.parse(row.config_json) as WardConfig) : null;
}

export async function wardGroupCodes(db: Kysely<Database>, wardCode: string): Promise<Set<string>> {
  const rows = await db.selectFrom('ward_groups').select('code').where('ward_code', '=', wardCode).execute();
  return new Set(rows.map((r) => r.code));
}
