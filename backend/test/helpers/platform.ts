// Starts the real product (createPlatform) on a fresh database and a free port, captures its log
// lines (so tests can grep them for secrets) and gives a small HTTP client with a cookie jar.
import net from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig, type Env } from '../../src/config.ts';
import { createPlatform, type Platform } from '../../src/platform.ts';
import { freshDatabase, type FreshDatabase } from './db.ts';

export const TEST_KEYS = 'test1:' + Buffer.alloc(32, 7).toString('base64');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestPlatform {
  platform: Platform;
  url: string;
  logs: string[];
  announced: string[];
  db: FreshDatabase;
  client(): HttpClient;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Env;
  /** Reuse a database (several instances on one database); otherwise a fresh one is made. */
  db?: FreshDatabase;
}

export async function startPlatform(opts: StartOptions = {}): Promise<TestPlatform> {
  const db = opts.db ?? (await freshDatabase());
  const port = await freePort();
  const logs: string[] = [];
  const announced: string[] = [];
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: db.url,
    DATA_DIR: db.dataDir,
    ENCRYPTION_KEYS: TEST_KEYS,
    LOG_LEVEL: 'debug',
    DEMO: '0',
    JOBS_POLL_MS: '100',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    SHUTDOWN_TIMEOUT_MS: '3000',
    ...opts.env,
  });
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const platform = await createPlatform(config, { logStream, announce: (m) => announced.push(m) });
  await platform.listen();
  const url = `http://127.0.0.1:${port}`;
  return {
    platform,
    url,
    logs,
    announced,
    db,
    client: () => new HttpClient(url),
    async stop() {
      await platform.stop();
      if (!opts.db) await db.cleanup();
    },
  };
}

export interface HttpResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export class HttpClient {
  readonly base: string;
  readonly headers: Record<string, string> = {};
  cookie: string | null = null;

  constructor(base: string) {
    this.base = base;
  }

  withHeaders(h: Record<string, string>): this {
    Object.assign(this.headers, h);
    return this;
  }

  bearer(token: string): this {
    this.headers.authorization = `Bearer ${token}`;
    return this;
  }

  tenant(id: number | string): this {
    this.headers['x-tenant-id'] = String(id);
    return this;
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...this.headers, ...extra };
    if (this.cookie) headers.cookie = this.cookie;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, body: payload });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      if (pair.startsWith('wa_session=')) this.cookie = pair.endsWith('=') ? null : pair;
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers };
  }

  get<T = any>(path: string, extra?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, extra);
  }
  post<T = any>(path: string, body?: unknown, extra?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, extra);
  }
  put<T = any>(path: string, body?: unknown, extra?: Record<string, string>) {
    return this.request<T>('PUT', path, body ?? {}, extra);
  }
  patch<T = any>(path: string, body?: unknown, extra?: Record<string, string>) {
    return this.request<T>('PATCH', path, body ?? {}, extra);
  }
  delete<T = any>(path: string, extra?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, extra);
  }
}
