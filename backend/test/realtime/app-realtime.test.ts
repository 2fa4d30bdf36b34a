// The product's WebSocket end to end: a ticket from the API opens /ws; events reach only the right
// tenant; with REDIS_URL two app instances on one database fan events out to each other's clients.
import { expect } from 'chai';
import WebSocket from 'ws';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';

interface Frame {
  type: string;
  topic?: string;
  event?: string;
  data?: unknown;
  tenantId?: number;
}

async function connect(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; frames: Frame[]; next: (pred: (f: Frame) => boolean, ms?: number) => Promise<Frame> }> {
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  const waiters: Array<{ pred: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  ws.on('message', (raw) => {
    const f = JSON.parse(String(raw)) as Frame;
    frames.push(f);
    for (const w of [...waiters]) if (w.pred(f)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(f));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const next = (pred: (f: Frame) => boolean, ms = 3000) =>
    new Promise<Frame>((resolve, reject) => {
      const hit = frames.find(pred);
      if (hit) return resolve(hit);
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), ms);
      waiters.push({ pred, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  return { ws, frames, next };
}

async function ticketUrl(g: TenantGraph, role: 'agent' | 'admin' = 'agent'): Promise<string> {
  const res = await g.users[role].client.post('/api/v1/realtime/ticket');
  expect(res.status).to.equal(201);
  return res.body.url;
}

describe('real-time over the product WebSocket', () => {
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
  });
  after(async () => tp.stop());

  it('refuses a connection without a valid ticket, and a ticket used twice', async () => {
    const base = tp.url.replace('http', 'ws');
    await expectRejected(`${base}/ws`);
    await expectRejected(`${base}/ws?ticket=forged.ticket.value`);
    const url = await ticketUrl(a);
    const first = await connect(url.replace(/^ws:\/\/[^/]+/, base));
    first.ws.close();
    await expectRejected(url.replace(/^ws:\/\/[^/]+/, base));
  });

  it('delivers tenant events to subscribers of that tenant only', async () => {
    const base = tp.url.replace('http', 'ws');
    const alice = await connect((await ticketUrl(a)).replace(/^ws:\/\/[^/]+/, base));
    const bob = await connect((await ticketUrl(b)).replace(/^ws:\/\/[^/]+/, base));
    await alice.next((f) => f.type === 'welcome');
    alice.ws.send(JSON.stringify({ type: 'subscribe', topic: 'conversations' }));
    bob.ws.send(JSON.stringify({ type: 'subscribe', topic: 'conversations' }));
    await alice.next((f) => f.type === 'subscribed');
    await bob.next((f) => f.type === 'subscribed');
    await tp.platform.bus.publish({
      tenantId: a.tenantId,
      topic: 'conversations',
      type: 'message.created',
      data: { text: 'hi' },
    });
    const got = await alice.next((f) => f.type === 'event');
    expect(got).to.deep.include({ topic: 'conversations', event: 'message.created', data: { text: 'hi' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(bob.frames.filter((f) => f.type === 'event')).to.deep.equal([]);
    alice.ws.close();
    bob.ws.close();
  });

  it('accepts the console session cookie for the tenant the user belongs to', async () => {
    const base = tp.url.replace('http', 'ws');
    const cookie = a.users.agent.client.cookie!;
    const conn = await connect(`${base}/ws?tenant=${a.tenantId}`, { cookie });
    const welcome = await conn.next((f) => f.type === 'welcome');
    expect(welcome.tenantId).to.equal(a.tenantId);
    conn.ws.close();
    await expectRejected(`${base}/ws?tenant=${b.tenantId}`, { cookie });
    await expectRejected(`${base}/ws?tenant=${a.tenantId}`, { cookie, origin: 'https://evil.example' });
  });
});

async function expectRejected(url: string, headers: Record<string, string> = {}) {
  let failed = false;
  try {
    const c = await connect(url, headers);
    c.ws.close();
  } catch {
    failed = true;
  }
  expect(failed, `expected ${url} to be refused`).to.equal(true);
}

describe('real-time fan-out across two app instances (Redis)', function () {
  let one: TestPlatform;
  let two: TestPlatform;
  let g: TenantGraph;
  before(async function () {
    if (!process.env.REDIS_URL) return this.skip();
    one = await startPlatform({ env: { REDIS_URL: process.env.REDIS_URL } });
    two = await startPlatform({ db: one.db, env: { REDIS_URL: process.env.REDIS_URL } });
    g = await createTenantGraph(one);
  });
  after(async () => {
    if (!one) return;
    await two.platform.stop();
    await one.stop();
  });

  it('an event published on instance one reaches a client of instance two', async () => {
    expect(two.platform.bus.kind).to.equal('redis');
    // The ticket is minted by instance one and redeemed by instance two: any instance can check it.
    const url = (await ticketUrl(g)).replace(/^ws:\/\/[^/]+/, two.url.replace('http', 'ws'));
    const conn = await connect(url);
    conn.ws.send(JSON.stringify({ type: 'subscribe', topic: 'inbox' }));
    await conn.next((f) => f.type === 'subscribed');
    await one.platform.bus.publish({ tenantId: g.tenantId, topic: 'inbox', type: 'conversation.assigned', data: { id: 7 } });
    await one.platform.bus.publish({ tenantId: g.tenantId + 1000, topic: 'inbox', type: 'other.tenant', data: {} });
    const got = await conn.next((f) => f.type === 'event');
    expect(got).to.deep.include({ event: 'conversation.assigned', data: { id: 7 } });
    await new Promise((r) => setTimeout(r, 200));
    expect(conn.frames.filter((f) => f.event === 'other.tenant')).to.deep.equal([]);
    conn.ws.close();
  });
});
