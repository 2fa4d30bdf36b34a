// The composition root: builds every service once from the config and wires them together in boot
// order (config → db → migrations → first-start bootstrap → jobs → http + websocket). server.ts and
// the tests both start the product through createPlatform(), so tests exercise the real wiring.
import crypto from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import type { Express } from 'express';
import type { Sequelize } from 'sequelize';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { createSequelize, dialectOf } from './db/sequelize.ts';
import { migrationStatus, runMigrations } from './db/migrate.ts';
import { createModels, type Models } from './db/models.ts';
import { loadEncryption, type EncryptionService } from './security/encryption.ts';
import { createApp } from './app.ts';
import { defineRoute, type RouteDef } from './http/route.ts';
import { buildOpenApi } from './http/openapi.ts';
import { loginRateLimit, visitorSessionRateLimit } from './http/rate-limit.ts';
import { mountWidgets } from './http/widgets.ts';
import { AuditService, auditRoutes } from './modules/audit/index.ts';
import {
  ApiTokenService,
  AuthService,
  EmbedIssuer,
  EmbedTokenService,
  RealtimeTickets,
  VisitorSessions,
  authRoutes,
  visitorRoutes,
  SESSION_COOKIE,
} from './modules/auth/index.ts';
import { TenantsService, tenantsRoutes } from './modules/tenants/index.ts';
import { UsersService, usersRoutes } from './modules/users/index.ts';
import { CredentialsService, credentialsRoutes } from './modules/credentials/index.ts';
import {
  ChannelsService,
  TOKEN_CONTEXT,
  WebhookIngest,
  WebhookProcessor,
  channelsRoutes,
  webhookRouter,
} from './modules/channels/index.ts';
import { createSimulator, type Simulator } from './whatsapp/simulator/index.ts';
import { InboxService, MessagesService, inboxRoutes, messagesRoutes } from './modules/inbox/index.ts';
import { LocalBlobStore, MediaService, mediaRoutes } from './modules/media/index.ts';
import { NotificationsService } from './modules/inbox/notifications.ts';
import { CollaborationService, ViewerRegistry, collaborationRoutes } from './modules/inbox/index.ts';
import { ConsentService, consentRoutes } from './modules/consent/index.ts';
import { CampaignsService, campaignsRoutes } from './modules/campaigns/index.ts';
import { CampaignEngine } from './modules/campaigns/campaign-engine.ts';
import {
  ContactsService,
  ImportsService,
  SegmentsService,
  contactsRoutes,
  importsRoutes,
  segmentsRoutes,
} from './modules/contacts/index.ts';
import { seedDemoContacts } from './modules/contacts/demo.ts';
import { DEMO_SLUG } from './bootstrap.ts';
import { bootstrap } from './bootstrap.ts';
import { createJobs, type Jobs } from './jobs/index.ts';
import { jobDefinitions, type JobDefinition } from './jobs/registry.ts';
import { createEventBus, createRealtimeHub, type EventBus, type RealtimePrincipal } from './realtime/index.ts';
import { parse as parseCookie } from 'cookie';
import { Redis } from 'ioredis';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built-in simulator's platform app id (any digits; the simulator accepts what it is seeded with). */
export const SIMULATOR_APP_ID = '100000000000001';

export const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface PlatformOptions {
  logStream?: DestinationStream;
  /** Where the one-time setup URL is announced (stdout by default; never the log). */
  announce?: (message: string) => void;
  jobDefinitions?: JobDefinition[];
}

export interface Platform {
  config: Readonly<Config>;
  logger: Logger;
  sequelize: Sequelize;
  models: Models;
  encryption: EncryptionService;
  services: {
    audit: AuditService;
    auth: AuthService;
    apiTokens: ApiTokenService;
    embedTokens: EmbedTokenService;
    tenants: TenantsService;
    users: UsersService;
    credentials: CredentialsService;
    tickets: RealtimeTickets;
    channels: ChannelsService;
    media: MediaService;
    messages: MessagesService;
    notifications: NotificationsService;
    collaboration: CollaborationService;
    consent: ConsentService;
    contacts: ContactsService;
    segments: SegmentsService;
    imports: ImportsService;
    campaigns: CampaignsService;
  };
  /** The campaign engine of this process (sending only where jobs are enabled). */
  campaignEngine: CampaignEngine;
  /** The built-in Cloud API simulator (embedded default only), mounted at /simulator. */
  simulator: Simulator | null;
  webhooks: {
    ingest: WebhookIngest;
    processor: WebhookProcessor;
    /** The platform app's webhook secret and verify token (null when none is configured). */
    platform: { appSecret: string; verifyToken: string } | null;
  };
  jobs: Jobs;
  bus: EventBus;
  routes: RouteDef[];
  app: Express;
  server: http.Server;
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  /** Graceful shutdown: stop accepting, finish in-flight requests and jobs, close the database. */
  stop(): Promise<void>;
}

export async function createPlatform(config: Readonly<Config>, opts: PlatformOptions = {}): Promise<Platform> {
  const logger = createLogger(config.logLevel, opts.logStream);
  logger.info({ node: process.version, dialect: config.database.dialect, version: VERSION }, 'starting');

  const sequelize = await createSequelize(config, logger);
  const applied = await runMigrations(sequelize, logger);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const models = createModels(sequelize);
  const encryption = loadEncryption({ spec: config.encryptionKeys, dataDir: config.dataDir, logger });

  const audit = new AuditService(models);
  const auth = new AuthService(models, audit, config);
  const apiTokens = new ApiTokenService(models, audit);
  const embedTokens = new EmbedTokenService(encryption);
  const tenants = new TenantsService(models, audit);
  const users = new UsersService(models, audit);
  const credentials = new CredentialsService(models, encryption, audit);
  const tickets = new RealtimeTickets(encryption);
  const embedIssuer = new EmbedIssuer(models, embedTokens, audit);
  const visitors = new VisitorSessions(encryption, tenants);

  // WhatsApp: Meta's Graph API when configured, otherwise the built-in simulator mounted at
  // /simulator (the real client talks to it over HTTP, exactly as it would to Meta).
  const simulated = config.graph.baseUrl === null;
  const derived = (purpose: string) =>
    Buffer.from(encryption.deriveKey(encryption.primary.id, purpose)).toString('base64url').slice(0, 32);
  const graph = { baseUrl: config.graph.baseUrl ?? `${config.publicUrl}/simulator`, version: config.graph.version };
  const platformApp =
    config.whatsapp.appId && config.whatsapp.appSecret
      ? { appId: config.whatsapp.appId, appSecret: config.whatsapp.appSecret }
      : simulated
        ? { appId: SIMULATOR_APP_ID, appSecret: derived('simulator-app-secret') }
        : null;
  const platformWebhook = platformApp
    ? { appSecret: platformApp.appSecret, verifyToken: config.whatsapp.verifyToken ?? derived('platform-verify-token') }
    : null;
  let onChannelsChange = () => {};
  const channels = new ChannelsService({
    models,
    encryption,
    audit,
    logger,
    publicUrl: config.publicUrl,
    graph,
    platformApp,
    configId: config.whatsapp.configId,
    onChange: () => onChannelsChange(),
  });

  await bootstrap({
    config,
    models,
    auth,
    tenants,
    users,
    audit,
    logger,
    announce: opts.announce ?? ((m) => process.stdout.write(`${m}\n`)),
  });

  // The built-in simulator keeps its state in memory: numbers the product already knows are
  // restored with their ids and tokens at every boot, and the demo tenant gets one of its own.
  let simulator: Simulator | null = null;
  if (simulated && platformApp && platformWebhook) {
    simulator = createSimulator({
      publicUrl: `${config.publicUrl}/simulator`,
      logger: logger.child({ component: 'simulator' }),
    });
    simulator.control.createApp({
      id: platformApp.appId,
      name: 'wa-platform (simulated)',
      secret: platformApp.appSecret,
      callbackUrl: `${config.publicUrl}/webhooks/whatsapp`,
      verifyToken: platformWebhook.verifyToken,
    });
    for (const ch of await models.Channel.findAll({ where: { kind: 'simulator' } })) {
      simulator.control.seed({
        appId: platformApp.appId,
        wabaId: ch.wabaId,
        phoneNumberId: ch.phoneNumberId,
        displayPhoneNumber: ch.displayPhoneNumber?.replace(/\D/g, '') || undefined,
        verifiedName: ch.verifiedName ?? undefined,
        businessName: ch.verifiedName ?? 'Simulated Business',
        accessToken: encryption.decrypt(ch.accessTokenEnc, TOKEN_CONTEXT),
      });
    }
    const demo = config.demo ? await models.Tenant.findOne({ where: { slug: DEMO_SLUG } }) : null;
    if (demo && (await models.Channel.count({ where: { tenantId: demo.id } })) === 0) {
      const seeded = simulator.control.seed({ appId: platformApp.appId, businessName: demo.name, verifiedName: demo.name });
      await models.Channel.create({
        tenantId: demo.id,
        name: `${demo.name} (simulated)`,
        kind: 'simulator',
        phoneNumberId: seeded.phoneNumberId,
        wabaId: seeded.wabaId,
        displayPhoneNumber: `+${seeded.displayPhoneNumber}`,
        verifiedName: demo.name,
        accessTokenEnc: encryption.encrypt(seeded.accessToken, TOKEN_CONTEXT),
        verifyToken: crypto.randomBytes(18).toString('base64url'),
        qualityRating: 'GREEN',
        messagingLimit: 'TIER_2K',
        throughputLevel: 'STANDARD',
        numberStatus: 'CONNECTED',
        healthCheckedAt: new Date(),
      });
      logger.info({ tenantId: demo.id, phoneNumberId: seeded.phoneNumberId }, 'demo tenant got a simulated WhatsApp number');
    }
  }

  const bus = createEventBus({ redisUrl: config.redisUrl, logger });
  await bus.ready();
  const media = new MediaService({ models, store: new LocalBlobStore(path.join(config.dataDir, 'media')) });
  const notifications = new NotificationsService({ models, bus, logger });
  const consent = new ConsentService({
    models,
    sequelize,
    audit,
    bus,
    logger,
    channels,
    enqueue: (name, data) => jobs.now(name, data),
  });
  const messages = new MessagesService({
    models,
    sequelize,
    channels,
    media,
    bus,
    logger,
    consent,
    notifyMentions: (ctx, input) => notifications.notifyMentions(ctx, input),
    enqueue: (name, data) => jobs.now(name, data),
  });
  const viewers = new ViewerRegistry(bus);
  const collaboration = new CollaborationService({ models, sequelize, audit, bus, logger, notifications, viewers });
  const contacts = new ContactsService({ models, sequelize, audit, bus, logger, consent });
  const segments = new SegmentsService({ models, sequelize, audit, logger });
  const imports = new ImportsService({
    models,
    sequelize,
    audit,
    bus,
    logger,
    consent,
    dir: path.join(config.dataDir, 'imports'),
    enqueue: (name, data) => jobs.now(name, data),
  });

  let engine: CampaignEngine | null = null;
  const campaigns = new CampaignsService({
    models,
    sequelize,
    audit,
    bus,
    logger,
    channels,
    segments,
    media,
    templates: (channel) => messages.approvedTemplates(channel),
    enqueue: (name, data) => jobs.now(name, data),
    schedule: (when, name, data) => jobs.schedule(when, name, data),
    engine: () => engine,
  });
  engine = new CampaignEngine({
    models,
    sequelize,
    logger: logger.child({ component: 'campaigns' }),
    channels,
    media,
    templates: (channel) => messages.approvedTemplates(channel),
    progress: (ids) => campaigns.publish(ids),
    config: config.campaigns,
  });

  if (config.demo) {
    const demo = await models.Tenant.findOne({ where: { slug: DEMO_SLUG } });
    if (demo) {
      await seedDemoContacts({ models, consent, tenantId: demo.id, publicUrl: config.publicUrl });
      // A prepaid balance for the campaign cost preview (billing will keep a ledger behind it).
      await sequelize.query('UPDATE tenants SET balance_micros = 25000000 WHERE id = ? AND balance_micros = 0', {
        replacements: [demo.id],
      });
    }
  }

  const definitions =
    opts.jobDefinitions ?? jobDefinitions({ auth, channels, messages, collaboration, consent, contacts, imports, campaigns });
  const jobs = await createJobs({
    sequelize,
    redisUrl: config.redisUrl,
    logger,
    pollMs: config.jobs.pollMs,
    definitions,
    worker: config.jobs.enabled,
  });

  let lastCommit = 0;
  const processor = new WebhookProcessor(
    {
      models,
      sequelize,
      logger,
      bus,
      onInboundMedia: (ids) => messages.enqueueMediaDownloads(ids),
      onConversationsOpened: (ids) => collaboration.autoAssign(ids),
      onInboundMessages: async (fresh, transaction) => {
        await engine!.recordReplies(fresh, transaction);
        return consent.recordKeywords(fresh, transaction);
      },
      onCampaignStatuses: (statuses, transaction) => engine!.applyStatuses(statuses, transaction),
    },
    // Busy: events committed within the last 25 ms, as in a burst. A lone event (a customer typing)
    // leaves the processor free to take the next one at once.
    { receiverBusy: () => Date.now() - lastCommit < 25 },
  );
  onChannelsChange = () => processor.invalidateChannels();
  const ingest = new WebhookIngest(models, logger, {
    onCommitted: () => {
      lastCommit = Date.now();
      processor.wake();
    },
  });

  // Shared counters for rate limits when several instances run behind a load balancer.
  const limiterRedis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false }) : null;
  limiterRedis?.on('error', (err: Error) => logger.warn({ err: { message: err.message } }, 'rate-limit redis error'));

  const publicOrigin = new URL(config.publicUrl).origin;
  const authenticateDeps = {
    auth,
    apiTokens,
    embedTokens,
    visitors,
    roleOf: (u: number, t: number) => users.roleOf(u, t),
    publicOrigin,
  };
  const authorizeDeps = {
    findTenant: (ref: string | number) => tenants.find(ref),
    roleOf: (u: number, t: number) => users.roleOf(u, t),
    tenantsOf: (u: number) => users.tenantsOf(u),
  };

  const routes: RouteDef[] = [
    ...authRoutes({
      auth,
      apiTokens,
      embedIssuer,
      tickets,
      loginLimiter: loginRateLimit(config.login.ratePerMinute, limiterRedis),
      secureCookies: config.publicUrl.startsWith('https:'),
      publicUrl: config.publicUrl,
    }),
    ...visitorRoutes({ visitors, tenants, limiter: visitorSessionRateLimit(config.visitorSessionsPerMinute, limiterRedis) }),
    ...channelsRoutes(channels, { simulatorSignupUrl: simulated ? `${config.publicUrl}/simulator/_sim/embedded-signup` : null }),
    ...inboxRoutes(new InboxService(models, bus)),
    ...collaborationRoutes(collaboration, notifications),
    ...messagesRoutes(messages),
    ...mediaRoutes(media),
    // Fixed paths under /api/v1/contacts (imports, export.csv) before /api/v1/contacts/:id.
    ...importsRoutes(imports),
    ...segmentsRoutes(segments),
    ...contactsRoutes(contacts),
    ...consentRoutes(consent),
    ...campaignsRoutes(campaigns),
    ...tenantsRoutes(tenants, users),
    ...usersRoutes(users),
    ...credentialsRoutes(credentials),
    ...auditRoutes(audit),
  ];
  let openapi: unknown = null;
  routes.push(
    defineRoute({
      method: 'get',
      path: '/api/v1/openapi.json',
      access: 'public',
      summary: 'This OpenAPI 3.1 document',
      tags: ['meta'],
      handler: async () => (openapi ??= buildOpenApi(routes, { version: VERSION, serverUrl: config.publicUrl })),
    }),
  );

  const health = async () => {
    let dbOk = true;
    let migrations: { applied: number; pending: string[] } = { applied: 0, pending: [] };
    try {
      await sequelize.query('SELECT 1');
      migrations = await migrationStatus(sequelize);
    } catch {
      dbOk = false;
    }
    const ok = dbOk && migrations.pending.length === 0 && !stopping;
    return {
      status: ok ? 'ok' : stopping ? 'stopping' : 'degraded',
      version: VERSION,
      node: process.version,
      uptimeSeconds: Math.round(process.uptime()),
      db: { dialect: dialectOf(sequelize), ok: dbOk },
      migrations,
      jobs: jobs.status(),
      realtime: { bus: bus.kind, clients: hub ? hub.clientCount() : 0 },
    };
  };

  const app = createApp({
    logger,
    routes,
    authenticate: authenticateDeps,
    authorize: authorizeDeps,
    publicOrigin,
    corsOrigins: config.corsOrigins,
    tenantOrigins: () => tenants.allowedOrigins(),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    early: (a) => {
      if (simulator) a.use('/simulator', simulator.app);
      a.use(
        webhookRouter({
          ingest,
          logger,
          secrets: { platform: platformWebhook, channel: (id) => channels.webhookSecrets(id) },
        }),
      );
    },
    extra: (a) => {
      a.get('/healthz', async (_req, res, next) => {
        try {
          const h = await health();
          res.status(h.status === 'ok' ? 200 : 503).json(h);
        } catch (err) {
          next(err);
        }
      });
      mountWidgets(a, { publicUrl: config.publicUrl, demo: config.demo, models, tenants, embedIssuer });
    },
  });

  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;

  // The WebSocket accepts the console's session cookie or a single-use ticket from /api/v1/realtime/ticket.
  const authenticateSocket = async (req: http.IncomingMessage): Promise<RealtimePrincipal | null> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const ticket = url.searchParams.get('ticket');
    if (ticket) {
      const claims = await tickets.redeem(ticket);
      if (!claims) return null;
      const t = await tenants.find(claims.tenantId);
      if (!t || (t.status !== 'active' && claims.role !== 'super_admin')) return null;
      return { tenantId: claims.tenantId, userId: claims.userId, role: claims.role, kind: claims.kind };
    }
    const cookie = parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE];
    const tenantRef = url.searchParams.get('tenant');
    if (!cookie || !tenantRef) return null;
    const origin = req.headers.origin;
    if (origin && origin !== publicOrigin) return null;
    const principal = await auth.resolveSession(cookie);
    if (!principal?.userId) return null;
    const t = await tenants.find(tenantRef);
    if (!t) return null;
    const role = await users.roleOf(principal.userId, t.id);
    if (!role && !principal.isSuperAdmin) return null;
    if (t.status !== 'active' && !principal.isSuperAdmin) return null;
    return { tenantId: t.id, userId: principal.userId, role: principal.isSuperAdmin ? 'super_admin' : role!, kind: 'session' };
  };
  const hub = createRealtimeHub({
    server,
    path: '/ws',
    bus,
    logger,
    authenticate: authenticateSocket,
    // A member's own topic (notifications) is theirs alone; every other topic is open within the tenant.
    canSubscribe: (p, topic) => !topic.startsWith('user:') || (p.userId !== null && topic === `user:${p.userId}`),
  });

  let stopping = false;
  let starting: Promise<void> | null = null;
  let stopped: Promise<void> | null = null;

  return {
    config,
    logger,
    sequelize,
    models,
    encryption,
    services: {
      audit,
      auth,
      apiTokens,
      embedTokens,
      tenants,
      users,
      credentials,
      tickets,
      channels,
      media,
      messages,
      notifications,
      collaboration,
      consent,
      contacts,
      segments,
      imports,
      campaigns,
    },
    campaignEngine: engine,
    simulator,
    webhooks: { ingest, processor, platform: platformWebhook },
    jobs,
    bus,
    routes,
    app,
    server,
    async listen() {
      starting = (async () => {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(config.port, config.host, () => resolve());
        });
        await jobs.start();
      })();
      await starting;
      // A signal may have arrived while jobs were starting: do not start more work then.
      if (stopping) return config.port;
      if (config.jobs.enabled) {
        processor.start();
        engine!.start();
      }
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      logger.info({ port, url: config.publicUrl, node: process.version }, 'listening');
      if (simulator) {
        (opts.announce ?? ((m: string) => process.stdout.write(`${m}\n`)))(
          `WhatsApp runs on the built-in simulator. Chat as a customer: ${config.publicUrl}/simulator/_sim/phone`,
        );
      }
      return port;
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        logger.info('shutting down');
        // Let a start in progress finish first, so nothing it opens outlives the shutdown.
        await starting?.catch(() => undefined);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await hub.close();
        const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
        await closed.catch(() => undefined);
        clearTimeout(timer);
        await simulator?.close();
        await ingest.drain();
        await processor.stop();
        await engine!.stop();
        await jobs.stop();
        await bus.close();
        await limiterRedis?.quit().catch(() => undefined);
        await sequelize.close();
        logger.info('stopped');
      })();
      return stopped;
    },
  };
}
