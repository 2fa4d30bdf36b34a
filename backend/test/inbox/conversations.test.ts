// Conversations as the shared inbox will see them: built from the webhook pipeline (one per customer
// and number, unread counts that replays cannot inflate, the service window's expiry), listed with
// filters and keyset pages, and kept to their tenant.
import crypto from 'node:crypto';
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { envelope, INBOUND_MESSAGES } from '../channels/fixtures.ts';
import { sign, waitFor } from '../channels/helpers.ts';

interface ListBody {
  items: { id: number; lastMessageAt: string; unreadCount: number; customer: { waId: string } }[];
  nextCursor: string | null;
}

describe('conversations', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  const PN_A = '4000000000001';
  const PN_B = '4000000000002';

  const post = (body: string) =>
    fetch(`${tp.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': sign(body, tp.platform.webhooks.platform!.appSecret),
      },
      body,
    });
  const say = (pn: string, from: string, id: string, text: string, at = Math.floor(Date.now() / 1000)) =>
    post(envelope(pn, { messages: [{ ...INBOUND_MESSAGES.text, from, id, timestamp: String(at), text: { body: text } }] }));
  const drained = () =>
    waitFor(
      async () => (await tp.platform.models.WebhookEvent.count({ where: { status: 'pending' } })) === 0,
      10_000,
      'processing',
    );
  const waIds = (body: ListBody) => body.items.map((c) => c.customer.waId);

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    for (const [tenantId, pn] of [
      [a.tenantId, PN_A],
      [b.tenantId, PN_B],
    ] as const) {
      await tp.platform.models.Channel.create({
        tenantId,
        name: `Number ${pn}`,
        kind: 'manual',
        phoneNumberId: pn,
        wabaId: '2000000000001',
        accessTokenEnc: tp.platform.encryption.encrypt('EAAG-test', 'channels.access_token'),
        verifyToken: crypto.randomBytes(8).toString('hex'),
      });
    }
  });
  after(async () => tp?.stop());

  it("gathers a customer's messages into one conversation with unread count, preview and open window", async () => {
    await say(PN_A, '447700900001', 'wamid.c1-1', 'Hello!');
    await say(PN_A, '447700900001', 'wamid.c1-2', 'Anyone there?');
    await drained();
    const list = await a.users.agent.client.get('/api/v1/conversations');
    expect(list.status).to.equal(200);
    const conv = list.body.items.find((c: { customer: { waId: string } }) => c.customer.waId === '447700900001');
    expect(conv).to.deep.include({ status: 'open', unreadCount: 2, preview: 'Anyone there?' });
    expect(conv.window.open).to.equal(true);
    const closes = Date.parse(conv.window.expiresAt) - Date.now();
    expect(closes).to.be.within(23.9 * 3600_000, 24 * 3600_000 + 1000);

    const messages = await a.users.agent.client.get(`/api/v1/conversations/${conv.id}/messages`);
    expect(messages.body.items.map((m: { content: { text: { body: string } } }) => m.content.text.body)).to.deep.equal([
      'Anyone there?',
      'Hello!',
    ]);
    const read = await a.users.agent.client.post(`/api/v1/conversations/${conv.id}/read`);
    expect(read.body.unreadCount).to.equal(0);
  });

  it('names the customer as the CRM does once the business has named the contact, with the WhatsApp name beside it', async () => {
    // She calls herself "Sheena N." on WhatsApp.
    const text = { ...INBOUND_MESSAGES.text, from: '447700900031', id: 'wamid.c31-1', text: { body: 'Do you ship to Leeds?' } };
    const sent = JSON.parse(envelope(PN_A, { messages: [text] }));
    sent.entry[0].changes[0].value.contacts = [{ profile: { name: 'Sheena N.' }, wa_id: '447700900031' }];
    await post(JSON.stringify(sent));
    await drained();
    const find = async () =>
      (await a.users.agent.client.get('/api/v1/conversations')).body.items.find(
        (c: { customer: { waId: string } }) => c.customer.waId === '447700900031',
      );
    const before = await find();
    expect(before.customer).to.include({ name: 'Sheena N.', profileName: 'Sheena N.' });
    const row = await tp.platform.models.Conversation.findByPk(before.id);
    const renamed = await a.users.manager.client.patch(`/api/v1/contacts/${row!.contactId}`, { name: 'Sheena (wholesale)' });
    expect(renamed.status, renamed.text).to.equal(200);
    const after = await find();
    expect(after.customer).to.include({ name: 'Sheena (wholesale)', profileName: 'Sheena N.' });
    const one = await a.users.agent.client.get(`/api/v1/conversations/${before.id}`);
    expect(one.body.customer.name).to.equal('Sheena (wholesale)');
    // Another workspace's contact of the same name changes nothing here, and B never sees A's customer.
    const theirs = await b.users.agent.client.get('/api/v1/conversations');
    expect(theirs.body.items.map((c: { customer: { name: string } }) => c.customer.name)).to.not.include('Sheena (wholesale)');
  });

  it('does not count a replayed webhook twice', async () => {
    const body = envelope(PN_A, { messages: [{ ...INBOUND_MESSAGES.text, from: '447700900002', id: 'wamid.c2-1' }] });
    for (let i = 0; i < 3; i++) await post(body);
    await drained();
    const conv = await tp.platform.models.Conversation.findOne({ where: { customerKey: '447700900002' } });
    expect(conv!.unreadCount).to.equal(1);
  });

  it('shows the window as closed 24 hours after the last customer message, and filters by it', async () => {
    const old = Math.floor(Date.now() / 1000) - 25 * 3600;
    await say(PN_A, '447700900003', 'wamid.c3-1', "Yesterday's question", old);
    await drained();
    const closed = await a.users.agent.client.get('/api/v1/conversations?window=closed&limit=100');
    expect(waIds(closed.body)).to.include('447700900003');
    expect(waIds(closed.body)).to.not.include('447700900001');
    const open = await a.users.agent.client.get('/api/v1/conversations?window=open&limit=100');
    expect(waIds(open.body)).to.not.include('447700900003');
    const unread = await a.users.agent.client.get('/api/v1/conversations?unread=true&limit=100');
    expect(unread.body.items.every((c: { unreadCount: number }) => c.unreadCount > 0)).to.equal(true);
  });

  it('pages through conversations with a stable cursor, newest activity first, without gaps or repeats', async () => {
    const base = Math.floor(Date.now() / 1000) - 3600;
    for (let i = 0; i < 23; i++) await say(PN_A, `4477009010${String(i).padStart(2, '0')}`, `wamid.page-${i}`, `n${i}`, base + i);
    await drained();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: ListBody } = await a.users.agent.client.get(
        `/api/v1/conversations?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...waIds(res.body));
      const times = res.body.items.map((c) => Date.parse(c.lastMessageAt));
      expect([...times].sort((x, y) => y - x)).to.deep.equal(times);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    const total = await tp.platform.models.Conversation.count({ where: { tenantId: a.tenantId } });
    expect(seen).to.have.length(total);
    expect(new Set(seen).size).to.equal(total);
    expect((await a.users.agent.client.get('/api/v1/conversations?cursor=bm9wZQ')).status).to.equal(400);
    expect((await a.users.agent.client.get('/api/v1/conversations?limit=0')).status).to.equal(400);
    expect((await a.users.agent.client.get('/api/v1/conversations?status=archived')).status).to.equal(400);
  });

  it("keeps each tenant's conversations to itself", async () => {
    await say(PN_B, '447700900099', 'wamid.beta-1', 'Beta only');
    await drained();
    const theirs = await tp.platform.models.Conversation.findOne({ where: { tenantId: b.tenantId } });
    const mine = await a.users.admin.client.get('/api/v1/conversations?limit=100');
    expect(mine.body.items.map((c: { id: number }) => c.id)).to.not.include(Number(theirs!.id));
    expect((await a.users.admin.client.get(`/api/v1/conversations/${theirs!.id}`)).status).to.equal(404);
    expect((await a.users.admin.client.get(`/api/v1/conversations/${theirs!.id}/messages`)).status).to.equal(404);
    expect((await a.users.admin.client.post(`/api/v1/conversations/${theirs!.id}/read`)).status).to.equal(404);
    await theirs!.reload();
    expect(theirs!.unreadCount).to.equal(1);
    expect((await b.users.agent.client.get(`/api/v1/conversations/${theirs!.id}`)).status).to.equal(200);
  });
});
