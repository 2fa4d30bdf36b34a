// The WebSocket endpoint: authenticates the upgrade, keeps each connection's topic subscriptions and
// forwards bus events to the connections of the event's tenant that subscribed to its topic.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import type { Logger } from 'pino';
import type { EventBus, RealtimeEvent } from './bus.ts';

export interface RealtimePrincipal {
  tenantId: number;
  userId: number | null;
  role: string;
  kind: string;
}

export interface RealtimeHubOptions {
  server: http.Server;
  /** Exact request path served, e.g. '/ws'. */
  path: string;
  bus: EventBus;
  logger: Logger;
  /**
   * Decides who may connect, before the upgrade completes; null means 401. This is also the place to
   * check the Origin header when authentication rides on cookies.
   */
  authenticate: (req: http.IncomingMessage) => Promise<RealtimePrincipal | null>;
  /** Per-topic authorisation inside the tenant; refusal is reported as a 'forbidden' error frame. */
  canSubscribe?: (principal: RealtimePrincipal, topic: string) => boolean;
  heartbeatMs?: number;
  maxPayloadBytes?: number;
  maxTopicsPerClient?: number;
}

export interface RealtimeHub {
  clientCount(): number;
  close(): Promise<void>;
}

export const TOPIC_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,99}$/;

export const DEFAULT_HEARTBEAT_MS = 30_000;
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024;
export const DEFAULT_MAX_TOPICS_PER_CLIENT = 100;
/** A client this far behind is not reading; dropping it bounds memory, and it can reconnect. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** How long close() lets clients answer the close frame before cutting them off. */
const CLOSE_GRACE_MS = 2000;

export type ErrorCode = 'bad_message' | 'forbidden' | 'too_many_topics';

interface Client {
  ws: WebSocket;
  principal: RealtimePrincipal;
  topics: Set<string>;
  alive: boolean;
}

export function createRealtimeHub(options: RealtimeHubOptions): RealtimeHub {
  const { server, path, bus, authenticate } = options;
  const logger = options.logger.child({ component: 'realtime-hub' });
  const canSubscribe = options.canSubscribe ?? (() => true);
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const maxTopics = options.maxTopicsPerClient ?? DEFAULT_MAX_TOPICS_PER_CLIENT;

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    // Compression costs memory per connection and opens CRIME-style leaks; frames here are small.
    perMessageDeflate: false,
  });

  // Indexed by tenant so an event only ever looks at its own tenant's connections.
  const byTenant = new Map<number, Set<Client>>();
  let closed = false;

  function addClient(client: Client): void {
    let set = byTenant.get(client.principal.tenantId);
    if (!set) {
      set = new Set();
      byTenant.set(client.principal.tenantId, set);
    }
    set.add(client);
  }

  function removeClient(client: Client): void {
    const set = byTenant.get(client.principal.tenantId);
    if (!set) return;
    set.delete(client);
    if (set.size === 0) byTenant.delete(client.principal.tenantId);
  }

  function clientCount(): number {
    let n = 0;
    for (const set of byTenant.values()) n += set.size;
    return n;
  }

  function send(client: Client, payload: string): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    if (client.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      logger.warn({ tenantId: client.principal.tenantId }, 'realtime client too slow, disconnecting');
      client.ws.terminate();
      return;
    }
    client.ws.send(payload);
  }

  function sendError(client: Client, code: ErrorCode, message: string): void {
    send(client, JSON.stringify({ type: 'error', code, message }));
  }

  function onBusEvent(event: RealtimeEvent): void {
    const set = byTenant.get(event.tenantId);
    if (!set) return;
    let payload: string | null = null;
    for (const client of set) {
      // Re-checked per client although the index already guarantees it: this is the tenant boundary.
      if (client.principal.tenantId !== event.tenantId || !client.topics.has(event.topic)) continue;
      payload ??= JSON.stringify({
        type: 'event',
        topic: event.topic,
        event: event.type,
        data: event.data,
        id: event.id,
        at: event.at,
      });
      send(client, payload);
    }
  }

  const unsubscribeBus = bus.subscribe(onBusEvent);

  function handleFrame(client: Client, raw: RawData, isBinary: boolean): void {
    if (isBinary) return sendError(client, 'bad_message', 'binary frames are not supported');
    let msg: unknown;
    try {
      msg = JSON.parse(rawToString(raw));
    } catch {
      return sendError(client, 'bad_message', 'frame is not valid JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      return sendError(client, 'bad_message', 'frame must be a JSON object');
    }
    const { type, topic } = msg as Record<string, unknown>;
    switch (type) {
      case 'ping':
        return send(client, JSON.stringify({ type: 'pong' }));
      case 'subscribe': {
        if (typeof topic !== 'string' || !TOPIC_PATTERN.test(topic)) {
          return sendError(client, 'bad_message', 'topic must match ^[a-z0-9][a-z0-9._:-]{0,99}$');
        }
        if (!client.topics.has(topic)) {
          if (client.topics.size >= maxTopics) {
            return sendError(client, 'too_many_topics', `at most ${maxTopics} topics per connection`);
          }
          if (!allowed(client.principal, topic)) {
            return sendError(client, 'forbidden', `not allowed to subscribe to ${topic}`);
          }
          client.topics.add(topic);
        }
        return send(client, JSON.stringify({ type: 'subscribed', topic }));
      }
      case 'unsubscribe': {
        if (typeof topic !== 'string' || !TOPIC_PATTERN.test(topic)) {
          return sendError(client, 'bad_message', 'topic must match ^[a-z0-9][a-z0-9._:-]{0,99}$');
        }
        client.topics.delete(topic);
        return send(client, JSON.stringify({ type: 'unsubscribed', topic }));
      }
      default:
        return sendError(client, 'bad_message', 'unknown message type');
    }
  }

  function allowed(principal: RealtimePrincipal, topic: string): boolean {
    try {
      return canSubscribe(principal, topic) === true;
    } catch (err) {
      // Failing closed: a broken policy must not open topics up.
      logger.error({ err, tenantId: principal.tenantId, topic }, 'canSubscribe threw');
      return false;
    }
  }

  function onConnection(ws: WebSocket, principal: RealtimePrincipal): void {
    const client: Client = { ws, principal, topics: new Set(), alive: true };
    addClient(client);
    logger.debug(
      {
        tenantId: principal.tenantId,
        userId: principal.userId,
        kind: principal.kind,
        clients: clientCount(),
      },
      'realtime client connected',
    );

    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (raw, isBinary) => {
      client.alive = true;
      try {
        handleFrame(client, raw, isBinary);
      } catch (err) {
        logger.error({ err, tenantId: principal.tenantId }, 'realtime frame handling failed');
      }
    });
    // ws closes the socket itself on protocol errors (oversized frame → 1009); without a listener the
    // 'error' event would crash the process.
    ws.on('error', (err) => {
      logger.debug({ tenantId: principal.tenantId, err: { message: err.message } }, 'realtime client error');
    });
    ws.on('close', (code) => {
      removeClient(client);
      logger.debug({ tenantId: principal.tenantId, userId: principal.userId, code }, 'realtime client disconnected');
    });

    send(client, JSON.stringify({ type: 'welcome', tenantId: principal.tenantId }));
  }

  async function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (requestPath(req) !== path) {
      // Another upgrade handler may own this path; only when we are alone is it ours to refuse.
      if (server.listenerCount('upgrade') <= 1) rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (closed) return rejectUpgrade(socket, 503, 'Service Unavailable');

    // The socket may fail while authenticate() runs; an unhandled 'error' would crash the process.
    const onSocketError = (): void => {
      socket.destroy();
    };
    socket.on('error', onSocketError);

    let principal: RealtimePrincipal | null;
    try {
      principal = await authenticate(req);
    } catch (err) {
      logger.error({ err }, 'realtime authenticate threw');
      socket.off('error', onSocketError);
      return rejectUpgrade(socket, 500, 'Internal Server Error');
    }
    socket.off('error', onSocketError);

    if (socket.destroyed) return;
    if (closed) return rejectUpgrade(socket, 503, 'Service Unavailable');
    if (!principal) {
      logger.debug('realtime upgrade refused: unauthenticated');
      return rejectUpgrade(socket, 401, 'Unauthorized');
    }
    if (!Number.isSafeInteger(principal.tenantId)) {
      logger.error('realtime authenticate returned a principal without a valid tenantId');
      return rejectUpgrade(socket, 500, 'Internal Server Error');
    }
    const p = principal;
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, p));
  }

  const upgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    onUpgrade(req, socket, head).catch((err: unknown) => {
      logger.error({ err }, 'realtime upgrade failed');
      socket.destroy();
    });
  };
  server.on('upgrade', upgradeListener);

  const heartbeat = setInterval(() => {
    for (const set of byTenant.values()) {
      for (const client of set) {
        if (!client.alive) {
          logger.debug({ tenantId: client.principal.tenantId }, 'realtime client missed heartbeat');
          client.ws.terminate();
          continue;
        }
        client.alive = false;
        client.ws.ping();
      }
    }
  }, heartbeatMs);
  // The heartbeat alone must never keep a process alive that is otherwise done.
  heartbeat.unref();

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribeBus();
    server.off('upgrade', upgradeListener);

    const clients = [...byTenant.values()].flatMap((set) => [...set]);
    await Promise.all(
      clients.map(
        (client) =>
          new Promise<void>((resolve) => {
            if (client.ws.readyState === WebSocket.CLOSED) return resolve();
            const timer = setTimeout(() => client.ws.terminate(), CLOSE_GRACE_MS);
            client.ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            client.ws.close(1001, 'server shutting down');
          }),
      ),
    );
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  return { clientCount, close };
}

function requestPath(req: http.IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function rawToString(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  if (socket.destroyed) return;
  // http.Server drops its own error listener once it hands a socket to 'upgrade'; a reset from the
  // client while we write would otherwise be an uncaught 'error' event.
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // Ending before destroying lets the status line reach the client instead of a bare reset.
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n` +
      '\r\n' +
      reason,
  );
}
