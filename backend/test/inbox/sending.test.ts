// Sending from the shared inbox, end to end: the real Graph client talks to the built-in simulator over
// HTTP, the simulator's signed status webhooks come back through the pipeline, and every assertion on
// what went out is made on the simulator's side.
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { waitFor } from '../channels/helpers.ts';
import type { Simulator } from '../../src/whatsapp/simulator/index.ts';
import type { RealtimeEvent } from '../../src/realtime/index.ts';
import {
  PNG,
  connectSimNumber,
  customerWrites,
  messagesOf,
  postInbound,
  sendTo,
  upload,
  type SimNumber,
} from './sending-helpers.ts';

describe('sending from the inbox', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let sim: Simulator;
  let a: TenantGraph;
  let b: TenantGraph;
  let na: SimNumber;
  let nb: SimNumber;
  let seq = 0;
  /** A fresh customer per test, so pair-rate and window state never leak between tests. */
  const customer = () => `4477009${String(Date.now() % 100000).padStart(5, '0')}${String(++seq).padStart(2, '0')}`.slice(0, 15);
  const sentOnPhone = (wamid: string) =>
    sim.control.sentMessages({ phoneNumberId: na.phoneNumberId }).find((m) => m.wamid === wamid);

  before(async () => {
    tp = await startPlatform();
    sim = tp.platform.simulator!;
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    na = await connectSimNumber(tp, a, 'Alpha support');
    nb = await connectSimNumber(tp, b, 'Beta support');
  });
  after(async () => tp?.stop());

  it('sends a text inside the window: stored, on the phone, marked read on WhatsApp, ticks move forward', async () => {
    const from = customer();
    const events: RealtimeEvent[] = [];
    const unsubscribe = tp.platform.bus.subscribe((e) => events.push(e));
    const inbound = await customerWrites(tp, na, from, 'Do you ship to Leeds?');
    const res = await sendTo(a.users.agent.client, inbound.conversationId, { type: 'text', text: 'Yes, in two days.' });
    expect(res.status, res.text).to.equal(201);
    const m = res.body;
    expect(m.error, JSON.stringify(m.error)).to.equal(null);
    expect(m).to.deep.include({ direction: 'out', type: 'text', text: 'Yes, in two days.', note: false, error: null });
    expect(m.wamid).to.match(/^wamid\./);
    expect(['accepted', 'sent', 'delivered', 'read']).to.include(m.status);
    expect(m.sender).to.deep.equal({ id: a.users.agent.id, name: `agent ${a.slug.split('-')[1]}` });

    const onPhone = sentOnPhone(m.wamid)!;
    expect(onPhone.payload).to.deep.include({ type: 'text', to: from });
    expect((onPhone.payload.text as { body: string }).body).to.equal('Yes, in two days.');
    // The customer's message shows blue ticks, and we remember it is read.
    const chat = sim.control.conversation({ phoneNumberId: na.phoneNumberId, customer: from });
    expect(chat.items.find((i) => i.wamid === inbound.wamid)!.readByBusiness).to.equal(true);
    const row = await tp.platform.models.WaMessage.findByPk(inbound.messageId);
    expect(row!.status).to.equal('read');

    const conv = await a.users.agent.client.get(`/api/v1/conversations/${inbound.conversationId}`);
    expect(conv.body.preview).to.equal('Yes, in two days.');
    await waitFor(
      async () => (await messagesOf(a.users.agent.client, inbound.conversationId)).find((x) => x.id === m.id)?.status === 'read',
      10_000,
      'read tick',
    );
    unsubscribe();
    const inbox = events.filter((e) => e.topic === 'inbox' && e.tenantId === a.tenantId);
    expect(inbox.map((e) => e.type)).to.include.members(['message.created', 'conversation.updated', 'message.status']);
    expect(inbox.find((e) => e.type === 'message.created' && (e.data as { messageId: number }).messageId === m.id)).to.not.equal(
      undefined,
    );
    expect(
      inbox.find((e) => e.type === 'message.created' && (e.data as { messageId: number }).messageId === inbound.messageId),
    ).to.not.equal(undefined);
  });

  it('applies the 24-hour rule: open just inside, refused at exactly 24 h and beyond; templates always go', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Inside (23 h 59 m ago): WhatsApp agrees the window is open.
    const inside = customer();
    const i = await postInbound(tp, na, inside, `wamid.inside-${inside}`, 'still there?', now - (24 * 3600 - 60));
    sim.control.upsertCustomer({
      waId: inside,
      lastInboundAt: { [na.phoneNumberId]: sim.control.now() - (24 * 3600 - 60) * 1000 },
    });
    const ok = await sendTo(a.users.agent.client, i.conversationId, { type: 'text', text: 'Yes!' });
    expect(ok.status, ok.text).to.equal(201);
    expect(ok.body.status, JSON.stringify(ok.body.error)).to.not.equal('failed');

    // Exactly 24 hours: closed.
    const edge = customer();
    const e = await postInbound(tp, na, edge, `wamid.edge-${edge}`, 'hello', now - 24 * 3600);
    const before = sim.control.sentMessages({ phoneNumberId: na.phoneNumberId }).length;
    const refused = await sendTo(a.users.agent.client, e.conversationId, { type: 'text', text: 'Too late' });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('service_window_closed');
    expect(refused.body.error.message).to.match(/template/);

    // Long outside: media, buttons and reactions are refused too; a template goes.
    const old = customer();
    const o = await postInbound(tp, na, old, `wamid.old-${old}`, 'last week', now - 3 * 24 * 3600);
    const blob = await upload(a.users.agent.client, PNG, 'image/png', 'p.png');
    for (const body of [
      { type: 'image', mediaId: blob.body.id },
      { type: 'interactive', interactive: { kind: 'buttons', body: 'Pick', buttons: [{ id: 'a', title: 'A' }] } },
      { type: 'reaction', messageId: o.messageId, emoji: '👍' },
    ]) {
      const r = await sendTo(a.users.agent.client, o.conversationId, body);
      expect(r.status, JSON.stringify(body)).to.equal(409);
      expect(r.body.error.code).to.equal('service_window_closed');
    }
    expect(sim.control.sentMessages({ phoneNumberId: na.phoneNumberId })).to.have.length(before);
    const template = await sendTo(a.users.agent.client, o.conversationId, {
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    });
    expect(template.status, template.text).to.equal(201);
    expect(template.body.status).to.not.equal('failed');
    expect(sentOnPhone(template.body.wamid)!.template!.name).to.equal('hello_world');
    // A note is internal: always allowed, never sent.
    const note = await sendTo(a.users.agent.client, o.conversationId, { type: 'note', text: 'Called them instead' });
    expect(note.status).to.equal(201);
  });

  it('orders a customer message written in the same second as our reply after it, in the thread and the list', async () => {
    const from = customer();
    const { conversationId } = await customerWrites(tp, na, from, 'first question');
    // Start just after a second boundary, so the reply and the answer share WhatsApp's second.
    while (Date.now() % 1000 > 100) await new Promise((r) => setTimeout(r, 10));
    const reply = await sendTo(a.users.agent.client, conversationId, { type: 'text', text: 'our reply' });
    expect(reply.status, reply.text).to.equal(201);
    const { messageId } = await customerWrites(tp, na, from, 'answer in the same second');
    const [newest, second] = await messagesOf(a.users.agent.client, conversationId);
    expect(newest.id).to.equal(messageId);
    expect(second.text).to.equal('our reply');
    const conv = await a.users.agent.client.get(`/api/v1/conversations/${conversationId}`);
    expect(conv.body.preview).to.equal('answer in the same second');
    // The window still counts from WhatsApp's whole second.
    expect(new Date(conv.body.window.expiresAt).getTime() % 1000).to.equal(0);
  });

  it('sends templates with header, body and button parameters shaped from the approved template', async () => {
    const from = customer();
    const c = await customerWrites(tp, na, from, 'Where is my order?');
    const res = await sendTo(a.users.manager.client, c.conversationId, {
      type: 'template',
      template: {
        name: 'order_update',
        language: 'en_US',
        headerParams: ['A-1'],
        bodyParams: ['Jane', 'A-1'],
        buttonParams: ['A-1'],
      },
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.status, JSON.stringify(res.body.error)).to.not.equal('failed');
    expect(res.body.text).to.equal('Hi Jane, your order A-1 has shipped.');
    const onPhone = sentOnPhone(res.body.wamid)!;
    expect(onPhone.view).to.deep.include({ header: 'Order A-1', body: 'Hi Jane, your order A-1 has shipped.' });
    expect(onPhone.view.buttons![0].url).to.equal('https://example.com/t/A-1');

    // Named parameters get their names from the template.
    const named = await sendTo(a.users.manager.client, c.conversationId, {
      type: 'template',
      template: { name: 'appointment_reminder', language: 'en_US', bodyParams: ['Jane', 'May 1'] },
    });
    expect(named.body.status, JSON.stringify(named.body.error)).to.not.equal('failed');
    expect(sentOnPhone(named.body.wamid)!.view.body).to.equal('Hello Jane, this is a reminder of your appointment on May 1.');

    // An image header: our stored file is uploaded to WhatsApp and referenced by its media id.
    const img = await upload(a.users.manager.client, PNG, 'image/png', 'sale.png');
    const sale = await sendTo(a.users.manager.client, c.conversationId, {
      type: 'template',
      template: { name: 'spring_sale', language: 'en_US', headerMediaId: img.body.id, bodyParams: ['Jane', '25%'] },
    });
    expect(sale.body.status, JSON.stringify(sale.body.error)).to.not.equal('failed');
    const saleOnPhone = sentOnPhone(sale.body.wamid)!;
    expect(saleOnPhone.view.media!.kind).to.equal('image');
    expect(sim.state.media.get(saleOnPhone.view.media!.mediaId!)!.bytes.equals(PNG)).to.equal(true);
    expect(sale.body.media).to.deep.include({ id: img.body.id, state: 'stored', url: `/api/v1/media/${img.body.id}` });

    // Wrong parameter count: stored as failed with the reason in plain words.
    const wrong = await sendTo(a.users.manager.client, c.conversationId, {
      type: 'template',
      template: { name: 'order_update', language: 'en_US', bodyParams: ['only one'] },
    });
    expect(wrong.status).to.equal(201);
    expect(wrong.body.status).to.equal('failed');
    expect(wrong.body.error.code).to.equal(132000);
    expect(wrong.body.error.reason).to.match(/parameters do not match/);
    expect(wrong.body.error.hint).to.be.a('string');
  });

  it('sends buttons, lists, replies and reactions', async () => {
    const from = customer();
    const c = await customerWrites(tp, na, from, 'Which size should I take?');
    const buttons = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'interactive',
      interactive: {
        kind: 'buttons',
        header: 'Sizes',
        body: 'Pick one',
        footer: 'We reply fast',
        buttons: [
          { id: 's', title: 'Small' },
          { id: 'm', title: 'Medium' },
        ],
      },
    });
    expect(buttons.status, buttons.text).to.equal(201);
    const bView = sentOnPhone(buttons.body.wamid)!.view;
    expect(bView).to.deep.include({ kind: 'interactive.button', header: 'Sizes', body: 'Pick one', footer: 'We reply fast' });
    expect(bView.buttons!.map((x) => x.title)).to.deep.equal(['Small', 'Medium']);

    const list = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'interactive',
      interactive: {
        kind: 'list',
        body: 'Our sizes',
        button: 'See sizes',
        sections: [
          { title: 'Tops', rows: [{ id: 't-s', title: 'Top S', description: 'Chest 90 cm' }] },
          { title: 'Trousers', rows: [{ id: 'tr-m', title: 'Trousers M' }] },
        ],
      },
    });
    expect(list.status, list.text).to.equal(201);
    const lView = sentOnPhone(list.body.wamid)!.view;
    expect(lView.listButton).to.equal('See sizes');
    expect(lView.buttons!.map((x) => x.id)).to.deep.equal(['t-s', 'tr-m']);
    const tooMany = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'interactive',
      interactive: { kind: 'buttons', body: 'x', buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `B${n}` })) },
    });
    expect(tooMany.status).to.equal(400);

    const reply = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'text',
      text: 'Medium fits most.',
      replyToMessageId: c.messageId,
    });
    expect(reply.status, reply.text).to.equal(201);
    expect(sentOnPhone(reply.body.wamid)!.payload.context).to.deep.equal({ message_id: c.wamid });
    expect(reply.body.replyTo).to.deep.equal({ id: c.messageId, wamid: c.wamid, text: 'Which size should I take?' });

    const reaction = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'reaction',
      messageId: c.messageId,
      emoji: '👍',
    });
    expect(reaction.status, reaction.text).to.equal(201);
    expect(sentOnPhone(reaction.body.wamid)!.payload.reaction).to.deep.equal({ message_id: c.wamid, emoji: '👍' });
    expect(reaction.body.replyTo.id).to.equal(c.messageId);

    // Only messages of this conversation that went through WhatsApp can be quoted or reacted to.
    const other = await customerWrites(tp, na, customer(), 'someone else');
    const foreign = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'reaction',
      messageId: other.messageId,
      emoji: '👍',
    });
    expect(foreign.status).to.equal(400);
    expect(foreign.body.error.code).to.equal('message_not_in_conversation');
    const note = await sendTo(a.users.agent.client, c.conversationId, { type: 'note', text: 'internal' });
    const quoteNote = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'text',
      text: 'x',
      replyToMessageId: note.body.id,
    });
    expect(quoteNote.status).to.equal(400);
    expect(quoteNote.body.error.code).to.equal('message_not_on_whatsapp');
  });

  it('keeps notes inside the team: stored in the thread, never sent to WhatsApp', async () => {
    const from = customer();
    const c = await customerWrites(tp, na, from, 'I want a refund');
    const before = sim.control.sentMessages().length;
    const res = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'note',
      text: '@manager can you approve this refund?',
      mentions: [a.users.manager.id, b.users.manager.id],
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.deep.include({
      note: true,
      wamid: null,
      direction: 'out',
      text: '@manager can you approve this refund?',
    });
    expect(sim.control.sentMessages().length).to.equal(before);
    // Mentioned members of the tenant are told; someone from another tenant is not.
    const told = await tp.platform.models.Notification.findAll({ where: { messageId: res.body.id } });
    expect(told.map((n) => [n.userId, n.kind, n.tenantId])).to.deep.equal([[a.users.manager.id, 'mention', a.tenantId]]);
    const thread = await messagesOf(a.users.manager.client, c.conversationId);
    expect(thread[0]).to.deep.include({ id: res.body.id, note: true });
    // The customer's message is still unread on WhatsApp: a note is not a reply.
    const chat = sim.control.conversation({ phoneNumberId: na.phoneNumberId, customer: from });
    expect(chat.items[0].readByBusiness).to.equal(false);
  });

  it('sends once per clientRef, however often the composer retries the request', async () => {
    const c = await customerWrites(tp, na, customer(), 'hi');
    const body = { type: 'text', text: 'Hello there', clientRef: 'cmp-7f3a-0001' };
    const first = await sendTo(a.users.agent.client, c.conversationId, body);
    const again = await sendTo(a.users.agent.client, c.conversationId, body);
    const parallel = await Promise.all([1, 2, 3].map(() => sendTo(a.users.agent.client, c.conversationId, body)));
    expect(first.status).to.equal(201);
    expect(again.status).to.equal(200);
    for (const r of [again, ...parallel]) expect(r.body.id).to.equal(first.body.id);
    expect(first.body.clientRef).to.equal('cmp-7f3a-0001');
    const onPhone = sim.control
      .sentMessages({ phoneNumberId: na.phoneNumberId })
      .filter((m) => (m.payload.text as { body?: string })?.body === 'Hello there');
    expect(onPhone).to.have.length(1);
  });

  it("warns about a colleague's newer reply (409 with their message and name) and sends when forced", async () => {
    const c = await customerWrites(tp, na, customer(), 'Is anyone there?');
    const admin = await sendTo(a.users.admin.client, c.conversationId, { type: 'text', text: 'Hi, I am looking into it.' });
    expect(admin.status).to.equal(201);
    const late = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'text',
      text: 'Hello! How can I help?',
      afterMessageId: c.messageId,
    });
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('reply_collision');
    expect(late.body.error.details.by).to.deep.equal({ id: a.users.admin.id, name: `admin ${a.slug.split('-')[1]}` });
    expect(late.body.error.details.message).to.deep.include({ id: admin.body.id, text: 'Hi, I am looking into it.' });
    expect(late.body.error.message).to.match(/replied to this customer/);
    // Having seen it, the composer may send; its own earlier messages never count as a collision.
    const seen = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'text',
      text: 'Adding: we open at 9.',
      afterMessageId: admin.body.id,
    });
    expect(seen.status).to.equal(201);
    const mine = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'text',
      text: 'And close at 5.',
      afterMessageId: admin.body.id,
    });
    expect(mine.status).to.equal(201);
    const forced = await sendTo(a.users.agent.client, c.conversationId, {
      type: 'text',
      text: 'Hello! How can I help?',
      afterMessageId: c.messageId,
      force: true,
    });
    expect(forced.status).to.equal(201);
  });

  it('stores what WhatsApp refuses as failed with a plain reason; a retry sends the same row under a new wamid', async () => {
    const from = customer();
    const c = await customerWrites(tp, na, from, 'quick question');
    sim.control.setPairRate({ limit: 1, windowMs: 60_000 });
    try {
      const first = await sendTo(a.users.agent.client, c.conversationId, { type: 'text', text: 'one' });
      expect(first.body.status).to.not.equal('failed');
      const second = await sendTo(a.users.agent.client, c.conversationId, { type: 'text', text: 'two' });
      expect(second.status).to.equal(201);
      expect(second.body).to.deep.include({ status: 'failed', wamid: null });
      expect(second.body.error).to.deep.include({
        code: 131056,
        reason: 'Too many messages went to this customer in a short time.',
      });
      const stillLimited = await a.users.agent.client.post(`/api/v1/messages/${second.body.id}/retry`);
      expect(stillLimited.status).to.equal(200);
      expect(stillLimited.body.status).to.equal('failed');
      sim.control.setPairRate({ limit: 10, windowMs: 6000 });
      const retried = await a.users.agent.client.post(`/api/v1/messages/${second.body.id}/retry`);
      expect(retried.status, retried.text).to.equal(200);
      expect(retried.body).to.deep.include({ id: second.body.id, error: null });
      expect(retried.body.wamid).to.match(/^wamid\./);
      expect(sentOnPhone(retried.body.wamid)!.payload.text).to.deep.equal({ body: 'two' });
      const again = await a.users.agent.client.post(`/api/v1/messages/${second.body.id}/retry`);
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('not_retryable');
      const inbound = await a.users.agent.client.post(`/api/v1/messages/${c.messageId}/retry`);
      expect(inbound.status).to.equal(409);
    } finally {
      sim.control.setPairRate({ limit: 10, windowMs: 6000 });
    }
  });

  it('explains a closed window reported by WhatsApp, and applies the rule again on retry', async () => {
    const from = customer();
    const now = Math.floor(Date.now() / 1000);
    // Our records say the window closes in 2 s; WhatsApp already thinks it closed.
    const c = await postInbound(tp, na, from, `wamid.closing-${from}`, 'bye', now - (24 * 3600 - 2));
    sim.control.upsertCustomer({ waId: from, lastInboundAt: { [na.phoneNumberId]: null } });
    const res = await sendTo(a.users.agent.client, c.conversationId, { type: 'text', text: 'One more thing' });
    expect(res.status).to.equal(201);
    expect(res.body.status).to.equal('failed');
    expect(res.body.error.code).to.equal(131047);
    expect(res.body.error.reason).to.match(/24 hours/);
    expect(res.body.error.hint).to.match(/template/);
    await new Promise((r) => setTimeout(r, 3000));
    const retry = await a.users.agent.client.post(`/api/v1/messages/${res.body.id}/retry`);
    expect(retry.status).to.equal(409);
    expect(retry.body.error.code).to.equal('service_window_closed');
    const row = await tp.platform.models.WaMessage.findByPk(res.body.id);
    expect(row!.status).to.equal('failed');
  });

  it('merges the status placeholder when the webhook beats WhatsApp’s answer', async () => {
    const c = await customerWrites(tp, na, customer(), 'race me');
    // Hold the simulator's answer to sends until its status webhooks have been processed.
    const router = (sim.app as unknown as { router: { stack: unknown[] } }).router;
    sim.app.use((req, res, next) => {
      if (req.method === 'POST' && req.url.endsWith('/messages') && !(req.body as { status?: string } | undefined)?.status) {
        const json = res.json.bind(res);
        res.json = (body: unknown) => {
          setTimeout(() => json(body), 1500);
          return res;
        };
      }
      next();
    });
    router.stack.splice(1, 0, router.stack.pop());
    try {
      const res = await sendTo(a.users.agent.client, c.conversationId, { type: 'text', text: 'raced' });
      expect(res.status, res.text).to.equal(201);
      expect(['delivered', 'read']).to.include(res.body.status);
      const rows = await tp.platform.models.WaMessage.findAll({ where: { wamid: res.body.wamid } });
      expect(rows).to.have.length(1);
      expect(rows[0]).to.deep.include({ type: 'text', conversationId: c.conversationId });
      expect(JSON.parse(rows[0].pricing!)).to.deep.include({ pricing_model: 'PMP' });
    } finally {
      router.stack.splice(1, 1);
    }
  });

  it('lists the approved templates of a number for the picker', async () => {
    const res = await a.users.agent.client.get(`/api/v1/channels/${na.channelId}/templates`);
    expect(res.status, res.text).to.equal(200);
    const names = res.body.items.map((t: { name: string }) => t.name);
    expect(names).to.include.members(['hello_world', 'order_update', 'spring_sale']);
    expect(res.body.items.every((t: { status: string }) => t.status === 'APPROVED')).to.equal(true);
    expect((await b.users.agent.client.get(`/api/v1/channels/${na.channelId}/templates`)).status).to.equal(404);
  });

  it('searches message text within the tenant and the conversations the caller may see', async () => {
    const c = await customerWrites(tp, na, customer(), 'My parcel tracking number is ZX-99 please check');
    await sendTo(a.users.admin.client, c.conversationId, { type: 'text', text: 'Parcel ZX-99 left the depot.' });
    const theirs = await customerWrites(tp, nb, customer(), 'Beta parcel ZX-99 question');

    const found = await a.users.manager.client.get('/api/v1/messages/search?q=zx-99');
    expect(found.status, found.text).to.equal(200);
    expect(found.body.items.map((i: any) => i.message.text)).to.deep.equal([
      'Parcel ZX-99 left the depot.',
      'My parcel tracking number is ZX-99 please check',
    ]);
    expect(found.body.items[0].conversation.id).to.equal(c.conversationId);
    const beta = await b.users.manager.client.get('/api/v1/messages/search?q=ZX-99');
    expect(beta.body.items.map((i: any) => i.conversation.id)).to.deep.equal([theirs.conversationId]);
    // % and _ are literal characters, not wildcards.
    expect((await a.users.manager.client.get('/api/v1/messages/search?q=%25%25')).body.items).to.have.length(0);
    expect((await a.users.manager.client.get('/api/v1/messages/search?q=Z')).status).to.equal(400);
    expect((await a.users.manager.client.get(`/api/v1/messages/search?q=${'x'.repeat(101)}`)).status).to.equal(400);

    // An agent who sees only their own conversations finds only those.
    await tp.platform.models.InboxSettings.upsert({ tenantId: a.tenantId, agentVisibility: 'mine', autoAssign: false });
    try {
      const hidden = await a.users.agent.client.get('/api/v1/messages/search?q=ZX-99');
      expect(hidden.body.items).to.have.length(0);
      await tp.platform.models.Conversation.update({ assigneeUserId: a.users.agent.id }, { where: { id: c.conversationId } });
      const mine = await a.users.agent.client.get('/api/v1/messages/search?q=ZX-99');
      expect(mine.body.items).to.have.length(2);
      // Nor can they send into, or retry in, a conversation they cannot see.
      await tp.platform.models.Conversation.update({ assigneeUserId: a.users.manager.id }, { where: { id: c.conversationId } });
      expect((await sendTo(a.users.agent.client, c.conversationId, { type: 'text', text: 'x' })).status).to.equal(404);
    } finally {
      await tp.platform.models.InboxSettings.destroy({ where: { tenantId: a.tenantId } });
    }
  });

  it("keeps tenants apart: B cannot send into, retry in, or quote A's conversations and messages", async () => {
    const c = await customerWrites(tp, na, customer(), 'tenant A only');
    const out = await sendTo(a.users.agent.client, c.conversationId, { type: 'text', text: 'for A' });
    await tp.platform.models.WaMessage.update({ status: 'failed' }, { where: { id: out.body.id } });
    const before = sim.control.sentMessages().length;
    expect((await sendTo(b.users.admin.client, c.conversationId, { type: 'text', text: 'intruder' })).status).to.equal(404);
    expect((await b.users.admin.client.get(`/api/v1/conversations/${c.conversationId}/messages`)).status).to.equal(404);
    expect((await b.users.admin.client.post(`/api/v1/messages/${out.body.id}/retry`)).status).to.equal(404);
    const bc = await customerWrites(tp, nb, customer(), 'tenant B');
    const quote = await sendTo(b.users.admin.client, bc.conversationId, {
      type: 'text',
      text: 'x',
      replyToMessageId: c.messageId,
    });
    expect(quote.status).to.equal(400);
    const blob = await upload(a.users.agent.client, PNG, 'image/png');
    const steal = await sendTo(b.users.admin.client, bc.conversationId, { type: 'image', mediaId: blob.body.id });
    expect(steal.status).to.equal(404);
    expect(sim.control.sentMessages().length).to.equal(before);
  });
});
