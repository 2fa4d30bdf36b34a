// `npm run bench:campaigns`: the campaign engine at full speed. The real server runs as a separate
// process (as in production) on MySQL (SQLite when MySQL is not reachable); the WhatsApp Cloud API
// simulator runs in this process, with status webhooks batched the way Meta batches them. One number
// at 1,000 messages/s (HIGH throughput) sends a campaign to BENCH_RECIPIENTS (100,000) contacts at
// ratePerSecond 1000. Measured on the simulator side: achieved messages/s (first to last acceptance),
// the ratio to 1,000 (target ≥ 0.95) and messages sent twice (must be 0); on the server side: CPU
// time (user + system, /proc) per 1,000 messages. A second run on a STANDARD number at the default
// rate (80/s) sends BENCH_PACED_RECIPIENTS (2,000) and checks the most sends in any sliding 1-second
// window (must be ≤ 80); the simulator accepts up to 1,000/s there, so only the engine paces.
// Prints one JSON line; progress goes to stderr. Env: BENCH_MYSQL_URL (mysql://root@127.0.0.1:3306/test;
// "off" for SQLite), BENCH_RECIPIENTS (100000), BENCH_PACED_RECIPIENTS (2000).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import express from 'express';
import { loadConfig } from '../backend/src/config.ts';
import { createModels } from '../backend/src/db/models.ts';
import { createSequelize } from '../backend/src/db/sequelize.ts';
import { hashPassword } from '../backend/src/security/passwords.ts';
import { createSimulator } from '../backend/src/whatsapp/simulator/index.ts';
import type { SimCustomer } from '../backend/src/whatsapp/simulator/state.ts';
import { benchDatabase, log, mysqlReachable, sleep, startServer } from './bench-lib.ts';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const PACED_RECIPIENTS = Number(process.env.BENCH_PACED_RECIPIENTS ?? 2000);
const RATE = 1000;
const DEFAULT_RATE = 80;
const KEYS = 'bench:' + Buffer.alloc(32, 13).toString('base64');
const APP_ID = '888000000000007';
const APP_SECRET = 'bench-campaigns-app-secret-0123456789';
const PASSWORD = 'bench password for campaigns';

/** utime + stime of a process in ms, from /proc/<pid>/stat (null where there is no /proc). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function cpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after "pid (comm)": state is [0], utime [11], stime [12].
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
  } catch {
    return null;
  }
}

/** The most values within any window of `ms` (values sorted ascending). */
function maxInWindow(times: number[], ms: number): number {
  let best = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= ms) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

function simCustomer(waId: string, i: number): SimCustomer {
  return {
    key: waId,
    waId,
    userId: null,
    name: `Customer ${i}`,
    username: null,
    hidePhone: false,
    lastInboundAt: new Map(),
    entryPointAt: new Map(),
    marketingOptOut: false,
    unreachable: false,
  };
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

// ---- The simulator, in this process, behind a front door that counts answers to sends ----
let simUrl = '';
const sim = createSimulator({
  publicUrl: () => simUrl,
  webhookRetry: { baseDelayMs: 200, maxDelayMs: 2000, maxAttempts: 30 },
  statusTiming: { sent: 0, delivered: 200, read: 400, autoRead: false },
  pairRate: { limit: 1000, windowMs: 1000 },
});
sim.control.setFaults({ batch: true });
const sendAnswers = new Map<number, number>();
/** Messages accepted per phone number id (cheap progress without scanning the simulator's state). */
const accepted = new Map<string, number>();
const front = express();
front.use((req, res, next) => {
  const m = /^\/v[\d.]+\/(\d+)\/messages$/.exec(req.path);
  if (req.method === 'POST' && m)
    res.on('finish', () => {
      sendAnswers.set(res.statusCode, (sendAnswers.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode === 200) accepted.set(m[1], (accepted.get(m[1]) ?? 0) + 1);
    });
  next();
}, sim.app);
const simServer = http.createServer({ keepAliveTimeout: 60_000 }, front);
await new Promise<void>((r) => simServer.listen(0, '127.0.0.1', r));
simUrl = `http://127.0.0.1:${(simServer.address() as AddressInfo).port}`;

const dialect = (await mysqlReachable()) ? 'mysql' : 'sqlite';
const db = await benchDatabase(dialect);
const server = await startServer(db, {
  ENCRYPTION_KEYS: KEYS,
  WHATSAPP_APP_ID: APP_ID,
  WHATSAPP_APP_SECRET: APP_SECRET,
  GRAPH_API_BASE_URL: simUrl,
  LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
  JOBS_ENABLED: '1',
}).catch(async (err: unknown) => {
  await db.drop();
  throw err;
});
sim.control.createApp({ id: APP_ID, secret: APP_SECRET, callbackUrl: `${server.url}/webhooks/whatsapp` });
const sequelize = await createSequelize(loadConfig({ DATABASE_URL: db.url, DATA_DIR: db.dataDir }));

try {
  const models = createModels(sequelize);
  const tenant = await models.Tenant.create({ name: 'Bench campaigns', slug: 'bench-campaigns' });
  const user = await models.User.create({
    email: 'manager@bench.example',
    name: 'Bench Manager',
    passwordHash: await hashPassword(PASSWORD),
  });
  await models.Membership.create({ tenantId: tenant.id, userId: user.id, role: 'admin' });
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'manager@bench.example', password: PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  if (!login.ok || !cookie) throw new Error(`login failed: ${login.status}`);
  const api = async <T = unknown>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { cookie, 'x-tenant-id': String(tenant.id), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  /** A simulated number, connected through the API (the product reads its throughput from Graph). */
  const connect = async (name: string, level: 'HIGH' | 'STANDARD') => {
    const seeded = sim.control.seed({ appId: APP_ID, businessName: name, throughputLevel: level, mps: RATE, customers: [] });
    const ch = await api<{ id: number }>('POST', '/api/v1/channels', {
      name,
      phoneNumberId: seeded.phoneNumberId,
      wabaId: seeded.wabaId,
      accessToken: seeded.accessToken,
    });
    return { channelId: ch.id, phoneNumberId: seeded.phoneNumberId };
  };
  const fast = await connect('Bench HIGH', 'HIGH');
  const paced = await connect('Bench STANDARD', 'STANDARD');

  log(`bench: ${dialect}: seeding ${RECIPIENTS} contacts`);
  const qi = sequelize.getQueryInterface();
  const phone = (i: number) => `+49151${String(i).padStart(8, '0')}`;
  const t0 = performance.now();
  for (let from = 0; from < RECIPIENTS; from += 5000) {
    const now = new Date();
    const rows = Array.from({ length: Math.min(5000, RECIPIENTS - from) }, (_, k) => {
      const i = from + k;
      return {
        tenant_id: tenant.id,
        phone: phone(i),
        wa_id: phone(i).slice(1),
        name: `Customer ${i}`,
        source: 'import',
        consent_state: 'opted_in',
        created_at: now,
        updated_at: now,
      };
    });
    await qi.bulkInsert('contacts', rows);
  }
  if (dialect === 'mysql') await sequelize.query('ANALYZE TABLE contacts');
  // WhatsApp knows its users before the campaign: put them straight into the simulator's map (its
  // ensureCustomer looks an unknown number up by scanning every customer, O(n) per first message,
  // which would make the simulator, not the product, the bottleneck at 100,000 new recipients).
  for (let i = 0; i < RECIPIENTS; i++) sim.state.customers.set(phone(i).slice(1), simCustomer(phone(i).slice(1), i));
  const seedSeconds = round((performance.now() - t0) / 1000);

  /** Launches a campaign and waits for 'completed'; returns the simulator's acceptance times. */
  const run = async (label: string, channelId: number, phoneNumberId: string, input: Record<string, unknown>, total: number) => {
    const created = await api<{ id: number }>('POST', '/api/v1/campaigns', {
      name: `Bench ${label}`,
      channelId,
      template: { name: 'hello_world', language: 'en_US' },
      ...input,
    });
    const cpuBefore = cpuMs(server.pid);
    const launchedAt = Date.now();
    const view = await api<{ effectiveRatePerSecond: number }>('POST', `/api/v1/campaigns/${created.id}/launch`, { when: 'now' });
    log(`bench: ${label}: launched campaign ${created.id} (effective rate ${view.effectiveRatePerSecond}/s)`);
    const sent = () => accepted.get(phoneNumberId) ?? 0;
    // Twice the nominal time plus the start: a healthy engine finishes well within it.
    const limit = launchedAt + 30_000 + (total / Math.max(1, view.effectiveRatePerSecond)) * 2000;
    let status: string;
    let lastLog = 0;
    let timedOut = false;
    for (;;) {
      status = (await models.Campaign.findByPk(created.id))?.status ?? 'missing';
      if (['completed', 'stopped', 'cancelled'].includes(status)) break;
      if (Date.now() > limit) {
        // Not finished in time: cancel it, so the next run measures alone.
        timedOut = true;
        log(`bench: ${label}: not completed after ${round((Date.now() - launchedAt) / 1000)} s (${sent()} sent): cancelling`);
        await api('POST', `/api/v1/campaigns/${created.id}/cancel`).catch((err: unknown) => log(String(err)));
        for (
          let i = 0;
          i < 40 && (await models.CampaignRecipient.count({ where: { campaignId: created.id, state: 'sending' } }));
          i++
        )
          await sleep(250);
        await sleep(1000);
        break;
      }
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(
          `bench: ${label}: ${status}, ${sent()} of ${total} on the simulator after ${round((Date.now() - launchedAt) / 1000)} s`,
        );
      }
      await sleep(250);
    }
    const completedAt = Date.now();
    const cpuAfter = cpuMs(server.pid);
    const msgs = [...sim.state.outbound.values()].filter((m) => m.phoneNumberId === phoneNumberId);
    const times = msgs.map((m) => m.createdAt).sort((x, y) => x - y);
    // Accepted per second from the first acceptance (to stderr: where the rate dipped, if it did).
    const perSecond: number[] = [];
    for (const t of times) {
      const k = Math.floor((t - times[0]) / 1000);
      perSecond[k] = (perSecond[k] ?? 0) + 1;
    }
    log(`bench: ${label}: accepted per second: ${Array.from(perSecond, (n) => n ?? 0).join(' ')}`);
    const perCustomer = new Map<string, number>();
    for (const m of msgs) perCustomer.set(m.customerKey, (perCustomer.get(m.customerKey) ?? 0) + 1);
    let twice = 0;
    for (const n of perCustomer.values()) if (n > 1) twice += n - 1;
    const spanMs = times.length > 1 ? times[times.length - 1] - times[0] : 0;
    const stats = await api<{ sent: number; failed: number; queued: number; reconciling: number }>(
      'GET',
      `/api/v1/campaigns/${created.id}/stats`,
    ).catch(() => null);
    return {
      status,
      timedOut,
      effectiveRatePerSecond: view.effectiveRatePerSecond,
      recipients: total,
      messages: msgs.length,
      distinctRecipients: perCustomer.size,
      sentTwice: twice,
      missing: Math.max(0, total - perCustomer.size),
      messagesPerSec: spanMs > 0 ? round(((times.length - 1) * 1000) / spanMs) : 0,
      firstToLastSeconds: round(spanMs / 1000, 2),
      launchToCompletedSeconds: round((completedAt - launchedAt) / 1000, 2),
      firstSendAfterMs: times.length ? times[0] - launchedAt : null,
      maxInAnySecond: maxInWindow(times, 1000),
      cpuMs: cpuBefore !== null && cpuAfter !== null ? round(cpuAfter - cpuBefore, 0) : null,
      stats: stats && { sent: stats.sent, failed: stats.failed, queued: stats.queued, reconciling: stats.reconciling },
    };
  };

  log(`bench: full speed: ${RECIPIENTS} recipients at ${RATE}/s`);
  const full = await run(
    'full speed',
    fast.channelId,
    fast.phoneNumberId,
    { audience: { type: 'filter', definition: { match: 'all', conditions: [] } }, ratePerSecond: RATE },
    RECIPIENTS,
  );
  const answersFull = Object.fromEntries(sendAnswers);
  sendAnswers.clear();

  const pacedCount = Math.min(PACED_RECIPIENTS, RECIPIENTS);
  log(`bench: default rate: ${pacedCount} recipients on a STANDARD number`);
  const slow = await run(
    'default rate',
    paced.channelId,
    paced.phoneNumberId,
    { audience: { type: 'phones', phones: Array.from({ length: pacedCount }, (_, i) => phone(i)) } },
    pacedCount,
  );
  const answersPaced = Object.fromEntries(sendAnswers);

  const ratio = round(full.messagesPerSec / RATE, 3);
  const cpuPer1000 = full.cpuMs !== null && full.messages ? round((full.cpuMs / full.messages) * 1000, 1) : null;
  const out = {
    bench: 'campaigns',
    dialect,
    cpus: os.cpus().length,
    seedSeconds,
    statusesPerMessage: 2,
    fullSpeed: {
      ...full,
      targetRate: RATE,
      ratioToTarget: ratio,
      cpuMsPer1000Messages: cpuPer1000,
      sendAnswers: answersFull,
    },
    defaultRate: { ...slow, limit: DEFAULT_RATE, sendAnswers: answersPaced },
    target: { ratioToTarget: 0.95, sentTwice: 0, maxInAnySecondAtDefault: DEFAULT_RATE },
    meetsTarget:
      full.status === 'completed' &&
      !full.timedOut &&
      slow.status === 'completed' &&
      ratio >= 0.95 &&
      full.sentTwice === 0 &&
      slow.sentTwice === 0 &&
      full.missing === 0 &&
      slow.missing === 0 &&
      slow.maxInAnySecond <= DEFAULT_RATE,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await server.stop();
  await sim.close();
  simServer.closeAllConnections();
  await new Promise((r) => simServer.close(r));
  await sequelize.close();
  await db.drop();
}
