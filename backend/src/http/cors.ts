// CORS by allow-list: our own origin, CORS_ORIGINS, and the origins tenants allowed for their widgets.
// Credentials (cookies) are never allowed cross-origin; widgets send tokens in Authorization instead.
import cors from 'cors';
import type { RequestHandler } from 'express';

export function corsMiddleware(opts: {
  publicOrigin: string;
  extra: string[];
  tenantOrigins: () => Promise<Set<string>>;
}): RequestHandler {
  const fixed = new Set([opts.publicOrigin, ...opts.extra]);
  return cors({
    origin: (origin, cb) => {
      if (!origin || fixed.has(origin)) return cb(null, Boolean(origin));
      opts
        .tenantOrigins()
        .then((set) => cb(null, set.has(origin)))
        .catch(() => cb(null, false));
    },
    credentials: false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Tenant-Id', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After'],
    maxAge: 600,
  });
}
