// An in-memory stand-in for the campaigns API (notes/campaigns-contract.md) for the
// <wa-campaign-composer> browser tests: campaigns with launch / pause / resume / cancel, the preview
// (counts, cost, balance), the server-side render of a template, variable sources, and the numbers,
// templates, segments, contacts and media uploads the composer reads.
import { fileURLToPath } from 'node:url';
import { defaultEntries, mount, openPage, type FakeRequest, type RouteHandler } from '../helpers/browser.ts';
import type { Realtime } from '../inbox/fake-inbox.ts';

export const entries = [...defaultEntries, fileURLToPath(new URL('../../src/campaigns/campaigns.ts', import.meta.url))];

export const CHANNELS = [
  { id: 1, name: 'Main', displayPhoneNumber: '+1 555 0100', verifiedName: 'Acme Store', status: 'active' },
  { id: 2, name: 'Support', displayPhoneNumber: '+1 555 0199', verifiedName: 'Acme Support', status: 'active' },
  { id: 3, name: 'Old', displayPhoneNumber: '+1 555 0000', verifiedName: 'Old line', status: 'disconnected' },
];

export const TEMPLATES = [
  {
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://example.com/t/{{1}}' }] },
    ],
  },
  {
    name: 'spring_sale',
    language: 'en_US',
    category: 'MARKETING',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Hi {{1}}, our spring sale starts today: {{2}} off everything.' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Show me' },
          { type: 'QUICK_REPLY', text: 'Stop promotions' },
        ],
      },
    ],
  },
  {
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      { type: 'BODY', text: 'Welcome and congratulations!!' },
    ],
  },
  {
    name: 'draft_promo',
    language: 'en_US',
    category: 'MARKETING',
    status: 'PENDING',
    parameterFormat: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'Soon' }],
  },
];

export const SEGMENTS = [
  { id: 1, name: 'VIPs in Berlin', count: 1200 },
  { id: 2, name: 'Newsletter', count: 5400 },
];

export const SOURCES = [
  { key: 'field:name', label: 'Name', source: 'field', type: 'text' },
  { key: 'field:first_name', label: 'First name', source: 'field', type: 'text' },
  { key: 'field:phone', label: 'Phone', source: 'field', type: 'text' },
  { key: 'field:email', label: 'Email', source: 'field', type: 'text' },
  { key: 'attribute:city', label: 'City', source: 'attribute', type: 'text' },
  { key: 'attribute:order_id', label: 'Last order', source: 'attribute', type: 'text' },
];

export const CONTACTS = [
  { id: 11, name: 'Maria Garcia', phone: '+4915112000011', email: 'maria@example.com', attributes: { city: 'Berlin' } },
  { id: 12, name: null, phone: '+4915112000012', email: null, attributes: {} },
];

type Stats = Record<string, unknown> & { progress: number };

export function stats(over: Record<string, unknown> = {}): Stats {
  return {
    total: 1000,
    queued: 600,
    reconciling: 0,
    skipped: 20,
    sent: 380,
    delivered: 300,
    read: 120,
    replied: 12,
    failed: 8,
    cancelled: 0,
    failedByReason: [
      { code: 131026, reason: 'Message undeliverable', count: 5 },
      { code: 131050, reason: 'The user stopped marketing messages', count: 3 },
    ],
    skippedByReason: [
      { reason: 'opted_out', count: 15 },
      { reason: 'invalid_number', count: 5 },
    ],
    cost: { currency: 'USD', amountMicros: 7_500_000 },
    progress: 0.388,
    timeline: Array.from({ length: 8 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 11, 4, 10, i)).toISOString(),
      sent: 40 + i * 3,
      failed: i % 3 === 0 ? 2 : 0,
    })),
    ...over,
  };
}

export const emptyStats = (): Stats =>
  stats({
    total: 0,
    queued: 0,
    skipped: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    replied: 0,
    failed: 0,
    failedByReason: [],
    skippedByReason: [],
    cost: { currency: 'USD', amountMicros: 0 },
    progress: 0,
    timeline: [],
  });

export type FakeCampaign = Record<string, unknown> & { id: number; name: string; status: string; stats: Stats };

export function campaign(id: number, over: Record<string, unknown> = {}): FakeCampaign {
  return {
    id,
    name: `Campaign ${id}`,
    status: 'running',
    channelId: 1,
    template: { name: 'order_update', language: 'en_US', category: 'UTILITY' },
    variables: {},
    headerMediaId: null,
    audience: { type: 'segment', segmentId: 1 },
    scheduledAt: null,
    timezone: 'Europe/Berlin',
    quietHours: null,
    ratePerSecond: null,
    effectiveRatePerSecond: 80,
    stopCode: null,
    stopReason: null,
    createdAt: new Date(Date.UTC(2026, 11, 4, 9, 0)).toISOString(),
    startedAt: new Date(Date.UTC(2026, 11, 4, 10, 0)).toISOString(),
    completedAt: null,
    stats: stats(),
    ...over,
  };
}

export interface PreviewShape {
  category: string;
  audience: number;
  eligible: number;
  excluded: { optedOut: number; invalid: number; noPhone: number; duplicate: number };
  cost: {
    currency: string;
    totalMicros: number;
    lines: { country: string; category: string; count: number; unitMicros: number; totalMicros: number }[];
  };
  balance: { currency: string; beforeMicros: number; afterMicros: number; sufficient: boolean };
}

/** The preview the fake answers: counts follow the audience, cost 0.025 per message in DE and 0.0085 in US. */
export function previewFor(body: Record<string, unknown>, balanceMicros: number): PreviewShape {
  const a = body.audience as { type: string; segmentId?: number; phones?: string[] };
  const audience = a.type === 'segment' ? (SEGMENTS.find((s) => s.id === a.segmentId)?.count ?? 0) : (a.phones?.length ?? 0);
  const duplicate = a.type === 'phones' ? a.phones!.length - new Set(a.phones).size : 0;
  const optedOut = Math.round(audience * 0.05);
  const invalid = a.type === 'segment' ? 10 : 0;
  const eligible = audience - optedOut - invalid - duplicate;
  const de = Math.ceil(eligible * 0.75);
  const us = eligible - de;
  const lines = [
    { country: 'DE', category: 'MARKETING', count: de, unitMicros: 25_000, totalMicros: de * 25_000 },
    { country: 'US', category: 'MARKETING', count: us, unitMicros: 8_500, totalMicros: us * 8_500 },
  ].filter((l) => l.count > 0);
  const total = lines.reduce((n, l) => n + l.totalMicros, 0);
  return {
    category: 'MARKETING',
    audience,
    eligible,
    excluded: { optedOut, invalid, noPhone: 0, duplicate },
    cost: { currency: 'USD', totalMicros: total, lines },
    balance: {
      currency: 'USD',
      beforeMicros: balanceMicros,
      afterMicros: balanceMicros - total,
      sufficient: balanceMicros >= total,
    },
  };
}

const err = (status: number, code: string, message: string) => ({
  status,
  body: { error: { code, message }, requestId: `req-${code}` },
});

type Source = { source: string; field?: string; key?: string; value?: string; fallback?: string };

/** What the server would put in for one variable for a contact (or sample values without one). */
function valueOf(s: Source | null | undefined, contactId: number | null, fallbacks: string[], name: string): string {
  if (!s) return `{{${name}}}`;
  if (s.source === 'text') return s.value || `{{${name}}}`;
  const c = CONTACTS.find((x) => x.id === contactId);
  const sample: Record<string, string> = { name: 'Jane Doe', first_name: 'Jane', phone: '+15550100', email: 'jane@example.com' };
  let v: string | null | undefined;
  if (s.source === 'field')
    v = c
      ? ((s.field === 'first_name' ? c.name?.split(' ')[0] : (c as Record<string, unknown>)[s.field!]) as string)
      : sample[s.field!];
  else v = c ? (c.attributes as Record<string, string>)[s.key!] : s.key === 'city' ? 'Lisbon' : 'A-1001';
  if (v) return v;
  fallbacks.push(name);
  return s.fallback ?? '';
}

export function fakeCampaigns(opts: { campaigns?: FakeCampaign[]; balanceMicros?: number } = {}) {
  const state = {
    campaigns: opts.campaigns ?? [
      campaign(3, { name: 'Spring sale', template: { name: 'spring_sale', language: 'en_US', category: 'MARKETING' } }),
      campaign(2, {
        name: 'Black Friday',
        status: 'scheduled',
        scheduledAt: new Date(Date.UTC(2026, 10, 27, 8, 0)).toISOString(),
        startedAt: null,
        stats: emptyStats(),
      }),
      campaign(1, { name: 'Welcome back', status: 'draft', startedAt: null, stats: emptyStats() }),
    ],
    balanceMicros: opts.balanceMicros ?? 500_000_000,
    nextId: 100,
    mediaId: 77,
  };
  const find = (id: string) => state.campaigns.find((c) => c.id === Number(id));
  const act =
    (to: (c: FakeCampaign) => string | null, code: string, message: string): RouteHandler =>
    (req) => {
      const c = find(req.params.id);
      if (!c) return err(404, 'not_found', 'Campaign not found.');
      const next = to(c);
      if (!next) return err(409, code, message);
      c.status = next;
      return { body: c };
    };

  const routes: Record<string, RouteHandler> = {
    'GET /api/v1/campaigns': (req) => {
      const status = req.query.get('status');
      return { body: { items: state.campaigns.filter((c) => !status || c.status === status), nextCursor: null } };
    },
    'POST /api/v1/campaigns': (req) => {
      const body = req.json as Record<string, unknown>;
      const t = TEMPLATES.find((x) => x.name === (body.template as { name: string }).name)!;
      const c = campaign(++state.nextId, {
        ...body,
        template: { ...(body.template as object), category: t.category },
        status: 'draft',
        startedAt: null,
        stats: emptyStats(),
        createdAt: new Date().toISOString(),
      });
      state.campaigns.unshift(c);
      return { status: 201, body: c };
    },
    'GET /api/v1/campaigns/variable-sources': () => ({ body: { items: SOURCES } }),
    'POST /api/v1/campaigns/preview': (req) => ({ body: previewFor(req.json as Record<string, unknown>, state.balanceMicros) }),
    'POST /api/v1/campaigns/render': (req) => {
      const body = req.json as {
        template: { name: string };
        variables?: { header?: Source[]; body?: Source[]; buttons?: (Source | null)[] };
        contactId?: number;
        headerMediaId?: number;
      };
      const t = TEMPLATES.find((x) => x.name === body.template.name)!;
      const fallbacks: string[] = [];
      const fill = (text: string, sources: Source[] | undefined, where: string) => {
        let i = 0;
        return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, n: string) =>
          valueOf(sources?.[i++], body.contactId ?? null, fallbacks, `${where} {{${n}}}`),
        );
      };
      const header = t.components.find((c) => c.type === 'HEADER');
      const bodyC = t.components.find((c) => c.type === 'BODY')!;
      const footer = t.components.find((c) => c.type === 'FOOTER');
      const buttons = t.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];
      return {
        body: {
          header: header
            ? header.format === 'TEXT'
              ? { type: 'text', text: fill(header.text!, body.variables?.header, 'header') }
              : { type: header.format!.toLowerCase(), ...(body.headerMediaId ? { mediaUrl: undefined } : {}) }
            : null,
          body: fill(bodyC.text!, body.variables?.body, 'body'),
          footer: footer?.text ?? null,
          buttons: buttons.map((b) => ({ type: b.type, text: b.text })),
          fallbacks,
        },
      };
    },
    'GET /api/v1/campaigns/:id': (req) => {
      const c = find(req.params.id);
      return c ? { body: c } : err(404, 'not_found', 'Campaign not found.');
    },
    'PATCH /api/v1/campaigns/:id': (req) => {
      const c = find(req.params.id);
      if (!c) return err(404, 'not_found', 'Campaign not found.');
      if (c.status !== 'draft') return err(409, 'campaign_not_editable', 'Only drafts can be changed.');
      const body = req.json as Record<string, unknown>;
      const t = body.template ? TEMPLATES.find((x) => x.name === (body.template as { name: string }).name) : undefined;
      Object.assign(c, body, t ? { template: { ...(body.template as object), category: t.category } } : {});
      return { body: c };
    },
    'POST /api/v1/campaigns/:id/launch': (req) => {
      const c = find(req.params.id);
      if (!c) return err(404, 'not_found', 'Campaign not found.');
      if (c.status !== 'draft') return err(409, 'campaign_not_launchable', 'This campaign was launched already.');
      const body = req.json as { when: string; at?: string; timezone?: string };
      if (body.when === 'schedule') {
        c.status = 'scheduled';
        c.scheduledAt = new Date(`${body.at}:00Z`).toISOString();
        c.timezone = body.timezone;
      } else {
        c.status = 'running';
        c.startedAt = new Date().toISOString();
        c.stats = stats({
          total: 1130,
          queued: 1130,
          sent: 0,
          delivered: 0,
          read: 0,
          replied: 0,
          failed: 0,
          progress: 0,
          timeline: [],
          failedByReason: [],
          skippedByReason: [],
        });
      }
      return { body: c };
    },
    'POST /api/v1/campaigns/:id/pause': act(
      (c) => (['running', 'scheduled', 'preparing'].includes(c.status) ? 'paused' : null),
      'campaign_not_running',
      'This campaign is not running.',
    ),
    'POST /api/v1/campaigns/:id/resume': act(
      (c) => (['paused', 'stopped'].includes(c.status) ? 'running' : null),
      'campaign_not_paused',
      'This campaign is not paused.',
    ),
    'POST /api/v1/campaigns/:id/cancel': act(
      (c) => (['completed', 'cancelled'].includes(c.status) ? null : 'cancelled'),
      'campaign_final',
      'This campaign has finished already.',
    ),
    'GET /api/v1/campaigns/:id/recipients.csv': (req) => ({
      headers: {
        'content-type': 'text/csv',
        'content-disposition': `attachment; filename="campaign-${req.params.id}-recipients.csv"`,
      },
      body: 'phone,state,error_code\n+4915112000011,delivered,\n+4915112000012,failed,131026\n',
    }),
    'GET /api/v1/campaigns/numbers': () => ({ body: { items: CHANNELS } }),
    'GET /api/v1/channels/:id/templates': () => ({ body: { items: TEMPLATES } }),
    'GET /api/v1/segments': () => ({ body: { items: SEGMENTS } }),
    'GET /api/v1/contacts': (req) => {
      const q = (req.query.get('q') ?? '').toLowerCase();
      return {
        body: { items: CONTACTS.filter((c) => `${c.name ?? ''} ${c.phone}`.toLowerCase().includes(q)), nextCursor: null },
      };
    },
    'POST /api/v1/media': (req) => ({
      status: 201,
      body: {
        id: state.mediaId,
        mime: req.headers['content-type'],
        size: req.raw.length,
        filename: decodeURIComponent(String(req.headers['x-filename'] ?? '')),
      },
    }),
  };
  return { routes, state };
}

declare global {
  interface Window {
    launched: { campaignId: number; status: string }[];
  }
}

/** Opens a page with <wa-campaign-composer> against the fake API; toasts land in window.toasts. */
export async function openCampaigns(
  fake: ReturnType<typeof fakeCampaigns>,
  options: { theme?: 'light' | 'dark'; viewport?: { width: number; height: number }; realtime?: Realtime; attrs?: string } = {},
) {
  const routes = { ...fake.routes, ...options.realtime?.routes };
  const opened = await openPage({ entries, routes });
  options.realtime?.attach(opened);
  if (options.viewport) await opened.page.setViewportSize(options.viewport);
  await opened.page.evaluate(() => {
    window.toasts = [];
    window.launched = [];
    addEventListener('wa-toast', (e) => window.toasts.push((e as CustomEvent).detail));
    addEventListener('wa-campaign-launched', (e) => window.launched.push((e as CustomEvent).detail));
    document.body.style.margin = '0';
    document.body.style.padding = '16px';
  });
  await mount(
    opened.page,
    `<wa-campaign-composer theme="${options.theme ?? 'light'}" data-wa-base="${opened.url}" data-wa-token="test-token" ${options.attrs ?? ''}></wa-campaign-composer>`,
  );
  const campaigns = opened.page.locator('wa-campaign-composer');
  return { ...opened, campaigns };
}

export const calls = (requests: FakeRequest[], method: string, path: string | RegExp) =>
  requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
