// The ward configuration bundled with the app, used until the phone has fetched its ward's
// configuration from the server (GET /api/v1/config, cached in meta 'wardConfig').
import type { WardConfig } from '../shared/schema/ward-config.js';
import demoWard from './demo-ward-10546.json';

export const DEMO_WARD: WardConfig = demoWard as WardConfig;
