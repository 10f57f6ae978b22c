// Imported (for its effect) by every shared module that builds zod schemas, before it builds them.
// In a browser, zod's JIT first probes `new Function("")`, which the app's Content-Security-Policy
// forbids: the probe is caught, but every start would file a CSP violation report. Browsers run
// zod without the JIT; the server (no `document`) keeps it.
import { z } from 'zod';

if ('document' in globalThis) z.config({ jitless: true });
