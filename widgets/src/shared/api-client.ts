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
    const res = await this.#fetch(method, path, body === undefined ? undefined : { json: body }, opts, retried);
    if (res.status === 204) return undefined as T;
    const data = (await res.json().catch(() => null)) as unknown;
    if (!res.ok) throw errorFrom(res.status, data, res.headers.get('x-request-id'));
    return data as T;
  }

  /** The bytes at `path` (media behind our auth, which an <img src> could not send a bearer token for). */
  async blob(path: string, opts: RequestOptions = {}): Promise<Blob> {
    const res = await this.#fetch('GET', path, undefined, opts, false, '*/*');
    if (!res.ok) {
      const data = (await res.json().catch(() => null)) as unknown;
      throw errorFrom(res.status, data, res.headers.get('x-request-id'));
    }
    return res.blob();
  }

  /**
   * POSTs a file as the raw request body (its MIME type as Content-Type, its name URI-encoded in
   * X-Filename) and returns the JSON answer. With `onProgress` the upload goes through
   * XMLHttpRequest, the one browser API that reports upload progress.
   */
  async upload<T>(path: string, file: Blob, opts: UploadOptions = {}, retried = false): Promise<T> {
    const raw = {
      body: file,
      contentType: file.type || 'application/octet-stream',
      headers: opts.filename ? { 'x-filename': encodeURIComponent(opts.filename) } : undefined,
    };
    if (!opts.onProgress || typeof XMLHttpRequest === 'undefined' || this.#opts.fetch) {
      const res = await this.#fetch('POST', path, { raw }, opts, retried);
      const data = (await res.json().catch(() => null)) as unknown;
      if (!res.ok) throw errorFrom(res.status, data, res.headers.get('x-request-id'));
      return data as T;
    }
    const { url, headers, token } = await this.#prepare(path, opts);
    headers['content-type'] = raw.contentType;
    Object.assign(headers, raw.headers);
    const onProgress = opts.onProgress;
    const out = await new Promise<{ status: number; data: unknown; requestId: string | null }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url.href);
      for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        let data: unknown;
        try {
          data = JSON.parse(xhr.responseText) as unknown;
        } catch {
          data = null;
        }
        resolve({ status: xhr.status, data, requestId: xhr.getResponseHeader('x-request-id') });
      };
      xhr.onerror = () => reject(new TypeError('Failed to fetch'));
      xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
      opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    });
    if (out.status === 401 && token && this.#opts.refreshToken && !retried) {
      await this.#opts.refreshToken();
      return this.upload<T>(path, file, opts, true);
    }
    if (out.status < 200 || out.status >= 300) throw errorFrom(out.status, out.data, out.requestId);
    return out.data as T;
  }

  async #prepare(path: string, opts: RequestOptions, accept = 'application/json') {
    const url = new URL(path, this.#opts.baseUrl);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept };
    if (this.#opts.tenant !== undefined) headers['x-tenant-id'] = String(this.#opts.tenant);
    const token = await this.#opts.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    return { url, headers, token };
  }

  async #fetch(
    method: string,
    path: string,
    payload: { json?: unknown; raw?: { body: Blob; contentType: string; headers?: Record<string, string> } } | undefined,
    opts: RequestOptions,
    retried: boolean,
    accept?: string,
  ): Promise<Response> {
    const { url, headers, token } = await this.#prepare(path, opts, accept);
    let body: BodyInit | undefined;
    if (payload?.raw) {
      headers['content-type'] = payload.raw.contentType;
      Object.assign(headers, payload.raw.headers);
      body = payload.raw.body;
    } else if (payload) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(payload.json);
    }
    const res = await (this.#opts.fetch ?? fetch)(url, {
      method,
      headers,
      body,
      signal: opts.signal,
      credentials: token ? 'omit' : 'same-origin',
    });
    if (res.status === 401 && token && this.#opts.refreshToken && !retried) {
      await this.#opts.refreshToken();
      return this.#fetch(method, path, payload, opts, true, accept);
    }
    return res;
  }
}

export interface UploadOptions extends RequestOptions {
  /** Sent URI-encoded in X-Filename. */
  filename?: string;
  /** Called with 0…1 while the body is sent. */
  onProgress?: (fraction: number) => void;
}

function errorFrom(status: number, data: unknown, header: string | null): ApiError {
  const e = (data as ApiErrorBody | null)?.error;
  // Cross-origin embeds only see X-Request-Id when CORS exposes it; the body carries it too.
  const requestId = header ?? (data as ApiErrorBody | null)?.requestId ?? null;
  return new ApiError(status, e?.code ?? 'http_error', e?.message ?? `Request failed (${status})`, requestId, e?.details);
}
