// Channels end to end against the built-in Cloud API simulator, through HTTP with a real database:
// the product's real Graph client talks to the simulator, the simulator's customers send signed
// webhooks back, and what they say lands in the right tenant.
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { waitFor } from './helpers.ts';
import type { Simulator } from '../../src/whatsapp/simulator/index.ts';
import { windowFrom } from '../../src/modules/channels/index.ts';

describe('WhatsApp channels with the built-in simulator', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let sim: Simulator;
  let a: TenantGraph;
  let b: TenantGraph;
  let appId: string;

  before(async () => {
    tp = await startPlatform({ env: { DEMO: '1' } });
    sim = tp.platform.simulator!;
    appId = tp.platform.services.channels.signupConfig(null).appId!;
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
  });
  after(async () => tp?.stop());

  const inbound = (wamid: string) =>
    waitFor(() => tp.platform.models.WaMessage.findOne({ where: { wamid } }), 10_000, `message ${wamid}`);

  it('gives the demo tenant a simulated number: a customer message arrives signed and stored, and a reply reaches the phone', async () => {
    const demo = await tp.platform.models.Tenant.findOne({ where: { slug: 'demo' } });
    const channel = await tp.platform.models.Channel.findOne({ where: { tenantId: demo!.id } });
    expect(channel!.kind).to.equal('simulator');
    const said = sim.control.customerSays({
      phoneNumberId: channel!.phoneNumberId,
      from: '16505551234',
      type: 'text',
      text: 'Is the blue one in stock?',
    });
    const row = await inbound(said.wamid);
    expect(row.tenantId).to.equal(demo!.id);
    expect(JSON.parse(row.payload).text.body).to.equal('Is the blue one in stock?');
    expect(row.profileName).to.be.a('string');
    // Every delivery the simulator made was accepted on the first attempt (signature verified).
    const deliveries = sim.control.deliveries().filter((d) => d.attempts.length > 0);
    expect(deliveries.every((d) => d.attempts[0].statusCode === 200)).to.equal(true);

    const owner = tp.platform.services.channels;
    const ctx = {
      tenantId: demo!.id,
      role: 'admin' as const,
      principal: { kind: 'session' as const, userId: null, label: 'test', isSuperAdmin: true, tenantId: null, tokenRole: null },
      ip: null,
    };
    const sent = await owner.sendTest(ctx, channel!.id, { to: '16505551234', text: 'Yes, 3 left!' });
    const onPhone = sim.control.sentMessages({ phoneNumberId: channel!.phoneNumberId }).find((m) => m.wamid === sent.wamid);
    expect(onPhone!.payload).to.deep.include({ type: 'text' });
    // The simulator's status webhooks move the stored message forward.
    const out = await waitFor(
      async () => {
        const r = await tp.platform.models.WaMessage.findOne({ where: { wamid: sent.wamid } });
        return r && ['delivered', 'read'].includes(r.status) ? r : null;
      },
      10_000,
      'delivered status',
    );
    expect(out.direction).to.equal('out');
    expect(out.type).to.equal('text');
  });

  it('connects a number manually after checking it with WhatsApp, encrypting the token', async () => {
    const seeded = sim.control.seed({ appId, businessName: 'Alpha Shop' });
    const res = await a.users.admin.client.post('/api/v1/channels', {
      name: 'Alpha support',
      phoneNumberId: seeded.phoneNumberId,
      wabaId: seeded.wabaId,
      accessToken: seeded.accessToken,
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.deep.include({
      name: 'Alpha support',
      phoneNumberId: seeded.phoneNumberId,
      status: 'active',
      ownApp: false,
    });
    expect(res.body.health.qualityRating).to.equal('GREEN');
    expect(res.body.webhook.callbackUrl).to.match(/\/webhooks\/whatsapp$/);
    expect(res.text).to.not.contain(seeded.accessToken);
    const row = await tp.platform.models.Channel.findByPk(res.body.id);
    expect(row!.accessTokenEnc).to.not.contain(seeded.accessToken);
    expect(tp.logs.join('\n')).to.not.contain(seeded.accessToken);
    const audit = await a.users.admin.client.get('/api/v1/audit-logs?action=channel.connected');
    expect(audit.body.items).to.have.length(1);

    // A customer writing to it lands in Alpha only.
    const said = sim.control.customerSays({
      phoneNumberId: seeded.phoneNumberId,
      from: '447700900123',
      type: 'text',
      text: 'hello alpha',
    });
    expect((await inbound(said.wamid)).tenantId).to.equal(a.tenantId);
  });

  it('refuses a wrong token with a clear error and saves nothing', async () => {
    const seeded = sim.control.seed({ appId });
    const before = await tp.platform.models.Channel.count();
    const res = await a.users.admin.client.post('/api/v1/channels', {
      name: 'Typo',
      phoneNumberId: seeded.phoneNumberId,
      wabaId: seeded.wabaId,
      accessToken: 'EAAG' + 'x'.repeat(40),
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('whatsapp_rejected');
    expect(res.body.error.message).to.match(/access token is invalid or expired/);
    expect(await tp.platform.models.Channel.count()).to.equal(before);

    const wrongNumber = await a.users.admin.client.post('/api/v1/channels', {
      name: 'Wrong id',
      phoneNumberId: '123456789012',
      wabaId: seeded.wabaId,
      accessToken: seeded.accessToken,
    });
    expect(wrongNumber.status).to.equal(400);
    expect(wrongNumber.body.error.code).to.equal('number_not_in_account');

    const bad = await a.users.admin.client.post('/api/v1/channels', {
      name: '',
      phoneNumberId: 'abc',
      wabaId: '1',
      accessToken: 'short',
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('validation_failed');
    expect(await tp.platform.models.Channel.count()).to.equal(before);
  });

  it('refuses a number already connected to another workspace', async () => {
    const seeded = sim.control.seed({ appId });
    const body = { name: 'Shared?', phoneNumberId: seeded.phoneNumberId, wabaId: seeded.wabaId, accessToken: seeded.accessToken };
    expect((await a.users.admin.client.post('/api/v1/channels', body)).status).to.equal(201);
    const other = await b.users.admin.client.post('/api/v1/channels', body);
    expect(other.status).to.equal(409);
    expect(other.body.error.code).to.equal('number_in_use');
  });

  it('finishes Embedded Signup: exchanges the code, subscribes the app and registers the number', async () => {
    const config = await b.users.admin.client.get('/api/v1/channels/signup-config');
    expect(config.body.mode).to.equal('simulator');
    expect(config.body.simulatorUrl).to.match(/\/simulator\/_sim\/embedded-signup$/);
    const signup = sim.control.createSignupCode({ appId, businessName: 'Beta Boutique' });
    expect(sim.state.phoneNumbers.get(signup.phoneNumberId)!.registered).to.equal(false);
    const res = await b.users.admin.client.post('/api/v1/channels/embedded-signup', {
      code: signup.code,
      phoneNumberId: signup.phoneNumberId,
      wabaId: signup.wabaId,
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.kind).to.equal('embedded_signup');
    expect(sim.state.phoneNumbers.get(signup.phoneNumberId)!.registered).to.equal(true);
    expect([...sim.state.wabas.get(signup.wabaId)!.subscriptions.keys()]).to.include(appId);
    // A code works once.
    const again = await b.users.admin.client.post('/api/v1/channels/embedded-signup', {
      code: signup.code,
      phoneNumberId: signup.phoneNumberId,
      wabaId: signup.wabaId,
    });
    expect(again.status).to.equal(400);
    expect(again.body.error.code).to.equal('whatsapp_rejected');
  });

  it('refreshes number health from WhatsApp', async () => {
    const list = await b.users.admin.client.get('/api/v1/channels');
    const ch = list.body.items[0];
    sim.control.setPhoneNumber(ch.phoneNumberId, {
      qualityRating: 'YELLOW',
      messagingLimit: 'TIER_10K',
      throughputLevel: 'HIGH',
    });
    const res = await b.users.admin.client.post(`/api/v1/channels/${ch.id}/refresh-health`);
    expect(res.status).to.equal(200);
    expect(res.body.health).to.deep.include({ qualityRating: 'YELLOW', messagingLimit: 'TIER_10K', throughputLevel: 'HIGH' });
    expect(await tp.platform.services.channels.refreshAllHealth()).to.be.greaterThan(0);
  });

  it('shows connection settings to admins only', async () => {
    expect((await b.users.manager.client.get('/api/v1/channels')).status).to.equal(403);
    expect((await b.users.agent.client.get('/api/v1/channels')).status).to.equal(403);
    expect((await b.users.manager.client.post('/api/v1/channels', {})).status).to.equal(403);
  });

  it('stores each message once and ends at the right status under duplicate, out-of-order and batched delivery', async () => {
    const list = await a.users.admin.client.get('/api/v1/channels');
    const ch = list.body.items[0];
    sim.control.setFaults({ duplicate: true, outOfOrder: true, batch: true });
    try {
      const said = [1, 2, 3].map((i) =>
        sim.control.customerSays({ phoneNumberId: ch.phoneNumberId, from: '447700900123', type: 'text', text: `burst ${i}` }),
      );
      // The reply is free-form: it needs the customer's message on record (the service window).
      await inbound(said[0].wamid);
      const sent = await a.users.admin.client.post(`/api/v1/channels/${ch.id}/test-message`, {
        to: '+44 7700 900123',
        text: 'hi!',
      });
      expect(sent.status, sent.text).to.equal(200);
      await sim.control.whenIdle(10_000);
      for (const s of said) await inbound(s.wamid);
      await waitFor(
        async () => (await tp.platform.models.WebhookEvent.count({ where: { status: 'pending' } })) === 0,
        10_000,
        'drain',
      );
      for (const s of said) expect(await tp.platform.models.WaMessage.count({ where: { wamid: s.wamid } })).to.equal(1);
      const out = await tp.platform.models.WaMessage.findOne({ where: { wamid: sent.body.wamid } });
      expect(out!.status).to.equal('read');
    } finally {
      sim.control.setFaults({ duplicate: false, outOfOrder: false, batch: false });
    }
  });

  it('sends a free-form message only inside the 24-hour customer service window', async () => {
    const list = await a.users.admin.client.get('/api/v1/channels');
    const ch = list.body.items[0];
    const customer = '447700900777';
    const send = () =>
      a.users.admin.client.post(`/api/v1/channels/${ch.id}/test-message`, { to: `+${customer}`, text: 'hello?' });
    const sentBefore = sim.control.sentMessages({ phoneNumberId: ch.phoneNumberId }).length;

    const never = await send();
    expect(never.status).to.equal(409);
    expect(never.body.error.code).to.equal('service_window_closed');
    expect(never.body.error.message).to.match(/has not written to this number yet.*approved templates/);
    expect(sim.control.sentMessages({ phoneNumberId: ch.phoneNumberId }).length, 'nothing reached WhatsApp').to.equal(sentBefore);

    const said = sim.control.customerSays({ phoneNumberId: ch.phoneNumberId, from: customer, type: 'text', text: 'hi there' });
    const row = await inbound(said.wamid);
    expect((await send()).status).to.equal(200);

    // 24 hours and one second later the window is closed again.
    await row.update({ occurredAt: new Date(Date.now() - 24 * 3600_000 - 1000) });
    const late = await send();
    expect(late.status).to.equal(409);
    expect(late.body.error.message).to.match(/more than 24 hours ago/);
  });

  it('stores nothing that arrives with a bad signature (the simulator retries it)', async () => {
    const list = await a.users.admin.client.get('/api/v1/channels');
    const ch = list.body.items[0];
    const before = await tp.platform.models.WebhookEvent.count();
    sim.control.setFaults({ badSignature: true });
    try {
      const said = sim.control.customerSays({
        phoneNumberId: ch.phoneNumberId,
        from: '447700900123',
        type: 'text',
        text: 'forged?',
      });
      await waitFor(
        async () => sim.control.deliveries().some((d) => d.attempts.some((t) => t.statusCode === 401)),
        10_000,
        'a refused delivery',
      );
      expect(await tp.platform.models.WebhookEvent.count()).to.equal(before);
      expect(await tp.platform.models.WaMessage.count({ where: { wamid: said.wamid } })).to.equal(0);
    } finally {
      sim.control.setFaults({ badSignature: false });
    }
  });
});

describe('the built-in simulator across restarts', function () {
  this.timeout(60_000);

  it('keeps the demo number working after the server restarts (the simulator is rebuilt from the database)', async () => {
    const first = await startPlatform({ env: { DEMO: '1' } });
    const db = first.db;
    const channel = await first.platform.models.Channel.findOne({ where: { kind: 'simulator' } });
    await first.platform.stop();
    const second = await startPlatform({ db, env: { DEMO: '1' } });
    try {
      // The database outlives the first instance; clean it up with the second.
      expect(await second.platform.models.Channel.count({ where: { kind: 'simulator' } })).to.equal(1);
      const said = second.platform.simulator!.control.customerSays({
        phoneNumberId: channel!.phoneNumberId,
        from: '16505551234',
        type: 'text',
        text: 'still there?',
      });
      const row = await waitFor(
        () => second.platform.models.WaMessage.findOne({ where: { wamid: said.wamid } }),
        10_000,
        'message',
      );
      expect(row.channelId).to.equal(channel!.id);
      const again = await second.platform.models.Channel.findByPk(channel!.id);
      const health = await second.platform.services.channels.refreshHealth(again!);
      expect(health.health.error).to.equal(null);
    } finally {
      await second.stop();
      await db.cleanup();
    }
  });
});

describe('the 24-hour service window rule', () => {
  const t0 = new Date('2026-11-25T10:00:00.000Z');
  it('is open right after the customer wrote and until just before 24 hours have passed', () => {
    expect(windowFrom(t0, new Date(t0.getTime() + 1000)).open).to.equal(true);
    expect(windowFrom(t0, new Date(t0.getTime() + 24 * 3600_000 - 1)).open).to.equal(true);
  });
  it('is closed at exactly 24 hours, after it, and when the customer never wrote', () => {
    const at24 = windowFrom(t0, new Date(t0.getTime() + 24 * 3600_000));
    expect(at24.open).to.equal(false);
    expect(at24.closesAt!.toISOString()).to.equal('2026-11-26T10:00:00.000Z');
    expect(windowFrom(t0, new Date(t0.getTime() + 25 * 3600_000)).open).to.equal(false);
    expect(windowFrom(null)).to.deep.equal({ open: false, closesAt: null, lastInboundAt: null });
  });
});
