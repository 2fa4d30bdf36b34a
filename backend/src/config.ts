// The only reader of process.env: every setting is parsed, validated and frozen here, so the rest of
// the code receives a typed object and tests can build one from any environment they like.
import path from 'node:path';
import { z } from 'zod';

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no', '']).transform((v) => v === '1' || v === 'true' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  ENCRYPTION_KEYS: z.string().optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'ADMIN_PASSWORD must be at least 12 characters').optional(),
  DEMO: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().default('loopback'),
  CORS_ORIGINS: z.string().default(''),
  BODY_LIMIT: z.string().default('1mb'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().positive().default(15),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  VISITOR_SESSIONS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  JOBS_ENABLED: bool.default(true),
  JOBS_POLL_MS: z.coerce.number().int().positive().default(1000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10000),
  CAMPAIGN_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(250),
  CAMPAIGN_CLAIM_TTL_MS: z.coerce.number().int().min(1000).default(60_000),
  CAMPAIGN_UNKNOWN_GRACE_MS: z.coerce.number().int().min(0).default(120_000),
  CAMPAIGN_POLL_MS: z.coerce.number().int().positive().default(250),
  GRAPH_API_BASE_URL: z.url().optional(),
  WHATSAPP_APP_ID: z.string().regex(/^\d+$/, 'the numeric Meta app id').optional(),
  WHATSAPP_APP_SECRET: z.string().min(16, 'the Meta app secret (App Dashboard → Settings → Basic)').optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  WHATSAPP_CONFIG_ID: z.string().optional(),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'use a Graph API version such as v24.0')
    .default('v24.0'),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  database: { dialect: 'sqlite'; storage: string } | { dialect: 'mysql'; url: string };
  redisUrl: string | null;
  encryptionKeys: string | null;
  admin: { email: string; password: string } | null;
  demo: boolean;
  logLevel: string;
  trustProxy: string;
  corsOrigins: string[];
  bodyLimit: string;
  sessionTtlMs: number;
  login: { maxFailures: number; lockoutMs: number; ratePerMinute: number };
  /** Visitor sessions a client address may start per minute (publishable-key widgets). */
  visitorSessionsPerMinute: number;
  jobs: { enabled: boolean; pollMs: number };
  /**
   * The campaign engine (runs where jobs run): recipients claimed per batch, how long a claim holds,
   * how long a send whose outcome is unknown waits for a status webhook before it may go again.
   */
  campaigns: { batchSize: number; claimTtlMs: number; unknownGraceMs: number; pollMs: number };
  shutdownTimeoutMs: number;
  /** Graph API base URL; null means the built-in Cloud API simulator (embedded default). */
  graph: { baseUrl: string | null; version: string };
  /**
   * The platform's own Meta app (Embedded Signup, and webhooks on /webhooks/whatsapp). Null fields
   * on the embedded default are filled in from the built-in simulator's app.
   */
  whatsapp: { appId: string | null; appSecret: string | null; verifyToken: string | null; configId: string | null };
}

export class ConfigError extends Error {}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let database: Config['database'];
  const url = e.DATABASE_URL ?? '';
  if (url === '' || url.startsWith('sqlite:')) {
    const file = url.replace(/^sqlite:(\/\/)?/, '') || path.join(dataDir, 'app.sqlite');
    database = { dialect: 'sqlite', storage: file === ':memory:' ? file : path.resolve(file) };
  } else if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    database = { dialect: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
  } else {
    throw new ConfigError('Invalid configuration:\n  DATABASE_URL: use sqlite:<file> or mysql://user:pass@host:port/db');
  }
  if ((e.ADMIN_EMAIL && !e.ADMIN_PASSWORD) || (!e.ADMIN_EMAIL && e.ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration:\n  ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    dataDir,
    database,
    redisUrl: e.REDIS_URL || null,
    encryptionKeys: e.ENCRYPTION_KEYS || null,
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD } : null,
    // The embedded default (SQLite) shows a demo tenant so a newcomer has something to look at.
    demo: e.DEMO ?? database.dialect === 'sqlite',
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    bodyLimit: e.BODY_LIMIT,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      lockoutMs: e.LOGIN_LOCKOUT_MINUTES * 60_000,
      ratePerMinute: e.LOGIN_RATE_LIMIT_PER_MINUTE,
    },
    visitorSessionsPerMinute: e.VISITOR_SESSIONS_PER_MINUTE,
    jobs: { enabled: e.JOBS_ENABLED, pollMs: e.JOBS_POLL_MS },
    campaigns: {
      batchSize: e.CAMPAIGN_BATCH_SIZE,
      claimTtlMs: e.CAMPAIGN_CLAIM_TTL_MS,
      unknownGraceMs: e.CAMPAIGN_UNKNOWN_GRACE_MS,
      pollMs: e.CAMPAIGN_POLL_MS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    graph: { baseUrl: e.GRAPH_API_BASE_URL?.replace(/\/$/, '') ?? null, version: e.GRAPH_API_VERSION },
    whatsapp: {
      appId: e.WHATSAPP_APP_ID ?? null,
      appSecret: e.WHATSAPP_APP_SECRET ?? null,
      verifyToken: e.WHATSAPP_VERIFY_TOKEN ?? null,
      configId: e.WHATSAPP_CONFIG_ID ?? null,
    },
  });
}
