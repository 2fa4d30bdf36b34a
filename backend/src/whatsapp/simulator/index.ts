// The WhatsApp Cloud API simulator: an in-memory Graph API look-alike with simulated customers, signed
// webhooks, fault injection and a control API. Mount `app` at a server's root or under a prefix.
import crypto from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../../logger.ts';
import type { PairRate, SimContext, StatusTiming } from './context.ts';
import { SimulatorControl } from './control.ts';
import { controlRouter } from './control-routes.ts';
import { graphError, GraphError } from './errors.ts';
import { graphRouter } from './graph-routes.ts';
import { Scheduler } from './scheduler.ts';
import { SimState } from './state.ts';
import { DEFAULT_RETRY, WebhookEmitter, type RetryOptions } from './webhooks.ts';

export interface SimulatorOptions {
  /**
   * Base URL where this app is reachable from the product (including any mount prefix), e.g.
   * `http://127.0.0.1:4100` or `http://localhost:3000/simulator`. Media download URLs and paging links
   * are built from it. A function is read on every use (handy when the port is known only after listen).
   */
  publicUrl: string | (() => string);
  /** Wall clock in ms (default Date.now); the control API can move the simulator clock ahead of it. */
  now?: () => number;
  logger?: Logger;
  /** Used for webhook POSTs, callback verification and `link` media downloads. */
  fetch?: typeof fetch;
  /** Webhook retry back-off: baseDelayMs (doubling), maxDelayMs, maxAttempts, timeoutMs. */
  webhookRetry?: Partial<RetryOptions>;
  /** Delays of sent → delivered → read, and whether customers read at all. */
  statusTiming?: Partial<StatusTiming>;
  /** Same-recipient burst allowed before 131056 (default 10 per 6 s). */
  pairRate?: Partial<PairRate>;
  /** How long the `batch` fault collects events before one POST (default 50 ms). */
  batchWindowMs?: number;
  /** Download `link` media before `sent` (default true). */
  fetchMediaLinks?: boolean;
  /** Embedded Signup code lifetime (default 5 minutes). */
  signupCodeTtlMs?: number;
}

export interface Simulator {
  app: express.Express;
  state: SimState;
  control: SimulatorControl;
  /** Cancels timers and in-flight webhook attempts. */
  close(): Promise<void>;
}

export function createSimulator(options: SimulatorOptions): Simulator {
  const state = new SimState(options.now ?? Date.now);
  const scheduler = new Scheduler();
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const emitter = new WebhookEmitter({
    state,
    scheduler,
    fetch: fetchImpl,
    retry: { ...DEFAULT_RETRY, ...options.webhookRetry },
    batchWindowMs: options.batchWindowMs ?? 50,
    logger: options.logger,
  });
  const publicUrl = () => (typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl).replace(/\/+$/, '');
  const ctx: SimContext = {
    state,
    scheduler,
    emitter,
    settings: {
      status: { sent: 0, delivered: 500, read: 1500, autoRead: true, ...options.statusTiming },
      pairRate: { limit: 10, windowMs: 6000, ...options.pairRate },
      fetchMediaLinks: options.fetchMediaLinks ?? true,
      signupCodeTtlMs: options.signupCodeTtlMs ?? 5 * 60 * 1000,
    },
    publicUrl,
    fetch: fetchImpl,
    logger: options.logger,
    mediaSecret: crypto.randomBytes(32),
    throughputLog: new Map(),
    pairLog: new Map(),
  };
  const control = new SimulatorControl(ctx);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Graph paths carry a version (`/v24.0/…`); accept any vNN.N and route on the rest.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const m = /^\/(v\d+\.\d+)(\/.*)?$/.exec(req.url);
    if (m) {
      res.locals.graphVersion = m[1];
      req.url = m[2] || '/';
    }
    next();
  });
  app.use('/_sim', controlRouter(ctx, control));
  app.use(graphRouter(ctx));
  app.use((req: Request) => {
    throw graphError(100, '', { message: `Unknown path components: ${req.path}`, errorData: false, httpStatus: 404 });
  });
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    let graph: GraphError;
    if (err instanceof GraphError) graph = err;
    else if ((err as { type?: string }).type === 'entity.parse.failed')
      graph = graphError(100, 'The request body is not valid JSON.');
    else if ((err as { type?: string }).type === 'entity.too.large') graph = graphError(100, 'The request body is too large.');
    else {
      options.logger?.error({ err }, 'simulator request failed');
      graph = graphError(1, 'An unknown error occurred.', { message: 'An unknown error occurred', errorData: false });
    }
    res.status(graph.httpStatus).json(graph.toBody());
  });

  return {
    app,
    state,
    control,
    async close() {
      scheduler.close();
    },
  };
}

export { SimulatorControl } from './control.ts';
export type {
  ConversationItem,
  CustomerInput,
  PhoneSettingsInput,
  SeedInput,
  SeedResult,
  SentMessage,
  SignupInput,
  SignupResult,
} from './control.ts';
export type { PairRate, StatusTiming } from './context.ts';
export { GraphError } from './errors.ts';
export { ControlError } from './inbound.ts';
export type { CustomerMessageInput, InboundResult, Referral } from './inbound.ts';
export { SimState } from './state.ts';
export type { MessageView, ViewButton } from './templates.ts';
export { metaJson, sign } from './webhooks.ts';
export type { Delivery, DeliveryAttempt, Faults, RetryOptions } from './webhooks.ts';
