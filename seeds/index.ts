// The five wards of the reference plans, parsed with the shared schema so a bad seed fails at
// import (in a test, the build and the server start) rather than on a volunteer's phone.
// Static JSON imports keep this usable from the app bundle and the server alike (no node:fs).
import { wardConfigSchema, type WardConfig } from '../src/shared/schema/ward-config.js';
import chiLinh from './wards/10546.json' with { type: 'json' };
import namDong from './wards/10837.json' with { type: 'json' };
import hongBang from './wards/11311.json' with { type: 'json' };
import phuLien from './wards/11446.json' with { type: 'json' };
import minhHung from './wards/25441.json' with { type: 'json' };

export const SEED_WARDS: WardConfig[] = [hongBang, namDong, phuLien, chiLinh, minhHung].map((raw) =>
  wardConfigSchema.parse(raw),
);

/** The ward the app shows before it has a configuration from the server: Phường Chí Linh. */
export const DEMO_WARD_CODE = '10546';

export function findSeedWard(code: string): WardConfig | undefined {
  return SEED_WARDS.find((w) => w.code === code);
}
