import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface ServerOptions {
  /** Folder of the production PWA build (vite's dist/). */
  staticRoot: string;
  logger?: boolean;
}

/**
 * Builds the ward endpoint from its dependencies without listening, so tests can use
 * `app.inject()` or listen on a port of their choosing.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: 1024 * 1024,
  });

  app.get('/api/health', async () => ({ status: 'ok' }));

  if (existsSync(options.staticRoot)) {
    await app.register(fastifyStatic, {
      root: path.resolve(options.staticRoot),
      wildcard: false,
      // Caching: hashed assets never change, so they are immutable; the service worker script,
      // the manifest and index.html must be revalidated on every load or updates never arrive.
      setHeaders(reply, filePath) {
        const rel = path.relative(options.staticRoot, filePath).split(path.sep).join('/');
        if (rel.startsWith('assets/')) {
          reply.header('cache-control', 'public, max-age=31536000, immutable');
        } else {
          reply.header('cache-control', 'no-cache');
        }
      },
    });
    // Client-side routes fall back to the app shell; unknown API paths stay 404 JSON.
    app.setNotFoundHandler((request, reply) => {
      if (request.url.startsWith('/api/') || request.method !== 'GET') {
        return reply.code(404).send({ error: { code: 'not_found', message: 'Not found' } });
      }
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    });
  }
  return app;
}
