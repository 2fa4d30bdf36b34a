// An in-memory stand-in for the contacts API (notes/contacts-contract.md) for the <wa-contacts>
// browser tests: contacts with keyset pages and search, tags, attributes, segments with counts,
// consent history, notes, conversations, CSV imports and export, attribute definitions, merging,
// and the consent keyword settings.
import { fileURLToPath } from 'node:url';
import { defaultEntries, mount, openPage, type FakeRequest, type RouteHandler } from '../helpers/browser.ts';
import type { Realtime } from '../inbox/fake-inbox.ts';

export const entries = [...defaultEntries, fileURLToPath(new URL('../../src/contacts/contacts.ts', import.meta.url))];

const NAMES = [
  'Maria Garcia',
  'Tom Becker',
  'Aisha Khan',
  'Lucas Martin',
  'Sofia Rossi',
  'Kenji Sato',
  'Olivia Brown',
  'Noah Wilson',
];

export interface FakeContact {
  id: number;
  phone: string | null;
  waId: string | null;
  bsuid: string | null;
  name: string | null;
  email: string | null;
  source: string;
  consent: { state: string; changedAt: string | null };
  tags: string[];
  attributes: Record<string, string | number | boolean | null>;
  lastSeenAt: string | null;
  mergedIntoId: number | null;
  createdAt: string;
  updatedAt: string;
}

export function contact(id: number, over: Partial<FakeContact> = {}): FakeContact {
  const now = Date.now();
  const name = NAMES[(id - 1) % NAMES.length];
  return {
    id,
    phone: `+4915112${String(id).padStart(5, '0')}`,
    waId: `4915112${String(id).padStart(5, '0')}`,
    bsuid: null,
    name,
    email: id % 2 ? `${name.split(' ')[0].toLowerCase()}@example.com` : null,
    source: id % 3 ? 'inbound' : 'import',
    consent: {
      state: id % 4 === 0 ? 'opted_out' : id % 2 ? 'opted_in' : 'unknown',
      changedAt: new Date(now - 86_400_000).toISOString(),
    },
    tags: id % 2 ? ['vip'] : id % 3 ? ['newsletter', 'wholesale'] : [],
    attributes: { city: id % 2 ? 'Berlin' : 'Hamburg', orders: id * 2 },
    lastSeenAt: id % 5 === 0 ? null : new Date(now - id * 3600_000).toISOString(),
    mergedIntoId: null,
    createdAt: new Date(now - id * 86_400_000).toISOString(),
    updatedAt: new Date(now - id * 86_400_000).toISOString(),
    ...over,
  };
}

export interface FakeAttribute {
  id: number;
  key: string;
  label: string;
  type: string;
  options: string[] | null;
}

export const ATTRIBUTES: FakeAttribute[] = [
  { id: 1, key: 'city', label: 'City', type: 'text', options: null },
  { id: 2, key: 'orders', label: 'Orders', type: 'number', options: null },
  { id: 3, key: 'birthday', label: 'Birthday', type: 'date', options: null },
  { id: 4, key: 'wholesale', label: 'Wholesale customer', type: 'boolean', options: null },
  { id: 5, key: 'tier', label: 'Tier', type: 'list', options: ['bronze', 'silver', 'gold'] },
];

export interface FakeConsentSettings {
  optOutKeywords: { keyword: string; language: string }[];
  optInKeywords: { keyword: string; language: string }[];
  optOutReplies: Record<string, string>;
  optInReplies: Record<string, string>;
  isDefault: boolean;
}

export const DEFAULT_CONSENT_SETTINGS: FakeConsentSettings = {
  optOutKeywords: [
    { keyword: 'STOP', language: 'en' },
    { keyword: 'UNSUBSCRIBE', language: 'en' },
    { keyword: 'BAJA', language: 'es' },
  ],
  optInKeywords: [
    { keyword: 'START', language: 'en' },
    { keyword: 'ALTA', language: 'es' },
  ],
  optOutReplies: {
    en: 'You have been unsubscribed. Reply START to subscribe again.',
    es: 'Te has dado de baja. Responde ALTA para volver a suscribirte.',
  },
  optInReplies: { en: 'You are subscribed again. Reply STOP to unsubscribe.' },
  isDefault: true,
};

export interface FakeState {
  contacts: FakeContact[];
  attributes: FakeAttribute[];
  consentSettings: FakeConsentSettings;
  segments: { id: number; name: string; definition: unknown; createdAt: string; updatedAt: string }[];
  consent: Record<
    number,
    {
      id: number;
      seq: number;
      contactId: number;
      action: string;
      source: string;
      proof: unknown;
      actor: string;
      occurredAt: string;
    }[]
  >;
  notes: Record<number, { id: number; body: string; author: { id: number; name: string } | null; createdAt: string }[]>;
  conversations: Record<
    number,
    { id: number; channelId: number; status: string; lastMessageAt: string; preview: string; unreadCount: number }[]
  >;
  imports: Record<number, Record<string, unknown>>;
  /** The next GET /imports/:id answers, in order (the last one repeats). */
  importSteps: Record<string, unknown>[];
  countFor: (definition: unknown) => number;
}

const err = (status: number, code: string, message: string) => ({
  status,
  body: { error: { code, message }, requestId: `req-${code}` },
});

export function fakeContacts(opts: { contacts?: FakeContact[]; routes?: Record<string, RouteHandler> } = {}) {
  const now = Date.now();
  const state: FakeState = {
    contacts: opts.contacts ?? Array.from({ length: 60 }, (_, i) => contact(i + 1)),
    attributes: structuredClone(ATTRIBUTES),
    consentSettings: structuredClone(DEFAULT_CONSENT_SETTINGS),
    segments: [
      {
        id: 1,
        name: 'VIPs in Berlin',
        definition: { match: 'all', conditions: [{ field: 'tags', op: 'any', tags: ['vip'] }] },
        createdAt: new Date(now).toISOString(),
        updatedAt: new Date(now).toISOString(),
      },
    ],
    consent: {
      1: [
        {
          id: 2,
          seq: 2,
          contactId: 1,
          action: 'opt_in',
          source: 'keyword',
          proof: { keyword: 'START', messageId: 55 },
          actor: 'contact:1',
          occurredAt: new Date(now - 86_400_000).toISOString(),
        },
        {
          id: 1,
          seq: 1,
          contactId: 1,
          action: 'opt_out',
          source: 'import',
          proof: { importId: 4, filename: 'fair.csv', row: 12 },
          actor: 'user:7',
          occurredAt: new Date(now - 5 * 86_400_000).toISOString(),
        },
      ],
    },
    notes: {
      1: [
        {
          id: 1,
          body: 'Prefers calls after 5pm.',
          author: { id: 7, name: 'Ada Agent' },
          createdAt: new Date(now - 3600_000).toISOString(),
        },
      ],
    },
    conversations: {
      1: [
        {
          id: 41,
          channelId: 1,
          status: 'open',
          lastMessageAt: new Date(now - 600_000).toISOString(),
          preview: 'Is my order on its way?',
          unreadCount: 1,
        },
        {
          id: 12,
          channelId: 1,
          status: 'resolved',
          lastMessageAt: new Date(now - 9 * 86_400_000).toISOString(),
          preview: 'Thanks!',
          unreadCount: 0,
        },
      ],
    },
    imports: {},
    importSteps: [],
    countFor: () => 1234,
  };
  const find = (id: string | number) => state.contacts.find((c) => c.id === Number(id));
  const touch = (c: FakeContact) => ({ ...c, updatedAt: new Date().toISOString() });

  const routes: Record<string, RouteHandler> = {
    'GET /api/v1/contacts': (req) => {
      const q = (req.query.get('q') ?? '').toLowerCase();
      const tag = req.query.get('tag');
      const consent = req.query.get('consent');
      const limit = Number(req.query.get('limit') ?? 25);
      const cursor = req.query.get('cursor');
      let list = [...state.contacts].sort((a, b) => b.id - a.id);
      if (q) list = list.filter((c) => [c.name, c.phone, c.email].some((v) => v?.toLowerCase().includes(q)));
      if (tag) list = list.filter((c) => c.tags.includes(tag));
      if (consent) list = list.filter((c) => c.consent.state === consent);
      if (req.query.get('segment') === '1') list = list.filter((c) => c.tags.includes('vip'));
      if (cursor) list = list.filter((c) => c.id < Number(cursor));
      const items = list.slice(0, limit);
      return { body: { items, nextCursor: list.length > limit ? String(items.at(-1)!.id) : null } };
    },
    'GET /api/v1/contacts/:id': (req) => {
      const c = find(req.params.id);
      return c ? { body: c } : err(404, 'not_found', 'Contact not found.');
    },
    'PATCH /api/v1/contacts/:id': (req) => {
      const c = find(req.params.id);
      if (!c) return err(404, 'not_found', 'Contact not found.');
      const b = req.json as Partial<FakeContact> & { attributes?: Record<string, unknown> };
      const next = touch({ ...c });
      if ('name' in b) next.name = b.name ?? null;
      if ('email' in b) next.email = b.email ?? null;
      if (b.attributes) {
        next.attributes = { ...c.attributes };
        for (const [k, v] of Object.entries(b.attributes)) {
          if (v === null) delete next.attributes[k];
          else next.attributes[k] = v as string;
        }
      }
      state.contacts = state.contacts.map((x) => (x.id === c.id ? next : x));
      return { body: next };
    },
    'POST /api/v1/contacts/:id/tags': (req) => {
      const c = find(req.params.id)!;
      const tags = (req.json as { tags: string[] }).tags;
      c.tags = [...new Set([...c.tags, ...tags])].sort();
      return { body: c };
    },
    'DELETE /api/v1/contacts/:id/tags/:tag': (req) => {
      const c = find(req.params.id)!;
      c.tags = c.tags.filter((t) => t !== req.params.tag);
      return { body: c };
    },
    'GET /api/v1/contacts/:id/consent': (req) => {
      const c = find(req.params.id)!;
      return { body: { state: c.consent.state, items: state.consent[c.id] ?? [] } };
    },
    'POST /api/v1/contacts/:id/consent': (req) => {
      const c = find(req.params.id)!;
      const b = req.json as { action: string; source?: string; proof?: unknown };
      const list = (state.consent[c.id] ??= []);
      const entry = {
        id: 100 + list.length,
        seq: 100 + list.length,
        contactId: c.id,
        action: b.action,
        source: b.source ?? 'agent',
        proof: b.proof ?? null,
        actor: 'user:7',
        occurredAt: new Date().toISOString(),
      };
      list.unshift(entry);
      c.consent = { state: b.action === 'opt_out' ? 'opted_out' : 'opted_in', changedAt: entry.occurredAt };
      return { status: 201, body: entry };
    },
    'GET /api/v1/contacts/:id/notes': (req) => ({ body: { items: state.notes[Number(req.params.id)] ?? [] } }),
    'POST /api/v1/contacts/:id/notes': (req) => {
      const list = (state.notes[Number(req.params.id)] ??= []);
      const note = {
        id: list.length + 10,
        body: (req.json as { body: string }).body,
        author: { id: 7, name: 'Ada Agent' },
        createdAt: new Date().toISOString(),
      };
      list.unshift(note);
      return { status: 201, body: note };
    },
    'GET /api/v1/contacts/:id/conversations': (req) => ({ body: { items: state.conversations[Number(req.params.id)] ?? [] } }),
    'GET /api/v1/tags': () => {
      const counts = new Map<string, number>();
      for (const c of state.contacts) for (const t of c.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
      return { body: { items: [...counts].map(([name, n], i) => ({ id: i + 1, name, contacts: n })) } };
    },
    'GET /api/v1/contact-attributes': () => ({ body: { items: state.attributes } }),
    'POST /api/v1/contact-attributes': (req) => {
      const b = req.json as { key: string; label: string; type: string; options?: string[] };
      if (!/^[a-z][a-z0-9_]*$/.test(b.key)) return err(400, 'validation_failed', 'Keys are lower_snake_case.');
      if (b.type === 'list' && !b.options?.length) return err(400, 'validation_failed', 'A list attribute needs its options.');
      if (state.attributes.some((a) => a.key === b.key)) {
        return err(409, 'attribute_exists', `An attribute with the key "${b.key}" exists already.`);
      }
      const def = {
        id: Math.max(0, ...state.attributes.map((a) => a.id)) + 1,
        key: b.key,
        label: b.label,
        type: b.type,
        options: b.type === 'list' ? (b.options ?? null) : null,
      };
      state.attributes = [...state.attributes, def];
      return { status: 201, body: def };
    },
    'PATCH /api/v1/contact-attributes/:id': (req) => {
      const def = state.attributes.find((a) => a.id === Number(req.params.id));
      if (!def) return err(404, 'not_found', 'Attribute not found.');
      const b = req.json as { label?: string; options?: string[]; type?: string };
      if (b.type && b.type !== def.type) {
        return err(400, 'attribute_type_fixed', `The type of "${def.key}" cannot change from ${def.type} to ${b.type}.`);
      }
      if (b.options) {
        const keep = new Set(b.options.map((o) => o.toLowerCase()));
        const dropped = (def.options ?? []).filter((o) => !keep.has(o.toLowerCase()));
        const used = state.contacts.filter((c) => dropped.includes(String(c.attributes[def.key]))).length;
        if (used) {
          return err(
            409,
            'option_in_use',
            `${used} contact(s) still have ${dropped.map((o) => `"${o}"`).join(', ')}; change them before removing the option.`,
          );
        }
      }
      const next = { ...def, ...(b.label ? { label: b.label } : {}), ...(b.options ? { options: b.options } : {}) };
      state.attributes = state.attributes.map((a) => (a.id === def.id ? next : a));
      return { body: next };
    },
    'DELETE /api/v1/contact-attributes/:id': (req) => {
      const def = state.attributes.find((a) => a.id === Number(req.params.id));
      if (!def) return err(404, 'not_found', 'Attribute not found.');
      state.attributes = state.attributes.filter((a) => a.id !== def.id);
      for (const c of state.contacts) delete c.attributes[def.key];
      return { status: 204 };
    },
    'POST /api/v1/contacts/:id/merge': (req) => {
      const winner = find(req.params.id);
      const otherId = (req.json as { otherId: number }).otherId;
      const loser = find(otherId);
      if (!winner || !loser) return err(404, 'not_found', 'Contact not found.');
      if (winner.id === loser.id) return err(409, 'merge_same_contact', 'A contact cannot be merged into itself.');
      if (loser.mergedIntoId) {
        return err(409, 'already_merged', `Contact ${loser.id} was merged into contact ${loser.mergedIntoId} already.`);
      }
      for (const k of ['phone', 'waId', 'bsuid', 'name', 'email'] as const) if (!winner[k] && loser[k]) winner[k] = loser[k];
      winner.tags = [...new Set([...winner.tags, ...loser.tags])].sort();
      winner.attributes = { ...loser.attributes, ...winner.attributes };
      winner.updatedAt = new Date().toISOString();
      Object.assign(loser, { mergedIntoId: winner.id, phone: null, waId: null, bsuid: null });
      for (const table of [state.notes, state.conversations, state.consent] as Record<number, unknown[]>[]) {
        if (table[loser.id]) table[winner.id] = [...(table[winner.id] ?? []), ...table[loser.id]];
      }
      delete state.notes[loser.id];
      delete state.conversations[loser.id];
      // Merged contacts leave the list (the real API excludes them too).
      state.contacts = state.contacts.filter((c) => c.id !== loser.id);
      return { body: winner };
    },
    'GET /api/v1/consent/settings': () => ({ body: state.consentSettings }),
    'PUT /api/v1/consent/settings': (req) => {
      const b = req.json as Partial<FakeConsentSettings>;
      const next = { ...state.consentSettings, ...b, isDefault: false };
      const norm = (w: string) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
      const out = new Set(next.optOutKeywords.map((k) => norm(k.keyword)));
      const clash = next.optInKeywords.find((k) => out.has(norm(k.keyword)));
      if (clash) {
        return err(
          400,
          'keyword_conflict',
          `"${clash.keyword}" cannot both opt a customer out and opt them in; remove it from one of the lists.`,
        );
      }
      state.consentSettings = next;
      return { body: next };
    },
    'GET /api/v1/segments': () => ({ body: { items: state.segments } }),
    'POST /api/v1/segments/count': (req) => ({
      body: { count: state.countFor((req.json as { definition: unknown }).definition), tookMs: 3 },
    }),
    'POST /api/v1/segments': (req) => {
      const b = req.json as { name: string; definition: unknown };
      if (state.segments.some((s) => s.name.toLowerCase() === b.name.toLowerCase())) {
        return err(409, 'segment_name_taken', `A segment named “${b.name}” already exists.`);
      }
      const seg = {
        id: state.segments.length + 1,
        name: b.name,
        definition: b.definition,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      };
      state.segments.push(seg);
      return { status: 201, body: seg };
    },
    'POST /api/v1/contacts/imports': (req) => {
      const text = req.raw.toString('utf8');
      if (!text.trim()) return err(422, 'empty_file', 'The file is empty.');
      if (req.raw.includes(0))
        return err(
          422,
          'binary_file',
          'This looks like a binary file (a spreadsheet?), not a CSV. Save it as CSV and try again.',
        );
      const [head, ...lines] = text.trim().split(/\r?\n/);
      const columns = head.split(',');
      const id = Object.keys(state.imports).length + 1;
      const imp = {
        id,
        filename: decodeURIComponent(String(req.headers['x-filename'] ?? 'upload.csv')),
        status: 'uploaded',
        totalRows: lines.length,
        processedRows: 0,
        createdCount: 0,
        updatedCount: 0,
        unchangedCount: 0,
        errorCount: 0,
        failure: null,
      };
      state.imports[id] = imp;
      const suggest: Record<string, string> = {
        phone: 'phone',
        mobile: 'phone',
        name: 'name',
        email: 'email',
        city: 'attribute:city',
      };
      return {
        status: 201,
        body: {
          ...imp,
          preview: {
            columns,
            rows: lines.slice(0, 10).map((l) => l.split(',')),
            suggestedMapping: Object.fromEntries(columns.map((c) => [c, suggest[c.toLowerCase()] ?? 'ignore'])),
            delimiter: ',',
            totalRowsEstimate: lines.length,
          },
        },
      };
    },
    'POST /api/v1/contacts/imports/:id/start': (req) => {
      const imp = state.imports[Number(req.params.id)];
      if (imp.status !== 'uploaded') return err(409, 'already_started', 'This import has already started.');
      imp.status = 'queued';
      return { status: 202, body: imp };
    },
    'GET /api/v1/contacts/imports/:id': (req) => {
      const imp = state.imports[Number(req.params.id)];
      const step = state.importSteps.length > 1 ? state.importSteps.shift()! : state.importSteps[0];
      if (step) Object.assign(imp, step);
      return { body: imp };
    },
    'GET /api/v1/contacts/imports/:id/errors.csv': () => ({
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="errors.csv"' },
      body: 'row,column,value,message\n3,phone,12,Not a phone number\n',
    }),
    'GET /api/v1/contacts/export.csv': () => ({
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="contacts.csv"' },
      body: 'phone,name\n+4915112000001,Maria Garcia\n',
    }),
    ...opts.routes,
  };
  return { routes, state };
}

declare global {
  interface Window {
    toasts: { message: string; kind?: string }[];
    openedConversations: { conversationId: number }[];
  }
}

/** Opens a page with <wa-contacts> against the fake API; toasts land in window.toasts. */
export async function openContacts(
  fake: ReturnType<typeof fakeContacts>,
  options: { theme?: 'light' | 'dark'; viewport?: { width: number; height: number }; realtime?: Realtime; attrs?: string } = {},
) {
  const routes = { ...fake.routes, ...options.realtime?.routes };
  const opened = await openPage({ entries, routes });
  options.realtime?.attach(opened);
  if (options.viewport) await opened.page.setViewportSize(options.viewport);
  await opened.page.evaluate(() => {
    window.toasts = [];
    window.openedConversations = [];
    addEventListener('wa-toast', (e) => window.toasts.push((e as CustomEvent).detail));
    addEventListener('wa-open-conversation', (e) => window.openedConversations.push((e as CustomEvent).detail));
    document.body.style.margin = '0';
    document.body.style.padding = '16px';
  });
  await mount(
    opened.page,
    `<wa-contacts theme="${options.theme ?? 'light'}" data-wa-base="${opened.url}" data-wa-token="test-token" ${options.attrs ?? ''}></wa-contacts>`,
  );
  const contacts = opened.page.locator('wa-contacts');
  return { ...opened, contacts };
}

export const calls = (requests: FakeRequest[], method: string, path: string | RegExp) =>
  requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
