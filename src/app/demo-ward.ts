// The ward configuration bundled with the app, used until the phone has fetched its ward's
// configuration from the server (GET /api/v1/config, cached in meta 'wardConfig'). Only the
// demo ward's seed is bundled (not all five) to keep the phone's download small.
import type { WardConfig } from '../shared/schema/ward-config.js';
import demoWard from '../../seeds/wards/10546.json' with { type: 'json' };

export const DEMO_WARD: WardConfig = demoWard as WardConfig;
