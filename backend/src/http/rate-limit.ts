// Rate limits answer in our error shape. With Redis configured the counters live there, so the limit
// holds across instances; otherwise they are per process. Account lockout (in the database) holds
// across instances either way.
import { rateLimit } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';
import type { RequestHandler } from 'express';

export function loginRateLimit(perMinute: number, redis: Redis | null = null): RequestHandler {
  return perMinuteLimit('login', perMinute, redis, 'Too many attempts from this address. Wait a minute and try again.');
}

/** Visitor sessions are public; a page reloading in a loop (or a script) must not flood them. */
export function visitorSessionRateLimit(perMinute: number, redis: Redis | null = null): RequestHandler {
  return perMinuteLimit('visitor', perMinute, redis, 'Too many visitor sessions from this address. Wait a minute.');
}

function perMinuteLimit(name: string, perMinute: number, redis: Redis | null, message: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: redis
      ? new RedisStore({
          prefix: `wa:rl:${name}:`,
          sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
        })
      : undefined,
    // A Redis outage must not lock everyone out; account lockout still protects sign-in.
    passOnStoreError: true,
    handler: (req, res) => {
      res.status(429).json({
        error: { code: 'rate_limited', message },
        requestId: req.id,
      });
    },
  });
}
