// STOP/START keywords end to end: a customer writes from the simulated phone, the webhook pipeline
// records the opt-out with its proof in the same transaction as the message, the customer gets the
// acknowledgement in their language, a replayed webhook records nothing twice, and an opted-out
// contact never receives a marketing template (utility and authentication templates still go).
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { waitFor } from '../channels/helpers.ts';
import { DEFAULT_SETTINGS } from '../../src/modules/consent/keywords.ts';
import { connectSimNumber, customerWrites, messagesOf, postInbound, sendTo, type SimNumber } from '../inbox/sending-helpers.ts';

describe('consent keywords and the marketing guard', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let na: SimNumber;
  let nb: SimNumber;
  let n = 0;
  const customer = () => `3467${String(Date.now() % 1e6).padStart(6, '0')}${String(++n).padStart(2, '0')}`;

  const entriesOf = (tenantId: number) =>
    tp.platform.models.ConsentEntry.findAll({ where: { tenantId }, order: [['seq', 'ASC']] });
  const contactOf = async (tenantId: number, waId: string) =>
    waitFor(() => tp.platform.models.Contact.findOne({ where: { tenantId, phone: `+${waId}` } }), 5_000, 'contact');
  /** What the simulated phone received from the business as text. */
  const textsOnPhone = (num: SimNumber, waId: string) =>
    tp.platform
      .simulator!.control.sentMessages({ phoneNumberId: num.phoneNumberId, customer: waId })
      .filter((m) => m.type === 'text')
      .map((m) => (m.payload.text as { body: string }).body);

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    na = await connectSimNumber(tp, a, 'Alpha shop');
    nb = await connectSimNumber(tp, b, 'Beta shop');
  });
  after(async () => tp?.stop());

  for (const [said, language] of [
    ['STOP', 'en'],
    ['  baja ', 'es'],
    ['Stopp!', 'de'],
    ['arrêt', 'fr'],
  ] as const) {
    it(`records "${said.trim()}" as an opt-out with its proof and acknowledges it in ${language}`, async () => {
      const from = customer();
      const msg = await customerWrites(tp, na, from, said);
      const c = await contactOf(a.tenantId, from);
      await waitFor(async () => (await c.reload()).consentState === 'opted_out', 5_000, 'opt-out');
      const entry = (await tp.platform.models.ConsentEntry.findOne({ where: { tenantId: a.tenantId, contactId: c.id } }))!;
      expect(entry).to.include({ action: 'opt_out', source: 'keyword', actor: 'contact', subject: `+${from}` });
      const proof = JSON.parse(entry.proof!);
      expect(proof).to.include({
        wamid: msg.wamid,
        text: said,
        language,
        channelId: na.channelId,
        conversationId: msg.conversationId,
      });

      const reply = DEFAULT_SETTINGS.optOutReplies[language];
      await waitFor(async () => textsOnPhone(na, from).includes(reply), 10_000, `the ${language} acknowledgement`);
      // Agents see the acknowledgement in the conversation.
      const thread = await waitFor(
        async () => {
          const items = await messagesOf(a.users.agent.client, msg.conversationId);
          return items.some((m) => m.direction === 'out' && m.text === reply) ? items : null;
        },
        10_000,
        'the acknowledgement in the inbox',
      );
      expect(thread.filter((m) => m.direction === 'out' && m.text === reply)).to.have.length(1);
    });
  }

  it('opts back in on START, answers in English, and ignores a keyword inside a longer message', async () => {
    const from = customer();
    await customerWrites(tp, na, from, 'stop');
    const c = await contactOf(a.tenantId, from);
    await waitFor(async () => (await c.reload()).consentState === 'opted_out', 5_000, 'opt-out');
    await customerWrites(tp, na, from, 'Start');
    await waitFor(async () => (await c.reload()).consentState === 'opted_in', 5_000, 'opt-in');
    await customerWrites(tp, na, from, 'please stop sending me offers');
    await waitFor(async () => textsOnPhone(na, from).includes(DEFAULT_SETTINGS.optInReplies.en), 10_000, 'opt-in reply');
    const mine = (await entriesOf(a.tenantId)).filter((e) => Number(e.contactId) === Number(c.id));
    expect(mine.map((e) => e.action)).to.deep.equal(['opt_out', 'opt_in']);
    expect((await c.reload()).consentState).to.equal('opted_in');
    expect((await tp.platform.services.consent.verify(a.tenantId)).ok).to.equal(true);
  });

  it('records a replayed webhook once', async () => {
    const from = customer();
    const wamid = `wamid.replay-${from}`;
    const at = Math.floor(Date.now() / 1000);
    // Signed webhooks posted straight at us: tell the simulator the customer wrote, so the reply may go.
    const sim = tp.platform.simulator!;
    sim.control.upsertCustomer({ waId: from, lastInboundAt: { [na.phoneNumberId]: sim.control.now() } });
    await postInbound(tp, na, from, wamid, 'STOP', at);
    const c = await contactOf(a.tenantId, from);
    await waitFor(async () => (await c.reload()).consentState === 'opted_out', 5_000, 'opt-out');
    const events = async () => tp.platform.models.WebhookEvent.count({ where: { status: 'processed' } });
    const before = await events();
    await postInbound(tp, na, from, wamid, 'STOP', at);
    await postInbound(tp, na, from, wamid, 'STOP', at);
    await waitFor(async () => (await events()) >= before + 2, 10_000, 'the replays processed');
    await waitFor(async () => textsOnPhone(na, from).length >= 1, 10_000, 'the acknowledgement');
    await new Promise((r) => setTimeout(r, 500));
    const mine = (await entriesOf(a.tenantId)).filter((e) => Number(e.contactId) === Number(c.id));
    expect(mine).to.have.length(1);
    expect(textsOnPhone(na, from)).to.have.length(1);
  });

  it("uses the tenant's own keywords and replies; another tenant's settings do not apply", async () => {
    const put = await b.users.manager.client.put('/api/v1/consent/settings', {
      optOutKeywords: [{ keyword: 'Keine Werbung', language: 'de' }],
      optOutReplies: { de: 'Alles klar, keine Werbung mehr.' },
    });
    expect(put.status, put.text).to.equal(200);
    const inB = customer();
    await customerWrites(tp, nb, inB, 'keine werbung');
    const cb = await contactOf(b.tenantId, inB);
    await waitFor(async () => (await cb.reload()).consentState === 'opted_out', 5_000, 'custom opt-out');
    await waitFor(async () => textsOnPhone(nb, inB).includes('Alles klar, keine Werbung mehr.'), 10_000, 'custom reply');
    // STOP is no longer a keyword for B; A's defaults do not know B's phrase.
    const stopInB = customer();
    await customerWrites(tp, nb, stopInB, 'STOP');
    const inA = customer();
    await customerWrites(tp, na, inA, 'Keine Werbung');
    await new Promise((r) => setTimeout(r, 300));
    expect((await contactOf(b.tenantId, stopInB)).consentState).to.equal('unknown');
    expect((await contactOf(a.tenantId, inA)).consentState).to.equal('unknown');
  });

  it('never sends a marketing template to an opted-out contact, even when explicitly targeted; utility and authentication still go', async () => {
    const sim = tp.platform.simulator!;
    sim.control.createTemplate(na.wabaId, {
      name: 'weekly_offer',
      language: 'en_US',
      category: 'MARKETING',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'This week: 10% off everything.' }],
    } as never);
    const offer = { type: 'template', template: { name: 'weekly_offer', language: 'en_US' } };
    const offersTo = (to: string) =>
      sim.control
        .sentMessages({ phoneNumberId: na.phoneNumberId, customer: to })
        .filter((m) => m.template?.name === 'weekly_offer');
    const from = customer();
    const { conversationId } = await customerWrites(tp, na, from, 'hello');
    const c = await contactOf(a.tenantId, from);
    // Before opting out, marketing goes.
    const ok = await sendTo(a.users.agent.client, conversationId, offer);
    expect(ok.status, ok.text).to.equal(201);
    expect(ok.body.status).to.not.equal('failed');
    expect(offersTo(from)).to.have.length(1);
    const rec = await a.users.manager.client.post(`/api/v1/contacts/${c.id}/consent`, {
      action: 'opt_out',
      proof: { note: 'asked on the phone' },
    });
    expect(rec.status, rec.text).to.equal(201);
    const sentBefore = sim.control.sentMessages({ phoneNumberId: na.phoneNumberId, customer: from }).length;
    const storedBefore = await tp.platform.models.WaMessage.count({ where: { conversationId } });

    const refused = await sendTo(a.users.agent.client, conversationId, offer);
    expect(refused.status, refused.text).to.equal(409);
    expect(refused.body.error.code).to.equal('contact_opted_out');
    expect(refused.body.error.message).to.match(/opted out of marketing/);
    // A template the approved list does not know is treated as marketing.
    const unknown = await sendTo(a.users.agent.client, conversationId, {
      type: 'template',
      template: { name: 'mystery', language: 'en_US' },
    });
    expect(unknown.status).to.equal(409);
    expect(unknown.body.error.code).to.equal('contact_opted_out');
    expect(sim.control.sentMessages({ phoneNumberId: na.phoneNumberId, customer: from })).to.have.length(sentBefore);
    expect(await tp.platform.models.WaMessage.count({ where: { conversationId } })).to.equal(storedBefore);
    const known = await sendTo(a.users.agent.client, conversationId, {
      type: 'template',
      template: { name: 'spring_sale', language: 'en_US', bodyParams: ['Jane', '25%'] },
    });
    expect(known.status).to.equal(409);
    expect(offersTo(from)).to.have.length(1);

    const utility = await sendTo(a.users.agent.client, conversationId, {
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    });
    expect(utility.status, utility.text).to.equal(201);
    expect(utility.body.status).to.not.equal('failed');
    const auth = await sendTo(a.users.agent.client, conversationId, {
      type: 'template',
      template: { name: 'verification_code', language: 'en_US', bodyParams: ['123456'], buttonParams: ['123456'] },
    });
    expect(auth.status, auth.text).to.equal(201);

    // The guard campaigns will call.
    let thrown: any = null;
    try {
      await tp.platform.services.consent.assertMarketingAllowed(a.tenantId, [Number(c.id)]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown?.code).to.equal('contact_opted_out');
    expect(thrown?.status).to.equal(409);

    // Opting in again lets marketing through.
    await a.users.manager.client.post(`/api/v1/contacts/${c.id}/consent`, { action: 'opt_in' });
    const again = await sendTo(a.users.agent.client, conversationId, offer);
    expect(again.status, again.text).to.equal(201);
    expect(offersTo(from)).to.have.length(2);
  });

  it('keeps the entry when the acknowledgement cannot be sent', async () => {
    const from = customer();
    // The number is disconnected after the customer wrote: the reply cannot go, the opt-out stands.
    const { conversationId } = await customerWrites(tp, na, from, 'hi');
    await tp.platform.models.Channel.update({ status: 'disconnected' }, { where: { id: na.channelId } });
    try {
      const said = tp.platform.simulator!.control.customerSays({
        phoneNumberId: na.phoneNumberId,
        from,
        type: 'text',
        text: 'UNSUBSCRIBE',
      });
      await waitFor(
        () => tp.platform.models.WaMessage.findOne({ where: { wamid: said.wamid, conversationId } }),
        10_000,
        'stored',
      );
      const c = await contactOf(a.tenantId, from);
      await waitFor(async () => (await c.reload()).consentState === 'opted_out', 5_000, 'opt-out');
      await new Promise((r) => setTimeout(r, 500));
      expect(textsOnPhone(na, from)).to.have.length(0);
      expect(await tp.platform.models.ConsentEntry.count({ where: { tenantId: a.tenantId, contactId: c.id } })).to.equal(1);
    } finally {
      await tp.platform.models.Channel.update({ status: 'active' }, { where: { id: na.channelId } });
    }
  });
});
