// The shapes <wa-campaign-composer> reads from the campaigns API (notes/campaigns-contract.md, and
// backend/src/modules/campaigns/campaigns.types.ts), and the small pure helpers its parts share:
// template variables, the phone-number list parser, words for statuses, numbers and money.

export type CampaignStatus = 'draft' | 'scheduled' | 'preparing' | 'running' | 'paused' | 'stopped' | 'completed' | 'cancelled';

export type FieldName = 'name' | 'first_name' | 'phone' | 'email';

/** Where one template variable takes its value from, per recipient. */
export type VariableSource =
  | { source: 'field'; field: FieldName; fallback?: string }
  | { source: 'attribute'; key: string; fallback?: string }
  | { source: 'text'; value: string };

export interface CampaignVariables {
  header?: VariableSource[];
  body?: VariableSource[];
  buttons?: (VariableSource | null)[];
}

export type CampaignAudience =
  | { type: 'segment'; segmentId: number }
  | { type: 'filter'; definition: unknown }
  | { type: 'contacts'; contactIds: number[] }
  | { type: 'phones'; phones: string[] };

export interface QuietHours {
  start: string;
  end: string;
}

export interface CampaignInput {
  name: string;
  channelId: number;
  template: { name: string; language: string };
  variables?: CampaignVariables;
  headerMediaId?: number | null;
  audience: CampaignAudience;
  quietHours?: QuietHours | null;
  ratePerSecond?: number | null;
}

export type LaunchInput = { when: 'now' } | { when: 'schedule'; at: string; timezone: string };

export interface CampaignStats {
  total: number;
  queued: number;
  reconciling: number;
  skipped: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  cancelled: number;
  failedByReason: { code: number | null; reason: string; count: number }[];
  skippedByReason: { reason: string; count: number }[];
  cost: { currency: string; amountMicros: number };
  progress: number;
  timeline: { at: string; sent: number; failed: number }[];
}

export interface Campaign {
  id: number;
  name: string;
  status: CampaignStatus;
  channelId: number;
  template: { name: string; language: string; category: string };
  variables: CampaignVariables;
  headerMediaId: number | null;
  audience: CampaignAudience;
  scheduledAt: string | null;
  timezone: string;
  quietHours: QuietHours | null;
  ratePerSecond: number | null;
  effectiveRatePerSecond: number;
  stopCode: number | null;
  stopReason: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  stats: CampaignStats;
}

export interface CampaignPreview {
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

export interface RenderInput {
  channelId: number;
  template: { name: string; language: string };
  variables?: CampaignVariables;
  headerMediaId?: number | null;
  contactId?: number | null;
}

export interface RenderedMessage {
  header: { type: 'text' | 'image' | 'video' | 'document' | 'location'; text?: string; mediaUrl?: string } | null;
  body: string;
  footer: string | null;
  buttons: { type: string; text: string }[];
  fallbacks: string[];
}

export interface CampaignProgressEvent {
  campaignId: number;
  status: CampaignStatus;
  /** Absent from older servers' events. */
  startedAt?: string | null;
  completedAt?: string | null;
  stopReason?: string | null;
  stats: CampaignStats;
}

export interface VariableSourceOption {
  key: string;
  label: string;
  source: 'field' | 'attribute';
  type: string;
}

export interface Channel {
  id: number;
  name: string;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  status: string;
}

export interface TemplateButton {
  type: string;
  text?: string;
  url?: string;
}

export interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: TemplateButton[];
}

export interface Template {
  name: string;
  language: string;
  category: string;
  status: string;
  parameterFormat: string | null;
  components: TemplateComponent[];
}

export interface Segment {
  id: number;
  name: string;
  count?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// ── template variables ─────────────────────────────────────────────────────────────────────

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * The variables of a text in the order the API numbers them: {{1}}, {{2}}… by number for positional
 * templates, named ones in order of first appearance.
 */
export function variablesOf(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  for (const m of text.matchAll(VARIABLE)) if (!names.includes(m[1])) names.push(m[1]);
  return names.every((n) => /^\d+$/.test(n)) ? names.sort((a, b) => Number(a) - Number(b)) : names;
}

export const componentOf = (t: Template | undefined, type: string): TemplateComponent | undefined =>
  t?.components.find((c) => c.type.toUpperCase() === type);

/** IMAGE, VIDEO, DOCUMENT (a media header), TEXT, LOCATION or '' (no header). */
export const headerFormat = (t: Template | undefined): string => componentOf(t, 'HEADER')?.format?.toUpperCase() ?? '';

export const MEDIA_HEADERS: Record<string, { accept: string; label: string }> = {
  IMAGE: { accept: 'image/jpeg,image/png', label: 'Header image' },
  VIDEO: { accept: 'video/mp4,video/3gpp', label: 'Header video' },
  DOCUMENT: { accept: 'application/pdf', label: 'Header document' },
};

/** One variable to fill: where it sits (`header`, `body`, `buttons`), its index there and its label. */
export interface Slot {
  group: 'header' | 'body' | 'buttons';
  index: number;
  name: string;
  label: string;
}

/** Whether a template button takes a parameter per send (a URL with a variable, a coupon code). */
export function buttonTakesParameter(b: TemplateButton): boolean {
  const type = b.type.toUpperCase();
  return (type === 'URL' && variablesOf(b.url).length > 0) || type === 'COPY_CODE';
}

/** Every variable of a template's header, body and buttons, in the order CampaignVariables wants. */
export function slotsOf(t: Template | undefined): Slot[] {
  if (!t) return [];
  const slots: Slot[] = [];
  const header = componentOf(t, 'HEADER');
  if (headerFormat(t) === 'TEXT') {
    variablesOf(header?.text).forEach((name, index) => slots.push({ group: 'header', index, name, label: `Header {{${name}}}` }));
  }
  variablesOf(componentOf(t, 'BODY')?.text).forEach((name, index) =>
    slots.push({ group: 'body', index, name, label: `Body {{${name}}}` }),
  );
  (componentOf(t, 'BUTTONS')?.buttons ?? []).forEach((b, index) => {
    if (!buttonTakesParameter(b)) return;
    const what = b.type.toUpperCase() === 'COPY_CODE' ? 'Coupon code' : 'Link';
    slots.push({ group: 'buttons', index, name: String(index), label: `${what} of button “${b.text || index + 1}”` });
  });
  return slots;
}

export const slotKey = (s: Slot): string => `${s.group}:${s.index}`;

/** The widget's editing form of one variable: a source key (`text`, `field:name`, `attribute:city`), text, fallback. */
export interface VariableChoice {
  key: string;
  value: string;
  fallback: string;
}

export function sourceOf(c: VariableChoice): VariableSource {
  if (c.key.startsWith('field:')) {
    return { source: 'field', field: c.key.slice(6) as FieldName, ...(c.fallback.trim() ? { fallback: c.fallback.trim() } : {}) };
  }
  if (c.key.startsWith('attribute:')) {
    return { source: 'attribute', key: c.key.slice(10), ...(c.fallback.trim() ? { fallback: c.fallback.trim() } : {}) };
  }
  return { source: 'text', value: c.value };
}

export function choiceOf(s: VariableSource | null | undefined): VariableChoice | null {
  if (!s) return null;
  if (s.source === 'field') return { key: `field:${s.field}`, value: '', fallback: s.fallback ?? '' };
  if (s.source === 'attribute') return { key: `attribute:${s.key}`, value: '', fallback: s.fallback ?? '' };
  return { key: 'text', value: s.value, fallback: '' };
}

/** CampaignVariables from the choices, one entry per slot (unfilled text stays empty). */
export function variablesFrom(t: Template | undefined, choices: Record<string, VariableChoice>): CampaignVariables {
  const slots = slotsOf(t);
  const pick = (s: Slot) => sourceOf(choices[slotKey(s)] ?? { key: 'text', value: '', fallback: '' });
  const out: CampaignVariables = {};
  const header = slots.filter((s) => s.group === 'header').map(pick);
  const body = slots.filter((s) => s.group === 'body').map(pick);
  if (header.length) out.header = header;
  if (body.length) out.body = body;
  const buttons = componentOf(t, 'BUTTONS')?.buttons ?? [];
  if (slots.some((s) => s.group === 'buttons')) {
    out.buttons = buttons.map((b, index) =>
      buttonTakesParameter(b) ? pick({ group: 'buttons', index, name: '', label: '' }) : null,
    );
  }
  return out;
}

// ── uploaded phone lists ───────────────────────────────────────────────────────────────────

const PHONE_LIKE = /^\+?[\d\s().\-/]{6,24}$/;
const digits = (s: string) => s.replace(/\D/g, '').length;
export const looksLikePhone = (cell: string): boolean => PHONE_LIKE.test(cell.trim()) && digits(cell) >= 7 && digits(cell) <= 15;

/** Splits one CSV line (quotes respected) by the delimiter. */
function splitLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim());
}

export interface ParsedList {
  /** Numbers as written, cleaned to `+` and digits. */
  phones: string[];
  /** The column they came from: its header, or "column N" without one. */
  column: string;
  /** Non-empty rows whose cell in that column is not a phone number (header excluded). */
  skipped: number;
}

/**
 * Finds the phone numbers in a CSV or plain-text list: the column where most cells look like phone
 * numbers (a header row is recognised by not looking like one). Returns null when none is found.
 */
export function parsePhoneList(text: string): ParsedList | null {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim());
  if (!lines.length) return null;
  const sample = lines.slice(0, 20).join('\n');
  const delimiter = [',', ';', '\t', '|'].map((d) => [d, sample.split(d).length] as const).sort((a, b) => b[1] - a[1])[0];
  const rows = lines.map((l) => (delimiter[1] > 1 ? splitLine(l, delimiter[0]) : [l.trim()]));
  const width = Math.max(...rows.map((r) => r.length));
  let best = -1;
  let bestHits = 0;
  for (let col = 0; col < width; col++) {
    const hits = rows.filter((r) => looksLikePhone(r[col] ?? '')).length;
    if (hits > bestHits) {
      best = col;
      bestHits = hits;
    }
  }
  if (best < 0) return null;
  const hasHeader = !looksLikePhone(rows[0][best] ?? '');
  const body = hasHeader ? rows.slice(1) : rows;
  const phones: string[] = [];
  let skipped = 0;
  for (const r of body) {
    const cell = r[best] ?? '';
    if (looksLikePhone(cell)) phones.push((cell.trim().startsWith('+') ? '+' : '') + cell.replace(/\D/g, ''));
    else skipped++;
  }
  return { phones, column: hasHeader && rows[0][best] ? rows[0][best] : `column ${best + 1}`, skipped };
}

// ── words and numbers ──────────────────────────────────────────────────────────────────────

export const STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  preparing: 'Preparing',
  running: 'Sending',
  paused: 'Paused',
  stopped: 'Stopped',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export const statusLabel = (s: string): string => STATUS_LABELS[s as CampaignStatus] ?? s;

/** Statuses in which the engine is (or is about to be) sending: the report polls and offers Pause. */
export const ACTIVE: ReadonlySet<string> = new Set(['preparing', 'running']);
export const PAUSABLE: ReadonlySet<string> = new Set(['running', 'scheduled', 'preparing']);
export const RESUMABLE: ReadonlySet<string> = new Set(['paused', 'stopped']);
export const FINAL: ReadonlySet<string> = new Set(['completed', 'cancelled']);

export const SKIP_LABELS: Record<string, string> = {
  opted_out: 'Opted out',
  invalid_number: 'Invalid number',
  no_phone: 'No phone number',
  duplicate: 'Duplicate',
};

export const count = (n: number): string => (n ?? 0).toLocaleString('en-US');

export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

export const percent = (fraction: number): number => Math.max(0, Math.min(100, Math.round((fraction || 0) * 100)));

/** Money from micros, e.g. 1234500 USD → "$1.23"; `unit` keeps sub-cent prices readable. */
export function money(micros: number, currency: string, unit = false): string {
  const amount = (micros ?? 0) / 1_000_000;
  try {
    return amount.toLocaleString('en-US', {
      style: 'currency',
      currency: currency || 'USD',
      minimumFractionDigits: 2,
      maximumFractionDigits: unit ? 4 : 2,
    });
  } catch {
    return `${amount.toFixed(unit ? 4 : 2)} ${currency}`;
  }
}

/** Local, readable time for ISO strings from the API. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A region name for an ISO country code ("DE" → "Germany"), the code itself when unknown. */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code || 'Other';
  }
}

/** The browser's IANA time zone, and every zone it knows (a short list when it can't say). */
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  let zones: string[];
  try {
    zones = intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  const own = browserZone();
  const list = zones.length ? [...zones] : ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];
  if (!list.includes(own)) list.unshift(own);
  if (!list.includes('UTC')) list.push('UTC');
  return list;
}

/** Hands a blob to the browser as a file download. */
export function saveBlob(root: Node & ParentNode, blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.hidden = true;
  root.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** A short description of an audience for the list and the review. */
export function audienceSummary(a: CampaignAudience | undefined, segments: Segment[] = []): string {
  if (!a) return '—';
  switch (a.type) {
    case 'segment': {
      const s = segments.find((x) => x.id === a.segmentId);
      return `Segment: ${s?.name ?? `#${a.segmentId}`}`;
    }
    case 'phones':
      return `Uploaded list: ${plural(a.phones.length, 'number')}`;
    case 'contacts':
      return plural(a.contactIds.length, 'chosen contact');
    default:
      return 'Custom filter';
  }
}

/** The list's status filter. */
export const CAMPAIGN_STATUS_FILTERS: [string, string][] = [
  ['', 'All statuses'],
  ['draft', 'Drafts'],
  ['scheduled', 'Scheduled'],
  ['running', 'Sending'],
  ['paused', 'Paused'],
  ['stopped', 'Stopped'],
  ['completed', 'Completed'],
  ['cancelled', 'Cancelled'],
];
