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
  /** How long before expiry to renew: 20 % of the token's lifetime. */
  #margin = DEFAULT_REFRESH_MARGIN_MS;
  #pending: Promise<string | null> | null = null;

  constructor(opts: ScriptBridgeOptions) {
    super(opts);
    this.#token = opts.token ?? null;
    if (this.#token) this.#remember(this.#token);
    this.api = new ApiClient({
      baseUrl: opts.baseUrl,
      tenant: opts.tenant ?? undefined,
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
    // Renew ahead of expiry so a request never leaves with a token about to expire.
    if (this.#token && Date.now() < this.#expiresAt - this.#margin) return this.#token;
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
        this.#remember(token);
        return token;
      } finally {
        this.#pending = null;
      }
    })();
    return this.#pending;
  }

  #remember(token: string) {
    const { iat, exp } = claimsOf(token);
    this.#token = token;
    this.#expiresAt = (exp ?? 0) * 1000;
    this.#margin = iat !== undefined && exp !== undefined && exp > iat ? (exp - iat) * 200 : DEFAULT_REFRESH_MARGIN_MS;
  }

  async #fromEndpoint(): Promise<string> {
    const endpoint = (this.opts as ScriptBridgeOptions).tokenEndpoint!;
    const res = await fetch(endpoint, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!res.ok) {
      throw new ApiError(res.status, 'token_endpoint_failed', `The token endpoint ${endpoint} answered ${res.status}.`, null);
    }
    const body = (await res.json().catch(() => null)) as { token?: unknown } | null;
    if (typeof body?.token !== 'string' || !body.token) {
      throw new ApiError(
        res.status,
        'token_endpoint_invalid',
        `The token endpoint ${endpoint} must answer JSON of the form { "token": "…" }.`,
        null,
      );
    }
    return body.token;
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
    if (!res.ok || typeof body?.token !== 'string' || !body.token) {
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

/** Renewal margin when a token does not say when it was issued. */
const DEFAULT_REFRESH_MARGIN_MS = 120_000;

/** Reads `iat` and `exp` (seconds) from a JWT without verifying it (the server verifies; this only schedules refresh). */
function claimsOf(token: string): { iat?: number; exp?: number } {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    return { iat: num(payload.iat), exp: num(payload.exp) };
  } catch {
    return {};
  }
}

/** Reads `exp` from a JWT without verifying it, in milliseconds (0 when absent or unreadable). */
export function expiryOf(token: string): number {
  return (claimsOf(token).exp ?? 0) * 1000;
}

/** Shopify admin: App Bridge session tokens. Arrives with the Shopify integration issue. */
export class ShopifyBridge extends BaseBridge {
  readonly kind = 'shopify' as const;
  override readonly look = 'polaris' as const;
  readonly api: ApiClient;
  constructor(opts: BridgeOptions & { idToken: () => Promise<string> }) {
    super(opts);
    this.api = new ApiClient({
      baseUrl: opts.baseUrl,
      tenant: opts.tenant ?? undefined,
      token: opts.idToken,
      refreshToken: opts.idToken,
    });
  }
}

/**
 * HubSpot iframe: an embed token handed over in the URL fragment, renewed through `refreshToken`
 * (when given) once the server refuses it. Arrives with the HubSpot issue.
 */
export class HubSpotBridge extends BaseBridge {
  readonly kind = 'hubspot' as const;
  override readonly look = 'canvas' as const;
  readonly api: ApiClient;
  #token: string;
  constructor(opts: BridgeOptions & { token: string; refreshToken?: () => Promise<string> }) {
    super(opts);
    this.#token = opts.token;
    const refresh = opts.refreshToken;
    this.api = new ApiClient({
      baseUrl: opts.baseUrl,
      tenant: opts.tenant ?? undefined,
      token: () => this.#token,
      ...(refresh ? { refreshToken: async () => (this.#token = await refresh()) } : {}),
    });
  }
}
