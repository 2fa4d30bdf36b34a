// Two app instances sharing one Redis: an event published on either reaches WebSocket clients on both,
// without crossing tenants, and shutting everything down lets the process exit. Needs REDIS_URL.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { createEventBus, createRealtimeHub } from '../../src/realtime/index.ts';
import type { ManagedEventBus, RealtimeHub, RealtimePrincipal } from '../../src/realtime/index.ts';

const REDIS_URL = process.env.REDIS_URL;

const TICKETS = new Map<string, RealtimePrincipal>([
  ['t1', { tenantId: 1, userId: 11, role: 'agent', kind: 'session' }],
  ['t2', { tenantId: 2, userId: 21, role: 'agent', kind: 'session' }],
]);

class TestClient {
  readonly ws: WebSocket;
  readonly received: Record<string, unknown>[] = [];
  waiters: ((m: Record<string, unknown>) => void)[] = [];
  readonly closed: Promise<number>;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as Record<string, unknown>;
      const waiter = this.waiters.shift();
      if (waiter) waiter(msg);
      else this.received.push(msg);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  next(timeoutMs = 3000): Promise<Record<string, unknown>> {
    const queued = this.received.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = (m: Record<string, unknown>): void => {
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('timed out waiting for a frame'));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async subscribe(topic: string): Promise<void> {
    this.ws.send(JSON.stringify({ type: 'subscribe', topic }));
    expect(await this.next()).to.deep.equal({ type: 'subscribed', topic });
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}

interface Instance {
  server: http.Server;
  bus: ManagedEventBus;
  hub: RealtimeHub;
  connectAs(ticket: string): Promise<TestClient>;
  stop(): Promise<void>;
}

async function startInstance(channel: string, logger = pino({ level: 'silent' })): Promise<Instance> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const bus = createEventBus({ redisUrl: REDIS_URL!, logger, channel });
  const hub = createRealtimeHub({
    server,
    path: '/ws',
    bus,
    logger,
    authenticate: async (req) => {
      const ticket = new URL(req.url ?? '/', 'http://localhost').searchParams.get('ticket');
      return (ticket && TICKETS.get(ticket)) || null;
    },
  });
  await bus.ready();
  const clients: TestClient[] = [];
  return {
    server,
    bus,
    hub,
    async connectAs(ticket) {
      const client = await new Promise<TestClient>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?ticket=${ticket}`);
        const c = new TestClient(ws);
        ws.once('open', () => resolve(c));
        ws.once('error', reject);
      });
      clients.push(client);
      expect(await client.next()).to.deep.equal({ type: 'welcome', tenantId: TICKETS.get(ticket)!.tenantId });
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await hub.close();
      await bus.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('realtime fan-out over Redis', function () {
  let channel: string;
  let a: Instance | undefined;
  let b: Instance | undefined;

  before(function () {
    if (!REDIS_URL) this.skip();
  });

  beforeEach(async () => {
    // Unique per run so concurrent runs against one Redis cannot see each other's events.
    channel = `wa-test:realtime:${randomUUID()}`;
  });

  afterEach(async () => {
    await a?.stop();
    await b?.stop();
    a = b = undefined;
  });

  it('is a redis bus', async () => {
    a = await startInstance(channel);
    expect(a.bus.kind).to.equal('redis');
  });

  it('delivers an event published on instance A to a client connected to instance B', async () => {
    a = await startInstance(channel);
    b = await startInstance(channel);
    const onB = await b.connectAs('t1');
    await onB.subscribe('conversations');
    await a.bus.publish({ tenantId: 1, topic: 'conversations', type: 'message.created', data: { id: 5 } });
    const frame = await onB.next();
    expect(frame).to.include({ type: 'event', topic: 'conversations', event: 'message.created' });
    expect(frame.data).to.deep.equal({ id: 5 });
    expect(frame.id).to.be.a('string').and.not.empty;
  });

  it('delivers a local event once on the publishing instance and with the same id on the other', async () => {
    a = await startInstance(channel);
    b = await startInstance(channel);
    const onA = await a.connectAs('t1');
    const onB = await b.connectAs('t1');
    await onA.subscribe('conversations');
    await onB.subscribe('conversations');
    await a.bus.publish({ tenantId: 1, topic: 'conversations', type: 'first', data: null });
    await a.bus.publish({ tenantId: 1, topic: 'conversations', type: 'second', data: null });
    const [a1, a2, b1, b2] = [await onA.next(), await onA.next(), await onB.next(), await onB.next()];
    expect([a1.event, a2.event]).to.deep.equal(['first', 'second']);
    expect([b1.event, b2.event]).to.deep.equal(['first', 'second']);
    expect(b1.id).to.equal(a1.id);
    // Redis echoes A's own publishes back to A; they must not be delivered a second time.
    await new Promise((r) => setTimeout(r, 150));
    expect(onA.received).to.deep.equal([]);
    expect(onB.received).to.deep.equal([]);
  });

  it('keeps tenants apart across instances', async () => {
    a = await startInstance(channel);
    b = await startInstance(channel);
    const tenant1OnB = await b.connectAs('t1');
    const tenant2OnA = await a.connectAs('t2');
    await tenant1OnB.subscribe('conversations');
    await tenant2OnA.subscribe('conversations');

    await a.bus.publish({ tenantId: 2, topic: 'conversations', type: 'secret', data: { tenant: 2 } });
    await a.bus.publish({ tenantId: 1, topic: 'conversations', type: 'marker', data: null });

    // One publisher connection keeps order, so the marker arriving first proves the tenant-2 event was skipped.
    expect(await tenant1OnB.next()).to.include({ event: 'marker' });
    expect(await tenant2OnA.next()).to.include({ event: 'secret' });
    expect(tenant1OnB.received).to.deep.equal([]);
  });

  it('drops and logs malformed messages on the channel and keeps working', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    a = await startInstance(channel);
    b = await startInstance(channel, pino({ level: 'debug' }, sink));
    const onB = await b.connectAs('t1');
    await onB.subscribe('conversations');

    const rogue = new Redis(REDIS_URL!);
    try {
      await rogue.publish(channel, 'not json');
      await rogue.publish(channel, JSON.stringify({ v: 1, origin: 'x', event: { tenantId: '1', topic: 'conversations' } }));
      await rogue.publish(channel, JSON.stringify([1, 2]));
    } finally {
      await rogue.quit();
    }
    await a.bus.publish({ tenantId: 1, topic: 'conversations', type: 'marker', data: null });
    expect(await onB.next()).to.include({ event: 'marker' });
    const dropped = lines.filter((l) => l.includes('dropped malformed realtime message'));
    expect(dropped).to.have.length(3);
  });

  it('lets the process exit after hub.close() and bus.close()', async function () {
    this.timeout(20000);
    // A separate process is the only honest test: mocha runs with --exit, which would hide a leaked handle.
    const here = fileURLToPath(new URL('.', import.meta.url));
    const indexUrl = pathToFileURL(fileURLToPath(new URL('../../src/realtime/index.ts', import.meta.url))).href;
    const script = `
      import http from 'node:http';
      import { pino } from 'pino';
      import { WebSocket } from 'ws';
      import { createEventBus, createRealtimeHub } from ${JSON.stringify(indexUrl)};
      const logger = pino({ level: 'silent' });
      const server = http.createServer();
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const bus = createEventBus({ redisUrl: process.env.REDIS_URL, logger, channel: ${JSON.stringify(channel)} });
      const hub = createRealtimeHub({ server, path: '/ws', bus, logger, heartbeatMs: 1000,
        authenticate: async () => ({ tenantId: 1, userId: 1, role: 'agent', kind: 'session' }) });
      await bus.ready();
      const ws = new WebSocket('ws://127.0.0.1:' + server.address().port + '/ws');
      const frames = [];
      ws.on('message', (m) => frames.push(JSON.parse(String(m))));
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ type: 'subscribe', topic: 'conversations' }));
      while (!frames.some((f) => f.type === 'subscribed')) await new Promise((r) => setTimeout(r, 10));
      await bus.publish({ tenantId: 1, topic: 'conversations', type: 'x', data: null });
      while (!frames.some((f) => f.type === 'event')) await new Promise((r) => setTimeout(r, 10));
      const closed = new Promise((r) => ws.once('close', r));
      await hub.close();
      const code = await closed;
      await bus.close();
      await new Promise((r) => server.close(r));
      process.stdout.write('done ' + code + '\\n');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: here,
      env: { ...process.env, REDIS_URL },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const started = Date.now();
    const exitCode = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('killed: process did not exit, something kept the event loop alive');
      }, 10000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code ?? -1);
      });
    });
    expect(exitCode, stderr).to.equal(0);
    expect(stdout.trim()).to.equal('done 1001');
    expect(Date.now() - started).to.be.below(10000);
  });
});
