// Live updates over the server's /ws protocol. One socket per host bridge carries every topic the
// widgets on the page care about; it survives drops by reconnecting with a fresh single-use ticket
// and re-subscribing, so components only say which topics they want and what to do with events.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { HostBridge } from './host-bridge.ts';

export type RealtimeStatus = 'connecting' | 'open' | 'closed';

/** An event frame from the server, minus its `type`. */
export interface RealtimeEvent<T = unknown> {
  topic: string;
  /** The event name, e.g. `message.created`. */
  event: string;
  data: T;
  id: string;
  at: string;
}

export interface RealtimeServerError {
  code: string;
  message: string;
}

export interface RealtimeClientOptions {
  /** First reconnect delay in ms (default 500); doubles per failed attempt. */
  minDelay?: number;
  /** Reconnect delay cap in ms (default 30 000). */
  maxDelay?: number;
  /** How often to ping an open socket in ms (default 25 000); keeps proxies from idling it out. */
  pingInterval?: number;
  /** How long to wait for any frame after a ping before declaring the socket dead (default 10 000). */
  pongTimeout?: number;
  /** A connection that stayed open this long (ms, default 5 000) resets the back-off. */
  stableAfter?: number;
  /**
   * With no topic left for this long (ms), the socket closes until the next `subscribe` reopens it;
   * 0 (default) keeps it open.
   */
  idleTimeout?: number;
  /** WebSocket constructor (tests, or non-browser runtimes). */
  WebSocket?: typeof WebSocket;
}

type Handler = (event: RealtimeEvent) => void;

/**
 * A self-healing WebSocket for the server's realtime protocol.
 *
 * `connect(urlProvider)` is called once; the provider is asked for a new URL before every attempt,
 * because the ticket inside it is single-use and lives 30 seconds. Reconnects back off exponentially
 * with jitter (0.5 s doubling to a 30 s cap, each delay randomised between half and all of it) so a
 * server restart is not met by every browser at the same instant.
 */
export class RealtimeClient {
  readonly #opts: Required<Omit<RealtimeClientOptions, 'WebSocket'>> & { WebSocket?: typeof WebSocket };
  readonly #handlers = new Map<string, Set<Handler>>();
  readonly #statusListeners = new Set<(status: RealtimeStatus) => void>();
  readonly #errorListeners = new Set<(error: RealtimeServerError) => void>();
  #urlProvider: (() => Promise<string>) | null = null;
  #ws: WebSocket | null = null;
  #status: RealtimeStatus = 'closed';
  #attempt = 0;
  #openedAt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #pongTimer: ReturnType<typeof setTimeout> | null = null;
  #stopped = true;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  #idleClosed = false;
  // Bumped on every attempt so a late answer from an abandoned attempt is ignored.
  #generation = 0;

  constructor(options: RealtimeClientOptions = {}) {
    this.#opts = {
      minDelay: options.minDelay ?? 500,
      maxDelay: options.maxDelay ?? 30_000,
      pingInterval: options.pingInterval ?? 25_000,
      pongTimeout: options.pongTimeout ?? 10_000,
      stableAfter: options.stableAfter ?? 5_000,
      idleTimeout: options.idleTimeout ?? 0,
      WebSocket: options.WebSocket,
    };
  }

  get status(): RealtimeStatus {
    return this.#status;
  }

  /** Topics with at least one handler. */
  get topics(): string[] {
    return [...this.#handlers.keys()];
  }

  /** Starts (or restarts) the connection; the provider is called for every attempt. */
  connect(urlProvider: () => Promise<string>): void {
    this.#urlProvider = urlProvider;
    this.#stopped = false;
    this.#idleClosed = false;
    if (this.#status === 'closed' && !this.#reconnectTimer) void this.#open();
    this.#armIdle();
  }

  /** Drops the current socket and connects again at once, e.g. after the tenant changed. */
  reconnect(): void {
    if (this.#stopped || !this.#urlProvider) return;
    this.#teardownSocket();
    this.#clearReconnect();
    this.#attempt = 0;
    void this.#open();
  }

  /** Closes the socket for good (until the next `connect`). Subscriptions are kept. */
  close(): void {
    this.#idleClosed = false;
    this.#shutdown();
  }

  #shutdown(): void {
    this.#stopped = true;
    this.#clearIdle();
    this.#clearReconnect();
    this.#teardownSocket();
    globalThis.removeEventListener?.('online', this.#onOnline);
    this.#setStatus('closed');
  }

  /** Calls `handler` for every event on `topic`; returns the function that undoes it. */
  subscribe(topic: string, handler: Handler): () => void {
    let set = this.#handlers.get(topic);
    if (!set) {
      set = new Set();
      this.#handlers.set(topic, set);
      this.#send({ type: 'subscribe', topic });
    }
    set.add(handler);
    this.#clearIdle();
    if (this.#idleClosed && this.#urlProvider) this.connect(this.#urlProvider);
    return () => {
      const current = this.#handlers.get(topic);
      if (!current?.delete(handler) || current.size > 0) return;
      this.#handlers.delete(topic);
      this.#send({ type: 'unsubscribe', topic });
      this.#armIdle();
    };
  }

  /** Listens to status changes; returns the function that stops listening. */
  onStatus(listener: (status: RealtimeStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Listens to error frames (`forbidden`, `too_many_topics`, `bad_message`…). */
  onError(listener: (error: RealtimeServerError) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  async #open(): Promise<void> {
    const generation = ++this.#generation;
    this.#setStatus('connecting');
    globalThis.addEventListener?.('online', this.#onOnline);
    let url: string;
    try {
      url = await this.#urlProvider!();
    } catch {
      // The ticket endpoint failed (offline, token expired, server down): same back-off as a socket.
      if (generation === this.#generation && !this.#stopped) this.#scheduleReconnect();
      return;
    }
    if (generation !== this.#generation || this.#stopped) return;
    const Ctor = this.#opts.WebSocket ?? globalThis.WebSocket;
    let ws: WebSocket;
    try {
      ws = new Ctor(url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      if (this.#ws !== ws) return;
      this.#openedAt = Date.now();
      this.#setStatus('open');
      // The server forgets everything with the old socket: every topic is subscribed afresh.
      for (const topic of this.#handlers.keys()) this.#send({ type: 'subscribe', topic });
      this.#startPing();
    };
    ws.onmessage = (e: MessageEvent) => {
      if (this.#ws !== ws) return;
      this.#onFrame(e.data);
    };
    ws.onclose = () => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#stopPing();
      if (this.#openedAt && Date.now() - this.#openedAt >= this.#opts.stableAfter) this.#attempt = 0;
      this.#openedAt = 0;
      if (this.#stopped) this.#setStatus('closed');
      else this.#scheduleReconnect();
    };
    // An error is always followed by close, which decides what happens next.
    ws.onerror = () => {};
  }

  #onFrame(raw: unknown): void {
    // Any frame proves the socket is alive, not only a pong.
    if (this.#pongTimer) {
      clearTimeout(this.#pongTimer);
      this.#pongTimer = null;
    }
    if (typeof raw !== 'string') return;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    if (msg.type === 'event' && typeof msg.topic === 'string') {
      const event: RealtimeEvent = {
        topic: msg.topic,
        event: String(msg.event ?? ''),
        data: msg.data,
        id: String(msg.id ?? ''),
        at: String(msg.at ?? ''),
      };
      for (const handler of [...(this.#handlers.get(msg.topic) ?? [])]) {
        try {
          handler(event);
        } catch (err) {
          // One broken component must not starve the others of events; still surface it.
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    } else if (msg.type === 'error') {
      const error = { code: String(msg.code ?? 'error'), message: String(msg.message ?? '') };
      for (const listener of [...this.#errorListeners]) listener(error);
    }
  }

  #send(frame: Record<string, unknown>): void {
    // Frames while disconnected are dropped on purpose: onopen re-sends the whole topic set.
    if (this.#ws && this.#ws.readyState === 1) this.#ws.send(JSON.stringify(frame));
  }

  #scheduleReconnect(): void {
    this.#setStatus('closed');
    if (this.#stopped || this.#reconnectTimer) return;
    const ceiling = Math.min(this.#opts.maxDelay, this.#opts.minDelay * 2 ** this.#attempt);
    this.#attempt++;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      void this.#open();
    }, delay);
  }

  // Coming back online is the best moment to retry; waiting out a 30 s back-off would feel broken.
  #onOnline = (): void => {
    if (this.#stopped || !this.#reconnectTimer) return;
    this.#clearReconnect();
    this.#attempt = 0;
    void this.#open();
  };

  // Components come and go as a shell switches views; only a lasting silence closes the socket.
  #armIdle(): void {
    if (this.#handlers.size > 0 || this.#opts.idleTimeout <= 0 || this.#stopped || this.#idleTimer) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      this.#idleClosed = true;
      this.#shutdown();
    }, this.#opts.idleTimeout);
  }

  #clearIdle(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  #clearReconnect(): void {
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
  }

  #startPing(): void {
    this.#stopPing();
    this.#pingTimer = setInterval(() => {
      this.#send({ type: 'ping' });
      // A half-open TCP connection never closes by itself; no answer means reconnect.
      this.#pongTimer ??= setTimeout(() => {
        this.#pongTimer = null;
        // close() on a dead link can take minutes to report; abandon the socket and move on.
        const ws = this.#ws;
        this.#ws = null;
        this.#openedAt = 0;
        this.#stopPing();
        if (ws) {
          ws.onclose = null;
          ws.close(4000, 'ping timeout');
        }
        this.#scheduleReconnect();
      }, this.#opts.pongTimeout);
    }, this.#opts.pingInterval);
  }

  #stopPing(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    if (this.#pongTimer) clearTimeout(this.#pongTimer);
    this.#pingTimer = null;
    this.#pongTimer = null;
  }

  #teardownSocket(): void {
    const ws = this.#ws;
    this.#ws = null;
    this.#openedAt = 0;
    this.#stopPing();
    this.#generation++;
    if (ws && ws.readyState < 2) ws.close(1000, 'client closing');
  }

  #setStatus(status: RealtimeStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    for (const listener of [...this.#statusListeners]) listener(status);
  }
}

interface BridgeEntry {
  client: RealtimeClient;
  tenant: string | number | null;
}

// host-bridge.ts stays free of realtime concerns; the one-socket-per-bridge rule lives here. A
// WeakMap lets a bridge (and its socket bookkeeping) be collected with the shell that made it.
const clients = new WeakMap<HostBridge, BridgeEntry>();

/**
 * The shared RealtimeClient of a host bridge, connected on first use with `bridge.realtimeUrl()`.
 * It closes after a minute without topics and reopens on the next subscription.
 * When the bridge's tenant has changed since the socket was opened, the socket is reopened, because
 * a ticket (and so the socket) belongs to one tenant.
 */
export function realtimeFor(bridge: HostBridge, options?: RealtimeClientOptions): RealtimeClient {
  let entry = clients.get(bridge);
  if (!entry) {
    // Sockets of widgets that went away close after a minute instead of living as long as the page.
    const client = new RealtimeClient({ idleTimeout: 60_000, ...options });
    const created: BridgeEntry = { client, tenant: bridge.tenant };
    entry = created;
    clients.set(bridge, created);
    client.connect(() => {
      created.tenant = bridge.tenant;
      return bridge.realtimeUrl();
    });
  } else if (entry.tenant !== bridge.tenant) {
    entry.tenant = bridge.tenant;
    entry.client.reconnect();
  }
  return entry.client;
}

export interface RealtimeControllerOptions {
  /** Topics to follow; re-read before every host update, so it may depend on properties. */
  topics: () => string[];
  /** Called for every event on those topics; the host is asked to re-render afterwards. */
  onEvent: (event: RealtimeEvent) => void;
  /**
   * Where the bridge comes from. Defaults to the host's `host` property, which `WaElement` fills
   * from context (or the standalone fallback).
   */
  bridge?: () => HostBridge | undefined;
}

/**
 * Subscribes a component to realtime topics while it is connected, through its bridge's shared
 * socket. `status` mirrors the socket so a component can show "reconnecting…".
 */
export class RealtimeController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #opts: RealtimeControllerOptions;
  readonly #subs = new Map<string, () => void>();
  #client: RealtimeClient | null = null;
  #offStatus: (() => void) | null = null;
  #connected = false;

  constructor(host: ReactiveControllerHost & HTMLElement, options: RealtimeControllerOptions) {
    this.#host = host;
    this.#opts = options;
    host.addController(this);
  }

  get status(): RealtimeStatus {
    return this.#client?.status ?? 'closed';
  }

  get client(): RealtimeClient | null {
    return this.#client;
  }

  hostConnected(): void {
    this.#connected = true;
    this.#sync();
  }

  // Topics may follow properties (a conversation id), and the bridge may arrive through context
  // after connection: both are re-checked before each render.
  hostUpdate(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    this.#connected = false;
    for (const off of this.#subs.values()) off();
    this.#subs.clear();
    this.#offStatus?.();
    this.#offStatus = null;
    this.#client = null;
  }

  #sync(): void {
    if (!this.#connected) return;
    const bridge = this.#opts.bridge ? this.#opts.bridge() : (this.#host as { host?: HostBridge }).host;
    const client = bridge ? realtimeFor(bridge) : null;
    if (client !== this.#client) {
      for (const off of this.#subs.values()) off();
      this.#subs.clear();
      this.#offStatus?.();
      this.#client = client;
      this.#offStatus = client?.onStatus(() => this.#host.requestUpdate()) ?? null;
    }
    if (!client) return;
    const wanted = new Set(this.#opts.topics().filter(Boolean));
    for (const [topic, off] of this.#subs) {
      if (!wanted.has(topic)) {
        off();
        this.#subs.delete(topic);
      }
    }
    for (const topic of wanted) {
      if (this.#subs.has(topic)) continue;
      this.#subs.set(
        topic,
        client.subscribe(topic, (event) => {
          this.#opts.onEvent(event);
          this.#host.requestUpdate();
        }),
      );
    }
  }
}
