// Rate limits answer in our error shape. The in-memory store is per instance; account lockout (in
// the database) is what holds across instances.
import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';

export function loginRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      res.status(429).json({
        error: { code: 'rate_limited', message: 'Too many attempts from this address. Wait a minute and try again.' },
        requestId: req.id,
      });
    },
  });
}
