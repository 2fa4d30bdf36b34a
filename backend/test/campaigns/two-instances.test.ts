// Two platform instances on one database (both running jobs, so both run the campaign engine) send
// one 3,000-recipient campaign together. They talk to one WhatsApp simulator in this process, each
// through its own URL prefix, so the test sees who sent what: exactly one message per recipient, and
// both instances did part of the work.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { createSimulator, type Simulator } from '../../src/whatsapp/simulator/index.ts';
import type { SimCustomer } from '../../src/whatsapp/simulator/state.ts';
import { freshDatabase, TEST_DIALECT, type FreshDatabase } from '../helpers/db.ts';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph } from '../factories/tenant-graph.ts';
import { waitFor } from '../channels/helpers.ts';

const RECIPIENTS = Number(process.env.CAMPAIGN_TWO_RECIPIENTS ?? 3000);
const APP_ID = '777000000000702';
const APP_SECRET = 'campaign-two-app-secret-0123456789';

function simCustomer(waId: string): SimCustomer {
  return {
    key: waId,
    waId,
    userId: null,
    name: '',
    username: null,
    hidePhone: false,
    lastInboundAt: new Map(),
    entryPointAt: new Map(),
    marketingOptOut: false,
    unreachable: false,
  };
}

const say = (m: string) => process.stderr.write(`      [two-instances] ${m}\n`);

describe('campaigns: two instances share one campaign', function () {
  this.timeout(180_000);

  let db: FreshDatabase | null = null;
  let sim: Simulator | null = null;
  let server: http.Server | null = null;
  const platforms: TestPlatform[] = [];

  after(async () => {
    for (const tp of platforms) await tp.stop();
    await sim?.close();
    server?.closeAllConnections();
    if (server) await new Promise((r) => server!.close(r));
    await db?.cleanup();
  });

  it('sends every recipient exactly once, with both instances sending', async () => {
    db = await freshDatabase();
    let simUrl = '';
    sim = createSimulator({
      publicUrl: () => simUrl,
      webhookRetry: { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 50 },
      statusTiming: { sent: 0, delivered: 200, read: 400, autoRead: false },
      pairRate: { limit: 1000, windowMs: 1000 },
    });
    sim.control.setFaults({ batch: true });
    // One simulator, two doors: instance A's Graph client calls /a/…, instance B's /b/….
    const accepted = { a: 0, b: 0 };
    /** Sends the simulator refused (a 130429 would mean the two instances together went over the rate). */
    const refused: number[] = [];
    const front = express();
    for (const door of ['a', 'b'] as const) {
      front.use(
        `/${door}`,
        (req, res, next) => {
          if (req.method === 'POST' && /\/messages$/.test(req.path))
            res.on('finish', () => {
              if (res.statusCode === 200) accepted[door]++;
              else refused.push(res.statusCode);
            });
          next();
        },
        sim.app,
      );
    }
    server = http.createServer(front);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    simUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/a`;
    const base = simUrl.slice(0, -2);

    const env = (door: 'a' | 'b') => ({
      GRAPH_API_BASE_URL: `${base}/${door}`,
      WHATSAPP_APP_ID: APP_ID,
      WHATSAPP_APP_SECRET: APP_SECRET,
      JOBS_ENABLED: '1',
      LOG_LEVEL: 'warn',
      CAMPAIGN_BATCH_SIZE: '50',
    });
    platforms.push(await startPlatform({ db, env: env('a') }));
    platforms.push(await startPlatform({ db, env: env('b') }));
    const [a] = platforms;
    say(`${TEST_DIALECT}: instances on ${platforms.map((p) => p.url).join(' and ')}`);

    sim.control.createApp({ id: APP_ID, secret: APP_SECRET, callbackUrl: `${a.url}/webhooks/whatsapp` });
    const seeded = sim.control.seed({
      appId: APP_ID,
      businessName: 'Twin Shop',
      throughputLevel: 'HIGH',
      mps: 1000,
      customers: [],
    });

    const g = await createTenantGraph(a, 'Twin');
    const ch = await g.users.admin.client.post('/api/v1/channels', {
      name: 'Twin number',
      phoneNumberId: seeded.phoneNumberId,
      wabaId: seeded.wabaId,
      accessToken: seeded.accessToken,
    });
    expect(ch.status, ch.text).to.equal(201);

    const qi = a.platform.models.Contact.sequelize!.getQueryInterface();
    const now = new Date();
    for (let from = 0; from < RECIPIENTS; from += 1000) {
      const rows = Array.from({ length: Math.min(1000, RECIPIENTS - from) }, (_, k) => {
        const i = from + k;
        return {
          tenant_id: g.tenantId,
          phone: `+49152${String(i).padStart(8, '0')}`,
          wa_id: `49152${String(i).padStart(8, '0')}`,
          name: `Twin ${i}`,
          source: 'import',
          consent_state: 'opted_in',
          created_at: now,
          updated_at: now,
        };
      });
      await qi.bulkInsert('contacts', rows);
    }
    // WhatsApp knows these users already: straight into the simulator's map (an unknown number costs
    // the simulator a scan over every customer, which would slow it down, not the product).
    for (let i = 0; i < RECIPIENTS; i++) {
      const waId = `49152${String(i).padStart(8, '0')}`;
      sim!.state.customers.set(waId, simCustomer(waId));
    }

    const manager = g.users.manager.client;
    const created = await manager.post('/api/v1/campaigns', {
      name: 'Twin sale',
      channelId: ch.body.id,
      template: { name: 'hello_world', language: 'en_US' },
      audience: { type: 'filter', definition: { match: 'all', conditions: [] } },
      ratePerSecond: 1000,
    });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id as number;
    const t0 = Date.now();
    const launched = await manager.post(`/api/v1/campaigns/${id}/launch`, { when: 'now' });
    expect(launched.status, launched.text).to.equal(200);

    const { Campaign, CampaignRecipient } = a.platform.models;
    await waitFor(
      async () => {
        const c = await Campaign.findByPk(id);
        if (c && ['stopped', 'cancelled'].includes(c.status)) throw new Error(`campaign ${c.status}: ${c.stopReason}`);
        return c?.status === 'completed';
      },
      150_000,
      'the campaign to complete',
    );
    const seconds = (Date.now() - t0) / 1000;

    const msgs = [...sim.state.outbound.values()].filter((m) => m.phoneNumberId === seeded.phoneNumberId);
    const perCustomer = new Map<string, number>();
    for (const m of msgs) perCustomer.set(m.customerKey, (perCustomer.get(m.customerKey) ?? 0) + 1);
    const twice = [...perCustomer].filter(([, n]) => n > 1);
    const claimedBy = (await CampaignRecipient.count({ where: { campaignId: id }, group: ['claimedBy'] })) as unknown as {
      claimedBy: string | null;
      count: number;
    }[];
    say(
      `completed in ${seconds.toFixed(1)} s: ${msgs.length} messages, ${perCustomer.size} recipients, ${twice.length} twice; ` +
        `accepted via A ${accepted.a}, via B ${accepted.b}; claimed_by ${JSON.stringify(claimedBy)}`,
    );
    // Together the two instances kept to the number's rate: at most 1,000 in any second, nothing refused.
    const times = msgs.map((m) => m.createdAt).sort((x, y) => x - y);
    let maxInSecond = 0;
    for (let i = 0, j = 0; j < times.length; j++) {
      while (times[j] - times[i] >= 1000) i++;
      maxInSecond = Math.max(maxInSecond, j - i + 1);
    }
    say(`most sends in any second: ${maxInSecond}; refused: ${refused.length}`);
    expect(twice.slice(0, 10), 'recipients sent more than once').to.deep.equal([]);
    expect(maxInSecond).to.be.at.most(1000);
    expect(refused, 'sends the simulator refused').to.deep.equal([]);
    expect(perCustomer.size).to.equal(RECIPIENTS);
    expect(msgs.length).to.equal(RECIPIENTS);
    expect(accepted.a + accepted.b).to.equal(RECIPIENTS);
    expect(accepted.a, 'instance A sent some').to.be.greaterThan(0);
    expect(accepted.b, 'instance B sent some').to.be.greaterThan(0);

    const stats = await manager.get(`/api/v1/campaigns/${id}/stats`);
    expect(stats.status, stats.text).to.equal(200);
    expect(stats.body.sent).to.equal(RECIPIENTS);
    // Each saw the other reserving slots on the number, and so gave up slots it missed rather than catch up.
    const [pacer] = await a.platform.sequelize.query<{ shared_until_ms: number | string }>(
      'SELECT shared_until_ms FROM campaign_pacers WHERE channel_id = ?',
      { replacements: [ch.body.id], type: QueryTypes.SELECT },
    );
    expect(Number(pacer.shared_until_ms)).to.be.above(t0);
    expect(stats.body.failed).to.equal(0);
  });
});
