// The webhook pipeline through HTTP with a real database: handshake, signatures on raw bytes,
// persistence before acknowledgement, routing by phone_number_id, exactly-once effects of replays,
// status order, retries of failed processing, and tenant isolation.
import crypto from 'node:crypto';
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { WebhookProcessor } from '../../src/modules/channels/index.ts';
import { INBOUND_MESSAGES, envelope, statusEvent } from './fixtures.ts';
import { sign, waitFor } from './helpers.ts';

describe('WhatsApp webhook pipeline', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let secret: string;
  let verifyToken: string;
  const PN_A = '1000000000001';
  const PN_B = '1000000000002';
  let channelA: number;
  let channelB: number;

  const post = (body: string, sig = sign(body, secret), path = '/webhooks/whatsapp') =>
    fetch(tp.url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig }, body });
  const messages = (tenantId: number) => tp.platform.models.WaMessage.findAll({ where: { tenantId }, order: [['id', 'ASC']] });

  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    secret = tp.platform.webhooks.platform!.appSecret;
    verifyToken = tp.platform.webhooks.platform!.verifyToken;
    const enc = tp.platform.encryption;
    const make = (tenantId: number, pn: string, extra: Record<string, unknown> = {}) =>
      tp.platform.models.Channel.create({
        tenantId,
        name: `Number ${pn}`,
        kind: 'manual',
        phoneNumberId: pn,
        wabaId: '2000000000001',
        accessTokenEnc: enc.encrypt('EAAG-test-token-value', 'channels.access_token'),
        verifyToken: crypto.randomBytes(12).toString('hex'),
        ...extra,
      });
    channelA = (await make(a.tenantId, PN_A)).id;
    channelB = (await make(b.tenantId, PN_B)).id;
  });
  after(async () => tp?.stop());

  it('answers the verification handshake with the challenge, and refuses a wrong verify token', async () => {
    const ok = await fetch(
      `${tp.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${verifyToken}`,
    );
    expect(ok.status).to.equal(200);
    expect(await ok.text()).to.equal('1158201444');
    const bad = await fetch(`${tp.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope`);
    expect(bad.status).to.equal(403);
  });

  it('refuses a bad signature with 401 and stores nothing', async () => {
    const before = await tp.platform.models.WebhookEvent.count();
    const body = envelope(PN_A, { messages: [INBOUND_MESSAGES.text] });
    const res = await post(body, sign(body, 'not-the-app-secret'));
    expect(res.status).to.equal(401);
    expect((await post(body, 'sha256=')).status).to.equal(401);
    expect((await post(body, '')).status).to.equal(401);
    // Re-serialised JSON has other bytes: its signature must not pass for this body.
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    expect((await post(reserialised, sign(body, secret))).status).to.equal(401);
    expect(await tp.platform.models.WebhookEvent.count()).to.equal(before);
  });

  it('persists the raw event before answering 200, byte for byte', async () => {
    const body = envelope(PN_A, {
      messages: [{ ...INBOUND_MESSAGES.text, id: 'wamid.persist-1', text: { body: 'Héllo 👋 @shop /x' } }],
    });
    const res = await post(body);
    expect(res.status).to.equal(200);
    const row = await tp.platform.models.WebhookEvent.findOne({ order: [['id', 'DESC']] });
    expect(row!.body).to.equal(body);
  });

  it('stores every inbound message type in the tenant that owns the number, unknown types included', async () => {
    const all = Object.entries(INBOUND_MESSAGES).map(([k, m]) => ({ ...m, id: `wamid.type-${k}` }));
    const res = await post(envelope(PN_A, { messages: all }));
    expect(res.status).to.equal(200);
    const rows = await waitFor(
      async () => {
        const r = await tp.platform.models.WaMessage.findAll({ where: { tenantId: a.tenantId, wamid: all.map((m) => m.id) } });
        return r.length === all.length ? r : null;
      },
      10_000,
      'all inbound types',
    );
    const types = rows.map((r) => r.type).sort();
    expect(types).to.deep.equal(all.map((m) => String((m as Record<string, unknown>).type)).sort());
    const poll = rows.find((r) => r.wamid === 'wamid.type-future')!;
    expect(JSON.parse(poll.payload)).to.deep.include({ type: 'poll_v2', poll_v2: { question: 'Which colour?' } });
    const noFrom = rows.find((r) => r.wamid === 'wamid.type-username')!;
    expect(noFrom.waId).to.equal(null);
    expect(noFrom.userId).to.equal('US.13491208655302741918');
    expect(rows.every((r) => r.channelId === channelA && r.direction === 'in')).to.equal(true);
    expect(await tp.platform.models.WaMessage.count({ where: { tenantId: b.tenantId } })).to.equal(0);
  });

  it('processes a replayed or duplicated event once', async () => {
    const body = envelope(PN_A, { messages: [{ ...INBOUND_MESSAGES.text, id: 'wamid.replayed' }] });
    for (let i = 0; i < 3; i++) expect((await post(body)).status).to.equal(200);
    const twice = envelope(PN_A, {
      messages: [
        { ...INBOUND_MESSAGES.text, id: 'wamid.replayed' },
        { ...INBOUND_MESSAGES.text, id: 'wamid.replayed' },
      ],
    });
    expect((await post(twice)).status).to.equal(200);
    await waitFor(
      async () => (await tp.platform.models.WebhookEvent.count({ where: { status: 'pending' } })) === 0,
      10_000,
      'processing',
    );
    expect(await tp.platform.models.WaMessage.count({ where: { wamid: 'wamid.replayed' } })).to.equal(1);
  });

  it('moves a message status only forward, whatever order and however often the statuses arrive', async () => {
    const id = 'wamid.out-lattice';
    const send = async (status: string, extra: Record<string, unknown> = {}) =>
      expect((await post(envelope(PN_A, { statuses: [statusEvent(id, status, extra)] }))).status).to.equal(200);
    await send('read');
    await send('sent');
    await send('delivered');
    await send('read');
    await waitFor(async () => (await tp.platform.models.WaStatusEvent.count({ where: { wamid: id } })) === 3, 10_000, 'statuses');
    const row = await waitFor(() => tp.platform.models.WaMessage.findOne({ where: { wamid: id } }), 5000, 'message row');
    expect(row.status).to.equal('read');
    expect(row.direction).to.equal('out');
    expect(JSON.parse(row.pricing!)).to.deep.include({ pricing_model: 'PMP', category: 'utility' });

    const failedId = 'wamid.out-failed';
    await post(envelope(PN_A, { statuses: [statusEvent(failedId, 'sent')] }));
    await post(
      envelope(PN_A, {
        statuses: [
          statusEvent(failedId, 'failed', {
            errors: [
              { code: 131047, title: 'Re-engagement message', error_data: { details: 'More than 24 hours have passed.' } },
            ],
          }),
        ],
      }),
    );
    await post(envelope(PN_A, { statuses: [statusEvent(failedId, 'delivered')] }));
    const failed = await waitFor(
      async () => {
        const r = await tp.platform.models.WaMessage.findOne({ where: { wamid: failedId } });
        return r && (await tp.platform.models.WaStatusEvent.count({ where: { wamid: failedId } })) === 3 ? r : null;
      },
      10_000,
      'failed status',
    );
    await failed.reload();
    expect(failed.status).to.equal('failed');
    expect(failed.errorCode).to.equal(131047);
    expect(failed.errorTitle).to.equal('More than 24 hours have passed.');
  });

  it('keeps events for an unknown number, retries them with back-off, and shows them as failed after the last try', async () => {
    // A second processor with no back-off shows the whole retry path quickly.
    await tp.platform.webhooks.processor.stop();
    const p = new WebhookProcessor(
      { models: tp.platform.models, sequelize: tp.platform.sequelize, logger: tp.platform.logger },
      { maxAttempts: 3, backoffMs: () => 0 },
    );
    const body = envelope('9999999999999', { messages: [{ ...INBOUND_MESSAGES.text, id: 'wamid.nowhere' }] });
    let event;
    try {
      expect((await post(body)).status).to.equal(200);
      event = await tp.platform.models.WebhookEvent.findOne({ order: [['id', 'DESC']] });
      for (let i = 0; i < 3; i++) await p.runOnce();
    } finally {
      tp.platform.webhooks.processor.start();
    }
    await event!.reload();
    expect(event!.status).to.equal('failed');
    expect(event!.attempts).to.equal(3);
    expect(event!.lastError).to.contain('9999999999999');
  });

  it('accepts a tenant app on its own callback URL with its own secret, and nothing for another number', async () => {
    const ownSecret = 'tenant-own-app-secret-123456';
    const ch = await tp.platform.models.Channel.findByPk(channelB);
    await ch!.update({ appId: '3000000000001', appSecretEnc: tp.platform.encryption.encrypt(ownSecret, 'channels.app_secret') });
    const hs = await fetch(
      `${tp.url}/webhooks/whatsapp/${channelB}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${ch!.verifyToken}`,
    );
    expect(await hs.text()).to.equal('42');
    const body = envelope(PN_B, { messages: [{ ...INBOUND_MESSAGES.text, id: 'wamid.own-app' }] });
    expect((await post(body, sign(body, secret), `/webhooks/whatsapp/${channelB}`)).status).to.equal(401);
    expect((await post(body, sign(body, ownSecret), `/webhooks/whatsapp/${channelB}`)).status).to.equal(200);
    expect((await post(body, sign(body, ownSecret), '/webhooks/whatsapp/999999')).status).to.equal(404);
    const row = await waitFor(
      () => tp.platform.models.WaMessage.findOne({ where: { wamid: 'wamid.own-app' } }),
      10_000,
      'own-app message',
    );
    expect(row.tenantId).to.equal(b.tenantId);
    // A tenant app cannot inject events for a number of another tenant through its own URL.
    const foreign = envelope(PN_A, { messages: [{ ...INBOUND_MESSAGES.text, id: 'wamid.cross-tenant' }] });
    expect((await post(foreign, sign(foreign, ownSecret), `/webhooks/whatsapp/${channelB}`)).status).to.equal(200);
    await new Promise((r) => setTimeout(r, 800));
    expect(await tp.platform.models.WaMessage.count({ where: { wamid: 'wamid.cross-tenant' } })).to.equal(0);
  });

  it('answers malformed requests with a 4xx, never a 500', async () => {
    expect((await post('not json')).status).to.equal(400);
    expect((await post('')).status).to.be.within(400, 401);
    const big = JSON.stringify({ object: 'whatsapp_business_account', pad: 'x'.repeat(4 * 1024 * 1024) });
    expect((await post(big)).status).to.equal(413);
    expect((await fetch(`${tp.url}/webhooks/whatsapp?hub.mode=other`)).status).to.equal(400);
    expect(
      (await fetch(`${tp.url}/webhooks/whatsapp/abc?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x`)).status,
    ).to.equal(404);
  });

  it("keeps each tenant's messages to itself", async () => {
    const mine = await messages(a.tenantId);
    expect(mine.length).to.be.greaterThan(0);
    expect(mine.every((m) => m.tenantId === a.tenantId)).to.equal(true);
    const theirs = await messages(b.tenantId);
    expect(theirs.map((m) => m.wamid)).to.deep.equal(['wamid.own-app']);
    void channelA;
  });
});
