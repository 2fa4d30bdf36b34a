// `npm run bench:inbox`: the shared inbox at scale, on MySQL (the scale-out database). The real
// server runs as a separate process on a database holding 100,000 conversations in one tenant and
// one conversation with 10,000 messages. Measured over loopback HTTP (so it is server time plus a
// fraction of a millisecond): the first page of the conversation list (plain, filtered, deep in the
// cursor chain) and opening the big conversation (the conversation + its newest 50 messages, then
// an older page). Then 200 agent WebSockets subscribe to the inbox, and for each of 50 signed
// webhooks carrying a new customer message the time from posting it to each socket receiving
// 'message.created' is the fan-out latency. Prints one JSON line. Env: BENCH_MYSQL_URL
// (mysql://root@127.0.0.1:3306/test; "off" to run on SQLite instead), BENCH_SOCKETS (200).
import crypto from 'node:crypto';
import os from 'node:os';
import { Sequelize } from 'sequelize';
import WebSocket from 'ws';
import { createModels } from '../backend/src/db/models.ts';
import { EncryptionService, parseKeys } from '../backend/src/security/encryption.ts';
import { hashPassword } from '../backend/src/security/passwords.ts';
import { benchDatabase, log, mysqlReachable, percentile, sleep, startServer } from './bench-lib.ts';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200);
const FANOUT_MESSAGES = 50;
const KEYS = 'bench:' + Buffer.alloc(32, 11).toString('base64');
const APP_ID = '888000000000002';
const APP_SECRET = 'bench-inbox-app-secret-0123456789';
const PN = '1000000000777';
const PASSWORD = 'bench password for the inbox';

const dialect = (await mysqlReachable()) ? 'mysql' : 'sqlite';
const db = await benchDatabase(dialect);
const server = await startServer(db, {
  ENCRYPTION_KEYS: KEYS,
  WHATSAPP_APP_ID: APP_ID,
  WHATSAPP_APP_SECRET: APP_SECRET,
  GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
  LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
});
const sequelize = new Sequelize(db.url, { logging: false });
const sockets: WebSocket[] = [];

async function timed(n: number, fn: () => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fn();
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${res.url}`);
    out.push(performance.now() - t);
  }
  return out;
}
const stats = (ms: number[]) => ({ p50: percentile(ms, 50), p95: percentile(ms, 95), n: ms.length });

try {
  const models = createModels(sequelize);
  const enc = new EncryptionService(parseKeys(KEYS));
  const tenant = await models.Tenant.create({ name: 'Bench inbox', slug: 'bench-inbox' });
  const user = await models.User.create({
    email: 'agent@bench.example',
    name: 'Bench Agent',
    passwordHash: await hashPassword(PASSWORD),
  });
  await models.Membership.create({ tenantId: tenant.id, userId: user.id, role: 'admin' });
  const channel = await models.Channel.create({
    tenantId: tenant.id,
    name: 'Bench number',
    kind: 'manual',
    phoneNumberId: PN,
    wabaId: '2000000000777',
    accessTokenEnc: enc.encrypt('EAAG-bench', 'channels.access_token'),
    verifyToken: 'bench-verify-token',
  });

  log(`bench: ${dialect}: seeding ${CONVERSATIONS} conversations and a ${MESSAGES}-message conversation`);
  const qi = sequelize.getQueryInterface();
  const base = Date.now() - 30 * 24 * 3600_000;
  for (let from = 0; from < CONVERSATIONS; from += 2000) {
    const rows = Array.from({ length: Math.min(2000, CONVERSATIONS - from) }, (_, k) => {
      const i = from + k;
      const at = new Date(base + i * 20_000);
      const key = `1666${String(i).padStart(8, '0')}`;
      return {
        tenant_id: tenant.id,
        channel_id: channel.id,
        customer_key: key,
        wa_id: key,
        profile_name: `Customer ${i}`,
        status: ['open', 'open', 'pending', 'resolved'][i % 4],
        priority: 'none',
        assignee_user_id: i % 4 === 0 ? user.id : null,
        unread_count: i % 5 === 0 ? 2 : 0,
        last_message_at: at,
        last_inbound_at: at,
        window_expires_at: new Date(at.getTime() + 24 * 3600_000),
        preview: `Hello from customer ${i}`,
        created_at: at,
        updated_at: at,
      };
    });
    await qi.bulkInsert('conversations', rows);
  }
  const big = await models.Conversation.findOne({ where: { tenantId: tenant.id }, order: [['id', 'ASC']] });
  for (let from = 0; from < MESSAGES; from += 2000) {
    const rows = Array.from({ length: Math.min(2000, MESSAGES - from) }, (_, k) => {
      const i = from + k;
      const at = new Date(base - (MESSAGES - i) * 60_000);
      const inbound = i % 2 === 0;
      const body = `${inbound ? 'Question' : 'Answer'} number ${i}`;
      return {
        tenant_id: tenant.id,
        channel_id: channel.id,
        conversation_id: big!.id,
        wamid: `wamid.big-${i}`,
        direction: inbound ? 'in' : 'out',
        wa_id: big!.waId,
        type: 'text',
        payload: JSON.stringify({ type: 'text', text: { body } }),
        body_text: body,
        status: inbound ? 'received' : 'read',
        is_note: false,
        occurred_at: at,
        created_at: at,
        updated_at: at,
      };
    });
    await qi.bulkInsert('wa_messages', rows);
  }
  if (dialect === 'mysql') await sequelize.query('ANALYZE TABLE conversations, wa_messages');

  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'agent@bench.example', password: PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  if (!login.ok || !cookie) throw new Error(`login failed: ${login.status}`);
  const headers = { cookie, 'x-tenant-id': String(tenant.id) };
  const get = (p: string) => fetch(`${server.url}${p}`, { headers });

  // Warm the connection pool and the database's caches the way a running server would be.
  await timed(20, () => get('/api/v1/conversations?limit=25'));
  log('bench: measuring lists');
  const firstPage = await timed(200, () => get('/api/v1/conversations?limit=25'));
  const filtered = [
    ...(await timed(50, () => get('/api/v1/conversations?limit=25&status=open'))),
    ...(await timed(50, () => get('/api/v1/conversations?limit=25&unread=true'))),
    ...(await timed(50, () => get('/api/v1/conversations?limit=25&assignee=me'))),
    ...(await timed(50, () => get('/api/v1/conversations?limit=25&window=closed'))),
  ];
  // A cursor 200 pages in: keyset pages cost the same wherever they are.
  let cursor: string | null = null;
  for (let i = 0; i < 200; i++) {
    const r = await get(`/api/v1/conversations?limit=25${cursor ? `&cursor=${cursor}` : ''}`);
    cursor = ((await r.json()) as { nextCursor: string | null }).nextCursor;
  }
  const deepPage = await timed(100, () => get(`/api/v1/conversations?limit=25&cursor=${cursor}`));

  log('bench: measuring the 10,000-message conversation');
  const open = await timed(200, async () => {
    const [c, m] = await Promise.all([
      get(`/api/v1/conversations/${big!.id}`),
      get(`/api/v1/conversations/${big!.id}/messages?limit=50`),
    ]);
    await c.arrayBuffer();
    return m;
  });
  const mid = await models.WaMessage.findOne({ where: { wamid: `wamid.big-${Math.floor(MESSAGES / 2)}` } });
  const before = Buffer.from(`${mid!.occurredAt.toISOString()}|${mid!.id}`).toString('base64url');
  const history = await timed(100, () => get(`/api/v1/conversations/${big!.id}/messages?limit=50&before=${before}`));

  log(`bench: connecting ${SOCKETS} agent sockets`);
  const wsUrl = `${server.url.replace('http', 'ws')}/ws?tenant=${tenant.id}`;
  const waiting = new Map<number, (at: number) => void>();
  for (let i = 0; i < SOCKETS; i++) {
    const ws = new WebSocket(wsUrl, { headers: { cookie } });
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (raw) => {
        const msg = JSON.parse(String(raw)) as { type: string; event?: string };
        if (msg.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', topic: 'inbox' }));
        else if (msg.type === 'subscribed') resolve();
        else if (msg.type === 'event' && msg.event === 'message.created') waiting.get(i)?.(performance.now());
      });
    });
    sockets.push(ws);
  }
  log('bench: measuring fan-out');
  const fanout: number[] = [];
  let missed = 0;
  for (let n = 0; n < FANOUT_MESSAGES; n++) {
    const from = `1777${String(n).padStart(8, '0')}`;
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '2000000000777',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550000777', phone_number_id: PN },
                contacts: [{ profile: { name: `Fan-out ${n}` }, wa_id: from }],
                messages: [
                  {
                    from,
                    id: `wamid.fanout-${n}-${crypto.randomBytes(4).toString('hex')}`,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: `new message ${n}` },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const sig = `sha256=${crypto.createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
    const got = sockets.map(
      (_, i) =>
        new Promise<number | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), 2000);
          waiting.set(i, (at) => {
            clearTimeout(timer);
            waiting.delete(i);
            resolve(at);
          });
        }),
    );
    const t0 = performance.now();
    const res = await fetch(`${server.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig },
      body,
    });
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    for (const at of await Promise.all(got)) {
      if (at === null) missed++;
      else fanout.push(at - t0);
    }
    await sleep(50);
  }

  const result = {
    bench: 'inbox',
    dialect,
    cpus: os.cpus().length,
    conversations: CONVERSATIONS,
    messagesInConversation: MESSAGES,
    firstListPageMs: stats(firstPage),
    filteredListPageMs: stats(filtered),
    deepListPageMs: stats(deepPage),
    openConversationMs: stats(open),
    olderMessagesPageMs: stats(history),
    fanout: { sockets: SOCKETS, messages: FANOUT_MESSAGES, ...stats(fanout), missed },
    target: { serverP95Ms: 50, fanoutP95Ms: 100 },
    meetsTarget:
      dialect === 'mysql' &&
      [firstPage, filtered, deepPage, open, history].every((ms) => percentile(ms, 95) <= 50) &&
      percentile(fanout, 95) <= 100 &&
      missed === 0,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  for (const ws of sockets) ws.terminate();
  await server.stop();
  await sequelize.close();
  await db.drop();
}
