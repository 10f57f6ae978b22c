// Reads the environment, builds the ward endpoint and listens. Everything testable lives in app.ts.
import { buildServer } from './app.js';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const staticRoot = process.env.STATIC_ROOT ?? 'dist';

const app = await buildServer({ staticRoot, logger: process.env.LOG !== 'off' });
await app.listen({ host, port });
console.log(`Gõ Cửa ward endpoint: http://${host}:${port}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
