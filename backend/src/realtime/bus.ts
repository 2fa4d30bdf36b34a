// The event bus carries realtime events between the code that produces them and the WebSocket hub.
// In-process by default; with a Redis URL it fans out over pub/sub so every app instance sees every event.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RealtimeEvent {
  tenantId: number;
  topic: string;
  type: string;
  data: unknown;
  id?: string;
  at?: string;
}

export type EventHandler = (event: RealtimeEvent) => void;

export interface EventBus {
  kind: 'memory' | 'redis';
  publish(event: RealtimeEvent): Promise<void>;
  subscribe(handler: EventHandler): () => void;
  close(): Promise<void>;
}

/** What createEventBus returns: the bus plus a readiness signal for startup checks and tests. */
export interface ManagedEventBus extends EventBus {
  /**
   * Resolves once events published by other instances can be received (memory: at once; Redis: when
   * the subscription is confirmed). Rejects if the bus is closed before that happens.
   */
  ready(): Promise<void>;
}

export interface EventBusOptions {
  redisUrl: string | null;
  logger: Logger;
  /** Redis pub/sub channel; deployments sharing one Redis must use distinct channels. */
  channel?: string;
}

export const DEFAULT_CHANNEL = 'wa-platform:realtime';

const SHUTDOWN_WAIT_MS = 2000;

/** Wire format version, so a rolling deploy can tell old and new messages apart later. */
const WIRE_VERSION = 1;

interface WireMessage {
  v: typeof WIRE_VERSION;
  origin: string;
  event: RealtimeEvent;
}

export function createEventBus(options: EventBusOptions): ManagedEventBus {
  const logger = options.logger.child({ component: 'realtime-bus' });
  if (options.redisUrl) return createRedisBus(options.redisUrl, options.channel ?? DEFAULT_CHANNEL, logger);
  return createMemoryBus(logger);
}

/**
 * Rejects events a producer built wrongly, at the producer, rather than letting them vanish in the hub.
 * Returns a copy with id and at filled in, so every instance delivers the same identifiers.
 */
export function normalizeEvent(event: RealtimeEvent): RealtimeEvent {
  const problem = describeProblem(event);
  if (problem) throw new TypeError(`invalid realtime event: ${problem}`);
  return {
    tenantId: event.tenantId,
    topic: event.topic,
    type: event.type,
    data: event.data,
    id: event.id ?? randomUUID(),
    at: event.at ?? new Date().toISOString(),
  };
}

function describeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const e = value as Record<string, unknown>;
  if (!Number.isSafeInteger(e.tenantId) || (e.tenantId as number) <= 0) return 'tenantId must be a positive integer';
  if (typeof e.topic !== 'string' || e.topic.length === 0) return 'topic must be a non-empty string';
  if (typeof e.type !== 'string' || e.type.length === 0) return 'type must be a non-empty string';
  if (e.id !== undefined && typeof e.id !== 'string') return 'id must be a string';
  if (e.at !== undefined && typeof e.at !== 'string') return 'at must be a string';
  return null;
}

/** Handlers are isolated from each other: one that throws must not starve the rest. */
class HandlerSet {
  readonly handlers = new Set<EventHandler>();
  readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  add(handler: EventHandler): () => void {
    // Wrapping gives each subscription its own identity, so subscribing the same function twice
    // and unsubscribing once leaves one subscription behind.
    const entry: EventHandler = (event) => handler(event);
    this.handlers.add(entry);
    return () => {
      this.handlers.delete(entry);
    };
  }

  dispatch(event: RealtimeEvent): void {
    for (const handler of [...this.handlers]) {
      try {
        handler(event);
      } catch (err) {
        this.logger.error({ err, topic: event.topic, type: event.type }, 'realtime event handler threw');
      }
    }
  }
}

function createMemoryBus(logger: Logger): ManagedEventBus {
  const handlers = new HandlerSet(logger);
  let closed = false;

  return {
    kind: 'memory',
    async publish(event) {
      if (closed) throw new Error('event bus is closed');
      const normalized = normalizeEvent(event);
      // Delivery on a later turn matches the Redis bus, so callers cannot come to rely on handlers
      // having run by the time publish() returns.
      setImmediate(() => {
        if (!closed) handlers.dispatch(normalized);
      });
    },
    subscribe(handler) {
      if (closed) return () => {};
      return handlers.add(handler);
    },
    async ready() {
      if (closed) throw new Error('event bus is closed');
    },
    async close() {
      closed = true;
      handlers.handlers.clear();
    },
  };
}

function createRedisBus(redisUrl: string, channel: string, logger: Logger): ManagedEventBus {
  const handlers = new HandlerSet(logger);
  // Local events are delivered directly and skipped when Redis echoes them back, so an instance keeps
  // serving its own clients while Redis is unreachable.
  const origin = randomUUID();
  let closed = false;

  const publisher = new Redis(redisUrl, {
    connectionName: 'wa-realtime-pub',
    // Realtime events are best effort: fail a publish within a few reconnect attempts rather than
    // holding the caller (often a request handler) for the default twenty.
    maxRetriesPerRequest: 2,
  });
  const subscriber = new Redis(redisUrl, {
    connectionName: 'wa-realtime-sub',
    // The SUBSCRIBE must survive a Redis that is still starting; ioredis re-subscribes after reconnects.
    maxRetriesPerRequest: null,
  });

  // ioredis prints unhandled 'error' events itself; routing them here keeps them in our log format
  // and never includes the URL, which may carry a password.
  for (const [role, conn] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    // ioredis retries every couple of seconds while Redis is down: warn once per outage, not per attempt.
    let failing = false;
    conn.on('error', (err: Error) => {
      logger[failing ? 'debug' : 'warn']({ role, error: err.message }, 'redis connection error');
      failing = true;
    });
    conn.on('ready', () => {
      if (failing) logger.info({ role }, 'redis connection recovered');
      else logger.debug({ role }, 'redis connection ready');
      failing = false;
    });
  }

  subscriber.on('message', (ch: string, raw: string) => {
    if (ch !== channel || closed) return;
    const message = parseWireMessage(raw);
    if (!message) {
      logger.warn({ channel, bytes: raw.length }, 'dropped malformed realtime message from redis');
      return;
    }
    if (message.origin === origin) return;
    handlers.dispatch(message.event);
  });

  const subscribed = subscriber.subscribe(channel).then(() => {
    logger.debug({ channel }, 'subscribed to realtime channel');
  });
  // ready() hands the rejection to whoever asks; this keeps an unasked one from being "unhandled".
  subscribed.catch((err: Error) => {
    if (!closed) logger.error({ error: err.message }, 'realtime channel subscribe failed');
  });

  return {
    kind: 'redis',
    async publish(event) {
      if (closed) throw new Error('event bus is closed');
      const normalized = normalizeEvent(event);
      setImmediate(() => {
        if (!closed) handlers.dispatch(normalized);
      });
      const message: WireMessage = { v: WIRE_VERSION, origin, event: normalized };
      await publisher.publish(channel, JSON.stringify(message));
    },
    subscribe(handler) {
      if (closed) return () => {};
      return handlers.add(handler);
    },
    ready() {
      return subscribed;
    },
    async close() {
      if (closed) return;
      closed = true;
      handlers.handlers.clear();
      await Promise.all([shutdown(publisher), shutdown(subscriber)]);
    },
  };
}

function parseWireMessage(raw: string): WireMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.v !== WIRE_VERSION || typeof m.origin !== 'string') return null;
  if (describeProblem(m.event) !== null) return null;
  return m as unknown as WireMessage;
}

/** Resolves when the connection is fully gone, so nothing keeps the event loop alive afterwards. */
async function shutdown(conn: Redis): Promise<void> {
  if (conn.status === 'end') return;
  const ended = new Promise<void>((resolve) => conn.once('end', () => resolve()));
  if (conn.status === 'ready') {
    // QUIT lets Redis flush replies still in flight; disconnect() is the fallback if it cannot be sent.
    await conn.quit().catch(() => conn.disconnect());
  } else {
    // Not connected (connecting or between reconnects): QUIT would just sit in the offline queue.
    conn.disconnect();
    // Between reconnect attempts there is no socket, and disconnect() has cancelled the retry timer:
    // nothing is left open, and ioredis will never emit 'end' for it.
    if (conn.status === 'reconnecting') return;
  }
  // A bound on the wait, so shutdown cannot hang on a connection ioredis considers half-open.
  let timer: NodeJS.Timeout | undefined;
  const settled = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
  });
  await Promise.race([ended, settled]);
  clearTimeout(timer);
}
