// Socket and request timeouts of the ward endpoint. Slow clients (a slow-loris trickling a byte
// every few seconds) are cut; a phone's honest upload on a slow link never is:
// - headers must arrive within `headersMs` of the request's start (a phone sends them at once:
//   a few hundred bytes);
// - a body must be received within the phone's own patience for its size
//   (shared/protocol/sync.ts clientRequestTimeoutMs: 120 s, or 1 ms per 2 bytes) plus a margin,
//   the size taken from Content-Length (the body limit when there is none). Past that the
//   phone has given up anyway, so nobody is waiting for the answer;
// - an idle keep-alive connection is closed after `keepAliveMs`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { clientRequestTimeoutMs, CLIENT_REQUEST_TIMEOUT_MS } from '../shared/protocol/sync.js';

export interface Timeouts {
  /** Headers of a request must be complete within this (Node's headersTimeout). */
  headersMs: number;
  /** The phone's base patience (its 120 s); only tests lower it, to run in seconds. */
  clientBaseMs: number;
  /** Added to the phone's patience for a body of the declared size. */
  bodyMarginMs: number;
  /** Idle time of a kept-alive connection between requests. */
  keepAliveMs: number;
  /** How often Node looks for requests past headersMs / requestTimeout. */
  checkIntervalMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  headersMs: 20_000,
  clientBaseMs: CLIENT_REQUEST_TIMEOUT_MS,
  bodyMarginMs: 30_000,
  keepAliveMs: 72_000,
  checkIntervalMs: 2_000,
};

/** The receive deadline of a request declaring `bodyBytes`: always above the phone's wait. */
export function bodyDeadlineMs(bodyBytes: number, timeouts: Timeouts = DEFAULT_TIMEOUTS): number {
  return clientRequestTimeoutMs(bodyBytes, timeouts.clientBaseMs) + timeouts.bodyMarginMs;
}

/** Fastify's serverFactory: Node's http server with the checks above. */
export function timedServerFactory(timeouts: Timeouts, bodyLimit: number) {
  return (handler: (req: IncomingMessage, res: ServerResponse) => void): Server => {
    const server = createServer(
      {
        headersTimeout: timeouts.headersMs,
        // The outer bound for a body of unknown length (chunked): the largest body allowed.
        requestTimeout: bodyDeadlineMs(bodyLimit, timeouts),
        connectionsCheckingInterval: timeouts.checkIntervalMs,
        keepAliveTimeout: timeouts.keepAliveMs,
      },
      handler,
    );
    return server;
  };
}

/**
 * Cuts a request whose body is still arriving past the deadline for its declared size, by
 * destroying the socket (the client sees a reset; nothing was stored, since nothing is
 * processed before the body is complete).
 */
export function installBodyDeadline(app: FastifyInstance, timeouts: Timeouts, bodyLimit: number): void {
  app.addHook('onRequest', async (request) => {
    const raw = request.raw;
    if (raw.readableEnded || raw.complete) return;
    const declared = Number(raw.headers['content-length']);
    const bytes = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, bodyLimit) : bodyLimit;
    if (bytes === 0 && raw.headers['transfer-encoding'] === undefined) return;
    const socket = raw.socket;
    const timer = setTimeout(() => {
      request.log.warn('request body too slow: connection closed');
      socket.destroy();
    }, bodyDeadlineMs(bytes, timeouts));
    timer.unref();
    const clear = () => {
      clearTimeout(timer);
      raw.removeListener('end', clear);
      socket.removeListener('close', clear);
    };
    raw.once('end', clear);
    socket.once('close', clear);
  });
}
