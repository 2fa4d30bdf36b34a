// The host bridge hides where a widget runs: our console (cookie session), a site owner's page
// (script tag, embed token), the Shopify admin or HubSpot. Components only talk to this interface.
import { ApiClient, ApiError } from './api-client.ts';

export type HostKind = 'console' | 'script' | 'shopify' | 'hubspot';
export type ThemeName = 'light' | 'dark' | 'auto';

export interface ToastOptions {
  kind?: 'info' | 'success' | 'error';
  /** Milliseconds before it disappears; 0 keeps it until dismissed. */
  duration?: number;
}

export interface HostBridge {
  readonly kind: HostKind;
  readonly api: ApiClient;
  /** Which token set the host wants: the Shopify admin gets a Polaris-like scale, HubSpot a Canvas-like one. */
  readonly look: 'default' | 'polaris' | 'canvas';
  theme: ThemeName;
  /** Tenant the widgets act in (null until known). */
  tenant: string | number | null;
  /** Our server's origin as the page reaches it (for links and snippets a widget shows). */
  readonly serverOrigin: string;
  /** A WebSocket URL with a fresh single-use ticket for the current tenant. */
  realtimeUrl(): Promise<string>;
  /** Shows a notification the host's way (our toast region, or the host's own toasts). */
  toast(message: string, options?: ToastOptions): void;
  /** Asks the host to navigate (shells route; embedded hosts may ignore). */
  navigate?(path: string): void;
}

export interface BridgeOptions {
  baseUrl: string;
  tenant?: string | number | null;
  theme?: ThemeName;
  toast?: (message: string, options?: ToastOptions) => void;
}

abstract class BaseBridge implements HostBridge {
  abstract readonly kind: HostKind;
  readonly look: 'default' | 'polaris' | 'canvas' = 'default';
  abstract readonly api: ApiClient;
  theme: ThemeName;
  protected readonly opts: BridgeOptions;
  #tenant: string | number | null;

  constructor(opts: BridgeOptions) {
    this.opts = opts;
    this.theme = opts.theme ?? 'auto';
    this.#tenant = opts.tenant ?? null;
  }

  get tenant() {
    return this.#tenant;
  }

  get serverOrigin(): string {
    return new URL(this.opts.baseUrl, globalThis.location?.href).origin;
  }
  set tenant(value: string | number | null) {
    this.#tenant = value;
    this.api.setTenant(value);
  }

  async realtimeUrl(): Promise<string> {
    const { url } = await this.api.post<{ url: string }>('/api/v1/realtime/ticket');
    // The server names its public URL; keep the page's own host when they differ (dev proxies).
    const u = new URL(url);
    const base = new URL(this.opts.baseUrl, globalThis.location?.href);
    u.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    u.host = base.host;
    return u.href;
  }

  toast(message: string, options?: ToastOptions) {
    if (this.opts.toast) this.opts.toast(message, options);
    else globalThis.dispatchEvent(new CustomEvent('wa-toast', { detail: { message, ...options } }));
  }
}

/** Our own console: same origin, the HttpOnly session cookie authenticates. */
export class ConsoleBridge extends BaseBridge {
  readonly kind = 'console' as const;
  readonly api: ApiClient;
  constructor(opts: BridgeOptions & { navigate?: (path: string) => void }) {
    super(opts);
    this.api = new ApiClient({ baseUrl: opts.baseUrl, tenant: opts.tenant ?? undefined });
    if (opts.navigate) this.navigate = opts.navigate;
  }
  navigate?(path: string): void;
}

export interface ScriptBridgeOptions extends BridgeOptions {
  /** A ready embed token (short-lived; needs tokenEndpoint to be refreshed). */
  token?: string | null;
  /** Same-origin endpoint on the site owner's backend that returns `{ token, expiresAt }`. */
  tokenEndpoint?: string | null;
  /**
   * The tenant's publishable key (`wpk_…`), for visitor-facing widgets on a page whose origin the
   * tenant allows: the bridge starts and renews an anonymous visitor session with it.
   */
  publishableKey?: string | null;
}

const VISITOR_ID_KEY = 'wa-visitor-id';

/**
 * A site owner's page. Two ways to act: with an embed token minted by the site owner's backend
 * (through our API with their API token) and refreshed from their token endpoint before it
 * expires; or, for visitor-facing widgets, with a visitor session started from the tenant's
 * publishable key, which the server grants only to pages on the tenant's origin allow-list.
 */
export class ScriptBridge extends BaseBridge {
  readonly kind = 'script' as const;
  readonly api: ApiClient;
  #token: string | null;
  #expiresAt = 0;
  #pending: Promise<string | null> | null = null;

  constructor(opts: ScriptBridgeOptions) {
    super(opts);
    this.#token = opts.token ?? null;
    if (this.#token) this.#expiresAt = expiryOf(this.#token);
    this.api = new ApiClient({
      baseUrl: opts.baseUrl,
      token: () => this.#currentToken(),
      refreshToken: () => this.#refresh(),
    });
  }

  /** The anonymous visitor's id (publishable-key mode), kept in the browser so visits connect. */
  visitorId: string | null = null;

  get #canRefresh(): boolean {
    const o = this.opts as ScriptBridgeOptions;
    return Boolean(o.tokenEndpoint || o.publishableKey);
  }

  async #currentToken(): Promise<string | null> {
    // Renew two minutes before expiry so a request never leaves with a token about to expire.
    if (this.#token && Date.now() < this.#expiresAt - 0.2 * 600_000) return this.#token;
    if (!this.#canRefresh) return this.#token;
    return this.#refresh();
  }

  #refresh(): Promise<string | null> {
    if (!this.#canRefresh) return Promise.resolve(this.#token);
    this.#pending ??= (async () => {
      try {
        const token = (this.opts as ScriptBridgeOptions).tokenEndpoint
          ? await this.#fromEndpoint()
          : await this.#visitorSession();
        this.#token = token;
        this.#expiresAt = expiryOf(token);
        return token;
      } finally {
        this.#pending = null;
      }
    })();
    return this.#pending;
  }

  async #fromEndpoint(): Promise<string> {
    const endpoint = (this.opts as ScriptBridgeOptions).tokenEndpoint!;
    const res = await fetch(endpoint, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`Token endpoint answered ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  }

  async #visitorSession(): Promise<string> {
    const stored = this.visitorId ?? readVisitorId();
    const url = new URL('/api/v1/visitor/sessions', new URL(this.opts.baseUrl, globalThis.location?.href));
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ publishableKey: (this.opts as ScriptBridgeOptions).publishableKey, visitorId: stored ?? undefined }),
    });
    const body = (await res.json().catch(() => null)) as {
      token?: string;
      visitorId?: string;
      error?: { code: string; message: string };
      requestId?: string;
    } | null;
    if (!res.ok || !body?.token) {
      throw new ApiError(
        res.status,
        body?.error?.code ?? 'visitor_session_failed',
        body?.error?.message ?? `Could not start a visitor session (${res.status}).`,
        body?.requestId ?? null,
      );
    }
    this.visitorId = body.visitorId ?? null;
    if (this.visitorId) writeVisitorId(this.visitorId);
    return body.token;
  }
}

// Storage can be blocked (privacy modes, sandboxed iframes); the visitor then just gets a new id.
function readVisitorId(): string | null {
  try {
    return globalThis.localStorage?.getItem(VISITOR_ID_KEY) ?? null;
  } catch {
    return null;
  }
}
function writeVisitorId(id: string) {
  try {
    globalThis.localStorage?.setItem(VISITOR_ID_KEY, id);
  } catch {
    /* not remembered: fine */
  }
}

/** Reads `exp` from a JWT without verifying it (the server verifies; this only schedules refresh). */
export function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return (payload.exp ?? 0) * 1000;
  } catch {
    return 0;
  }
}

/** Shopify admin: App Bridge session tokens. Arrives with the Shopify integration issue. */
export class ShopifyBridge extends BaseBridge {
  readonly kind = 'shopify' as const;
  override readonly look = 'polaris' as const;
  readonly api: ApiClient;
  constructor(opts: BridgeOptions & { idToken: () => Promise<string> }) {
    super(opts);
    this.api = new ApiClient({ baseUrl: opts.baseUrl, token: opts.idToken, refreshToken: opts.idToken });
  }
}

/** HubSpot iframe: an embed token handed over in the URL fragment. Arrives with the HubSpot issue. */
export class HubSpotBridge extends BaseBridge {
  readonly kind = 'hubspot' as const;
  override readonly look = 'canvas' as const;
  readonly api: ApiClient;
  constructor(opts: BridgeOptions & { token: string }) {
    super(opts);
    this.api = new ApiClient({ baseUrl: opts.baseUrl, token: () => opts.token });
  }
}
