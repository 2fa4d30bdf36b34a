// A local stand-in for graph.facebook.com for the client's tests: a real HTTP server on 127.0.0.1 that
// records every request byte for byte and answers with Meta-shaped JSON, so the client is never stubbed.
import http from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Parsed JSON body (throws if the body is not JSON). */
  json(): any;
}

export interface Reply {
  status?: number;
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** Returns a reply, or nothing after writing to `res` itself (streaming, hanging). */
export type Handler = (req: RecordedRequest, res: ServerResponse) => Reply | void | Promise<Reply | void>;

interface Route {
  method: string;
  path: string | RegExp;
  handler: Handler;
}

export class FakeGraph {
  readonly requests: RecordedRequest[] = [];
  readonly server: http.Server;
  url = '';
  #routes: Route[] = [];

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://fake');
        const body = Buffer.concat(chunks);
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: u.pathname,
          query: Object.fromEntries(u.searchParams),
          headers: req.headers,
          body,
          json: () => JSON.parse(body.toString('utf8')),
        };
        this.requests.push(recorded);
        void this.#dispatch(recorded, res);
      });
    });
  }

  static async start(): Promise<FakeGraph> {
    const fake = new FakeGraph();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Later routes win, so a test can override a default. */
  on(method: string, path: string | RegExp, reply: Handler | Reply): this {
    this.#routes.unshift({ method, path, handler: typeof reply === 'function' ? reply : () => reply });
    return this;
  }

  last(): RecordedRequest {
    const r = this.requests.at(-1);
    if (!r) throw new Error('the fake Graph server received no request');
    return r;
  }

  reset(): void {
    this.requests.length = 0;
    this.#routes = [];
    this.server.closeAllConnections();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #dispatch(req: RecordedRequest, res: ServerResponse): Promise<void> {
    const route = this.#routes.find(
      (r) => r.method === req.method && (typeof r.path === 'string' ? r.path === req.path : r.path.test(req.path)),
    );
    const reply = route
      ? await route.handler(req, res)
      : graphError(100, `Unsupported ${req.method} request to ${req.path}`, { httpStatus: 400 });
    if (!reply) return;
    const headers = { ...reply.headers };
    let body: string | Buffer = reply.body ?? '';
    if (reply.json !== undefined) {
      body = JSON.stringify(reply.json);
      headers['content-type'] ??= 'application/json; charset=UTF-8';
    }
    headers['content-length'] ??= String(Buffer.byteLength(body));
    res.writeHead(reply.status ?? 200, headers);
    res.end(body);
  }
}

/** A synchronous Graph error exactly as Meta shapes it (§9.1 of the digest). */
export function graphError(
  code: number,
  message: string,
  o: {
    httpStatus?: number;
    subcode?: number;
    details?: string;
    type?: string;
    fbtraceId?: string;
    headers?: Record<string, string>;
  } = {},
): Reply {
  const error: Record<string, unknown> = {
    message,
    type: o.type ?? 'OAuthException',
    code,
    fbtrace_id: o.fbtraceId ?? 'AbCdEf-fake-trace',
  };
  if (o.details !== undefined) error.error_data = { messaging_product: 'whatsapp', details: o.details };
  if (o.subcode !== undefined) error.error_subcode = o.subcode;
  return { status: o.httpStatus ?? 400, json: { error }, headers: o.headers };
}

/** The success answer of POST /{phone-number-id}/messages. */
export function sendAccepted(to: string, wamid: string, messageStatus?: string): Reply {
  return {
    json: {
      messaging_product: 'whatsapp',
      contacts: [{ input: to, wa_id: to.replace(/\D/g, '') }],
      messages: [messageStatus ? { id: wamid, message_status: messageStatus } : { id: wamid }],
    },
  };
}
