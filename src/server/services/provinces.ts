// Province configurations (seeds/provinces/{code}.json, optional): only the province's own
// targets for the roll-up's totals. Read at start; a bad file stops start-up with its name.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { provinceConfigSchema, type ProvinceConfig } from '../../shared/schema/province-config.js';

/** The provinces folder beside the wards' seeds folder (seeds/wards → seeds/provinces). */
export const provincesDirBeside = (wardSeedsDir: string): string => path.join(path.dirname(path.resolve(wardSeedsDir)), 'provinces');

export function readProvinceSeeds(dir: string | undefined): Map<string, ProvinceConfig> {
  const out = new Map<string, ProvinceConfig>();
  if (!dir || !existsSync(dir)) return out;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const full = path.join(dir, file);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(full, 'utf8'));
    } catch (error) {
      throw new Error(`Province seed ${full} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    const parsed = provinceConfigSchema.safeParse(json);
    if (!parsed.success) {
      throw new Error(`Province seed ${full} is not a valid province configuration: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    }
    out.set(parsed.data.code, parsed.data);
  }
  return out;
}
