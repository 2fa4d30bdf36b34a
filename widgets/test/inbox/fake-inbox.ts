// An in-memory stand-in for the inbox API (the contract in notes/inbox-contract.md) and the /ws
// realtime endpoint, for the <wa-inbox> browser tests: conversations with keyset pages, message
// history with `before` cursors, message search, sends, media, templates, canned responses and team data.
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  defaultEntries,
  mount,
  openPage,
  type FakeRequest,
  type FakeResponse,
  type OpenedPage,
  type RouteHandler,
} from '../helpers/browser.ts';

export const entries = [...defaultEntries, fileURLToPath(new URL('../../src/inbox/inbox.ts', import.meta.url))];

const NAMES = [
  'Maria Garcia',
  'Tom Becker',
  'Aisha Khan',
  'Lucas Martin',
  'Sofia Rossi',
  'Kenji Sato',
  'Olivia Brown',
  'Noah Wilson',
  'Emma Dubois',
  'Liam Murphy',
];

const PREVIEWS = [
  'Hi! Is my order #1042 on its way?',
  'Can I change the delivery address?',
  'Thanks, that worked 🙏',
  'Do you have this in size M?',
  'Photo',
  'What are your opening hours on Sunday?',
];

export const ME = { id: 7, name: 'Ada Agent' };
export const ALEX = { id: 8, name: 'Alex Rivera' };

export interface Conv {
  id: number;
  channelId: number;
  customer: { waId: string | null; userId: string | null; name: string | null; profileName?: string | null };
  status: string;
  priority: string;
  assignee: { id: number; name: string } | null;
  team: { id: number; name: string } | null;
  labels: { id: number; name: string; color: string }[];
  snoozedUntil: string | null;
  unreadCount: number;
  lastMessageAt: string;
  preview: string | null;
  window: { open: boolean; expiresAt: string | null };
}

export type Msg = Record<string, unknown> & { id: number; occurredAt: string; clientRef?: string | null };

export interface Notif {
  id: number;
  kind: string;
  conversationId: number | null;
  messageId: number | null;
  actor: { id: number; name: string | null } | null;
  text: string | null;
  readAt: string | null;
  createdAt: string;
}

/** A notification for ME, `minutesAgo` old: a mention by Alex (in a note) unless `over` says otherwise. */
export function notification(id: number, minutesAgo: number, over: Partial<Notif> = {}): Notif {
  return {
    id,
    kind: 'mention',
    conversationId: 1,
    messageId: null,
    actor: ALEX,
    text: '@Ada Agent can you check the courier?',
    readAt: null,
    createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    ...over,
  };
}

const LABELS = [
  { id: 1, name: 'VIP', color: '#8e24aa' },
  { id: 2, name: 'Returns', color: '#ef6c00' },
  { id: 3, name: 'Wholesale', color: '#1565c0' },
];

export function conversation(id: number, over: Partial<Conv> = {}): Conv {
  const now = Date.now();
  const name = NAMES[(id - 1) % NAMES.length];
  return {
    id,
    channelId: 1,
    // The first customer calls herself something else on WhatsApp than the CRM does.
    customer: { waId: `4477009001${String(id).padStart(2, '0')}`, userId: null, name, profileName: id === 1 ? 'Mari G.' : name },
    status: 'open',
    priority: id === 2 ? 'urgent' : id === 4 ? 'high' : 'none',
    assignee: id % 3 === 0 ? ALEX : id % 3 === 1 ? ME : null,
    team: id % 2 ? { id: 1, name: 'Support' } : null,
    labels: id === 1 ? [LABELS[0]] : id === 3 ? [LABELS[1], LABELS[2]] : [],
    snoozedUntil: null,
    unreadCount: id <= 3 ? id : 0,
    lastMessageAt: new Date(now - id * 7 * 60_000).toISOString(),
    preview: PREVIEWS[(id - 1) % PREVIEWS.length],
    window:
      id === 3
        ? { open: false, expiresAt: new Date(now - 3600_000).toISOString() }
        : { open: true, expiresAt: new Date(now + (id === 2 ? 40 : 20 * 60) * 60_000).toISOString() },
    ...over,
  };
}

export function message(id: number, at: number, over: Record<string, unknown> = {}): Msg {
  const dir = (over.direction as string) ?? (id % 2 ? 'in' : 'out');
  const text = (over.text as string | undefined) ?? `Message number ${id}`;
  return {
    id,
    wamid: `wamid.${id}`,
    direction: dir,
    type: 'text',
    status: dir === 'in' ? 'received' : 'read',
    statusAt: null,
    error: null,
    occurredAt: new Date(at).toISOString(),
    content: { type: 'text', text: { body: text } },
    text,
    note: false,
    sender: dir === 'out' ? ME : null,
    replyTo: null,
    media: null,
    clientRef: null,
    ...over,
  };
}

/** Oldest first: `count` plain text messages a minute apart, ending a minute ago. */
export function history(count: number, firstId = 1): Msg[] {
  const end = Date.now() - 60_000;
  return Array.from({ length: count }, (_, i) => message(firstId + i, end - (count - 1 - i) * 60_000));
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR42mNk+M9QzwAEjDAGNzYAAB0sA/1ZkWqxAAAAAElFTkSuQmCC',
  'base64',
);

export const TEMPLATES = [
  {
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped and arrives {{3}}.' },
      { type: 'FOOTER', text: 'Maple & Thread' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track parcel', url: 'https://shop.example/track/{{1}}' }] },
    ],
  },
  {
    name: 'photo_offer',
    language: 'en_US',
    category: 'MARKETING',
    status: 'APPROVED',
    components: [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'New in: {{1}}. Reply to reserve yours.' },
    ],
  },
  { name: 'draft_one', language: 'en_US', category: 'UTILITY', status: 'PENDING', components: [{ type: 'BODY', text: 'x' }] },
];

export const CANNED = [
  { id: 1, shortcode: 'hello', title: 'Greeting', body: 'Hello {{contact.name}}!', variables: ['contact.name'] },
  {
    id: 2,
    shortcode: 'refund',
    title: 'Refund timing',
    body: 'Your refund of {{amount}} will arrive in 5 days.',
    variables: ['amount'],
  },
];

export interface FakeInboxOptions {
  conversations?: Conv[];
  /** Messages per conversation id, oldest first. */
  messages?: Record<number, Msg[]>;
  /** The caller's notifications (any order; served newest first). */
  notifications?: Notif[];
  /** Answers a send before the default handler; return undefined to fall through. */
  onSend?: (conversationId: number, body: Record<string, unknown>) => FakeResponse | Promise<FakeResponse> | undefined;
  routes?: Record<string, RouteHandler>;
}

function cursorOf(i: number) {
  return `c${i}`;
}

/** The fake API. `state` is live: tests change conversations and messages between requests. */
export function fakeInbox(opts: FakeInboxOptions = {}) {
  const state = {
    conversations: opts.conversations ?? Array.from({ length: 60 }, (_, i) => conversation(i + 1)),
    messages: opts.messages ?? ({ 1: history(80) } as Record<number, Msg[]>),
    notifications: opts.notifications ?? [],
    nextId: 10_000,
    media: new Map<number, { mime: string; body: Buffer; filename: string }>([
      [501, { mime: 'image/png', body: PNG, filename: 'photo.png' }],
      [502, { mime: 'application/pdf', body: Buffer.from('%PDF-1.4 fake'), filename: 'invoice-1042.pdf' }],
      [503, { mime: 'audio/ogg', body: Buffer.from('OggS fake'), filename: 'voice.ogg' }],
    ]),
  };
  const conv = (req: FakeRequest) => state.conversations.find((c) => c.id === Number(req.params.id));
  const notFound = { status: 404, body: { error: { code: 'not_found', message: 'No such conversation.' } } };

  const routes: Record<string, RouteHandler> = {
    'GET /api/v1/auth/me': () => ({ body: { user: { id: ME.id, name: ME.name, email: 'ada@example.com' }, memberships: [] } }),
    'GET /api/v1/inbox/agents': () => ({
      body: {
        items: [
          {
            id: ME.id,
            name: ME.name,
            email: 'ada@example.com',
            role: 'agent',
            presence: 'online',
            capacity: null,
            openCount: 3,
            teamIds: [1],
          },
          {
            id: ALEX.id,
            name: ALEX.name,
            email: 'alex@example.com',
            role: 'agent',
            presence: 'away',
            capacity: 5,
            openCount: 2,
            teamIds: [1],
          },
          {
            id: 9,
            name: 'Sam Lee',
            email: 'sam@example.com',
            role: 'manager',
            presence: 'offline',
            capacity: null,
            openCount: 0,
            teamIds: [],
          },
        ],
      },
    }),
    'GET /api/v1/teams': () => ({ body: { items: [{ id: 1, name: 'Support', assignment: 'round_robin', memberIds: [7, 8] }] } }),
    'GET /api/v1/labels': () => ({ body: { items: LABELS } }),
    'PUT /api/v1/inbox/presence': (req) => ({ body: { presence: (req.json as { status: string }).status } }),
    'POST /api/v1/realtime/ticket': () => ({
      status: 503,
      body: { error: { code: 'unavailable', message: 'No realtime here.' } },
    }),
    'GET /api/v1/conversations': (req) => {
      const q = req.query;
      let list = [...state.conversations].sort(
        (a, b) => Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt) || b.id - a.id,
      );
      const status = q.get('status');
      if (status) list = list.filter((c) => c.status === status);
      if (q.get('assignee') === 'me') list = list.filter((c) => c.assignee?.id === ME.id);
      if (q.get('assignee') === 'none') list = list.filter((c) => !c.assignee);
      if (q.get('unread') === 'true') list = list.filter((c) => c.unreadCount > 0);
      if (q.get('window')) list = list.filter((c) => c.window.open === (q.get('window') === 'open'));
      if (q.get('label')) list = list.filter((c) => c.labels.some((l) => String(l.id) === q.get('label')));
      const start = Number((q.get('cursor') ?? 'c0').slice(1));
      const limit = Number(q.get('limit') ?? 25);
      const items = list.slice(start, start + limit);
      return { body: { items, nextCursor: start + limit < list.length ? cursorOf(start + limit) : null } };
    },
    'GET /api/v1/conversations/:id': (req) => {
      const c = conv(req);
      return c ? { body: c } : notFound;
    },
    'PATCH /api/v1/conversations/:id': (req) => {
      const c = conv(req);
      if (!c) return notFound;
      Object.assign(c, req.json);
      return { body: c };
    },
    'POST /api/v1/conversations/:id/assign': (req) => {
      const c = conv(req);
      if (!c) return notFound;
      const b = req.json as { assigneeUserId: number | null; teamId?: number | null };
      const who = [ME, ALEX, { id: 9, name: 'Sam Lee' }].find((a) => a.id === b.assigneeUserId) ?? null;
      c.assignee = who;
      if (b.teamId !== undefined) c.team = b.teamId ? { id: b.teamId, name: 'Support' } : null;
      return { body: c };
    },
    'PUT /api/v1/conversations/:id/labels': (req) => {
      const c = conv(req);
      if (!c) return notFound;
      c.labels = LABELS.filter((l) => (req.json as { labelIds: number[] }).labelIds.includes(l.id));
      return { body: c };
    },
    'POST /api/v1/conversations/:id/read': (req) => {
      const c = conv(req);
      if (!c) return notFound;
      c.unreadCount = 0;
      return { body: c };
    },
    'POST /api/v1/conversations/:id/activity': () => ({ body: { viewers: [] } }),
    'GET /api/v1/conversations/:id/messages': (req) => {
      const all = state.messages[Number(req.params.id)] ?? [];
      const newestFirst = [...all].reverse();
      const start = Number((req.query.get('before') ?? 'c0').slice(1));
      const limit = Number(req.query.get('limit') ?? 50);
      const items = newestFirst.slice(start, start + limit);
      return { body: { items, nextCursor: start + limit < newestFirst.length ? cursorOf(start + limit) : null } };
    },
    'POST /api/v1/conversations/:id/messages': async (req) => {
      const id = Number(req.params.id);
      const body = req.json as Record<string, unknown>;
      const custom = await opts.onSend?.(id, body);
      if (custom) return custom;
      const list = (state.messages[id] ??= []);
      const existing = list.find((m) => body.clientRef && m.clientRef === body.clientRef);
      if (existing) return { status: 201, body: existing };
      const type = String(body.type);
      const note = type === 'note';
      const text =
        (body.text as string | undefined) ??
        (body.caption as string | undefined) ??
        (type === 'interactive' ? ((body.interactive as { body: string }).body as string) : null);
      const m = message(++state.nextId, Date.now(), {
        direction: 'out',
        type: note ? 'text' : type,
        note,
        text,
        status: note ? 'sent' : 'sent',
        clientRef: body.clientRef ?? null,
        replyTo: (() => {
          const q = list.find((x) => x.id === body.replyToMessageId);
          return q ? { id: q.id, wamid: q.wamid, text: q.text } : null;
        })(),
        content:
          type === 'reaction'
            ? { type: 'reaction', reaction: { message_id: list.find((x) => x.id === body.messageId)?.wamid, emoji: body.emoji } }
            : type === 'template'
              ? { type: 'template', template: body.template }
              : { type, text: { body: text } },
        media: body.mediaId
          ? { id: body.mediaId, mime: 'image/png', size: 68, filename: 'upload.png', state: 'stored', url: null }
          : null,
      });
      list.push(m);
      return { status: 201, body: m };
    },
    'POST /api/v1/messages/:id/retry': (req) => {
      for (const list of Object.values(state.messages)) {
        const m = list.find((x) => x.id === Number(req.params.id));
        if (m) {
          Object.assign(m, { status: 'sent', error: null });
          return { body: m };
        }
      }
      return notFound;
    },
    'GET /api/v1/media/:id': (req) => {
      const m = state.media.get(Number(req.params.id));
      if (!m) return { status: 404, body: { error: { code: 'not_found', message: 'No such media.' } } };
      return { body: m.body, headers: { 'content-type': m.mime } };
    },
    'POST /api/v1/media': (req) => {
      const id = 600 + state.media.size;
      const filename = decodeURIComponent(String(req.headers['x-filename'] ?? 'file'));
      const mime = String(req.headers['content-type']);
      state.media.set(id, { mime, body: req.raw, filename });
      return { status: 201, body: { id, mime, size: req.raw.length, filename } };
    },
    // Like the server: 2..100 characters, case-insensitive substring, newest first, limit ≤ 50.
    'GET /api/v1/messages/search': (req) => {
      const q = (req.query.get('q') ?? '').trim();
      if (q.length < 2 || q.length > 100) {
        return { status: 400, body: { error: { code: 'validation_failed', message: 'Search for at least 2 characters.' } } };
      }
      const limit = Math.min(50, Number(req.query.get('limit') ?? 20));
      const needle = q.toLowerCase();
      const items: { message: Msg; conversation: Conv }[] = [];
      for (const [id, list] of Object.entries(state.messages)) {
        const c = state.conversations.find((x) => x.id === Number(id));
        if (!c) continue;
        for (const m of list)
          if (
            String(m.text ?? '')
              .toLowerCase()
              .includes(needle)
          )
            items.push({ message: m, conversation: c });
      }
      items.sort((a, b) => Date.parse(b.message.occurredAt) - Date.parse(a.message.occurredAt) || b.message.id - a.message.id);
      return { body: { items: items.slice(0, limit) } };
    },
    // Like the server: newest (highest id) first, `limit` of them, and the caller's unread count.
    'GET /api/v1/notifications': (req) => {
      const all = [...state.notifications].sort((a, b) => b.id - a.id);
      const limit = Number(req.query.get('limit') ?? 50);
      return {
        body: {
          items: all.slice(0, limit),
          unread: all.filter((n) => !n.readAt).length,
          nextBefore: all.length > limit ? all[limit - 1].id : null,
        },
      };
    },
    'POST /api/v1/notifications/read': (req) => {
      const ids = (req.json as { ids?: number[] } | undefined)?.ids;
      let updated = 0;
      for (const n of state.notifications) {
        if (n.readAt || (ids && !ids.includes(n.id))) continue;
        n.readAt = new Date().toISOString();
        updated++;
      }
      return { body: { updated } };
    },
    'GET /api/v1/channels/:id/templates': () => ({ body: { items: TEMPLATES } }),
    'GET /api/v1/canned-responses': () => ({ body: { items: CANNED } }),
    'POST /api/v1/canned-responses/:id/render': (req) => {
      const c = CANNED.find((x) => x.id === Number(req.params.id))!;
      const values = ((req.json as { values?: Record<string, string> }).values ?? {}) as Record<string, string>;
      const missing: string[] = [];
      const text = c.body.replace(/\{\{([\w.]+)\}\}/g, (all, k: string) => {
        if (k === 'contact.name') return 'Maria Garcia';
        if (values[k]) return values[k];
        missing.push(k);
        return all;
      });
      return { body: { text, missing } };
    },
    ...opts.routes,
  };
  return { routes, state };
}

export interface Realtime {
  routes: Record<string, RouteHandler>;
  attach(opened: OpenedPage): void;
  /** Sends an event frame to every socket subscribed to `topic`. */
  push(topic: string, event: string, data: unknown): void;
  subscribed(topic: string): boolean;
  close(): void;
}

/** The server's /ws protocol on the harness's HTTP server: tickets, subscribe, events. */
export function fakeRealtime(): Realtime {
  const sockets: { ws: WebSocket; topics: Set<string> }[] = [];
  const wss = new WebSocketServer({ noServer: true });
  let n = 0;
  return {
    routes: {
      'POST /api/v1/realtime/ticket': () => ({
        status: 201,
        body: {
          ticket: `t${++n}`,
          url: `ws://rt.example.invalid/ws?ticket=t${n}`,
          expiresAt: new Date(Date.now() + 30_000).toISOString(),
        },
      }),
    },
    attach(opened) {
      opened.server.on('upgrade', (req, socket, head) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          const s = { ws, topics: new Set<string>() };
          sockets.push(s);
          ws.on('message', (raw) => {
            const f = JSON.parse(String(raw)) as { type: string; topic?: string };
            if (f.type === 'subscribe' && f.topic) {
              s.topics.add(f.topic);
              ws.send(JSON.stringify({ type: 'subscribed', topic: f.topic }));
            }
            if (f.type === 'unsubscribe' && f.topic) s.topics.delete(f.topic);
            if (f.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
          });
          ws.on('close', () => sockets.splice(sockets.indexOf(s), 1));
          ws.send(JSON.stringify({ type: 'welcome', tenantId: 1 }));
        });
      });
    },
    push(topic, event, data) {
      for (const s of sockets) {
        if (s.topics.has(topic)) {
          s.ws.send(JSON.stringify({ type: 'event', topic, event, data, id: `e${++n}`, at: new Date().toISOString() }));
        }
      }
    },
    subscribed: (topic) => sockets.some((s) => s.topics.has(topic)),
    close() {
      for (const s of sockets) s.ws.terminate();
      wss.close();
    },
  };
}

declare global {
  interface Window {
    toasts: { message: string; kind?: string }[];
  }
}

/** Opens a page with <wa-inbox> against the fake API; toasts land in window.toasts. */
export async function openInbox(
  fake: ReturnType<typeof fakeInbox>,
  options: {
    width?: number;
    height?: number;
    theme?: 'light' | 'dark';
    realtime?: Realtime;
    attrs?: string;
    viewport?: { width: number; height: number };
  } = {},
) {
  const routes = { ...fake.routes, ...options.realtime?.routes };
  const opened = await openPage({ entries, routes });
  options.realtime?.attach(opened);
  if (options.viewport) await opened.page.setViewportSize(options.viewport);
  await opened.page.evaluate(() => {
    window.toasts = [];
    addEventListener('wa-toast', (e) => window.toasts.push((e as CustomEvent).detail));
    document.body.style.margin = '0';
  });
  const style = `height:${options.height ?? 700}px;${options.width ? `width:${options.width}px;` : ''}`;
  await mount(
    opened.page,
    `<wa-inbox theme="${options.theme ?? 'light'}" style="${style}" data-wa-base="${opened.url}" data-wa-token="test-token" ${options.attrs ?? ''}></wa-inbox>`,
  );
  const inbox = opened.page.locator('wa-inbox');
  return { ...opened, inbox };
}

export const calls = (requests: FakeRequest[], method: string, path: string | RegExp) =>
  requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));

/** One conversation's worth of every message type, oldest first (for media tests and screenshots). */
export function richThread(): Msg[] {
  const t = Date.now() - 26 * 3600_000;
  const at = (min: number) => t + min * 60_000;
  const media = (id: number, mime: string, filename: string, size: number, state = 'stored') => ({
    id,
    mime,
    size,
    filename,
    state,
    url: state === 'stored' ? `/api/v1/media/${id}` : null,
  });
  return [
    message(1, at(0), { direction: 'in', text: 'Hi! Is my order #1042 on its way? https://shop.example/orders/1042' }),
    message(2, at(3), { direction: 'out', text: 'Hello Maria! Let me check that for you.', status: 'read' }),
    message(3, at(5), {
      direction: 'in',
      type: 'image',
      text: 'This is what arrived last time',
      content: { type: 'image', image: { id: 'm1', mime_type: 'image/png', caption: 'This is what arrived last time' } },
      media: media(501, 'image/png', 'photo.png', 68),
    }),
    message(4, at(6), {
      direction: 'in',
      type: 'document',
      text: null,
      content: { type: 'document', document: { filename: 'invoice-1042.pdf' } },
      media: media(502, 'application/pdf', 'invoice-1042.pdf', 48_213),
    }),
    message(5, at(7), {
      direction: 'in',
      type: 'audio',
      text: null,
      content: { type: 'audio', audio: { voice: true } },
      media: media(503, 'audio/ogg', 'voice.ogg', 9_000),
    }),
    message(6, at(8), {
      direction: 'in',
      type: 'location',
      text: null,
      content: {
        type: 'location',
        location: { latitude: 51.5074, longitude: -0.1278, name: 'Maple & Thread', address: '12 High St, London' },
      },
    }),
    message(7, at(9), {
      direction: 'in',
      type: 'contacts',
      text: null,
      content: {
        type: 'contacts',
        contacts: [{ name: { formatted_name: 'Jonas Weber' }, phones: [{ phone: '+49 151 2345678', type: 'CELL' }] }],
      },
    }),
    message(8, at(12), {
      direction: 'out',
      type: 'interactive',
      text: 'Would you like a refund or a replacement?',
      status: 'delivered',
      content: {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Would you like a refund or a replacement?' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'r', title: 'Refund' } },
              { type: 'reply', reply: { id: 'x', title: 'Replacement' } },
            ],
          },
        },
      },
    }),
    message(9, at(14), {
      direction: 'in',
      type: 'interactive',
      text: null,
      content: { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'x', title: 'Replacement' } } },
    }),
    message(10, at(15), {
      direction: 'in',
      type: 'reaction',
      text: null,
      content: { type: 'reaction', reaction: { message_id: 'wamid.2', emoji: '👍' } },
    }),
    message(11, at(16), {
      direction: 'out',
      note: true,
      text: '@Ada Agent can you check the courier?',
      sender: ALEX,
      status: 'sent',
    }),
    message(12, at(60 * 24 + 20), {
      direction: 'out',
      type: 'template',
      text: 'Hi Maria, your order 1042 has shipped and arrives Friday.',
      status: 'delivered',
      content: { type: 'template', template: { name: 'order_update', language: { code: 'en_US' } } },
      campaign: { id: 7, name: 'Shipping updates' },
    }),
    message(13, at(60 * 24 + 25), {
      direction: 'out',
      text: 'Here is your tracking link',
      status: 'failed',
      error: {
        code: 131047,
        reason: 'More than 24 hours have passed since the customer last replied.',
        hint: 'Send a template instead.',
      },
    }),
    message(14, at(60 * 24 + 40), {
      direction: 'in',
      type: 'image',
      text: null,
      content: { type: 'image', image: {} },
      media: media(504, 'image/jpeg', 'p.jpg', 0, 'pending'),
    }),
    message(15, at(60 * 24 + 45), {
      direction: 'in',
      text: 'Yes please, thank you!',
      replyTo: { id: 8, wamid: 'wamid.8', text: 'Would you like a refund or a replacement?' },
    }),
  ];
}
