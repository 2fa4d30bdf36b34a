// Rate limits answer in our error shape. With Redis configured the counters live there, so the limit
// holds across instances; otherwise they are per process. Account lockout (in the database) holds
// across instances either way.
import { rateLimit } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';
import type { RequestHandler } from 'express';

export function loginRateLimit(perMinute: number, redis: Redis | null = null): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: redis
      ? new RedisStore({
          prefix: 'wa:rl:login:',
          sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
        })
      : undefined,
    // A Redis outage must not lock everyone out of signing in; lockout still protects accounts.
    passOnStoreError: true,
    handler: (req, res) => {
      res.status(429).json({
        error: { code: 'rate_limited', message: 'Too many attempts from this address. Wait a minute and try again.' },
        requestId: req.id,
      });
    },
  });
}
