// The one error handler, mounted last. Body-parser and validation failures become 4xx with a message
// that says what to fix; unknown errors are logged with the request id and answered with no internals.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError } from './errors.ts';

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    return new AppError(
      400,
      'validation_failed',
      describeZod(err),
      err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const e = err as HttpishError;
  const status = e?.status ?? e?.statusCode;
  if (e && typeof status === 'number' && status >= 400 && status < 500) {
    switch (e.type) {
      case 'entity.parse.failed':
        return new AppError(400, 'malformed_json', 'The request body is not valid JSON.');
      case 'entity.too.large':
        return new AppError(413, 'payload_too_large', 'The request body is too large.');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return new AppError(415, 'unsupported_encoding', 'The request body encoding is not supported.');
      default:
        return new AppError(status, 'bad_request', e.expose ? String((err as Error).message) : 'Bad request.');
    }
  }
  return null;
}

export function describeZod(err: ZodError): string {
  const first = err.issues.slice(0, 3).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  return `Invalid input — ${first.join('; ')}${err.issues.length > 3 ? '; …' : ''}`;
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const appErr = toAppError(err);
  if (res.headersSent) {
    req.log?.error({ err }, 'error after headers were sent');
    res.end();
    return;
  }
  if (appErr) {
    if (appErr.status >= 500) req.log?.error({ err }, appErr.message);
    res.status(appErr.status).json({
      error: { code: appErr.code, message: appErr.message, ...(appErr.details ? { details: appErr.details } : {}) },
      requestId: req.id,
    });
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal_error', message: 'Something went wrong on our side.' }, requestId: req.id });
};

export const notFoundHandler: RequestHandler = (req, res) => {
  res
    .status(404)
    .json({ error: { code: 'route_not_found', message: `No route for ${req.method} ${req.path}.` }, requestId: req.id });
};
