// A whole-request error: the route throws it, the error handler in app.ts answers
// {"error":{"code","message"}} with the message in the request's language.
import type { RequestErrorCode } from '../shared/protocol/sync.js';
import type { MessageKey } from './services/messages.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: RequestErrorCode,
    readonly messageKey: MessageKey = code,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${statusCode} ${code}`);
  }
}
