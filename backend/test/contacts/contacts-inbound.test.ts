// Every conversation has a contact: the webhook pipeline creates it on a customer's first message
// (or links the one an import or a person made earlier), keeps last_seen_at current, and never
// makes a second one for a replayed webhook or a second number.
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { sign, waitFor } from '../channels/helpers.ts';
import { connectSimNumber, stored, type SimNumber } from '../inbox/sending-helpers.ts';
import { createContact } from './contacts-helpers.ts';

describe('contacts from inbound messages', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let numA: SimNumber;
  let numA2: SimNumber;
  let numB: SimNumber;
  const A = () => a.users.manager.client;

  /** The simulated customer writes (with a profile name); resolves once the message is in its conversation. */
  const customerSays = (n: SimNumber, from: string, text: string, name?: string) => {
    const said = tp.platform.simulator!.control.customerSays({ phoneNumberId: n.phoneNumberId, from, type: 'text', text, name });
    return stored(tp, said.wamid);
  };
  /** A signed webhook as Meta posts it, with the customer's profile name. */
  const webhook = (n: SimNumber, from: string, id: string, at: number, name: string) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: n.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550000000', phone_number_id: n.phoneNumberId },
                contacts: [{ profile: { name }, wa_id: from }],
                messages: [{ from, id, timestamp: String(at), type: 'text', text: { body: `message ${id}` } }],
              },
            },
          ],
        },
      ],
    });
  const post = async (body: string) => {
    const res = await fetch(`${tp.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': sign(body, tp.platform.webhooks.platform!.appSecret),
      },
      body,
    });
    expect(res.status).to.equal(200);
  };
  const drained = () =>
    waitFor(
      async () => (await tp.platform.models.WebhookEvent.count({ where: { status: 'pending' } })) === 0,
      10_000,
      'webhook processing',
    );
  const contactsWithPhone = (tenantId: number, phone: string) =>
    tp.platform.models.Contact.findAll({ where: { tenantId, phone } });
  const conversationOf = (id: number) => tp.platform.models.Conversation.findByPk(id);

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    numA = await connectSimNumber(tp, a, 'Alpha Main');
    numA2 = await connectSimNumber(tp, a, 'Alpha Support');
    numB = await connectSimNumber(tp, b, 'Beta Main');
  });
  after(async () => tp?.stop());

  it("creates a contact on a customer's first message, with phone, name, source and last seen", async () => {
    const m = await customerSays(numA, '4915133330001', 'Hi, is my order ready?', 'Dora Diaz');
    const conv = await conversationOf(m.conversationId);
    const [contact] = await contactsWithPhone(a.tenantId, '+4915133330001');
    expect(contact, 'contact').to.exist;
    expect(Number(conv!.contactId)).to.equal(Number(contact.id));
    const msg = await tp.platform.models.WaMessage.findByPk(m.messageId);
    const res = await A().get(`/api/v1/contacts/${contact.id}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({
      phone: '+4915133330001',
      waId: '4915133330001',
      name: 'Dora Diaz',
      source: 'inbound',
      mergedIntoId: null,
    });
    expect(res.body.lastSeenAt).to.equal(msg!.occurredAt.toISOString());
    const convs = await A().get(`/api/v1/contacts/${contact.id}/conversations`);
    expect(convs.body.items).to.have.length(1);
    expect(convs.body.items[0]).to.deep.include({
      id: m.conversationId,
      channelId: numA.channelId,
      status: 'open',
      unreadCount: 1,
      preview: 'Hi, is my order ready?',
    });

    // The next message moves last_seen_at forward and makes no new contact.
    await new Promise((r) => setTimeout(r, 20));
    const m2 = await customerSays(numA, '4915133330001', 'Hello?', 'Dora Diaz');
    const msg2 = await tp.platform.models.WaMessage.findByPk(m2.messageId);
    expect(await contactsWithPhone(a.tenantId, '+4915133330001')).to.have.length(1);
    await contact.reload();
    expect(contact.lastSeenAt!.toISOString()).to.equal(msg2!.occurredAt.toISOString());
  });

  it('makes no second contact for a replayed webhook, and an older message never moves last seen back', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = webhook(numA, '4915133330002', 'wamid.contact-replay-1', now, 'Emil');
    await post(body);
    await post(body);
    await drained();
    await post(body);
    await drained();
    const list = await contactsWithPhone(a.tenantId, '+4915133330002');
    expect(list).to.have.length(1);
    const seen = list[0].lastSeenAt!.toISOString();
    // A message sent an hour earlier, delivered late.
    await post(webhook(numA, '4915133330002', 'wamid.contact-replay-old', now - 3600, 'Emil'));
    await drained();
    await list[0].reload();
    expect(list[0].lastSeenAt!.toISOString()).to.equal(seen);
    expect(await tp.platform.models.Contact.count({ where: { tenantId: a.tenantId, phone: '+4915133330002' } })).to.equal(1);
  });

  it('links the contact made earlier with that phone, filling its name only when it has none', async () => {
    const unnamed = await createContact(A(), { phone: '+4915133330003' });
    const named = await createContact(A(), { phone: '+4915133330004', name: 'Frank (wholesale)' });
    const m1 = await customerSays(numA, '4915133330003', 'Hi', 'Greta');
    const m2 = await customerSays(numA, '4915133330004', 'Hi', 'Franky');
    expect(Number((await conversationOf(m1.conversationId))!.contactId)).to.equal(unnamed.id);
    expect(Number((await conversationOf(m2.conversationId))!.contactId)).to.equal(named.id);
    const g = await A().get(`/api/v1/contacts/${unnamed.id}`);
    expect(g.body).to.deep.include({ name: 'Greta', source: 'agent' });
    expect(g.body.lastSeenAt).to.be.a('string');
    expect((await A().get(`/api/v1/contacts/${named.id}`)).body.name).to.equal('Frank (wholesale)');
    expect(await contactsWithPhone(a.tenantId, '+4915133330003')).to.have.length(1);
  });

  it("gives a customer who writes to two of the tenant's numbers one contact with both conversations", async () => {
    const m1 = await customerSays(numA, '4915133330005', 'Sales?', 'Hana');
    const m2 = await customerSays(numA2, '4915133330005', 'Support?', 'Hana');
    expect(m1.conversationId).to.not.equal(m2.conversationId);
    const list = await contactsWithPhone(a.tenantId, '+4915133330005');
    expect(list).to.have.length(1);
    const convs = await A().get(`/api/v1/contacts/${list[0].id}/conversations`);
    expect(convs.body.items.map((c: { id: number }) => c.id).sort()).to.deep.equal([m1.conversationId, m2.conversationId].sort());
  });

  it("keeps each tenant's contact of the same person to itself", async () => {
    const ma = await customerSays(numA, '4915133330006', 'Hi A', 'Ida');
    const mb = await customerSays(numB, '4915133330006', 'Hi B', 'Ida');
    const ca = await conversationOf(ma.conversationId);
    const cb = await conversationOf(mb.conversationId);
    expect(ca!.contactId).to.not.equal(null);
    expect(cb!.contactId).to.not.equal(null);
    expect(Number(ca!.contactId)).to.not.equal(Number(cb!.contactId));
    expect((await b.users.manager.client.get(`/api/v1/contacts/${ca!.contactId}`)).status).to.equal(404);
    expect((await b.users.manager.client.get(`/api/v1/contacts/${cb!.contactId}/conversations`)).body.items).to.have.length(1);
  });
});
