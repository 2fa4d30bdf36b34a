// createApp(deps): the Express application. Edge middleware first (request ids, logs, security
// headers, CORS, body limits, authentication), then every module's routes, the error handler last.
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from './http/errors.ts';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger.ts';
import { authenticate, type AuthenticateDeps } from './http/authenticate.ts';
import { corsMiddleware } from './http/cors.ts';
import { errorHandler, notFoundHandler } from './http/error-handler.ts';
import { buildRouter, type RouteDef } from './http/route.ts';
import type { AuthorizeDeps } from './http/rbac.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AppDeps {
  logger: Logger;
  routes: RouteDef[];
  authenticate: AuthenticateDeps;
  authorize: AuthorizeDeps;
  publicOrigin: string;
  corsOrigins: string[];
  tenantOrigins: () => Promise<Set<string>>;
  bodyLimit: string;
  trustProxy: string;
  /** Routes outside /api (health, static pages) that need no authentication. */
  extra?: (app: express.Express) => void;
  /** Raw-body routes mounted before any JSON parsing (webhooks verify signatures on raw bytes). */
  early?: (app: express.Express) => void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy === 'true' ? true : deps.trustProxy === 'false' ? false : deps.trustProxy);
  app.set('query parser', 'simple');

  // Webhooks first: Meta's bursts need the shortest path (their failures are logged by the receiver).
  deps.early?.(app);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Only method, path and status: query strings can carry setup tokens and tickets.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    }),
  );
  app.use(
    helmet({
      // Embedded Signup: the Facebook SDK (script, login frames, Graph calls) loads only in the
      // channel settings widget, and its popup must be able to message this page back — hence
      // same-origin-allow-popups rather than helmet's same-origin.
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'", 'https://connect.facebook.net'],
          'connect-src': ["'self'", 'ws:', 'wss:', 'https://graph.facebook.com', 'https://*.facebook.com'],
          'frame-src': ["'self'", 'https://www.facebook.com', 'https://*.facebook.com'],
          'frame-ancestors': ["'self'"],
        },
      },
      crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );
  app.use(
    '/api',
    corsMiddleware({ publicOrigin: deps.publicOrigin, extra: deps.corsOrigins, tenantOrigins: deps.tenantOrigins }),
  );
  const json = (limit: string) =>
    express.json({
      limit,
      strict: true,
      type: ['application/json', 'application/*+json'],
      // No field of ours holds a NUL character, and the SQLite driver cannot bind one: refuse it at the door.
      verify: (_req, _res, buf) => {
        if (buf.includes('\\u0000')) throw new AppError(400, 'bad_request', 'Remove the NUL characters (\\u0000) from the body.');
      },
    });
  // A campaign's uploaded list holds up to 100,000 numbers (about 2 MB of JSON).
  app.use('/api/v1/campaigns', json(largerLimit(deps.bodyLimit, '4mb')));
  app.use('/api', json(deps.bodyLimit));
  app.use('/api', authenticate(deps.authenticate));
  app.use(buildRouter(deps.routes, deps.authorize));
  deps.extra?.(app);
  app.use('/setup', express.static(path.join(ROOT, 'admin/setup'), { index: 'index.html', maxAge: 0 }));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** The larger of two body-parser limits ("1mb", "4mb", "512kb", or a number of bytes). */
function largerLimit(a: string, b: string): string {
  const bytes = (v: string) => {
    const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(v.trim());
    if (!m) return 0;
    const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
    return Number(m[1]) * unit;
  };
  return bytes(a) >= bytes(b) ? a : b;
}
