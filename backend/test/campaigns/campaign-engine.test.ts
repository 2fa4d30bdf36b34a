// The campaign engine end to end: campaigns created and launched through the HTTP API, a real
// database, the real Graph client talking to the built-in simulator, and the simulator's signed status
// webhooks coming back. What went out is always checked on the simulator's side: one template per
// recipient with its variables, the opaque data that ties it to the recipient, pacing, pause, cancel,
// the error policies (failures injected with control.failSends), schedules in other time zones, quiet
// hours in the recipient's time zone, the report export and tenant isolation.
import crypto from 'node:crypto';
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import { startPlatform, type HttpClient, type HttpResponse, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { waitFor } from '../channels/helpers.ts';
import { connectSimNumber, type SimNumber } from '../inbox/sending-helpers.ts';
import type { SentMessage, Simulator } from '../../src/whatsapp/simulator/index.ts';

const TEMPLATE = 'flash_offer';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('campaign engine', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let sim: Simulator;
  let a: TenantGraph;
  let b: TenantGraph;
  let seq = 0;
  /** A per-run prefix, so phone numbers never repeat across tests (the simulator's customers are global). */
  const run = String(crypto.randomInt(1000, 9999));
  const phone = () => `+49151${run}${String(++seq).padStart(4, '0')}`;
  const digits = (e164: string) => e164.replace(/\D/g, '');
  const mgr = (g: TenantGraph = a): HttpClient => g.users.manager.client;

  /** A new number of the tenant with a text-only MARKETING template, so every test counts its own sends. */
  async function number(g: TenantGraph = a): Promise<SimNumber> {
    const n = await connectSimNumber(tp, g, `Campaigns ${++seq}`);
    sim.control.createTemplate(n.wabaId, {
      name: TEMPLATE,
      language: 'en_US',
      category: 'MARKETING',
      parameterFormat: 'POSITIONAL',
      components: [
        { type: 'BODY', text: 'Hi {{1}}, this week only: {{2}} off.', example: { body_text: [['Jane', '20%']] } },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
      ],
    });
    return n;
  }

  interface Contact {
    id: number;
    phone: string;
    name: string | null;
  }
  async function contacts(
    count: number,
    opts: { g?: TenantGraph; tag?: string; name?: (i: number) => string | null; attributes?: Record<string, string> } = {},
  ): Promise<Contact[]> {
    const out: Contact[] = [];
    for (let i = 0; i < count; i++) {
      const name = opts.name ? opts.name(i) : `Customer${seq + 1}x${i}`;
      const res = await mgr(opts.g).post('/api/v1/contacts', {
        phone: phone(),
        ...(name === null ? {} : { name }),
        ...(opts.tag ? { tags: [opts.tag] } : {}),
        ...(opts.attributes ? { attributes: opts.attributes } : {}),
      });
      expect(res.status, res.text).to.equal(201);
      out.push({ id: res.body.id, phone: res.body.phone, name: res.body.name });
    }
    return out;
  }

  async function optOut(c: Contact, g: TenantGraph = a) {
    const res = await mgr(g).post(`/api/v1/contacts/${c.id}/consent`, { action: 'opt_out', proof: { note: 'asked us to stop' } });
    expect(res.status, res.text).to.equal(201);
  }

  function body(n: SimNumber, audience: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return {
      name: `Flash sale ${++seq}`,
      channelId: n.channelId,
      template: { name: TEMPLATE, language: 'en_US' },
      variables: {
        body: [
          { source: 'field', field: 'name', fallback: 'friend' },
          { source: 'text', value: '20%' },
        ],
      },
      audience,
      ...extra,
    };
  }
  const ofContacts = (cs: Contact[]) => ({ type: 'contacts', contactIds: cs.map((c) => c.id) });

  async function create(n: SimNumber, audience: Record<string, unknown>, extra: Record<string, unknown> = {}, g = a) {
    const res = await mgr(g).post('/api/v1/campaigns', body(n, audience, extra));
    expect(res.status, res.text).to.equal(201);
    expect(res.body.status).to.equal('draft');
    return res.body as { id: number; [k: string]: any };
  }
  async function launch(id: number, input: Record<string, unknown> = { when: 'now' }, g = a) {
    const res = await mgr(g).post(`/api/v1/campaigns/${id}/launch`, input);
    expect(res.status, res.text).to.equal(200);
    return res.body;
  }
  async function action(id: number, what: 'pause' | 'resume' | 'cancel', g = a) {
    const res = await mgr(g).post(`/api/v1/campaigns/${id}/${what}`);
    expect(res.status, `${what}: ${res.text}`).to.equal(200);
    return res.body;
  }
  async function view(id: number, g = a) {
    const res = await mgr(g).get(`/api/v1/campaigns/${id}`);
    expect(res.status, res.text).to.equal(200);
    return res.body;
  }
  async function stats(id: number, g = a) {
    const res = await mgr(g).get(`/api/v1/campaigns/${id}/stats`);
    expect(res.status, res.text).to.equal(200);
    return res.body;
  }
  async function recipients(id: number, g = a): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const res: HttpResponse = await mgr(g).get(
        `/api/v1/campaigns/${id}/recipients?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status, res.text).to.equal(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }
  /** Waits for a status; on timeout says which status the campaign was stuck in. */
  async function until(id: number, status: string, ms = 30_000, g = a) {
    let last: any = null;
    try {
      return await waitFor(
        async () => {
          last = await view(id, g);
          return last.status === status ? last : null;
        },
        ms,
        `campaign ${id} to be ${status}`,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify({ status: last?.status, stats: last?.stats })}`, {
        cause: err,
      });
    }
  }
  const sent = (n: SimNumber): SentMessage[] => sim.control.sentMessages({ phoneNumberId: n.phoneNumberId });
  const sentTo = (n: SimNumber, c: Contact) => sent(n).filter((m) => m.customer === digits(c.phone));
  /** Raw recipient rows (for what the API does not show: next_attempt_at). */
  const rows = (campaignId: number) =>
    tp.platform.sequelize.query<Record<string, any>>(
      'SELECT id, phone, state, attempts, next_attempt_at, error_code FROM campaign_recipients WHERE campaign_id = ? ORDER BY id',
      { replacements: [campaignId], type: QueryTypes.SELECT },
    );
  const asDate = (v: unknown) =>
    v instanceof Date
      ? v
      : new Date(
          String(v)
            .replace(' ', 'T')
            .replace(/ ?\+00:00$/, 'Z'),
        );

  before(async () => {
    tp = await startPlatform({
      env: { CAMPAIGN_POLL_MS: '50', CAMPAIGN_CLAIM_TTL_MS: '2000', CAMPAIGN_UNKNOWN_GRACE_MS: '2000' },
    });
    sim = tp.platform.simulator!;
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    const attr = await mgr(a).post('/api/v1/contact-attributes', { key: 'timezone', label: 'Time zone', type: 'text' });
    expect(attr.status, attr.text).to.equal(201);
  });
  let logMark = 0;
  beforeEach(() => {
    logMark = tp.logs.length;
  });
  afterEach(function () {
    sim.control.clearSendFailures();
    // On failure, show what the engine said during the test.
    if (this.currentTest?.state === 'failed') {
      const lines = tp.logs
        .slice(logMark)
        .filter((l) => /campaign|"level":(40|50)/.test(l) && !l.includes('"msg":"request completed"'));
      console.log(lines.slice(-40).join(''));
    }
  });
  after(async () => tp?.stop());

  it('sends to a segment: one template per contact with its variables and opaque data, and counts sent, delivered, read and replied', async () => {
    const n = await number();
    const tag = `spring-${seq}`;
    const named = await contacts(29, { tag, name: (i) => `Olga Nr${i}` });
    const [nameless] = await contacts(1, { tag, name: () => null });
    const everyone = [...named, nameless];
    const seg = await mgr().post('/api/v1/segments', {
      name: `Spring ${seq}`,
      definition: { match: 'all', conditions: [{ field: 'tags', op: 'any', tags: [tag] }] },
    });
    expect(seg.status, seg.text).to.equal(201);

    const c = await create(n, { type: 'segment', segmentId: seg.body.id });
    const launched = await launch(c.id);
    expect(['preparing', 'running', 'completed']).to.include(launched.status);
    const done = await until(c.id, 'completed');
    expect(done.completedAt).to.be.a('string');

    const msgs = sent(n);
    expect(msgs).to.have.length(30);
    const rs = await recipients(c.id);
    expect(rs).to.have.length(30);
    const byPhone = new Map(rs.map((r) => [digits(r.phone), r]));
    for (const ct of everyone) {
      const mine = sentTo(n, ct);
      expect(mine, `messages to ${ct.phone}`).to.have.length(1);
      const m = mine[0];
      expect(m.type).to.equal('template');
      expect(m.template?.name).to.equal(TEMPLATE);
      expect(m.view.body).to.equal(`Hi ${ct.name ?? 'friend'}, this week only: 20% off.`);
      const r = byPhone.get(digits(ct.phone));
      expect(r, `recipient ${ct.phone}`).to.not.equal(undefined);
      expect(r.contactId).to.equal(ct.id);
      expect(m.bizOpaqueCallbackData).to.equal(`campaign:${c.id}:${r.id}`);
      expect(r.wamid).to.equal(m.wamid);
    }

    // The simulator reports sent → delivered → read for everyone (autoRead); the stats follow.
    await waitFor(async () => sent(n).every((m) => m.status === 'read'), 20_000, 'the simulator to report read');
    const s = await waitFor(
      async () => {
        const st = await stats(c.id);
        return st.read === 30 ? st : null;
      },
      20_000,
      'read = 30',
    );
    expect(s).to.include({ total: 30, sent: 30, delivered: 30, read: 30, failed: 0, skipped: 0, queued: 0, replied: 0 });
    expect(s.progress).to.equal(1);

    // A customer who writes back after the message counts as replied.
    sim.control.customerSays({ phoneNumberId: n.phoneNumberId, from: digits(named[3].phone), type: 'text', text: 'Yes please!' });
    const replied = await waitFor(
      async () => {
        const st = await stats(c.id);
        return st.replied === 1 ? st : null;
      },
      20_000,
      'replied = 1',
    );
    expect(replied.read).to.equal(30);
    const r3 = (await recipients(c.id)).find((r) => r.contactId === named[3].id);
    expect(r3.repliedAt).to.be.a('string');

    // The agent sees what the customer answered: the campaign message joined the thread before the reply.
    const [conv] = await tp.platform.sequelize.query<{ id: number }>(
      'SELECT id FROM conversations WHERE contact_id = ? AND channel_id = ?',
      { replacements: [named[3].id, n.channelId], type: QueryTypes.SELECT },
    );
    expect(conv, 'the reply opened a conversation').to.not.equal(undefined);
    const thread = await waitFor(
      async () => {
        const res = await mgr().get(`/api/v1/conversations/${conv.id}/messages`);
        return res.status === 200 && res.body.items.length >= 2 ? res : null;
      },
      10_000,
      'the thread',
    );
    const items = [...thread.body.items].sort((x: any, y: any) => x.occurredAt.localeCompare(y.occurredAt));
    expect(items.map((m: any) => m.direction)).to.deep.equal(['out', 'in']);
    expect(items[0]).to.deep.include({ type: 'template', status: 'read', wamid: r3.wamid, campaign: { id: c.id, name: c.name } });
    expect(items[0].text).to.equal(`Hi ${named[3].name}, this week only: 20% off.`);
    expect(items[1]).to.deep.include({ text: 'Yes please!', campaign: null });
    // Nobody else's conversation got a campaign message.
    const [{ n: inThreads }] = await tp.platform.sequelize.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM wa_messages WHERE biz_opaque_callback_data LIKE ?',
      { replacements: [`campaign:${c.id}:%`], type: QueryTypes.SELECT },
    );
    expect(Number(inThreads)).to.equal(1);
  });

  it('leaves out opted-out contacts, even when targeted by id, and skips one who opts out after launch', async () => {
    const n = await number();
    const cs = await contacts(4);
    await optOut(cs[1]);
    const preview = await mgr().post('/api/v1/campaigns/preview', body(n, ofContacts(cs)));
    expect(preview.status, preview.text).to.equal(200);
    expect(preview.body.eligible).to.equal(3);
    expect(preview.body.excluded.optedOut).to.equal(1);

    const c = await create(n, ofContacts(cs));
    await launch(c.id);
    await until(c.id, 'completed');
    expect(sent(n)).to.have.length(3);
    expect(sentTo(n, cs[1])).to.have.length(0);
    const rs = await recipients(c.id);
    const skipped = rs.find((r) => r.contactId === cs[1].id);
    expect(skipped).to.include({ state: 'skipped', skipReason: 'opted_out', wamid: null });
    const s = await stats(c.id);
    expect(s.skipped).to.equal(1);
    expect(s.skippedByReason).to.deep.include({ reason: 'opted_out', count: 1 });

    // Nobody left to send to.
    const none = await create(n, ofContacts([cs[1]]));
    const refused = await mgr().post(`/api/v1/campaigns/${none.id}/launch`, { when: 'now' });
    expect(refused.status, refused.text).to.equal(422);
    expect(refused.body.error.code).to.equal('no_eligible_recipients');

    // Opting out between launch and send: the engine checks again at send time. The contact is last
    // in line at one message a second, so pausing right after launch holds it back.
    const n2 = await number();
    const more = await contacts(5);
    const late = more[4];
    const c2 = await create(n2, ofContacts(more), { ratePerSecond: 1 });
    await launch(c2.id);
    await action(c2.id, 'pause');
    expect((await view(c2.id)).status).to.equal('paused');
    await optOut(late);
    await action(c2.id, 'resume');
    await until(c2.id, 'completed');
    expect(sentTo(n2, late)).to.have.length(0);
    expect(sent(n2)).to.have.length(4);
    const lateRow = (await recipients(c2.id)).find((r) => r.contactId === late.id);
    expect(lateRow).to.include({ state: 'skipped', skipReason: 'opted_out' });
  });

  it('pauses mid-send (nothing goes out while paused) and resumes to the end, nobody twice', async () => {
    const n = await number();
    const cs = await contacts(40);
    const c = await create(n, ofContacts(cs), { ratePerSecond: 5 });
    await launch(c.id);
    await waitFor(async () => sent(n).length >= 5, 15_000, 'first sends');
    const paused = await action(c.id, 'pause');
    expect(paused.status).to.equal('paused');
    await sleep(300); // a send already on the wire may still land
    const atPause = sent(n).length;
    expect(atPause).to.be.lessThan(40);
    await sleep(1500);
    expect(sent(n).length, 'sends while paused').to.equal(atPause);
    expect((await view(c.id)).status).to.equal('paused');

    const resumed = await action(c.id, 'resume');
    expect(['running', 'completed']).to.include(resumed.status);
    await until(c.id, 'completed', 40_000);
    expect(sent(n)).to.have.length(40);
    for (const ct of cs) expect(sentTo(n, ct), ct.phone).to.have.length(1);
    const s = await stats(c.id);
    expect(s).to.include({ total: 40, sent: 40, queued: 0, failed: 0 });
  });

  it('cancels mid-send: the rest are cancelled and nothing more goes out', async () => {
    const n = await number();
    const cs = await contacts(30);
    const c = await create(n, ofContacts(cs), { ratePerSecond: 5 });
    await launch(c.id);
    await waitFor(async () => sent(n).length >= 3, 15_000, 'first sends');
    const cancelled = await action(c.id, 'cancel');
    expect(cancelled.status).to.equal('cancelled');
    await sleep(300);
    const atCancel = sent(n).length;
    await sleep(1500);
    expect(sent(n).length, 'sends after cancel').to.equal(atCancel);
    expect(atCancel).to.be.lessThan(30);

    const v = await view(c.id);
    expect(v.status).to.equal('cancelled');
    const rs = await recipients(c.id);
    const gone = new Set(sent(n).map((m) => m.customer));
    const cancelledRows = rs.filter((r) => r.state === 'cancelled');
    expect(cancelledRows.length).to.equal(30 - atCancel);
    for (const r of cancelledRows) expect(gone.has(digits(r.phone)), `cancelled ${r.phone} was sent`).to.equal(false);
    for (const r of rs.filter((x) => x.state !== 'cancelled')) expect(gone.has(digits(r.phone))).to.equal(true);
    const s = await stats(c.id);
    expect(s.cancelled).to.equal(30 - atCancel);
    expect(s.queued).to.equal(0);
    const again = await mgr().post(`/api/v1/campaigns/${c.id}/cancel`);
    expect(again.status).to.equal(409);
  });

  describe('error policies', () => {
    it('131026 and 131009 fail that recipient with the code and reason; the others are sent', async () => {
      const n = await number();
      const cs = await contacts(5);
      sim.control.failSends({ phoneNumberId: n.phoneNumberId, to: digits(cs[1].phone), code: 131026 });
      sim.control.failSends({ phoneNumberId: n.phoneNumberId, to: digits(cs[3].phone), code: 131009 });
      const c = await create(n, ofContacts(cs));
      await launch(c.id);
      await until(c.id, 'completed');
      expect(sent(n)).to.have.length(3);
      const rs = await recipients(c.id);
      const of = (ct: Contact) => rs.find((r) => r.contactId === ct.id);
      expect(of(cs[1])).to.include({ state: 'failed', errorCode: 131026, wamid: null });
      expect(of(cs[1]).errorReason).to.be.a('string').and.not.equal('');
      expect(of(cs[1]).failedAt).to.be.a('string');
      expect(of(cs[3])).to.include({ state: 'failed', errorCode: 131009 });
      expect(of(cs[3]).errorReason).to.be.a('string').and.not.equal('');
      for (const ct of [cs[0], cs[2], cs[4]]) expect(['sent', 'delivered', 'read']).to.include(of(ct).state);
      const s = await stats(c.id);
      expect(s.failed).to.equal(2);
      expect(s.sent).to.equal(3);
      expect(s.failedByReason.map((f: any) => f.code).sort()).to.deep.equal([131009, 131026]);
      expect((await view(c.id)).stopCode).to.equal(null);
    });

    it('130429 is retried: every recipient is finally sent, none failed', async () => {
      const n = await number();
      const cs = await contacts(6);
      sim.control.failSends({ phoneNumberId: n.phoneNumberId, code: 130429, count: 3 });
      const c = await create(n, ofContacts(cs));
      await launch(c.id);
      await until(c.id, 'completed', 40_000);
      expect(sim.control.sendFailures(), 'all three failures were used').to.deep.equal([]);
      expect(sent(n)).to.have.length(6);
      for (const ct of cs) expect(sentTo(n, ct)).to.have.length(1);
      const rs = await recipients(c.id);
      expect(rs.every((r) => ['sent', 'delivered', 'read'].includes(r.state))).to.equal(true);
      expect(rs.some((r) => r.attempts > 1)).to.equal(true);
      const s = await stats(c.id);
      expect(s).to.include({ failed: 0, sent: 6 });
      // The three refusals answered the same burst: the number slowed down once, to four fifths.
      const [pacer] = await tp.platform.sequelize.query<{ slow_factor: number }>(
        'SELECT slow_factor FROM campaign_pacers WHERE channel_id = ?',
        { replacements: [n.channelId], type: QueryTypes.SELECT },
      );
      expect(Number(pacer.slow_factor)).to.be.closeTo(0.8, 0.001);
    });

    it('131056 (pair rate) is retried no sooner than 6 seconds later', async () => {
      const n = await number();
      const cs = await contacts(3);
      sim.control.failSends({ phoneNumberId: n.phoneNumberId, to: digits(cs[0].phone), code: 131056, count: 1 });
      const c = await create(n, ofContacts(cs));
      await launch(c.id);
      const failedAt = await waitFor(async () => sim.control.sendFailures().length === 0 && Date.now(), 15_000, 'the failure');
      // Meanwhile the others go out.
      await waitFor(async () => sentTo(n, cs[1]).length === 1 && sentTo(n, cs[2]).length === 1, 10_000, 'the others');
      const row = await waitFor(
        async () => (await rows(c.id)).find((r) => digits(String(r.phone)) === digits(cs[0].phone) && r.next_attempt_at),
        5_000,
        'next_attempt_at',
      );
      expect(row.state).to.equal('pending');
      expect(asDate(row.next_attempt_at).getTime() - failedAt).to.be.at.least(5_800);
      await until(c.id, 'completed', 30_000);
      const [again] = sentTo(n, cs[0]);
      expect(again, 'sent after the wait').to.not.equal(undefined);
      expect(again.createdAt - failedAt).to.be.at.least(5_800);
      const r0 = (await recipients(c.id)).find((r) => r.contactId === cs[0].id);
      expect(r0.attempts).to.equal(2);
      expect((await stats(c.id)).failed).to.equal(0);
    });

    for (const code of [131031, 190]) {
      it(`${code} stops the campaign with the reason, keeps the rest pending, and resume finishes after the fix`, async () => {
        const n = await number();
        const cs = await contacts(5);
        sim.control.failSends({ phoneNumberId: n.phoneNumberId, code });
        const c = await create(n, ofContacts(cs));
        await launch(c.id);
        const stopped = await until(c.id, 'stopped');
        expect(stopped.stopCode).to.equal(code);
        expect(stopped.stopReason).to.be.a('string');
        expect(stopped.stopReason.length).to.be.greaterThan(10);
        expect(stopped.stopReason).to.not.match(/^\(#\d+\)$/);
        await sleep(500);
        expect(sent(n)).to.have.length(0);
        const rs = await recipients(c.id);
        expect(rs.map((r) => r.state)).to.deep.equal(Array(5).fill('pending'));
        const s = await stats(c.id);
        expect(s).to.include({ failed: 0, sent: 0, queued: 5 });

        sim.control.clearSendFailures();
        const resumed = await action(c.id, 'resume');
        expect(['running', 'completed']).to.include(resumed.status);
        const done = await until(c.id, 'completed');
        expect(done.stopCode).to.equal(null);
        expect(sent(n)).to.have.length(5);
        for (const ct of cs) expect(sentTo(n, ct)).to.have.length(1);
      });
    }
  });

  it('marks a recipient failed when the status webhook says 131026 (unreachable customer)', async () => {
    const n = await number();
    const cs = await contacts(3);
    sim.control.upsertCustomer({ waId: digits(cs[2].phone), unreachable: true });
    const c = await create(n, ofContacts(cs));
    await launch(c.id);
    await until(c.id, 'completed');
    expect(sent(n)).to.have.length(3); // accepted by the API; the failure comes later
    const r = await waitFor(
      async () => (await recipients(c.id)).find((x) => x.contactId === cs[2].id && x.state === 'failed'),
      15_000,
      'the failed status',
    );
    expect(r.errorCode).to.equal(131026);
    expect(r.errorReason).to.be.a('string').and.not.equal('');
    expect(r.wamid).to.equal(sentTo(n, cs[2])[0].wamid);
    const s = await waitFor(
      async () => {
        const st = await stats(c.id);
        return st.delivered === 2 ? st : null;
      },
      15_000,
      'the others delivered',
    );
    expect(s.failed).to.equal(1);
    expect(s.failedByReason).to.have.length(1);
    expect(s.failedByReason[0]).to.include({ code: 131026, count: 1 });
  });

  it('schedules at a wall time in the time zone given, starts by itself, and refuses past or invalid times', async () => {
    const n = await number();
    const cs = await contacts(2);
    const c = await create(n, ofContacts(cs));
    const zone = 'America/New_York';
    const wall = DateTime.now().setZone(zone).plus({ seconds: 4 }).startOf('second');
    const at = wall.toFormat("yyyy-MM-dd'T'HH:mm:ss");
    const scheduled = await launch(c.id, { when: 'schedule', at, timezone: zone });
    expect(scheduled.status).to.equal('scheduled');
    expect(scheduled.timezone).to.equal(zone);
    expect(new Date(scheduled.scheduledAt).getTime()).to.equal(wall.toMillis());
    expect(sent(n)).to.have.length(0);
    const done = await until(c.id, 'completed', 30_000);
    expect(new Date(done.startedAt).getTime()).to.be.at.least(wall.toMillis() - 50);
    expect(sent(n)).to.have.length(2);
    for (const m of sent(n)) expect(m.createdAt).to.be.at.least(wall.toMillis() - 50);

    // +05:30: 09:30 in Kolkata is 04:00 UTC the same day.
    const day = DateTime.now().plus({ days: 3 }).toFormat('yyyy-MM-dd');
    const k = await create(n, ofContacts(cs));
    const kv = await launch(k.id, { when: 'schedule', at: `${day}T09:30`, timezone: 'Asia/Kolkata' });
    expect(kv.status).to.equal('scheduled');
    expect(kv.scheduledAt).to.equal(`${day}T04:00:00.000Z`);
    expect(kv.timezone).to.equal('Asia/Kolkata');
    await action(k.id, 'cancel');

    const p = await create(n, ofContacts(cs));
    const past = DateTime.now().setZone('Asia/Kolkata').minus({ hours: 1 }).toFormat("yyyy-MM-dd'T'HH:mm");
    const inPast = await mgr().post(`/api/v1/campaigns/${p.id}/launch`, { when: 'schedule', at: past, timezone: 'Asia/Kolkata' });
    expect(inPast.status, inPast.text).to.equal(422);
    expect(inPast.body.error.code).to.equal('schedule_in_past');
    const badZone = await mgr().post(`/api/v1/campaigns/${p.id}/launch`, {
      when: 'schedule',
      at: `${day}T09:30`,
      timezone: 'Mars/Olympus_Mons',
    });
    expect(badZone.status, badZone.text).to.equal(400);
    expect((await view(p.id)).status).to.equal('draft');
    await sleep(300);
    expect(sent(n)).to.have.length(2);
  });

  it("holds back recipients inside quiet hours in their own time zone until the window's end", async () => {
    const n = await number();
    const berlinNow = DateTime.now().setZone('Europe/Berlin');
    const start = berlinNow.minus({ hours: 1 }).toFormat('HH:mm');
    const endAt = berlinNow.plus({ hours: 1 }).startOf('minute');
    // German numbers: Europe/Berlin, where it is quiet now. A time zone attribute wins over the number:
    // nine hours west, the same window is not now.
    const berliners = await contacts(2);
    const [westerner] = await contacts(1, { attributes: { timezone: 'America/Los_Angeles' } });
    const c = await create(n, ofContacts([...berliners, westerner]), {
      quietHours: { start, end: endAt.toFormat('HH:mm') },
    });
    await launch(c.id);
    await waitFor(async () => sentTo(n, westerner).length === 1, 10_000, 'the Los Angeles contact');
    await sleep(1500);
    expect(sent(n)).to.have.length(1);
    const held = (await rows(c.id)).filter((r) => digits(String(r.phone)) !== digits(westerner.phone));
    expect(held).to.have.length(2);
    for (const r of held) {
      expect(r.state).to.equal('pending');
      expect(r.next_attempt_at, 'next_attempt_at').to.not.equal(null);
      expect(Math.abs(asDate(r.next_attempt_at).getTime() - endAt.toMillis())).to.be.at.most(60_000);
    }
    const v = await view(c.id);
    expect(v.status).to.equal('running');
    expect(v.quietHours).to.deep.equal({ start, end: endAt.toFormat('HH:mm') });
    await action(c.id, 'cancel');

    // A window that is not now: it sends.
    const n2 = await number();
    const others = await contacts(2);
    const c2 = await create(n2, ofContacts(others), {
      quietHours: {
        start: berlinNow.plus({ hours: 2 }).toFormat('HH:mm'),
        end: berlinNow.plus({ hours: 3 }).toFormat('HH:mm'),
      },
    });
    await launch(c2.id);
    await until(c2.id, 'completed');
    expect(sent(n2)).to.have.length(2);
  });

  it('paces sends: never more than ratePerSecond in any one-second window', async () => {
    const n = await number();
    const cs = await contacts(40);
    const c = await create(n, ofContacts(cs), { ratePerSecond: 10 });
    expect(c.ratePerSecond).to.equal(10);
    await launch(c.id);
    await until(c.id, 'completed', 30_000);
    const times = sent(n)
      .map((m) => m.createdAt)
      .sort((x, y) => x - y);
    expect(times).to.have.length(40);
    let worst = 0;
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i] && t < times[i] + 1000).length;
      worst = Math.max(worst, inWindow);
    }
    const offsets = times.map((t) => t - times[0]).join(' ');
    expect(worst, `most sends in one second (ms since the first: ${offsets})`).to.be.at.most(10);
    // And it did not crawl either: 40 at 10/s is about 4 seconds.
    expect(times[39] - times[0]).to.be.below(8_000);
  });

  it('exports the recipients as CSV and pages them', async () => {
    const n = await number();
    const cs = await contacts(7);
    await optOut(cs[6]);
    const c = await create(n, ofContacts(cs));
    await launch(c.id);
    await until(c.id, 'completed');
    const all = await recipients(c.id);
    expect(all).to.have.length(7);

    const csv = await mgr().get(`/api/v1/campaigns/${c.id}/recipients.csv`);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).to.contain(`campaign-${c.id}-recipients.csv`);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines).to.have.length(8);
    expect(lines[0].toLowerCase()).to.contain('phone').and.to.contain('state');
    for (const r of all) {
      const line = lines.filter((l) => l.includes(digits(r.phone)));
      expect(line, r.phone).to.have.length(1);
      expect(line[0]).to.contain(r.state);
    }
    expect(lines.find((l) => l.includes(digits(cs[6].phone))))
      .to.contain('skipped')
      .and.to.contain('opted_out');

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: HttpResponse = await mgr().get(
        `/api/v1/campaigns/${c.id}/recipients?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status, res.text).to.equal(200);
      expect(res.body.items.length).to.be.at.most(3);
      seen.push(...res.body.items.map((r: any) => r.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).to.equal(3);
    expect(new Set(seen).size).to.equal(7);
    expect([...seen].sort((x, y) => x - y)).to.deep.equal(all.map((r) => r.id).sort((x, y) => x - y));
    const skipped = await mgr().get(`/api/v1/campaigns/${c.id}/recipients?state=skipped`);
    expect(skipped.body.items).to.have.length(1);
    expect(skipped.body.items[0].contactId).to.equal(cs[6].id);
  });

  it("keeps tenants apart: B cannot target A's contacts, segments or number, nor see A's campaign", async () => {
    const na = await number(a);
    const nb = await number(b);
    const tag = `shared-${seq}`;
    const mineA = await contacts(3, { tag });
    const mineB = await contacts(2, { g: b, tag });
    const segA = await mgr(a).post('/api/v1/segments', {
      name: `A ${seq}`,
      definition: { match: 'all', conditions: [{ field: 'tags', op: 'any', tags: [tag] }] },
    });
    expect(segA.status, segA.text).to.equal(201);

    const byIds = await mgr(b).post('/api/v1/campaigns', body(nb, ofContacts(mineA)));
    expect(byIds.status, byIds.text).to.equal(404);
    const mixed = await mgr(b).post('/api/v1/campaigns', body(nb, ofContacts([...mineB, mineA[0]])));
    expect(mixed.status, mixed.text).to.equal(404);
    const bySegment = await mgr(b).post('/api/v1/campaigns', body(nb, { type: 'segment', segmentId: segA.body.id }));
    expect(bySegment.status, bySegment.text).to.equal(404);
    const byNumber = await mgr(b).post('/api/v1/campaigns', body(na, ofContacts(mineB)));
    expect(byNumber.status, byNumber.text).to.equal(404);

    // The same filter in B matches only B's contacts.
    const cb = await create(
      nb,
      { type: 'filter', definition: { match: 'all', conditions: [{ field: 'tags', op: 'any', tags: [tag] }] } },
      {},
      b,
    );
    await launch(cb.id, { when: 'now' }, b);
    await until(cb.id, 'completed', 30_000, b);
    expect(
      sent(nb)
        .map((m) => m.customer)
        .sort(),
    ).to.deep.equal(mineB.map((x) => digits(x.phone)).sort());
    expect(sent(na)).to.have.length(0);

    const ca = await create(na, ofContacts(mineA));
    await launch(ca.id);
    await until(ca.id, 'completed');
    for (const path of ['', '/stats', '/recipients', '/recipients.csv', '/preview']) {
      const res = await mgr(b).get(`/api/v1/campaigns/${ca.id}${path}`);
      expect(res.status, `B GET ${path}: ${res.text}`).to.equal(404);
    }
    for (const what of ['pause', 'resume', 'cancel']) {
      const res = await mgr(b).post(`/api/v1/campaigns/${ca.id}/${what}`);
      expect(res.status, `B ${what}`).to.equal(404);
    }
    const listB = await mgr(b).get('/api/v1/campaigns?limit=100');
    expect(listB.status).to.equal(200);
    expect(listB.body.items.map((x: any) => x.id)).to.not.include(ca.id);
    expect((await view(ca.id)).status).to.equal('completed');
  });
});
