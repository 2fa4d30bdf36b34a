import { expect } from 'chai';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { defaultEntries, openPage, shadowText, useBrowser, waitFor, type OpenedPage } from '../helpers/browser.ts';
import type { WaTestRealtimeProbe } from './fixtures/realtime-probe.ts';

const probeEntry = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/realtime-probe.ts');

interface Connection {
  ticket: string;
  socket: WebSocket;
  frames: Array<Record<string, unknown>>;
  closed: boolean;
}

/**
 * A stand-in for the server's /ws endpoint on the harness's own HTTP server (so the bridge's
 * same-host URL rewrite applies): single-use tickets from POST /api/v1/realtime/ticket, then the
 * welcome / subscribe / ping protocol.
 */
function fakeRealtime(options: { answerPings?: boolean } = {}) {
  const issued = new Set<string>();
  const used = new Set<string>();
  const connections: Connection[] = [];
  let n = 0;
  const wss = new WebSocketServer({ noServer: true });

  const routes = {
    'POST /api/v1/realtime/ticket': () => {
      const ticket = `t${++n}`;
      issued.add(ticket);
      // A public URL on another host, as behind a proxy; the bridge keeps the page's host.
      return {
        status: 201,
        body: {
          ticket,
          expiresAt: new Date(Date.now() + 30_000).toISOString(),
          url: `wss://rt.example.invalid/ws?ticket=${ticket}`,
        },
      };
    },
  };

  function attach(opened: OpenedPage) {
    opened.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/ws' || !issued.has(ticket) || used.has(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
        return;
      }
      used.add(ticket);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const conn: Connection = { ticket, socket: ws, frames: [], closed: false };
        connections.push(conn);
        ws.on('close', () => (conn.closed = true));
        ws.on('message', (raw) => {
          const frame = JSON.parse(String(raw)) as Record<string, unknown>;
          conn.frames.push(frame);
          if (frame.type === 'subscribe') ws.send(JSON.stringify({ type: 'subscribed', topic: frame.topic }));
          if (frame.type === 'unsubscribe') ws.send(JSON.stringify({ type: 'unsubscribed', topic: frame.topic }));
          if (frame.type === 'ping' && options.answerPings !== false) ws.send(JSON.stringify({ type: 'pong' }));
        });
        ws.send(JSON.stringify({ type: 'welcome', tenantId: 7 }));
      });
    });
  }

  const subscribed = (conn: Connection | undefined, topic: string) =>
    !!conn?.frames.some((f) => f.type === 'subscribe' && f.topic === topic);

  return {
    routes,
    attach,
    connections,
    subscribed,
    close: () => {
      for (const c of connections) c.socket.terminate();
      wss.close();
    },
  };
}

async function mountProbe(page: OpenedPage['page'], topics: string[]) {
  await page.evaluate((t) => {
    const fixtures = window.wa as unknown as {
      ConsoleBridge: typeof window.wa.ConsoleBridge;
      provideBridge(el: HTMLElement, bridge: unknown): void;
    };
    const bridge = new fixtures.ConsoleBridge({ baseUrl: location.origin, tenant: 7 });
    const wrapper = document.createElement('div');
    fixtures.provideBridge(wrapper, bridge);
    const probe = document.createElement('wa-test-realtime-probe') as WaTestRealtimeProbe;
    probe.topics = t;
    wrapper.append(probe);
    document.getElementById('root')!.append(wrapper);
  }, topics);
}

describe('RealtimeController and RealtimeClient', function () {
  useBrowser();
  let rt: ReturnType<typeof fakeRealtime>;
  beforeEach(() => (rt = fakeRealtime()));
  afterEach(() => rt.close());

  it('reconnects with a fresh ticket after the server drops the socket, resubscribes, and delivers later events', async function () {
    const opened = await openPage({ entries: [...defaultEntries, probeEntry], routes: rt.routes });
    rt.attach(opened);
    const { page } = opened;
    await mountProbe(page, ['conversations']);

    await waitFor(() => rt.subscribed(rt.connections[0], 'conversations'), 5000, 'the first subscribe');
    await waitFor(async () => (await shadowText(page, 'wa-test-realtime-probe')).startsWith('open'), 2000, 'status open');

    // Dropped without a close handshake, as when a proxy or the server process dies.
    rt.connections[0].socket.terminate();
    await waitFor(async () => (await shadowText(page, 'wa-test-realtime-probe')).startsWith('closed'), 2000, 'status closed');

    await waitFor(() => rt.subscribed(rt.connections[1], 'conversations'), 5000, 'the resubscribe on a new socket');
    expect(rt.connections.map((c) => c.ticket)).to.deep.equal(['t1', 't2']);

    rt.connections[1].socket.send(
      JSON.stringify({
        type: 'event',
        topic: 'conversations',
        event: 'message.created',
        data: { text: 'hello again' },
        id: 'evt-1',
        at: new Date().toISOString(),
      }),
    );
    await waitFor(
      async () => (await shadowText(page, 'wa-test-realtime-probe')).includes('conversations message.created: hello again'),
      2000,
      'the event in the component',
    );
    expect(await shadowText(page, 'wa-test-realtime-probe')).to.match(/^open/);
  });

  it('shares one socket between components and unsubscribes a topic when its last component leaves', async function () {
    const opened = await openPage({ entries: [...defaultEntries, probeEntry], routes: rt.routes });
    rt.attach(opened);
    const { page } = opened;
    await page.evaluate(() => {
      const fixtures = window.wa as unknown as {
        ConsoleBridge: typeof window.wa.ConsoleBridge;
        provideBridge(el: HTMLElement, bridge: unknown): void;
      };
      const bridge = new fixtures.ConsoleBridge({ baseUrl: location.origin, tenant: 7 });
      const wrapper = document.createElement('div');
      fixtures.provideBridge(wrapper, bridge);
      for (const topics of [['conversations'], ['conversations', 'campaigns']]) {
        const probe = document.createElement('wa-test-realtime-probe') as WaTestRealtimeProbe;
        probe.topics = topics;
        wrapper.append(probe);
      }
      document.getElementById('root')!.append(wrapper);
    });
    await waitFor(() => rt.subscribed(rt.connections[0], 'campaigns'), 5000, 'both topics subscribed');
    await waitFor(() => rt.subscribed(rt.connections[0], 'conversations'), 5000, 'both topics subscribed');
    const subscribeFrames = rt.connections[0].frames.filter((f) => f.type === 'subscribe');
    expect(subscribeFrames.map((f) => f.topic).sort()).to.deep.equal(['campaigns', 'conversations']);

    await page.evaluate(() => document.querySelectorAll('wa-test-realtime-probe')[1].remove());
    await waitFor(
      () => rt.connections[0].frames.some((f) => f.type === 'unsubscribe' && f.topic === 'campaigns'),
      2000,
      'the unsubscribe of campaigns',
    );
    expect(rt.connections[0].frames.some((f) => f.type === 'unsubscribe' && f.topic === 'conversations')).to.equal(false);
    expect(rt.connections).to.have.length(1);
  });

  it('keeps retrying with growing, jittered delays while the ticket endpoint is down', async function () {
    let ticketCalls = 0;
    const times: number[] = [];
    const opened = await openPage({
      routes: {
        'POST /api/v1/realtime/ticket': () => {
          ticketCalls++;
          times.push(Date.now());
          return { status: 503, body: { error: { code: 'unavailable', message: 'Down for maintenance.' } } };
        },
      },
    });
    const statuses = await opened.page.evaluate(async () => {
      const bridge = new window.wa.ConsoleBridge({ baseUrl: location.origin });
      const client = new window.wa.RealtimeClient({ minDelay: 100, maxDelay: 300 });
      const seen: string[] = [];
      client.onStatus((s) => seen.push(s));
      client.connect(() => bridge.realtimeUrl());
      await new Promise((ok) => setTimeout(ok, 1000));
      client.close();
      return seen;
    });
    // 100 ms doubling to a 300 ms cap, each between half and all of it: 4 to 9 attempts in 1 s.
    // The gaps are measured on the server side, so a busy machine adds request latency on top.
    expect(ticketCalls).to.be.within(3, 9);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.min(...gaps)).to.be.at.least(40);
    expect(Math.max(...gaps)).to.be.at.most(300 + 300);
    expect(statuses[0]).to.equal('connecting');
    expect(statuses.at(-1)).to.equal('closed');
  });

  it('closes the socket once no topic is left for a while, and reopens it for the next subscription', async function () {
    const opened = await openPage({ routes: rt.routes });
    rt.attach(opened);
    const { page } = opened;
    await page.evaluate(() => {
      const bridge = new window.wa.ConsoleBridge({ baseUrl: location.origin });
      const client = new window.wa.RealtimeClient({ idleTimeout: 200 });
      (window as unknown as { rtClient: typeof client }).rtClient = client;
      (window as unknown as { off: () => void }).off = client.subscribe('inbox', () => {});
      client.connect(() => bridge.realtimeUrl());
    });
    await waitFor(() => rt.subscribed(rt.connections[0], 'inbox'), 5000, 'the subscribe');
    await page.evaluate(() => (window as unknown as { off: () => void }).off());
    await waitFor(() => rt.connections[0].closed, 2000, 'the idle socket to close');
    expect(await page.evaluate(() => (window as unknown as { rtClient: { status: string } }).rtClient.status)).to.equal('closed');

    await page.evaluate(() =>
      (window as unknown as { rtClient: { subscribe(t: string, h: () => void): void } }).rtClient.subscribe(
        'campaigns',
        () => {},
      ),
    );
    await waitFor(() => rt.subscribed(rt.connections[1], 'campaigns'), 5000, 'a new socket for the new topic');
    expect(rt.connections[1].ticket).to.equal('t2');
  });

  it('pings an open socket and replaces it when nothing answers', async function () {
    rt.close();
    rt = fakeRealtime({ answerPings: false });
    const opened = await openPage({ routes: rt.routes });
    rt.attach(opened);
    await opened.page.evaluate(() => {
      const bridge = new window.wa.ConsoleBridge({ baseUrl: location.origin });
      const client = new window.wa.RealtimeClient({ pingInterval: 150, pongTimeout: 150 });
      client.subscribe('inbox', () => {});
      client.connect(() => bridge.realtimeUrl());
    });
    await waitFor(() => rt.connections[0]?.frames.some((f) => f.type === 'ping'), 3000, 'a ping');
    await waitFor(() => rt.subscribed(rt.connections[1], 'inbox'), 5000, 'a replacement socket');
    await waitFor(() => rt.connections[0].closed, 2000, 'the silent socket to be closed');
  });
});
