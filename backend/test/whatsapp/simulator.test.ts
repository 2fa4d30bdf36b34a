// The WhatsApp Cloud API simulator over real HTTP: Graph endpoints and their Meta-shaped errors, the
// policy engine, media, templates, signup, and the webhooks a local receiver gets (signatures over raw
// bytes, every inbound type, statuses with pricing, fault modes and retries).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expect } from 'chai';
import { createSimulator, type SeedResult, type Simulator } from '../../src/whatsapp/simulator/index.ts';

interface Hook {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  body: any;
  answered: number | 'hang';
  at: number;
}

interface Receiver {
  url: string;
  hooks: Hook[];
  /** Answers for the next POSTs, in order; afterwards 200. */
  plan: (number | 'hang')[];
  verifyToken: string;
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function startReceiver(): Promise<Receiver> {
  const r = { hooks: [] as Hook[], plan: [] as (number | 'hang')[], verifyToken: 'receiver-verify-token' };
  const { server, url } = await listen((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/media.png') {
      res.setHeader('content-type', 'image/png');
      res.end(Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'));
      return;
    }
    if (req.method === 'GET') {
      const ok = u.searchParams.get('hub.mode') === 'subscribe' && u.searchParams.get('hub.verify_token') === r.verifyToken;
      res.statusCode = ok ? 200 : 403;
      res.end(ok ? (u.searchParams.get('hub.challenge') ?? '') : 'forbidden');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const answered = r.plan.shift() ?? 200;
      r.hooks.push({ headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')), answered, at: Date.now() });
      if (answered === 'hang') return;
      res.statusCode = answered;
      res.end();
    });
  });
  return Object.assign(r, {
    url: `${url}/webhook`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** Every change in every received POST, flattened, with the WABA id of its entry. */
function changes(hooks: Hook[]): { wabaId: string; field: string; value: any }[] {
  return hooks.flatMap((h) => h.body.entry.flatMap((e: any) => e.changes.map((c: any) => ({ wabaId: e.id, ...c }))));
}
const statusesOf = (hooks: Hook[], wamid: string) =>
  changes(hooks)
    .flatMap((c) => c.value.statuses ?? [])
    .filter((s: any) => s.id === wamid);
const inboundOf = (hooks: Hook[]) => changes(hooks).filter((c) => c.value.messages);

function hmac(secret: string, raw: Buffer): string {
  return 'sha256=' + crypto.createHmac('sha256', secret).update(raw).digest('hex');
}

describe('WhatsApp Cloud API simulator', function () {
  this.timeout(20_000);
  let sim: Simulator;
  let server: http.Server;
  let base: string;
  let receiver: Receiver;
  let t: SeedResult;
  let clock = Date.UTC(2026, 5, 1, 12);

  const graph = async (
    method: string,
    path: string,
    opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? t.accessToken : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path.startsWith('http') ? path : `${base}/v24.0${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  const send = (body: Record<string, unknown>, token?: string | null) =>
    graph('POST', `/${t.phoneNumberId}/messages`, { token, body: { messaging_product: 'whatsapp', to: '16505551234', ...body } });
  const text = (body: string, extra: Record<string, unknown> = {}) => send({ type: 'text', text: { body }, ...extra });
  const openWindow = (from = '16505551234') =>
    sim.control.customerSays({ phoneNumberId: t.phoneNumberId, from, type: 'text', text: 'hi' });
  const expectError = (res: { status: number; body: any }, code: number) => {
    expect(res.body?.error?.code, JSON.stringify(res.body)).to.equal(code);
    expect(res.body.error.type).to.equal('OAuthException');
    expect(res.body.error.fbtrace_id).to.be.a('string');
  };
  const idle = () => sim.control.whenIdle(10_000);

  before(async () => {
    sim = createSimulator({
      publicUrl: () => base,
      now: () => clock,
      statusTiming: { sent: 0, delivered: 0, read: 0 },
      webhookRetry: { baseDelayMs: 20, maxAttempts: 5, timeoutMs: 300 },
      batchWindowMs: 30,
    });
    ({ server, url: base } = await listen(sim.app));
  });

  after(async () => {
    await sim.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(async () => {
    sim.control.reset();
    receiver = await startReceiver();
    t = sim.control.seed({ callbackUrl: receiver.url });
  });

  afterEach(async () => {
    await idle().catch(() => undefined);
    await receiver.close();
  });

  describe('access tokens', () => {
    it('refuses a missing, unknown or expired token with code 190 and HTTP 401', async () => {
      openWindow();
      for (const token of [null, 'EAAnot-a-real-token']) {
        const res = await send({ type: 'text', text: { body: 'x' } }, token);
        expect(res.status).to.equal(401);
        expectError(res, 190);
      }
      sim.control.expireToken(t.accessToken);
      const expired = await text('x');
      expect(expired.status).to.equal(401);
      expectError(expired, 190);
      expect(expired.body.error.error_subcode).to.equal(463);
    });

    it('treats a number another tenant owns as an object that does not exist (100, subcode 33)', async () => {
      const other = sim.control.seed({ appId: t.appId });
      const res = await graph('POST', `/${t.phoneNumberId}/messages`, {
        token: other.accessToken,
        body: { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'x' } },
      });
      expectError(res, 100);
      expect(res.body.error.error_subcode).to.equal(33);
    });
  });

  describe('sending messages', () => {
    it('accepts a text message inside the window and answers with the contact and a wamid', async () => {
      openWindow();
      const res = await text('Hello there', { to: '+1 650-555-1234' });
      expect(res.status).to.equal(200);
      expect(res.body.messaging_product).to.equal('whatsapp');
      expect(res.body.contacts).to.deep.equal([{ input: '+1 650-555-1234', wa_id: '16505551234' }]);
      expect(res.body.messages[0].id).to.match(/^wamid\.[A-Za-z0-9+/=]{30,}$/);
      expect(sim.control.sentMessages({ customer: '16505551234' })[0].view.body).to.equal('Hello there');
    });

    it('rejects a body without messaging_product, with an unknown field or a wrongly typed field with code 100', async () => {
      openWindow();
      const missing = await graph('POST', `/${t.phoneNumberId}/messages`, {
        body: { to: '16505551234', type: 'text', text: { body: 'x' } },
      });
      expectError(missing, 100);
      expect(missing.body.error.error_data.messaging_product).to.equal('whatsapp');
      expectError(await text('x', { colour: 'blue' }), 100);
      expectError(await send({ type: 'text', text: { body: 'x', bold: true } }), 100);
      expectError(await send({ type: 'text', text: { body: 42 } }), 100);
      const both = await send({ type: 'text', text: { body: 'x' }, image: { id: '1' } });
      expectError(both, 100);
      expect(both.body.error.error_data.details).to.contain('image');
    });

    it('rejects a message whose required parameter is missing with 131008', async () => {
      openWindow();
      expectError(await send({ type: 'text', text: {} }), 131008);
      expectError(await send({ type: 'text' }), 131008);
      expectError(await send({ type: 'image', image: { caption: 'no id or link' } }), 131008);
      const noTo = await graph('POST', `/${t.phoneNumberId}/messages`, {
        body: { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } },
      });
      expectError(noTo, 131008);
      expect(noTo.body.error.error_data.details).to.contain('to');
    });

    it('rejects values beyond Meta limits with 131009 and says which parameter', async () => {
      openWindow();
      const button = (id: string, title: string) => ({ type: 'reply', reply: { id, title } });
      const interactive = (buttons: unknown[]) =>
        send({ type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons } } });
      const four = await interactive([button('a', 'A'), button('b', 'B'), button('c', 'C'), button('d', 'D')]);
      expectError(four, 131009);
      expect(four.body.error.error_data.details).to.contain("interactive['action']['buttons']");
      expectError(await interactive([button('a', 'x'.repeat(21))]), 131009);
      expectError(await text('x'.repeat(4097)), 131009);
      expectError(await send({ type: 'image', image: { id: '1', link: 'https://example.com/a.png' } }), 131009);
      expectError(await send({ type: 'sticker', sticker: { link: 'ftp://example.com/a.webp' } }), 131009);
      expectError(await send({ type: 'telepathy' }), 131009);
      expectError(await text('x', { biz_opaque_callback_data: 'y'.repeat(513) }), 131009);
      const rows = Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));
      expectError(
        await send({
          type: 'interactive',
          interactive: { type: 'list', body: { text: 'Menu' }, action: { button: 'Open', sections: [{ rows }] } },
        }),
        131009,
      );
    });

    it('accepts every message type the Cloud API sends, within its limits', async () => {
      sim.control.setPairRate({ limit: 100 });
      openWindow();
      const bodies: Record<string, unknown>[] = [
        { type: 'location', location: { latitude: '37.44', longitude: -122.16, name: 'Philz', address: '101 Forest Ave' } },
        {
          type: 'contacts',
          contacts: [
            {
              name: { formatted_name: 'Jane Doe', first_name: 'Jane' },
              phones: [{ phone: '+16505551234', type: 'CELL', wa_id: '16505551234' }],
            },
          ],
        },
        { type: 'reaction', reaction: { message_id: 'wamid.abc', emoji: '😀' } },
        { type: 'image', image: { link: `${receiver.url.replace('/webhook', '')}/media.png`, caption: 'Look' } },
        {
          type: 'interactive',
          interactive: {
            type: 'button',
            header: { type: 'text', text: 'Confirm?' },
            body: { text: 'Proceed?' },
            footer: { text: 'Reply below' },
            action: {
              buttons: [
                { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
                { type: 'reply', reply: { id: 'no', title: 'No' } },
              ],
            },
          },
        },
        {
          type: 'interactive',
          interactive: {
            type: 'list',
            body: { text: 'Pick one' },
            action: {
              button: 'View options',
              sections: [
                { title: 'Mains', rows: [{ id: 'burger', title: 'Burger', description: 'Beef' }] },
                { title: 'Sides', rows: [{ id: 'fries', title: 'Fries' }] },
              ],
            },
          },
        },
        {
          type: 'interactive',
          interactive: {
            type: 'cta_url',
            body: { text: 'Track your order' },
            action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://example.com/t/1' } },
          },
        },
        {
          type: 'interactive',
          interactive: {
            type: 'product',
            body: { text: 'Nice' },
            action: { catalog_id: '194836987003835', product_retailer_id: 'SKU-1' },
          },
        },
        {
          type: 'interactive',
          interactive: {
            type: 'product_list',
            header: { type: 'text', text: 'Our picks' },
            body: { text: 'Take a look' },
            action: {
              catalog_id: '194836987003835',
              sections: [{ title: 'Shoes', product_items: [{ product_retailer_id: 'SKU-1' }, { product_retailer_id: 'SKU-2' }] }],
            },
          },
        },
        {
          type: 'interactive',
          interactive: {
            type: 'catalog_message',
            body: { text: 'Browse' },
            action: { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: 'SKU-1' } },
          },
        },
        {
          type: 'interactive',
          interactive: {
            type: 'flow',
            body: { text: 'Sign up' },
            action: {
              name: 'flow',
              parameters: {
                flow_message_version: '3',
                flow_id: '1234567890',
                flow_token: 'tok',
                flow_cta: 'Open form',
                mode: 'published',
                flow_action: 'navigate',
                flow_action_payload: { screen: 'WELCOME' },
              },
            },
          },
        },
        {
          type: 'interactive',
          interactive: { type: 'location_request_message', body: { text: 'Where are you?' }, action: { name: 'send_location' } },
        },
      ];
      for (const body of bodies) {
        const res = await send(body);
        expect(res.status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).to.equal(200);
      }
      await idle();
      const sent = sim.control.sentMessages();
      expect(sent.map((m) => m.status)).to.deep.equal(bodies.map(() => 'read'));
      expect(sent[4].view.buttons?.map((b) => b.title)).to.deep.equal(['Yes', 'No']);
    });

    it('marks an inbound message read, with a typing indicator, and refuses an unknown message id', async () => {
      const first = openWindow();
      const second = openWindow();
      const markRead = (body: Record<string, unknown>) =>
        graph('POST', `/${t.phoneNumberId}/messages`, { body: { messaging_product: 'whatsapp', ...body } });
      const res = await markRead({ status: 'read', message_id: second.wamid, typing_indicator: { type: 'text' } });
      expect(res.body).to.deep.equal({ success: true });
      const conv = sim.control.conversation({ phoneNumberId: t.phoneNumberId, customer: '16505551234' });
      expect(conv.typing).to.equal(true);
      expect(conv.items.filter((i) => i.wamid === first.wamid)[0].readByBusiness).to.equal(true);
      expectError(await markRead({ status: 'read', message_id: 'wamid.unknown' }), 100);
    });
  });

  describe('templates when sending', () => {
    const template = (name: string, components?: unknown[], language = 'en_US') =>
      send({ type: 'template', template: { name, language: { code: language }, ...(components ? { components } : {}) } });

    it('sends an approved template with the right parameters and renders it for the customer', async () => {
      const res = await template('order_update', [
        { type: 'header', parameters: [{ type: 'text', text: 'A-1001' }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Jane' },
            { type: 'text', text: 'A-1001' },
          ],
        },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1001' }] },
      ]);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.messages[0].message_status).to.equal('accepted');
      const view = sim.control.sentMessages()[0].view;
      expect(view.header).to.equal('Order A-1001');
      expect(view.body).to.equal('Hi Jane, your order A-1001 has shipped.');
      expect(view.buttons?.[0].url).to.equal('https://example.com/t/A-1001');
      const named = await template('appointment_reminder', [
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'date', text: 'May 1' },
            { type: 'text', parameter_name: 'customer_name', text: 'Jane' },
          ],
        },
      ]);
      expect(named.status, JSON.stringify(named.body)).to.equal(200);
      const otp = await template('verification_code', [
        { type: 'body', parameters: [{ type: 'text', text: '123456' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '123456' }] },
      ]);
      expect(otp.status, JSON.stringify(otp.body)).to.equal(200);
    });

    it('refuses unknown or unapproved templates (132001), wrong parameter counts (132000) and formats (132012)', async () => {
      expectError(await template('no_such_template'), 132001);
      expectError(await template('hello_world', undefined, 'fr_FR'), 132001);
      expectError(await template('order_update', [{ type: 'body', parameters: [{ type: 'text', text: 'Jane' }] }]), 132000);
      expectError(await template('hello_world', [{ type: 'body', parameters: [{ type: 'text', text: 'extra' }] }]), 132000);
      const wrongHeader = await template('spring_sale', [
        { type: 'header', parameters: [{ type: 'video', video: { link: 'https://example.com/v.mp4' } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Jane' },
            { type: 'text', text: '25%' },
          ],
        },
      ]);
      expectError(wrongHeader, 132012);
      const created = await graph('POST', `/${t.wabaId}/message_templates`, {
        body: { name: 'pending_one', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Just text' }] },
      });
      expect(created.body.status).to.equal('PENDING');
      expectError(await template('pending_one'), 132001);
    });

    it('refuses a paused template with 132015 and a disabled one with 132016', async () => {
      const hello = t.templates.find((x) => x.name === 'hello_world')!;
      sim.control.setTemplateStatus(hello.id, 'PAUSED');
      expectError(await template('hello_world'), 132015);
      sim.control.setTemplateStatus(hello.id, 'DISABLED');
      expectError(await template('hello_world'), 132016);
      await idle();
      const events = changes(receiver.hooks).filter((c) => c.field === 'message_template_status_update');
      expect(events.map((e) => e.value.event)).to.deep.equal(['PAUSED', 'DISABLED']);
    });
  });

  describe('messaging policy', () => {
    it('refuses free-form messages outside the 24-hour window (131047) but lets templates through', async () => {
      expectError(await text('Are you there?'), 131047);
      openWindow();
      expect((await text('Thanks for writing')).status).to.equal(200);
      clock += 24 * 3600 * 1000 + 1000;
      const late = await text('Still there?');
      expectError(late, 131047);
      expect(late.body.error.error_data.details).to.contain('24 hours');
      const tpl = await send({ type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
      expect(tpl.status).to.equal(200);
    });

    it('answers 130429 when a number sends faster than its throughput allows', async () => {
      sim.control.setPhoneNumber(t.phoneNumberId, { mps: 3 });
      sim.control.setPairRate({ limit: 100 });
      openWindow();
      for (let i = 0; i < 3; i++) expect((await text(`m${i}`)).status).to.equal(200);
      const over = await text('one too many');
      expect(over.status).to.equal(429);
      expectError(over, 130429);
      clock += 1001;
      expect((await text('after a second')).status).to.equal(200);
    });

    it('answers 131056 when one customer gets more than the pair-rate burst within six seconds', async () => {
      openWindow();
      openWindow('447700900123');
      for (let i = 0; i < 10; i++) expect((await text(`m${i}`)).status).to.equal(200);
      expectError(await text('eleventh'), 131056);
      expect((await text('to someone else', { to: '447700900123' })).status).to.equal(200);
      clock += 6001;
      expect((await text('later')).status).to.equal(200);
    });

    it('fails sends on demand with the chosen code, before accepting anything, for a count or until cleared', async () => {
      openWindow();
      sim.control.failSends({ phoneNumberId: t.phoneNumberId, to: '+1 (650) 555-1234', code: 131026, count: 2 });
      for (let i = 0; i < 2; i++) {
        const failed = await text(`m${i}`);
        expect(failed.status).to.equal(400);
        expectError(failed, 131026);
      }
      expect((await text('third')).status).to.equal(200);
      sim.control.failSends({ to: '447700900123', code: 131031 });
      const locked = await send({
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
        to: '447700900123',
      });
      expectError(locked, 131031);
      expect(locked.body.error.message).to.equal('(#131031) Business Account locked');
      expect((await text('others still go out')).status).to.equal(200);
      sim.control.failSends({ code: 130429 });
      const limited = await text('rate');
      expect(limited.status).to.equal(429);
      expectError(limited, 130429);
      sim.control.clearSendFailures();
      sim.control.failSends({ phoneNumberId: t.phoneNumberId, code: 190 });
      const token = await text('token');
      expect(token.status).to.equal(401);
      expectError(token, 190);
      sim.control.clearSendFailures();
      expect((await text('after clearing')).status).to.equal(200);
      expect(sim.control.sentMessages().map((m) => m.view.body)).to.deep.equal([
        'third',
        'others still go out',
        'after clearing',
      ]);
      sim.control.failSends({ code: 131009 });
      sim.control.reset();
      expect(sim.control.sendFailures()).to.deep.equal([]);
    });

    it('answers 133010 for an unregistered number until it registers with its PIN', async () => {
      openWindow();
      sim.control.setPhoneNumber(t.phoneNumberId, { registered: false });
      expectError(await text('x'), 133010);
      const wrongPin = await graph('POST', `/${t.phoneNumberId}/register`, {
        body: { messaging_product: 'whatsapp', pin: '999999' },
      });
      expectError(wrongPin, 133005);
      const ok = await graph('POST', `/${t.phoneNumberId}/register`, { body: { messaging_product: 'whatsapp', pin: '000000' } });
      expect(ok.body).to.deep.equal({ success: true });
      expect((await text('x')).status).to.equal(200);
      expect((await graph('POST', `/${t.phoneNumberId}/deregister`, { body: {} })).body).to.deep.equal({ success: true });
      expectError(await text('x'), 133010);
    });
  });

  describe('media', () => {
    const upload = async (bytes: Buffer, type: string, filename = 'file.bin', token = t.accessToken) => {
      const form = new FormData();
      form.append('messaging_product', 'whatsapp');
      form.append('type', type);
      form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
      const res = await fetch(`${base}/v24.0/${t.phoneNumberId}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    it('uploads media, hands out a five-minute URL that needs the bearer token, and deletes it', async () => {
      const bytes = crypto.randomBytes(2048);
      const up = await upload(bytes, 'image/jpeg', 'photo.jpg');
      expect(up.status, JSON.stringify(up.body)).to.equal(200);
      const meta = await graph('GET', `/${up.body.id}`);
      expect(meta.body).to.include({ messaging_product: 'whatsapp', mime_type: 'image/jpeg', file_size: '2048', id: up.body.id });
      expect(meta.body.sha256).to.equal(crypto.createHash('sha256').update(bytes).digest('hex'));
      expect(meta.body.url.startsWith(`${base}/whatsapp_business/attachments/?`)).to.equal(true);

      expect((await fetch(meta.body.url)).status).to.equal(401);
      const dl = await fetch(meta.body.url, { headers: { authorization: `Bearer ${t.accessToken}` } });
      expect(dl.status).to.equal(200);
      expect(dl.headers.get('content-type')).to.equal('image/jpeg');
      expect(Buffer.from(await dl.arrayBuffer()).equals(bytes)).to.equal(true);

      openWindow();
      expect((await send({ type: 'image', image: { id: up.body.id, caption: 'Your photo' } })).status).to.equal(200);
      expectError(await send({ type: 'document', document: { id: '999999999999999' } }), 131053);

      clock += 5 * 60 * 1000 + 1000;
      const stale = await fetch(meta.body.url, { headers: { authorization: `Bearer ${t.accessToken}` } });
      expect(stale.status).to.equal(404);
      const fresh = await graph('GET', `/${up.body.id}`);
      expect((await fetch(fresh.body.url, { headers: { authorization: `Bearer ${t.accessToken}` } })).status).to.equal(200);

      expect((await graph('DELETE', `/${up.body.id}`)).body).to.deep.equal({ success: true });
      expectError(await graph('GET', `/${up.body.id}`), 100);
    });

    it('refuses unsupported MIME types, oversized files and uploads without messaging_product', async () => {
      const gif = await upload(Buffer.from('GIF89a'), 'image/gif', 'a.gif');
      expectError(gif, 131053);
      const big = await upload(Buffer.alloc(5 * 1024 * 1024 + 1), 'image/png', 'big.png');
      expectError(big, 131053);
      expect(big.body.error.error_data.details).to.contain('limit');
      const form = new FormData();
      form.append('file', new Blob([Buffer.from('hi')], { type: 'text/plain' }), 'a.txt');
      const res = await fetch(`${base}/v24.0/${t.phoneNumberId}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.accessToken}` },
        body: form,
      });
      expectError({ status: res.status, body: await res.json() }, 100);
    });

    it('lets the product download the media a customer sent', async () => {
      const bytes = Buffer.from('%PDF-1.4 invoice');
      const said = sim.control.customerSays({
        phoneNumberId: t.phoneNumberId,
        from: '16505551234',
        type: 'document',
        caption: 'My invoice',
        filename: 'invoice.pdf',
        media: { data: bytes, mimeType: 'application/pdf' },
      });
      await idle();
      const doc = inboundOf(receiver.hooks)[0].value.messages[0].document;
      expect(doc).to.deep.equal({
        caption: 'My invoice',
        filename: 'invoice.pdf',
        mime_type: 'application/pdf',
        sha256: crypto.createHash('sha256').update(bytes).digest('base64'),
        id: said.mediaId,
      });
      const meta = await graph('GET', `/${doc.id}`);
      const dl = await fetch(meta.body.url, { headers: { authorization: `Bearer ${t.accessToken}` } });
      expect(Buffer.from(await dl.arrayBuffer()).toString()).to.equal('%PDF-1.4 invoice');
    });
  });

  describe('template management', () => {
    it('pages message templates with limit and an after cursor', async () => {
      const first = await graph('GET', `/${t.wabaId}/message_templates?limit=2`);
      expect(first.body.data).to.have.length(2);
      expect(first.body.data[0]).to.include.keys('name', 'language', 'status', 'category', 'components', 'id');
      expect(first.body.paging.cursors).to.have.keys('before', 'after');
      const second = await graph('GET', first.body.paging.next);
      const third = await graph('GET', `/${t.wabaId}/message_templates?limit=2&after=${second.body.paging.cursors.after}`);
      expect(third.body.data).to.have.length(1);
      expect(third.body.paging.next).to.equal(undefined);
      const names = [...first.body.data, ...second.body.data, ...third.body.data].map((x: any) => x.name);
      expect(new Set(names).size).to.equal(5);
      const filtered = await graph('GET', `/${t.wabaId}/message_templates?name=spring_sale&fields=name,status`);
      expect(filtered.body.data).to.deep.equal([
        { name: 'spring_sale', status: 'APPROVED', id: t.templates.find((x) => x.name === 'spring_sale')!.id },
      ]);
    });

    it('creates a template as PENDING, validates it, and announces approval and rejection by webhook', async () => {
      const body = {
        name: 'shipping_notice',
        language: 'en_US',
        category: 'UTILITY',
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Shipped' },
          { type: 'BODY', text: 'Hi {{1}}, parcel {{2}} is on its way.', example: { body_text: [['Jane', 'P-1']] } },
          { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Thanks' }] },
        ],
      };
      const created = await graph('POST', `/${t.wabaId}/message_templates`, { body });
      expect(created.body).to.deep.equal({ id: created.body.id, status: 'PENDING', category: 'UTILITY' });
      expectError(await graph('POST', `/${t.wabaId}/message_templates`, { body }), 100);
      const bad = [
        { ...body, name: 'Bad Name' },
        { ...body, name: 'no_example', components: [{ type: 'BODY', text: 'Hi {{1}} there' }] },
        { ...body, name: 'leading', components: [{ type: 'BODY', text: '{{1}} hello', example: { body_text: [['x']] } }] },
        { ...body, name: 'gap', components: [{ type: 'BODY', text: 'a {{1}} b {{3}} c', example: { body_text: [['x', 'y']] } }] },
        { ...body, name: 'no_body', components: [{ type: 'FOOTER', text: 'x' }] },
        { ...body, name: 'bad_cat', category: 'PROMO' },
      ];
      for (const b of bad) expectError(await graph('POST', `/${t.wabaId}/message_templates`, { body: b }), 100);

      sim.control.setTemplateStatus(created.body.id, 'APPROVED');
      const second = await graph('POST', `/${t.wabaId}/message_templates`, { body: { ...body, name: 'second_notice' } });
      sim.control.setTemplateStatus(second.body.id, 'REJECTED', { reason: 'INVALID_FORMAT' });
      await idle();
      const events = changes(receiver.hooks).filter((c) => c.field === 'message_template_status_update');
      expect(events[0].wabaId).to.equal(t.wabaId);
      expect(events[0].value).to.deep.equal({
        event: 'APPROVED',
        message_template_id: Number(created.body.id),
        message_template_name: 'shipping_notice',
        message_template_language: 'en_US',
        reason: 'NONE',
        message_template_category: 'UTILITY',
      });
      expect(events[1].value).to.include({ event: 'REJECTED', reason: 'INVALID_FORMAT' });
      expect(events[1].value.rejection_info.reason).to.equal('INVALID_FORMAT');
      const sendIt = await send({
        type: 'template',
        template: {
          name: 'shipping_notice',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Jane' },
                { type: 'text', text: 'P-1' },
              ],
            },
          ],
        },
      });
      expect(sendIt.status).to.equal(200);
    });

    it('deletes templates by name, or one language by hsm_id', async () => {
      const spring = t.templates.find((x) => x.name === 'spring_sale')!;
      expectError(await graph('DELETE', `/${t.wabaId}/message_templates?name=spring_sale&hsm_id=1`), 100);
      expect((await graph('DELETE', `/${t.wabaId}/message_templates?name=spring_sale&hsm_id=${spring.id}`)).body).to.deep.equal({
        success: true,
      });
      expect((await graph('DELETE', `/${t.wabaId}/message_templates?name=hello_world`)).body).to.deep.equal({ success: true });
      const left = await graph('GET', `/${t.wabaId}/message_templates`);
      expect(left.body.data.map((x: any) => x.name).sort()).to.deep.equal([
        'appointment_reminder',
        'order_update',
        'verification_code',
      ]);
    });
  });

  describe('numbers, profile, subscriptions and onboarding', () => {
    it('lists phone numbers and reads the fields the product asks for', async () => {
      sim.control.setPhoneNumber(t.phoneNumberId, {
        throughputLevel: 'HIGH',
        messagingLimit: 'TIER_10K',
        qualityRating: 'YELLOW',
      });
      const list = await graph('GET', `/${t.wabaId}/phone_numbers`);
      expect(list.body.data[0]).to.include({ id: t.phoneNumberId, quality_rating: 'YELLOW', platform_type: 'CLOUD_API' });
      expect(list.body.data[0].display_phone_number).to.match(/^\+1 555-\d{3}-\d{4}$/);
      const one = await graph(
        'GET',
        `/${t.phoneNumberId}?fields=throughput,whatsapp_business_manager_messaging_limit,status,name_status`,
      );
      expect(one.body).to.deep.equal({
        throughput: { level: 'HIGH' },
        whatsapp_business_manager_messaging_limit: 'TIER_10K',
        status: 'CONNECTED',
        name_status: 'APPROVED',
        id: t.phoneNumberId,
      });
      expectError(await graph('GET', `/${t.phoneNumberId}?fields=favourite_colour`), 100);
      await idle();
      const events = changes(receiver.hooks)
        .filter((c) => c.field === 'phone_number_quality_update')
        .map((c) => c.value.event);
      expect(events).to.deep.equal(['THROUGHPUT_UPGRADE', 'UPGRADE']);
    });

    it('reads and updates the business profile within Meta limits', async () => {
      const update = await graph('POST', `/${t.phoneNumberId}/whatsapp_business_profile`, {
        body: { messaging_product: 'whatsapp', about: 'Fresh plants', websites: ['https://shrub.example'], vertical: 'RETAIL' },
      });
      expect(update.body).to.deep.equal({ success: true });
      const read = await graph('GET', `/${t.phoneNumberId}/whatsapp_business_profile?fields=about,websites,vertical`);
      expect(read.body.data[0]).to.deep.equal({
        about: 'Fresh plants',
        websites: ['https://shrub.example'],
        vertical: 'RETAIL',
        messaging_product: 'whatsapp',
      });
      expectError(
        await graph('POST', `/${t.phoneNumberId}/whatsapp_business_profile`, {
          body: { messaging_product: 'whatsapp', about: 'x'.repeat(140) },
        }),
        131009,
      );
    });

    it('subscribes and unsubscribes the app, checking an override callback with the GET handshake first', async () => {
      expect((await graph('DELETE', `/${t.wabaId}/subscribed_apps`)).body).to.deep.equal({ success: true });
      expect((await graph('GET', `/${t.wabaId}/subscribed_apps`)).body.data).to.deep.equal([]);
      openWindow();
      await idle();
      expect(receiver.hooks).to.have.length(0);
      expect(sim.control.deliveries().at(-1)?.state).to.equal('undeliverable');

      const refused = await graph('POST', `/${t.wabaId}/subscribed_apps`, {
        body: { override_callback_uri: `${receiver.url}/waba`, verify_token: 'wrong' },
      });
      expectError(refused, 2200);
      const ok = await graph('POST', `/${t.wabaId}/subscribed_apps`, {
        body: { override_callback_uri: `${receiver.url}/waba`, verify_token: receiver.verifyToken },
      });
      expect(ok.body).to.deep.equal({ success: true });
      const subs = await graph('GET', `/${t.wabaId}/subscribed_apps`);
      expect(subs.body.data[0].whatsapp_business_api_data.id).to.equal(t.appId);
      expect(subs.body.data[0].override_callback_uri).to.equal(`${receiver.url}/waba`);
      openWindow();
      await idle();
      expect(sim.control.deliveries().at(-1)?.url).to.equal(`${receiver.url}/waba`);
    });

    it('exchanges an Embedded Signup code for a business token that debug_token describes', async () => {
      const signup = sim.control.createSignupCode({ appId: t.appId, businessName: 'Green Leaf' });
      const bad = await graph('GET', `/oauth/access_token?client_id=${t.appId}&client_secret=wrong&code=${signup.code}`, {
        token: null,
      });
      expect(bad.body.error.message).to.contain('client secret');
      const exchange = await graph(
        'GET',
        `/oauth/access_token?client_id=${t.appId}&client_secret=${t.appSecret}&code=${encodeURIComponent(signup.code)}`,
        { token: null },
      );
      expect(exchange.body.token_type).to.equal('bearer');
      const business = exchange.body.access_token as string;
      const reused = await graph(
        'GET',
        `/oauth/access_token?client_id=${t.appId}&client_secret=${t.appSecret}&code=${encodeURIComponent(signup.code)}`,
        { token: null },
      );
      expect(reused.body.error.error_subcode).to.equal(36009);

      const debug = await graph('GET', `/debug_token?input_token=${business}&access_token=${t.appId}|${t.appSecret}`, {
        token: null,
      });
      expect(debug.body.data).to.include({ app_id: t.appId, type: 'SYSTEM_USER', is_valid: true, expires_at: 0 });
      expect(debug.body.data.granular_scopes).to.deep.include({
        scope: 'whatsapp_business_management',
        target_ids: [signup.wabaId],
      });
      expect(debug.body.data.granular_scopes).to.deep.include({
        scope: 'whatsapp_business_messaging',
        target_ids: [signup.wabaId],
      });
      expect(
        (await graph('GET', `/debug_token?input_token=nope&access_token=${t.appId}|${t.appSecret}`, { token: null })).body.data
          .is_valid,
      ).to.equal(false);

      // The onboarding steps the product performs next: subscribe, register, send.
      expect((await graph('POST', `/${signup.wabaId}/subscribed_apps`, { token: business, body: {} })).body).to.deep.equal({
        success: true,
      });
      const reg = await graph('POST', `/${signup.phoneNumberId}/register`, {
        token: business,
        body: { messaging_product: 'whatsapp', pin: '123456' },
      });
      expect(reg.body).to.deep.equal({ success: true });
      const sent = await graph('POST', `/${signup.phoneNumberId}/messages`, {
        token: business,
        body: {
          messaging_product: 'whatsapp',
          to: '16505551234',
          type: 'template',
          template: { name: 'hello_world', language: { code: 'en_US' } },
        },
      });
      expectError(sent, 132001); // a brand-new WABA has no templates yet
      await idle();
      const partner = changes(receiver.hooks).find((c) => c.field === 'account_update');
      expect(partner?.value).to.deep.equal({
        event: 'PARTNER_ADDED',
        waba_info: { waba_id: signup.wabaId, owner_business_id: signup.businessId },
      });
    });
  });

  describe('webhooks', () => {
    it('signs each webhook with HMAC-SHA256 of the exact raw body under the app secret', async () => {
      sim.control.customerSays({
        phoneNumberId: t.phoneNumberId,
        from: '16505551234',
        name: 'Zoë',
        type: 'text',
        text: 'Café? 👍 see https://a.example/x',
      });
      await idle();
      const [hook] = receiver.hooks;
      expect(hook.headers['content-type']).to.equal('application/json');
      expect(hook.headers['x-hub-signature-256']).to.equal(hmac(t.appSecret, hook.raw));
      // Meta escapes non-ASCII and slashes, so HMAC over re-serialised JSON would not match.
      expect(hook.raw.toString()).to.contain('\\ud83d\\udc4d').and.to.contain('https:\\/\\/');
      expect(hmac(t.appSecret, Buffer.from(JSON.stringify(hook.body)))).to.not.equal(hook.headers['x-hub-signature-256']);
      expect(hook.body.object).to.equal('whatsapp_business_account');
      expect(hook.body.entry[0].id).to.equal(t.wabaId);
      const value = hook.body.entry[0].changes[0].value;
      expect(hook.body.entry[0].changes[0].field).to.equal('messages');
      expect(value.metadata).to.deep.equal({ display_phone_number: t.displayPhoneNumber, phone_number_id: t.phoneNumberId });
      expect(value.contacts).to.deep.equal([{ profile: { name: 'Zoë' }, wa_id: '16505551234' }]);
      expect(value.messages[0]).to.include({ from: '16505551234', type: 'text' });
      expect(value.messages[0].text.body).to.equal('Café? 👍 see https://a.example/x');
      expect(value.messages[0].timestamp).to.equal(String(Math.floor(clock / 1000)));
    });

    it('emits every inbound message type in the shape Meta uses', async () => {
      const out = await (async () => {
        openWindow();
        const interactive = await send({
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'Yes?' },
            action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] },
          },
        });
        return interactive.body.messages[0].id as string;
      })();
      const p = { phoneNumberId: t.phoneNumberId, from: '16505551234' };
      const inputs: any[] = [
        { type: 'image', caption: 'pic' },
        { type: 'video' },
        { type: 'audio', voice: true },
        { type: 'sticker', animated: true },
        { type: 'location', latitude: 37.4, longitude: -122.1, name: 'Philz Coffee', address: '101 Forest Ave' },
        {
          type: 'contacts',
          contacts: [
            { name: { formatted_name: 'Jane Doe' }, phones: [{ phone: '+1 650-555-1234', wa_id: '16505551234', type: 'CELL' }] },
          ],
        },
        { type: 'button_reply', id: 'yes', title: 'Yes' },
        { type: 'list_reply', id: 'row_1', title: 'Option 1', description: 'first' },
        { type: 'nfm_reply', response: { flow_token: 'tok', name: 'Jane' } },
        { type: 'button', text: 'Stop promotions', payload: 'STOP_PROMO' },
        { type: 'reaction', messageId: out, emoji: '👍' },
        {
          type: 'order',
          catalogId: '354160437058781',
          text: 'asap',
          items: [{ productRetailerId: 'HAMBURGER', quantity: 3, itemPrice: 30, currency: 'ILS' }],
        },
        { type: 'system', systemType: 'user_changed_number', newWaId: '16505559999' },
        { type: 'request_welcome' },
        { type: 'unsupported', unsupportedType: 'poll' },
        { type: 'text', text: 'from an ad', referral: true },
        { type: 'text', text: 'quoting', context: { replyTo: out } },
        { type: 'text', text: 'fwd', context: { frequentlyForwarded: true } },
        { type: 'text', text: 'about this', context: { referredProduct: { catalogId: 'C1', productRetailerId: 'SKU1' } } },
      ];
      for (const input of inputs) sim.control.customerSays({ ...p, ...input });
      await idle();
      const msgs = inboundOf(receiver.hooks)
        .slice(1)
        .map((c) => c.value.messages[0]);
      expect(msgs.map((m) => m.type)).to.deep.equal([
        'image',
        'video',
        'audio',
        'sticker',
        'location',
        'contacts',
        'interactive',
        'interactive',
        'interactive',
        'button',
        'reaction',
        'order',
        'system',
        'request_welcome',
        'unsupported',
        'text',
        'text',
        'text',
        'text',
      ]);
      for (const m of msgs) {
        expect(m.id).to.match(/^wamid\./);
        expect(m.timestamp).to.match(/^\d+$/);
        expect(m.from).to.equal('16505551234');
      }
      const [
        image,
        video,
        audio,
        sticker,
        location,
        contacts,
        buttonReply,
        listReply,
        nfm,
        button,
        reaction,
        order,
        system,
        welcome,
        unsupported,
        referral,
        quote,
        fwd,
        product,
      ] = msgs;
      expect(image.image)
        .to.include({ caption: 'pic', mime_type: 'image/png' })
        .and.to.have.keys('caption', 'mime_type', 'sha256', 'id');
      expect(video.video.mime_type).to.equal('video/mp4');
      expect(audio.audio).to.include({ mime_type: 'audio/ogg; codecs=opus', voice: true });
      expect(sticker.sticker).to.include({ mime_type: 'image/webp', animated: true });
      expect(location.location).to.deep.equal({
        latitude: 37.4,
        longitude: -122.1,
        name: 'Philz Coffee',
        address: '101 Forest Ave',
      });
      expect(contacts.contacts[0].name.formatted_name).to.equal('Jane Doe');
      expect(buttonReply.interactive).to.deep.equal({ type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } });
      expect(buttonReply.context).to.deep.equal({ from: t.displayPhoneNumber, id: out });
      expect(listReply.interactive.list_reply).to.deep.equal({ id: 'row_1', title: 'Option 1', description: 'first' });
      expect(nfm.interactive.nfm_reply.name).to.equal('flow');
      expect(JSON.parse(nfm.interactive.nfm_reply.response_json)).to.deep.equal({ flow_token: 'tok', name: 'Jane' });
      expect(button.button).to.deep.equal({ payload: 'STOP_PROMO', text: 'Stop promotions' });
      expect(reaction.reaction).to.deep.equal({ message_id: out, emoji: '👍' });
      expect(order.order).to.deep.equal({
        catalog_id: '354160437058781',
        text: 'asap',
        product_items: [{ product_retailer_id: 'HAMBURGER', quantity: 3, item_price: 30, currency: 'ILS' }],
      });
      expect(system.system).to.include({ type: 'user_changed_number', wa_id: '16505559999' });
      expect(Object.keys(welcome)).to.have.members(['from', 'id', 'timestamp', 'type']);
      expect(unsupported.unsupported).to.deep.equal({ type: 'poll' });
      expect(unsupported.errors[0]).to.include({ code: 131051 });
      expect(referral.referral)
        .to.include({ source_type: 'ad', media_type: 'image' })
        .and.to.include.keys('source_url', 'source_id', 'headline', 'body', 'image_url', 'ctwa_clid');
      expect(quote.context).to.deep.equal({ from: t.displayPhoneNumber, id: out });
      expect(fwd.context).to.deep.equal({ frequently_forwarded: true });
      expect(product.context.referred_product).to.deep.equal({ catalog_id: 'C1', product_retailer_id: 'SKU1' });
    });

    it('carries the BSUID and omits from and wa_id for a customer who uses a username', async () => {
      sim.control.customerSays({
        phoneNumberId: t.phoneNumberId,
        userId: 'US.13491208655302741918',
        username: 'leafy',
        hidePhone: true,
        name: 'Leafy',
        type: 'text',
        text: 'hi',
      });
      await idle();
      const value = inboundOf(receiver.hooks)[0].value;
      expect(value.contacts).to.deep.equal([
        { profile: { name: 'Leafy', username: 'leafy' }, user_id: 'US.13491208655302741918' },
      ]);
      expect(value.messages[0]).to.not.have.property('from');
      expect(value.messages[0].from_user_id).to.equal('US.13491208655302741918');
      const reply = await send({ type: 'text', text: { body: 'hello' }, to: 'US.13491208655302741918' });
      expect(reply.body.contacts).to.deep.equal([{ input: 'US.13491208655302741918', user_id: 'US.13491208655302741918' }]);
      await idle();
      const [status] = statusesOf(receiver.hooks, reply.body.messages[0].id);
      expect(status.recipient_user_id).to.equal('US.13491208655302741918');
      expect(status).to.not.have.property('recipient_id');
    });

    it('reports sent, delivered and read with PMP pricing, and the conversation expiry on the first status', async () => {
      openWindow();
      const service = await text('Happy to help', { biz_opaque_callback_data: 'ticket-42' });
      const utilityIn = await send({ type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
      const marketing = await send({
        type: 'template',
        template: {
          name: 'spring_sale',
          language: { code: 'en_US' },
          components: [
            {
              type: 'header',
              parameters: [{ type: 'image', image: { link: `${receiver.url.replace('/webhook', '')}/media.png` } }],
            },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Jane' },
                { type: 'text', text: '25%' },
              ],
            },
          ],
        },
      });
      const utilityOut = await send({
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
        to: '447700900123',
      });
      await idle();
      const s = statusesOf(receiver.hooks, service.body.messages[0].id);
      expect(s.map((x: any) => x.status)).to.deep.equal(['sent', 'delivered', 'read']);
      for (const x of s) {
        expect(x).to.include({ recipient_id: '16505551234', biz_opaque_callback_data: 'ticket-42' });
        expect(x.pricing).to.deep.equal({
          billable: false,
          pricing_model: 'PMP',
          category: 'service',
          type: 'free_customer_service',
        });
        expect(x.conversation.origin).to.deep.equal({ type: 'service' });
      }
      expect(s[0].conversation.expiration_timestamp).to.equal(String(Math.floor(clock / 1000) + 24 * 3600));
      expect(s[1].conversation).to.not.have.property('expiration_timestamp');
      expect(statusesOf(receiver.hooks, utilityIn.body.messages[0].id)[0].pricing).to.deep.equal({
        billable: false,
        pricing_model: 'PMP',
        category: 'utility',
        type: 'free_customer_service',
      });
      expect(statusesOf(receiver.hooks, marketing.body.messages[0].id)[0].pricing).to.deep.equal({
        billable: true,
        pricing_model: 'PMP',
        category: 'marketing',
        type: 'regular',
      });
      expect(statusesOf(receiver.hooks, utilityOut.body.messages[0].id)[0].pricing).to.deep.equal({
        billable: true,
        pricing_model: 'PMP',
        category: 'utility',
        type: 'regular',
      });

      sim.control.customerSays({
        phoneNumberId: t.phoneNumberId,
        from: '15550001111',
        type: 'text',
        text: 'saw your ad',
        referral: true,
      });
      const entry = await text('Welcome!', { to: '15550001111' });
      await idle();
      expect(statusesOf(receiver.hooks, entry.body.messages[0].id)[0].pricing).to.deep.equal({
        billable: false,
        pricing_model: 'PMP',
        category: 'referral_conversion',
        type: 'free_entry_point',
      });
    });

    it('reports asynchronous failures: unreachable customer (131026), marketing opt-out (131050), broken media link (131053)', async () => {
      openWindow();
      sim.control.upsertCustomer({ waId: '15550002222', unreachable: true });
      sim.control.upsertCustomer({ waId: '16505551234', marketingOptOut: true, phoneNumberId: t.phoneNumberId });
      const unreachable = await send({
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
        to: '15550002222',
        biz_opaque_callback_data: 'o-1',
      });
      const optedOut = await send({
        type: 'template',
        template: {
          name: 'spring_sale',
          language: { code: 'en_US' },
          components: [
            { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.png' } }] },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'J' },
                { type: 'text', text: '5%' },
              ],
            },
          ],
        },
      });
      const broken = await send({ type: 'image', image: { link: `${receiver.url.replace('/webhook', '')}/missing.png` } });
      receiver.plan.push(200, 200, 200, 404);
      await idle();
      const [u] = statusesOf(receiver.hooks, unreachable.body.messages[0].id);
      expect(u).to.include({ status: 'failed', recipient_id: '15550002222', biz_opaque_callback_data: 'o-1' });
      expect(u.errors[0]).to.include({ code: 131026, title: 'Message undeliverable' });
      expect(u.errors[0]).to.have.keys('code', 'title', 'message', 'error_data', 'href');
      expect(u).to.not.have.property('pricing');
      expect(statusesOf(receiver.hooks, optedOut.body.messages[0].id)[0].errors[0].code).to.equal(131050);
      expect(statusesOf(receiver.hooks, broken.body.messages[0].id)[0].errors[0].code).to.equal(131053);
      const prefs = changes(receiver.hooks).find((c) => c.field === 'user_preferences');
      expect(prefs?.value.user_preferences[0]).to.include({
        wa_id: '16505551234',
        category: 'marketing_messages',
        value: 'stop',
      });
    });

    it('can stop customers reading, and reading on the simulated phone then sends the read status', async () => {
      sim.control.setStatusTiming({ autoRead: false });
      openWindow();
      const res = await text('Did you see this?');
      await idle();
      const wamid = res.body.messages[0].id;
      expect(statusesOf(receiver.hooks, wamid).map((s: any) => s.status)).to.deep.equal(['sent', 'delivered']);
      const read = await fetch(`${base}/_sim/customer-reads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phoneNumberId: t.phoneNumberId, customer: '16505551234' }),
      });
      expect(await read.json()).to.deep.equal({ read: 1 });
      await idle();
      expect(statusesOf(receiver.hooks, wamid).map((s: any) => s.status)).to.deep.equal(['sent', 'delivered', 'read']);
    });
  });

  describe('fault modes', () => {
    it('duplicate: delivers every webhook twice with identical bytes and signature', async () => {
      sim.control.setFaults({ duplicate: true });
      const said = openWindow();
      await idle();
      expect(receiver.hooks).to.have.length(2);
      expect(receiver.hooks[0].raw.equals(receiver.hooks[1].raw)).to.equal(true);
      expect(receiver.hooks[1].headers['x-hub-signature-256']).to.equal(hmac(t.appSecret, receiver.hooks[1].raw));
      expect(inboundOf(receiver.hooks).map((c) => c.value.messages[0].id)).to.deep.equal([said.wamid, said.wamid]);
      expect(sim.control.deliveries()[1].duplicateOf).to.equal(sim.control.deliveries()[0].id);
    });

    it('outOfOrder: delivers read before delivered before sent', async () => {
      openWindow();
      sim.control.setFaults({ outOfOrder: true });
      const res = await text('order please');
      await idle();
      expect(statusesOf(receiver.hooks, res.body.messages[0].id).map((s: any) => s.status)).to.deep.equal([
        'read',
        'delivered',
        'sent',
      ]);
    });

    it('batch: groups pending events into one POST with several entries and changes', async () => {
      const other = sim.control.seed({ appId: t.appId });
      sim.control.setFaults({ batch: true });
      openWindow();
      openWindow('447700900123');
      sim.control.customerSays({ phoneNumberId: other.phoneNumberId, from: '16505551234', type: 'text', text: 'other shop' });
      await idle();
      expect(receiver.hooks).to.have.length(1);
      const body = receiver.hooks[0].body;
      expect(body.entry.map((e: any) => e.id)).to.deep.equal([t.wabaId, other.wabaId]);
      expect(body.entry[0].changes).to.have.length(2);
      expect(receiver.hooks[0].headers['x-hub-signature-256']).to.equal(hmac(t.appSecret, receiver.hooks[0].raw));
    });

    it('badSignature: signs with the wrong key so a careful receiver refuses it', async () => {
      sim.control.setFaults({ badSignature: true });
      openWindow();
      await idle();
      const [hook] = receiver.hooks;
      expect(hook.headers['x-hub-signature-256']).to.match(/^sha256=[0-9a-f]{64}$/);
      expect(hook.headers['x-hub-signature-256']).to.not.equal(hmac(t.appSecret, hook.raw));
    });

    it('retries with exponential back-off when the receiver fails or times out, until it recovers', async () => {
      receiver.plan.push(500, 503, 'hang', 200);
      const said = openWindow();
      await idle();
      expect(receiver.hooks.map((h) => h.answered)).to.deep.equal([500, 503, 'hang', 200]);
      expect(new Set(receiver.hooks.map((h) => h.raw.toString())).size).to.equal(1);
      expect(inboundOf(receiver.hooks)[0].value.messages[0].id).to.equal(said.wamid);
      const [delivery] = sim.control.deliveries();
      expect(delivery.state).to.equal('delivered');
      expect(delivery.attempts.map((a) => a.statusCode)).to.deep.equal([500, 503, null, 200]);
      expect(delivery.attempts[2].error).to.contain('timeout');
      const gaps = receiver.hooks.slice(1).map((h, i) => h.at - receiver.hooks[i].at);
      expect(gaps[0]).to.be.at.least(18);
      expect(gaps[1]).to.be.at.least(38);
      expect(gaps[2]).to.be.at.least(300 + 78);
    });

    it('gives up after the configured attempts and says so in the delivery log', async () => {
      receiver.plan.push(500, 500, 500, 500, 500);
      openWindow();
      await idle();
      const [delivery] = sim.control.deliveries();
      expect(delivery.state).to.equal('failed');
      expect(delivery.attempts).to.have.length(5);
      expect(receiver.hooks).to.have.length(5);
    });
  });

  describe('control API over HTTP', () => {
    const sim_ = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}/_sim${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    it('seeds, talks, lists, switches faults, moves the clock and resets through /_sim/', async () => {
      const seeded = (await sim_('POST', '/seed', { callbackUrl: receiver.url, businessName: 'Via HTTP' })).body;
      expect(seeded).to.include.keys('appId', 'appSecret', 'wabaId', 'phoneNumberId', 'accessToken', 'templates');
      const said = await sim_('POST', '/customer-says', {
        phoneNumberId: seeded.phoneNumberId,
        from: '16505550000',
        name: 'Ana',
        type: 'text',
        text: 'hola',
      });
      expect(said.body.wamid).to.match(/^wamid\./);
      expect(
        (await sim_('POST', '/customer-says', { phoneNumberId: seeded.phoneNumberId, type: 'text', text: 'who?' })).status,
      ).to.equal(400);
      const res = await graph('POST', `/${seeded.phoneNumberId}/messages`, {
        token: seeded.accessToken,
        body: { messaging_product: 'whatsapp', to: '16505550000', type: 'text', text: { body: 'hola Ana' } },
      });
      expect(res.status).to.equal(200);
      await idle();
      const listed = (await sim_('GET', `/messages?phone_number_id=${seeded.phoneNumberId}&customer=16505550000`)).body.data;
      expect(listed).to.have.length(1);
      expect(listed[0]).to.include({ wamid: res.body.messages[0].id, status: 'read', type: 'text' });
      expect(listed[0].statuses.map((s: any) => s.status)).to.deep.equal(['sent', 'delivered', 'read']);
      const conv = (await sim_('GET', `/conversation?phone_number_id=${seeded.phoneNumberId}&customer=16505550000`)).body;
      expect(conv.items.map((i: any) => i.direction)).to.deep.equal(['inbound', 'outbound']);
      expect(conv.windowOpen).to.equal(true);

      expect((await sim_('POST', '/faults', { duplicate: true })).body).to.include({ duplicate: true, batch: false });
      expect((await sim_('GET', '/faults')).body.duplicate).to.equal(true);
      const hello = seeded.templates.find((x: any) => x.name === 'hello_world');
      expect((await sim_('POST', `/templates/${hello.id}/status`, { status: 'PAUSED' })).body.status).to.equal('PAUSED');
      expect((await sim_('POST', `/numbers/${seeded.phoneNumberId}`, { qualityRating: 'RED', mps: 5 })).body).to.include({
        qualityRating: 'RED',
        mps: 5,
      });
      const before = (await sim_('GET', '/clock')).body.now;
      expect((await sim_('POST', '/clock/advance', { ms: 25 * 3600 * 1000 })).body.now).to.equal(before + 25 * 3600 * 1000);
      expect(
        (await sim_('GET', `/conversation?phone_number_id=${seeded.phoneNumberId}&customer=16505550000`)).body.windowOpen,
      ).to.equal(false);
      await sim_('POST', '/tokens/expire', { token: seeded.accessToken });
      expect((await graph('GET', `/${seeded.phoneNumberId}`, { token: seeded.accessToken })).status).to.equal(401);
      await idle();
      const log = (await sim_('GET', '/deliveries')).body.data;
      expect(log.length).to.be.greaterThan(0);
      expect(log[0].attempts[0]).to.have.keys('attempt', 'at', 'statusCode', 'error', 'durationMs');
      const state = (await sim_('GET', '/state')).body;
      expect(JSON.stringify(state)).to.not.contain(seeded.appSecret).and.to.not.contain(seeded.accessToken);
      await sim_('POST', '/reset');
      expect((await sim_('GET', '/state')).body.phoneNumbers).to.deep.equal([]);
    });
    it('injects, lists and clears send failures through /_sim/send-failures', async () => {
      openWindow();
      const added = await sim_('POST', '/send-failures', {
        phoneNumberId: t.phoneNumberId,
        to: '16505551234',
        code: 131009,
        count: 1,
      });
      expect(added.body).to.deep.equal({ phoneNumberId: t.phoneNumberId, to: '16505551234', code: 131009, remaining: 1 });
      expectError(await text('x'), 131009);
      expect((await sim_('GET', '/send-failures')).body.data).to.deep.equal([]);
      expect((await text('y')).status).to.equal(200);
      await sim_('POST', '/send-failures', { code: 131026 });
      expect((await sim_('GET', '/send-failures')).body.data).to.have.length(1);
      expectError(await text('z'), 131026);
      expectError(await text('z again'), 131026);
      expect((await sim_('DELETE', '/send-failures')).body).to.deep.equal({ success: true });
      expect((await text('w')).status).to.equal(200);
      expect((await sim_('POST', '/send-failures', {})).status).to.equal(400);
      expect((await sim_('POST', '/send-failures', { code: 131026, count: 0 })).status).to.equal(400);
      expect(sim.control.sentMessages()).to.have.length(2);
    });
  });

  describe('pages and mounting', () => {
    it('serves the simulated phone page with labelled controls under a nonce CSP', async () => {
      const res = await fetch(`${base}/_sim/phone`);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.contain('text/html');
      const html = await res.text();
      const nonce = /script-src 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
      expect(nonce).to.be.a('string');
      expect(html).to.contain(`<script nonce="${nonce}">`);
      for (const id of ['number', 'customer', 'text', 'new-wa', 'new-name']) expect(html).to.contain(`<label for="${id}"`);
      expect(html).to.contain('aria-live="polite"');
    });

    it('serves the Embedded Signup stand-in that posts FINISH and the code back to the opener', async () => {
      const res = await fetch(
        `${base}/_sim/embedded-signup?app_id=${t.appId}&config_id=cfg1&origin=${encodeURIComponent('http://localhost:3000/settings')}`,
      );
      const html = await res.text();
      expect(res.headers.get('cross-origin-opener-policy')).to.equal('unsafe-none');
      expect(html).to.contain('"origin":"http://localhost:3000"');
      expect(html).to.contain("type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH'");
      expect(html).to.contain("type: 'WA_SIMULATED_LOGIN', code: out.code");
      expect(html).to.contain("event: 'CANCEL'");
      expect(html).to.contain('<label for="business">');
      const unknown = await (await fetch(`${base}/_sim/embedded-signup?app_id=nope&origin=http://localhost:3000`)).text();
      expect(unknown).to.contain('Unknown app_id');
    });

    it('works mounted under a prefix inside another app, handing out URLs with that prefix', async () => {
      const parent = express();
      let parentUrl = '';
      const inner = createSimulator({
        publicUrl: () => `${parentUrl}/simulator`,
        statusTiming: { sent: 0, delivered: 0, read: 0 },
      });
      parent.use('/simulator', inner.app);
      const mounted = await listen(parent);
      parentUrl = mounted.url;
      try {
        const seeded = inner.control.seed();
        const said = inner.control.customerSays({ phoneNumberId: seeded.phoneNumberId, from: '16505551234', type: 'image' });
        const meta = await fetch(`${parentUrl}/simulator/v23.0/${said.mediaId}`, {
          headers: { authorization: `Bearer ${seeded.accessToken}` },
        });
        const { url } = (await meta.json()) as { url: string };
        expect(url.startsWith(`${parentUrl}/simulator/whatsapp_business/attachments/?`)).to.equal(true);
        const dl = await fetch(url, { headers: { authorization: `Bearer ${seeded.accessToken}` } });
        expect(dl.headers.get('content-type')).to.equal('image/png');
        expect((await fetch(`${parentUrl}/simulator/_sim/phone`)).status).to.equal(200);
        const list = await fetch(`${parentUrl}/simulator/v26.0/${seeded.wabaId}/message_templates?limit=1`, {
          headers: { authorization: `Bearer ${seeded.accessToken}` },
        });
        expect(
          ((await list.json()) as any).paging.next.startsWith(`${parentUrl}/simulator/v26.0/${seeded.wabaId}/message_templates?`),
        ).to.equal(true);
      } finally {
        await inner.close();
        mounted.server.closeAllConnections();
        await new Promise<void>((resolve) => mounted.server.close(() => resolve()));
      }
    });
  });
});
