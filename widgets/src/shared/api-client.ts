// The widgets' typed API client: fetch with an AbortSignal, errors that carry the server's stable
// code and message, and a token provider so embed tokens can be refreshed before they expire.

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
  requestId?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, requestId: string | null, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  /** Returns a bearer token (embed token) or null to rely on the console's session cookie. */
  token?: () => Promise<string | null> | string | null;
  /** Called once when the server says the token is no longer valid; return a fresh one. */
  refreshToken?: () => Promise<string | null>;
  tenant?: string | number;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
  query?: Record<string, string | number | boolean | undefined>;
}

export class ApiClient {
  readonly #opts: ApiClientOptions;
  constructor(opts: ApiClientOptions) {
    this.#opts = { ...opts };
  }

  get tenant(): string | number | undefined {
    return this.#opts.tenant;
  }

  /** The console switches tenants without rebuilding every consumer. */
  setTenant(tenant: string | number | null | undefined) {
    this.#opts.tenant = tenant ?? undefined;
  }

  get<T>(path: string, opts?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, undefined, opts);
  }
  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, body ?? {}, opts);
  }
  patch<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, body, opts);
  }
  put<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, body, opts);
  }
  delete<T>(path: string, opts?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, undefined, opts);
  }

  async request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}, retried = false): Promise<T> {
    const url = new URL(path, this.#opts.baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#opts.tenant !== undefined) headers['x-tenant-id'] = String(this.#opts.tenant);
    const token = await this.#opts.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await (this.#opts.fetch ?? fetch)(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
      credentials: token ? 'omit' : 'same-origin',
    });
    if (res.status === 401 && token && this.#opts.refreshToken && !retried) {
      await this.#opts.refreshToken();
      return this.request<T>(method, path, body, opts, true);
    }
    if (res.status === 204) return undefined as T;
    const data = (await res.json().catch(() => null)) as unknown;
    if (!res.ok) {
      const e = (data as ApiErrorBody | null)?.error;
      // Cross-origin embeds only see X-Request-Id when CORS exposes it; the body carries it too.
      const requestId = res.headers.get('x-request-id') ?? (data as ApiErrorBody | null)?.requestId ?? null;
      throw new ApiError(
        res.status,
        e?.code ?? 'http_error',
        e?.message ?? `Request failed (${res.status})`,
        requestId,
        e?.details,
      );
    }
    return data as T;
  }
}
