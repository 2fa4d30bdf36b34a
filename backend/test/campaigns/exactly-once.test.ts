// Exactly once under crashes: the platform runs as a child process (as in production) and is killed
// with SIGKILL again and again while it sends a 20,000-recipient campaign, restarted each time, until
// the campaign completes. The WhatsApp simulator lives in this test process, outside the victim, so it
// sees every message that really went out: one per recipient, none twice.
// Env: CAMPAIGN_CRASH_RECIPIENTS (20000) to try a smaller run.
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Op, type Sequelize } from 'sequelize';
import { loadConfig } from '../../src/config.ts';
import { createModels } from '../../src/db/models.ts';
import { createSequelize } from '../../src/db/sequelize.ts';
import { hashPassword } from '../../src/security/passwords.ts';
import { createSimulator, type Simulator } from '../../src/whatsapp/simulator/index.ts';
import type { SimCustomer } from '../../src/whatsapp/simulator/state.ts';
import { freshDatabase, TEST_DIALECT, type FreshDatabase } from '../helpers/db.ts';
import { freePort, HttpClient, TEST_KEYS } from '../helpers/platform.ts';
import { waitFor } from '../channels/helpers.ts';

const RECIPIENTS = Number(process.env.CAMPAIGN_CRASH_RECIPIENTS ?? 20_000);
const MIN_KILLS_WHILE_SENDING = 5;
/** The longest the server stays down after a kill, before the restart (random 0..this). */
const MAX_DOWN_MS = Number(process.env.CAMPAIGN_CRASH_MAX_DOWN_MS ?? 3000);
/** Safety stop: after this many kills the platform is left alone to finish. */
const MAX_KILLS = 30;
/** Kills happen only in the first 150 s; then the platform is left alone to finish. */
const KILL_PHASE_MS = 150_000;
const APP_ID = '777000000000701';
const APP_SECRET = 'campaign-crash-app-secret-0123456789';
const PASSWORD = 'correct horse battery staple';
const ROOT = path.resolve(import.meta.dirname, '../../..');

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (m: string) => process.stderr.write(`      [exactly-once] ${m}\n`);

/** The WhatsApp Cloud API simulator on its own HTTP server in this process. */
async function startSimulator(): Promise<{
  sim: Simulator;
  url: string;
  posts: Map<string, string[]>;
  close(): Promise<void>;
}> {
  let url = '';
  // Every webhook POST attempt per campaign message (its opaque data): which status, when, the answer.
  const posts = new Map<string, string[]>();
  const recordingFetch: typeof fetch = async (input, init) => {
    const started = new Date().toISOString();
    const items: { status: string; biz_opaque_callback_data?: string }[] = [];
    try {
      const body = JSON.parse(String(init?.body)) as {
        entry?: { changes?: { value?: { statuses?: { status: string; biz_opaque_callback_data?: string }[] } }[] }[];
      };
      for (const e of body.entry ?? []) for (const c of e.changes ?? []) items.push(...(c.value?.statuses ?? []));
    } catch {
      // Not JSON: nothing to record.
    }
    const note = (answer: string) => {
      for (const it of items) {
        if (!it.biz_opaque_callback_data) continue;
        const list = posts.get(it.biz_opaque_callback_data) ?? [];
        list.push(`${it.status}: posted ${started}, answered ${new Date().toISOString()}: ${answer}`);
        posts.set(it.biz_opaque_callback_data, list);
      }
    };
    try {
      const res = await fetch(input, init);
      note(String(res.status));
      return res;
    } catch (err) {
      note(`error ${(err as Error).message}`);
      throw err;
    }
  };
  const sim = createSimulator({
    publicUrl: () => url,
    fetch: recordingFetch,
    webhookRetry: { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 50, timeoutMs: 5000 },
    statusTiming: { sent: 0, delivered: 200, read: 400, autoRead: false },
    pairRate: { limit: 1000, windowMs: 1000 },
  });
  // Status webhooks travel together (a few POSTs a second instead of thousands), as Meta batches them.
  sim.control.setFaults({ batch: true });
  const server = http.createServer({ keepAliveTimeout: 30_000 }, sim.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sim,
    url,
    posts,
    async close() {
      await sim.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

class StrayExit extends Error {}

/** `node backend/src/server.ts` on a fixed port, killed and started again by the test. */
class ServerProcess {
  child: ChildProcess | null = null;
  starts = 0;
  strayExits = 0;
  /** What happened to the server when (for reading duplicates against kills). */
  readonly timeline: { at: string; event: string }[] = [];
  readonly url: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #logFile: string;

  constructor(port: number, env: NodeJS.ProcessEnv, logFile: string) {
    this.url = `http://127.0.0.1:${port}`;
    this.#env = env;
    this.#logFile = logFile;
  }

  /** Starts the server; a start cut short by a signal this test did not send is tried again. */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#startOnce();
      } catch (err) {
        if (!(err instanceof StrayExit) || attempt >= 3) throw err;
        this.strayExits++;
        say(`the server died while starting (${err.message}); starting it again`);
      }
    }
  }

  async #startOnce(): Promise<void> {
    const fd = fs.openSync(this.#logFile, 'a');
    fs.writeSync(fd, `\n===== start ${++this.starts} at ${new Date().toISOString()} =====\n`);
    const child = spawn(process.execPath, [path.join(ROOT, 'backend/src/server.ts')], {
      cwd: ROOT,
      env: this.#env,
      stdio: ['ignore', fd, fd],
    });
    fs.closeSync(fd);
    this.child = child;
    this.#mark(`spawned pid ${child.pid}`);
    let exited: number | string | null = null;
    child.once('exit', (code, signal) => (exited = code ?? signal));
    await waitFor(
      async () => {
        if (exited !== null) {
          if (typeof exited === 'string') throw new StrayExit(`signal ${exited}`);
          throw new Error(`the server exited (${exited}) while starting:\n${this.logTail()}`);
        }
        return (await fetch(`${this.url}/healthz`).catch(() => null))?.ok;
      },
      60_000,
      'the server to start',
    );
    this.#mark(`healthy pid ${child.pid}`);
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    this.#mark(`killed pid ${child.pid}`);
  }

  #mark(event: string): void {
    const at = new Date().toISOString();
    this.timeline.push({ at, event });
    fs.appendFileSync(this.#logFile, `===== ${event} at ${at} =====\n`);
  }

  logTail(lines = 40): string {
    try {
      return fs.readFileSync(this.#logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

describe('campaigns: exactly once across crashes', function () {
  this.timeout(400_000);

  let db: FreshDatabase | null = null;
  let sequelize: Sequelize | null = null;
  let simHandle: Awaited<ReturnType<typeof startSimulator>> | null = null;
  let server: ServerProcess | null = null;

  after(async () => {
    await server?.kill();
    await simHandle?.close();
    await sequelize?.close();
    await db?.cleanup();
  });

  it('a recipient is sent at most once even if the process is killed at any point', async () => {
    db = await freshDatabase();
    simHandle = await startSimulator();
    const { sim } = simHandle;
    const port = await freePort();
    // Outside the database's directory: kept after the test for reading what went wrong.
    const logFile = path.join(os.tmpdir(), `campaign-crash-${TEST_DIALECT}-${Date.now()}.log`);
    server = new ServerProcess(
      port,
      {
        ...process.env,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: db.url,
        DATA_DIR: db.dataDir,
        ENCRYPTION_KEYS: TEST_KEYS,
        DEMO: '0',
        LOG_LEVEL: 'info',
        JOBS_ENABLED: '1',
        JOBS_POLL_MS: '200',
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
        SHUTDOWN_TIMEOUT_MS: '3000',
        GRAPH_API_BASE_URL: simHandle.url,
        WHATSAPP_APP_ID: APP_ID,
        WHATSAPP_APP_SECRET: APP_SECRET,
        CAMPAIGN_CLAIM_TTL_MS: '3000',
        CAMPAIGN_UNKNOWN_GRACE_MS: '4000',
        CAMPAIGN_BATCH_SIZE: '100',
      },
      logFile,
    );
    say(`${TEST_DIALECT}, ${RECIPIENTS} recipients, server log ${logFile}`);

    // The platform app's webhooks go to the platform; its number sends 1,000 messages a second.
    sim.control.createApp({ id: APP_ID, secret: APP_SECRET, callbackUrl: `${server.url}/webhooks/whatsapp` });
    const seeded = sim.control.seed({
      appId: APP_ID,
      businessName: 'Crash Shop',
      throughputLevel: 'HIGH',
      mps: 1000,
      customers: [],
    });

    await server.start(); // runs the migrations
    sequelize = await createSequelize(loadConfig({ DATABASE_URL: db.url, DATA_DIR: db.dataDir }));
    const models = createModels(sequelize);

    const tenant = await models.Tenant.create({ name: 'Crash Shop', slug: 'crash-shop' });
    const passwordHash = await hashPassword(PASSWORD);
    const clients: Record<'admin' | 'manager', HttpClient> = {} as never;
    for (const role of ['admin', 'manager'] as const) {
      const email = `${role}@crash.example`;
      const user = await models.User.create({ email, name: role, passwordHash });
      await models.Membership.create({ tenantId: tenant.id, userId: user.id, role });
      const client = new HttpClient(server.url);
      const res = await client.post('/api/v1/auth/login', { email, password: PASSWORD });
      expect(res.status, res.text).to.equal(200);
      clients[role] = client.tenant(tenant.id);
    }

    const ch = await clients.admin.post('/api/v1/channels', {
      name: 'Crash number',
      phoneNumberId: seeded.phoneNumberId,
      wabaId: seeded.wabaId,
      accessToken: seeded.accessToken,
    });
    expect(ch.status, ch.text).to.equal(201);
    const channelId = ch.body.id as number;

    const t0 = Date.now();
    const qi = sequelize.getQueryInterface();
    for (let from = 0; from < RECIPIENTS; from += 2000) {
      const now = new Date();
      const rows = Array.from({ length: Math.min(2000, RECIPIENTS - from) }, (_, k) => {
        const i = from + k;
        return {
          tenant_id: tenant.id,
          phone: `+49151${String(i).padStart(8, '0')}`,
          wa_id: `49151${String(i).padStart(8, '0')}`,
          name: `Customer ${i}`,
          source: 'import',
          consent_state: i % 2 ? 'opted_in' : 'unknown',
          created_at: now,
          updated_at: now,
        };
      });
      await qi.bulkInsert('contacts', rows);
    }
    // WhatsApp knows these users already: straight into the simulator's map (an unknown number costs
    // the simulator a scan over every customer, which would slow it down, not the product).
    for (let i = 0; i < RECIPIENTS; i++) {
      const waId = `49151${String(i).padStart(8, '0')}`;
      sim!.state.customers.set(waId, simCustomer(waId));
    }
    say(`${RECIPIENTS} contacts in ${Date.now() - t0} ms`);

    const created = await clients.manager.post('/api/v1/campaigns', {
      name: 'Crash sale',
      channelId,
      template: { name: 'hello_world', language: 'en_US' },
      audience: { type: 'filter', definition: { match: 'all', conditions: [] } },
      ratePerSecond: 1000,
    });
    expect(created.status, created.text).to.equal(201);
    const campaignId = created.body.id as number;

    const launchedAt = Date.now();
    const launched = await clients.manager.post(`/api/v1/campaigns/${campaignId}/launch`, { when: 'now' });
    expect(launched.status, launched.text).to.equal(200);

    const outbound = () => [...sim.state.outbound.values()].filter((m) => m.phoneNumberId === seeded.phoneNumberId);
    const status = async () => (await models.Campaign.findByPk(campaignId))?.status;

    // Kill at a random moment 1.5–4 s after each start, restart at once, until the campaign completes.
    let kills = 0;
    let killsWhileSending = 0;
    const deadline = Date.now() + 300_000;
    // After this the platform is left alone to finish (a slow machine must still complete in time).
    const killsUntil = Date.now() + KILL_PHASE_MS;
    let unfinished: string | null = null;
    for (;;) {
      const st = await status();
      if (st === 'completed') break;
      if (st === 'stopped' || st === 'cancelled')
        throw new Error(`campaign ${st}: ${JSON.stringify((await models.Campaign.findByPk(campaignId))?.toJSON())}`);
      if (Date.now() > deadline) {
        // Still checked for duplicates below, then failed.
        const byState = await models.CampaignRecipient.count({ where: { campaignId }, group: ['state'] });
        unfinished = `not completed after 300 s (status ${st}, ${outbound().length} sent on the simulator, recipients ${JSON.stringify(byState)})`;
        break;
      }
      if (kills >= MAX_KILLS || Date.now() > killsUntil) {
        await sleep(250);
        continue;
      }
      const wait = 1500 + Math.random() * 2500;
      const until = Date.now() + wait;
      while (Date.now() < until && (await status()) !== 'completed') await sleep(100);
      if ((await status()) === 'completed') break;
      const before = outbound().length;
      await server.kill();
      kills++;
      if (before > 0 && before < RECIPIENTS) killsWhileSending++;
      // Down for a while before the restart (as a supervisor's restart delay, or a slow boot would be).
      const down = Math.random() * MAX_DOWN_MS;
      say(`kill ${kills} after ${Math.round(wait)} ms: ${before} messages on the simulator; restart in ${Math.round(down)} ms`);
      await sleep(down);
      await server.start();
    }
    const seconds = (Date.now() - launchedAt) / 1000;
    say(`completed after ${seconds.toFixed(1)} s with ${kills} kills (${killsWhileSending} while sending)`);

    // The simulator's count: every recipient exactly once.
    const msgs = outbound();
    const perCustomer = new Map<string, number>();
    const perOpaque = new Map<string, number>();
    for (const m of msgs) {
      perCustomer.set(m.customerKey, (perCustomer.get(m.customerKey) ?? 0) + 1);
      const o = m.bizOpaqueCallbackData ?? '(none)';
      perOpaque.set(o, (perOpaque.get(o) ?? 0) + 1);
    }
    const twice = [...perCustomer].filter(([, n]) => n > 1);
    const twiceDetail = twice.slice(0, 10).map(([key, n]) => ({
      customer: key,
      n,
      sends: msgs
        .filter((m) => m.customerKey === key)
        .map((m) => ({ wamid: m.wamid, opaque: m.bizOpaqueCallbackData, at: new Date(m.createdAt).toISOString() })),
    }));
    say(`simulator: ${msgs.length} messages, ${perCustomer.size} recipients, ${twice.length} sent more than once`);
    if (twice.length) {
      // The evidence: each duplicate's sends on the simulator, its row, and the server's life around them.
      const dupIds = twice.map(([key]) => msgs.find((m) => m.customerKey === key)!.bizOpaqueCallbackData!.split(':')[2]);
      const dupRows = await models.CampaignRecipient.findAll({ where: { id: dupIds }, raw: true });
      // Each of the first few duplicates' status webhooks: when the simulator tried to deliver them,
      // and when the platform stored and processed them.
      const webhooks = [];
      for (const id of dupIds.slice(0, 5)) {
        const needle = `"biz_opaque_callback_data":"campaign:${campaignId}:${id}"`;
        const attempts = simHandle.posts.get(`campaign:${campaignId}:${id}`) ?? [];
        const stored = await models.WebhookEvent.findAll({
          where: { body: { [Op.like]: `%${needle}%` } },
          attributes: ['id', 'receivedAt', 'status', 'attempts', 'processedAt'],
          raw: true,
        });
        webhooks.push({ recipientId: id, simulatorDeliveries: attempts, platformInbox: stored });
      }
      const campaignRow = await models.Campaign.findByPk(campaignId, { raw: true });
      const evidence = {
        duplicates: twice.length,
        recipientIds: dupIds,
        sends: twiceDetail,
        rows: dupRows.slice(0, 10),
        webhooks,
        confirmedThrough: campaignRow?.confirmedThrough,
        timeline: server.timeline,
        serverLog: logFile,
      };
      const file = logFile.replace(/\.log$/, '-duplicates.json');
      fs.writeFileSync(file, JSON.stringify(evidence, null, 1));
      say(`duplicates: ${twice.length}, evidence in ${file}`);
    }
    expect(twice, `recipients sent more than once: ${JSON.stringify(twiceDetail, null, 1)}`).to.have.length(0);
    expect(unfinished, unfinished ?? '').to.equal(null);
    expect(perCustomer.size, 'distinct recipients on the simulator').to.equal(RECIPIENTS);
    expect(msgs.length, 'messages on the simulator').to.equal(RECIPIENTS);
    expect(
      [...perOpaque.values()].every((n) => n === 1),
      'one message per biz_opaque_callback_data',
    ).to.equal(true);

    // Every message names its recipient row, and that row is this customer's.
    const rows = await models.CampaignRecipient.findAll({
      where: { campaignId },
      attributes: ['id', 'phone', 'state', 'wamid'],
      raw: true,
    });
    const byId = new Map(rows.map((r) => [`campaign:${campaignId}:${r.id}`, r]));
    const mismatched = msgs.filter((m) => byId.get(m.bizOpaqueCallbackData ?? '')?.phone.slice(1) !== m.customerKey);
    expect(mismatched.slice(0, 5).map((m) => [m.bizOpaqueCallbackData, m.customerKey])).to.deep.equal([]);
    const notSent = rows.filter((r) => !['sent', 'delivered', 'read'].includes(r.state));
    expect(notSent.slice(0, 5), `${notSent.length} recipients not sent`).to.deep.equal([]);
    const wamidOk = rows.filter(
      (r) => r.wamid && sim.state.outbound.get(r.wamid)?.bizOpaqueCallbackData === `campaign:${campaignId}:${r.id}`,
    );
    expect(wamidOk.length, 'recipients whose stored wamid is their message on the simulator').to.equal(RECIPIENTS);

    // The platform's own statistics agree.
    const stats = await waitFor(
      async () => {
        const res = await clients.manager.get(`/api/v1/campaigns/${campaignId}/stats`);
        return res.status === 200 ? res.body : null;
      },
      30_000,
      'campaign stats',
    );
    say(`stats: ${JSON.stringify({ ...stats, timeline: undefined, failedByReason: undefined, skippedByReason: undefined })}`);
    expect(stats.total).to.equal(RECIPIENTS);
    expect(stats.sent).to.equal(RECIPIENTS);
    expect(stats.failed).to.equal(0);
    expect(stats.queued).to.equal(0);
    expect(stats.reconciling).to.equal(0);
    expect(killsWhileSending, 'kills while sending was in progress').to.be.at.least(MIN_KILLS_WHILE_SENDING);
    process.stdout.write(
      `      exactly-once: ${TEST_DIALECT}, ${RECIPIENTS} recipients, ${kills} kills (${killsWhileSending} while sending), ` +
        `${server.starts} starts (${server.strayExits} cut short from outside), completed in ${seconds.toFixed(1)} s, ${msgs.length} messages, 0 twice\n`,
    );
  });
});
