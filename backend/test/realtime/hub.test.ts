// The hub's contract with the browser: who may connect, what a frame may ask for, and above all that
// events never cross a tenant or topic boundary. Uses the in-process bus and a fake authenticate.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { createEventBus, createRealtimeHub } from '../../src/realtime/index.ts';
import type { ManagedEventBus, RealtimeHub, RealtimePrincipal } from '../../src/realtime/index.ts';

const silent = pino({ level: 'silent' });

/** Collects everything a connection receives so a test can wait for the next frame or assert silence. */
class TestClient {
  readonly ws: WebSocket;
  readonly received: Record<string, unknown>[] = [];
  waiters: { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  closeCode: number | null = null;
  readonly closed: Promise<number>;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as Record<string, unknown>;
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(msg);
      else this.received.push(msg);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        for (const w of this.waiters.splice(0)) w.reject(new Error(`closed with ${code}`));
        resolve(code);
      }),
    );
  }

  next(timeoutMs = 2000): Promise<Record<string, unknown>> {
    const queued = this.received.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (m: Record<string, unknown>) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('timed out waiting for a frame'));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  async request(msg: unknown): Promise<Record<string, unknown>> {
    this.send(msg);
    return this.next();
  }

  async subscribe(topic: string): Promise<void> {
    expect(await this.request({ type: 'subscribe', topic })).to.deep.equal({ type: 'subscribed', topic });
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}

function connect(url: string, options?: { autoPong?: boolean }): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const client = new TestClient(ws);
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

/** Attempts an upgrade that is expected to be refused and reports the HTTP status. */
function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', () => {});
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('upgrade unexpectedly succeeded'));
    });
    ws.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      req.destroy();
    });
  });
}

interface Fixture {
  server: http.Server;
  bus: ManagedEventBus;
  hub: RealtimeHub;
  tickets: Map<string, RealtimePrincipal>;
  url(ticket?: string): string;
  clients: TestClient[];
  connectAs(ticket: string, options?: { autoPong?: boolean }): Promise<TestClient>;
  teardown(): Promise<void>;
}

async function startFixture(overrides: Partial<Parameters<typeof createRealtimeHub>[0]> = {}, logger = silent): Promise<Fixture> {
  const server = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const bus = createEventBus({ redisUrl: null, logger });
  const tickets = new Map<string, RealtimePrincipal>([
    ['t1-agent', { tenantId: 1, userId: 11, role: 'agent', kind: 'session' }],
    ['t1-other', { tenantId: 1, userId: 12, role: 'agent', kind: 'session' }],
    ['t2-agent', { tenantId: 2, userId: 21, role: 'agent', kind: 'session' }],
  ]);
  const hub = createRealtimeHub({
    server,
    path: '/ws',
    bus,
    logger,
    authenticate: async (req) => {
      const ticket = new URL(req.url ?? '/', 'http://localhost').searchParams.get('ticket');
      return (ticket && tickets.get(ticket)) || null;
    },
    ...overrides,
  });
  const clients: TestClient[] = [];
  const url = (ticket?: string): string => `ws://127.0.0.1:${port}/ws${ticket ? `?ticket=${encodeURIComponent(ticket)}` : ''}`;
  return {
    server,
    bus,
    hub,
    tickets,
    url,
    clients,
    async connectAs(ticket, options) {
      const client = await connect(url(ticket), options);
      clients.push(client);
      expect(await client.next()).to.deep.equal({ type: 'welcome', tenantId: tickets.get(ticket)!.tenantId });
      return client;
    },
    async teardown() {
      await Promise.all(clients.map((c) => c.close()));
      await hub.close();
      await bus.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('realtime hub', () => {
  let fx: Fixture;

  afterEach(async () => {
    await fx?.teardown();
  });

  describe('handshake', () => {
    beforeEach(async () => {
      fx = await startFixture();
    });

    it('refuses an upgrade without credentials with 401', async () => {
      expect(await refusedStatus(fx.url())).to.equal(401);
      expect(await refusedStatus(fx.url('forged'))).to.equal(401);
      expect(fx.hub.clientCount()).to.equal(0);
    });

    it('answers 404 for other paths when no other upgrade handler exists', async () => {
      expect(await refusedStatus(fx.url('t1-agent').replace('/ws?', '/other?'))).to.equal(404);
    });

    it('greets an authenticated client with its tenant and counts it', async () => {
      await fx.connectAs('t1-agent');
      expect(fx.hub.clientCount()).to.equal(1);
    });

    it('authenticates before the upgrade completes', async () => {
      let authenticated = false;
      await fx.teardown();
      fx = await startFixture({
        authenticate: async () => {
          await new Promise((r) => setTimeout(r, 50));
          authenticated = true;
          return null;
        },
      });
      expect(await refusedStatus(fx.url('t1-agent'))).to.equal(401);
      expect(authenticated).to.equal(true);
    });

    it('answers 500 and stays up when authenticate throws', async () => {
      await fx.teardown();
      fx = await startFixture({
        authenticate: async () => {
          throw new Error('database down');
        },
      });
      expect(await refusedStatus(fx.url('t1-agent'))).to.equal(500);
    });
  });

  describe('upgrade handler coexistence', () => {
    it('leaves other paths to another upgrade handler', async () => {
      fx = await startFixture();
      const seen: string[] = [];
      fx.server.on('upgrade', (req, socket) => {
        if (!req.url?.startsWith('/other')) return;
        seen.push(req.url);
        socket.end('HTTP/1.1 418 I am a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
      expect(await refusedStatus(fx.url('t1-agent').replace('/ws?', '/other?'))).to.equal(418);
      expect(seen).to.have.length(1);
      // The hub's own path still works alongside it.
      await fx.connectAs('t1-agent');
    });
  });

  describe('delivery', () => {
    beforeEach(async () => {
      fx = await startFixture();
    });

    it('delivers events on a subscribed topic of the client tenant', async () => {
      const client = await fx.connectAs('t1-agent');
      await client.subscribe('conversations');
      await fx.bus.publish({ tenantId: 1, topic: 'conversations', type: 'message.created', data: { id: 7 } });
      const frame = await client.next();
      expect(frame).to.include({ type: 'event', topic: 'conversations', event: 'message.created' });
      expect(frame.data).to.deep.equal({ id: 7 });
      expect(frame.id).to.be.a('string').and.not.empty;
      expect(frame.at).to.be.a('string').and.not.empty;
    });

    it('keeps the ids a producer chose', async () => {
      const client = await fx.connectAs('t1-agent');
      await client.subscribe('conversations');
      await fx.bus.publish({
        tenantId: 1,
        topic: 'conversations',
        type: 'x',
        data: null,
        id: 'evt-1',
        at: '2025-01-01T00:00:00.000Z',
      });
      expect(await client.next()).to.include({ id: 'evt-1', at: '2025-01-01T00:00:00.000Z' });
    });

    it("never delivers another tenant's event on the same topic name", async () => {
      const mine = await fx.connectAs('t1-agent');
      const theirs = await fx.connectAs('t2-agent');
      await mine.subscribe('conversations');
      await theirs.subscribe('conversations');

      await fx.bus.publish({ tenantId: 2, topic: 'conversations', type: 'secret', data: { tenant: 2 } });
      await fx.bus.publish({ tenantId: 1, topic: 'conversations', type: 'marker', data: null });

      // Events arrive in publish order, so the marker arriving first proves the tenant-2 event was skipped.
      expect(await mine.next()).to.include({ event: 'marker' });
      expect(await theirs.next()).to.include({ event: 'secret' });
      expect(mine.received).to.deep.equal([]);
    });

    it('delivers to every subscribed client of the tenant', async () => {
      const a = await fx.connectAs('t1-agent');
      const b = await fx.connectAs('t1-other');
      await a.subscribe('conversations');
      await b.subscribe('conversations');
      await fx.bus.publish({ tenantId: 1, topic: 'conversations', type: 'hello', data: 1 });
      expect(await a.next()).to.include({ event: 'hello' });
      expect(await b.next()).to.include({ event: 'hello' });
    });

    it('does not deliver topics the client did not subscribe to', async () => {
      const client = await fx.connectAs('t1-agent');
      await client.subscribe('conversations');
      await fx.bus.publish({ tenantId: 1, topic: 'campaigns', type: 'unwanted', data: null });
      await fx.bus.publish({ tenantId: 1, topic: 'conversations', type: 'marker', data: null });
      expect(await client.next()).to.include({ topic: 'conversations', event: 'marker' });
    });

    it('stops delivering after unsubscribe', async () => {
      const client = await fx.connectAs('t1-agent');
      await client.subscribe('conversations');
      await client.subscribe('campaigns');
      expect(await client.request({ type: 'unsubscribe', topic: 'conversations' })).to.deep.equal({
        type: 'unsubscribed',
        topic: 'conversations',
      });
      await fx.bus.publish({ tenantId: 1, topic: 'conversations', type: 'unwanted', data: null });
      await fx.bus.publish({ tenantId: 1, topic: 'campaigns', type: 'marker', data: null });
      expect(await client.next()).to.include({ topic: 'campaigns', event: 'marker' });
    });

    it('treats a repeated subscribe as one subscription', async () => {
      const client = await fx.connectAs('t1-agent');
      await client.subscribe('conversations');
      await client.subscribe('conversations');
      await fx.bus.publish({ tenantId: 1, topic: 'conversations', type: 'once', data: null });
      await fx.bus.publish({ tenantId: 1, topic: 'conversations', type: 'marker', data: null });
      expect(await client.next()).to.include({ event: 'once' });
      expect(await client.next()).to.include({ event: 'marker' });
    });

    it('rejects producer mistakes at publish time', async () => {
      let error: unknown;
      try {
        await fx.bus.publish({ tenantId: 0, topic: 'conversations', type: 'x', data: null });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(TypeError);
    });
  });

  describe('client protocol', () => {
    beforeEach(async () => {
      fx = await startFixture({
        canSubscribe: (principal, topic) => !(topic.startsWith('admin.') && principal.role !== 'admin'),
        maxTopicsPerClient: 3,
      });
    });

    it('answers ping with pong', async () => {
      const client = await fx.connectAs('t1-agent');
      expect(await client.request({ type: 'ping' })).to.deep.equal({ type: 'pong' });
    });

    it('answers bad frames with an error frame and keeps the connection open', async () => {
      const client = await fx.connectAs('t1-agent');
      const bad: unknown[] = [
        'not json',
        '[1,2]',
        'null',
        '"subscribe"',
        { type: 'nope' },
        { noType: true },
        { type: 'subscribe' },
        { type: 'subscribe', topic: 'Bad Topic' },
        { type: 'subscribe', topic: '-leading-dash' },
        { type: 'subscribe', topic: 'x'.repeat(101) },
        { type: 'subscribe', topic: 42 },
        { type: 'unsubscribe', topic: '' },
      ];
      for (const frame of bad) {
        const reply = await client.request(frame);
        expect(reply, JSON.stringify(frame)).to.include({ type: 'error', code: 'bad_message' });
        expect(reply.message).to.be.a('string').and.not.empty;
      }
      client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      expect(await client.next()).to.include({ type: 'error', code: 'bad_message' });

      expect(client.ws.readyState).to.equal(WebSocket.OPEN);
      expect(await client.request({ type: 'ping' })).to.deep.equal({ type: 'pong' });
    });

    it('accepts the longest valid topic name', async () => {
      const client = await fx.connectAs('t1-agent');
      await client.subscribe(`a${'b'.repeat(99)}`);
      await client.subscribe('conversation:42.messages_x-y');
    });

    it('reports a topic refused by canSubscribe as forbidden and delivers nothing on it', async () => {
      const client = await fx.connectAs('t1-agent');
      expect(await client.request({ type: 'subscribe', topic: 'admin.audit' })).to.include({
        type: 'error',
        code: 'forbidden',
      });
      await client.subscribe('conversations');
      await fx.bus.publish({ tenantId: 1, topic: 'admin.audit', type: 'unwanted', data: null });
      await fx.bus.publish({ tenantId: 1, topic: 'conversations', type: 'marker', data: null });
      expect(await client.next()).to.include({ event: 'marker' });
    });

    it('fails closed when canSubscribe throws', async () => {
      await fx.teardown();
      fx = await startFixture({
        canSubscribe: () => {
          throw new Error('policy bug');
        },
      });
      const client = await fx.connectAs('t1-agent');
      expect(await client.request({ type: 'subscribe', topic: 'conversations' })).to.include({
        code: 'forbidden',
      });
    });

    it('caps the number of topics per connection', async () => {
      const client = await fx.connectAs('t1-agent');
      await client.subscribe('a');
      await client.subscribe('b');
      await client.subscribe('c');
      expect(await client.request({ type: 'subscribe', topic: 'd' })).to.include({ code: 'too_many_topics' });
      await client.subscribe('a');
    });

    it('closes a connection that sends an oversized frame (1009)', async () => {
      const client = await fx.connectAs('t1-agent');
      client.ws.on('error', () => {});
      client.send({ type: 'ping', pad: 'x'.repeat(17 * 1024) });
      expect(await client.closed).to.equal(1009);
    });
  });

  describe('heartbeat', () => {
    it('terminates clients that do not answer pings and keeps those that do', async () => {
      fx = await startFixture({ heartbeatMs: 40 });
      const healthy = await fx.connectAs('t1-agent');
      const dead = await fx.connectAs('t1-other', { autoPong: false });
      await dead.closed;
      expect(dead.closeCode).to.equal(1006);
      // Several heartbeat rounds later the answering client is still connected.
      await new Promise((r) => setTimeout(r, 150));
      expect(healthy.ws.readyState).to.equal(WebSocket.OPEN);
      expect(fx.hub.clientCount()).to.equal(1);
    });
  });

  describe('close()', () => {
    it('closes clients with 1001, stops taking upgrades and leaves the bus', async () => {
      fx = await startFixture();
      const a = await fx.connectAs('t1-agent');
      const b = await fx.connectAs('t2-agent');
      await fx.hub.close();
      expect(await a.closed).to.equal(1001);
      expect(await b.closed).to.equal(1001);
      expect(fx.hub.clientCount()).to.equal(0);
      expect(fx.server.listenerCount('upgrade')).to.equal(0);
      // With the hub gone and no other handler, the upgrade is no longer answered; the socket is left
      // to the http server, which destroys it.
      let refused = false;
      await connect(fx.url('t1-agent')).catch(() => {
        refused = true;
      });
      expect(refused).to.equal(true);
      await fx.hub.close();
    });
  });

  describe('logging', () => {
    it('logs connections without ticket, cookie or header values', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      });
      fx = await startFixture({}, pino({ level: 'debug' }, sink));
      fx.tickets.set('very-secret-ticket', { tenantId: 3, userId: 31, role: 'agent', kind: 'session' });
      const client = await connect(fx.url('very-secret-ticket'));
      fx.clients.push(client);
      await client.next();
      await new Promise<void>((resolve) => {
        const ws = new WebSocket(fx.url('wrong-secret-ticket'), { headers: { cookie: 'sid=cookie-secret' } });
        ws.on('error', () => resolve());
      });
      await client.close();
      const log = lines.join('');
      expect(log).to.contain('realtime client connected');
      expect(log).to.contain('realtime upgrade refused');
      expect(log).not.to.match(/secret|ticket=|cookie/i);
    });
  });
});
