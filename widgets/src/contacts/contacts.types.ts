// The shapes <wa-contacts> reads from the contacts API (notes/contacts-contract.md) and the small
// pure helpers its parts share: segment operators per attribute type, words for states, formatting.

export type ConsentState = 'unknown' | 'opted_in' | 'opted_out';
export type AttributeType = 'text' | 'number' | 'date' | 'boolean' | 'list';
export type AttributeValue = string | number | boolean | null;

export interface Contact {
  id: number;
  phone: string | null;
  waId: string | null;
  bsuid: string | null;
  name: string | null;
  email: string | null;
  source: string;
  consent: { state: ConsentState; changedAt: string | null };
  tags: string[];
  attributes: Record<string, AttributeValue>;
  lastSeenAt: string | null;
  mergedIntoId: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AttributeDef {
  id: number;
  key: string;
  label: string;
  type: AttributeType;
  options: string[] | null;
}

export interface TagInfo {
  id: number;
  name: string;
  contacts: number;
}

export interface Condition {
  field: 'tags' | 'attribute' | 'consent' | 'last_seen' | 'conversation' | 'created' | 'source';
  op: string;
  key?: string;
  tags?: string[];
  value?: unknown;
}

export interface SegmentDefinition {
  match: 'all' | 'any';
  conditions: Condition[];
}

export interface Segment {
  id: number;
  name: string;
  definition: SegmentDefinition;
  createdAt: string;
  updatedAt: string;
  count?: number;
}

export interface ConsentEntry {
  id: number;
  seq?: number;
  contactId?: number;
  action: 'opt_in' | 'opt_out';
  source: string;
  proof: unknown;
  actor: string | { id?: number; name?: string | null; label?: string } | null;
  occurredAt: string;
  createdAt?: string;
}

export interface Note {
  id: number;
  body: string;
  author: { id: number; name: string } | null;
  createdAt: string;
}

export interface ContactConversation {
  id: number;
  channelId: number;
  status: string;
  lastMessageAt: string | null;
  preview: string | null;
  unreadCount: number;
}

export interface ImportPreview {
  columns: string[];
  rows: string[][];
  suggestedMapping: Record<string, string>;
  delimiter?: string;
  totalRowsEstimate?: number;
}

export interface ContactImport {
  id: number;
  filename: string;
  status: 'uploaded' | 'queued' | 'running' | 'done' | 'failed';
  preview?: ImportPreview;
  totalRows?: number | null;
  processedRows?: number;
  createdCount?: number;
  updatedCount?: number;
  unchangedCount?: number;
  errorCount?: number;
  failure?: string | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  createdAt?: string;
}

export const CONSENT_STATES: [ConsentState, string][] = [
  ['opted_in', 'Opted in'],
  ['opted_out', 'Opted out'],
  ['unknown', 'Unknown'],
];

export const consentLabel = (s: string): string => CONSENT_STATES.find(([k]) => k === s)?.[1] ?? s;

export const SOURCES: [string, string][] = [
  ['inbound', 'Wrote to us'],
  ['import', 'Import'],
  ['api', 'API'],
  ['agent', 'Added by a teammate'],
  ['form', 'Form'],
];

export const sourceLabel = (s: string): string => Object.fromEntries(SOURCES)[s] ?? s;

/** How a consent entry came in (its `source`). */
export const consentSourceLabel = (s: string): string =>
  ({ keyword: 'Keyword message', import: 'Import', agent: 'Manual', form: 'Form', api: 'API' })[s] ?? s;

/** Segment operators per attribute type, with the words the builder shows. */
export const ATTRIBUTE_OPS: Record<AttributeType, [string, string][]> = {
  text: [
    ['eq', 'is'],
    ['neq', 'is not'],
    ['contains', 'contains'],
    ['starts_with', 'starts with'],
    ['in', 'is one of'],
    ['is_set', 'is set'],
    ['is_not_set', 'is not set'],
  ],
  list: [
    ['eq', 'is'],
    ['neq', 'is not'],
    ['contains', 'contains'],
    ['starts_with', 'starts with'],
    ['in', 'is one of'],
    ['is_set', 'is set'],
    ['is_not_set', 'is not set'],
  ],
  number: [
    ['eq', '='],
    ['neq', '≠'],
    ['gt', '>'],
    ['gte', '≥'],
    ['lt', '<'],
    ['lte', '≤'],
    ['between', 'between'],
    ['is_set', 'is set'],
    ['is_not_set', 'is not set'],
  ],
  date: [
    ['on', 'is on'],
    ['before', 'is before'],
    ['after', 'is after'],
    ['between', 'is between'],
    ['within_last_days', 'is within the last … days'],
    ['is_set', 'is set'],
    ['is_not_set', 'is not set'],
  ],
  boolean: [
    ['is_true', 'is yes'],
    ['is_false', 'is no'],
    ['is_set', 'is set'],
    ['is_not_set', 'is not set'],
  ],
};

export const FIELDS: [Condition['field'], string][] = [
  ['tags', 'Tags'],
  ['attribute', 'Attribute'],
  ['consent', 'Consent'],
  ['last_seen', 'Last seen'],
  ['conversation', 'Conversations'],
  ['created', 'Created'],
  ['source', 'Source'],
];

export const FIELD_OPS: Record<Exclude<Condition['field'], 'attribute'>, [string, string][]> = {
  tags: [
    ['any', 'has any of'],
    ['all', 'has all of'],
    ['none', 'has none of'],
  ],
  consent: [
    ['is', 'is'],
    ['is_not', 'is not'],
  ],
  last_seen: [
    ['within_last_days', 'within the last … days'],
    ['not_within_last_days', 'not within the last … days'],
    ['never', 'never'],
  ],
  conversation: [
    ['has_open', 'has an open conversation'],
    ['has_none_open', 'has no open conversation'],
    ['has_any', 'has any conversation'],
    ['has_none', 'has no conversation'],
  ],
  created: [
    ['within_last_days', 'within the last … days'],
    ['before', 'before'],
    ['after', 'after'],
  ],
  source: [['is', 'is']],
};

/** Operators that take no value. */
export const NO_VALUE = new Set([
  'is_set',
  'is_not_set',
  'is_true',
  'is_false',
  'never',
  'has_open',
  'has_none_open',
  'has_any',
  'has_none',
]);

/** A fresh condition for a field, with its first operator and an empty value. */
export function newCondition(field: Condition['field'], attrs: AttributeDef[]): Condition {
  switch (field) {
    case 'tags':
      return { field, op: 'any', tags: [] };
    case 'attribute': {
      const a = attrs[0];
      return { field, key: a?.key ?? '', op: a ? ATTRIBUTE_OPS[a.type][0][0] : 'eq', value: '' };
    }
    case 'consent':
      return { field, op: 'is', value: 'opted_in' };
    case 'last_seen':
      return { field, op: 'within_last_days', value: 30 };
    case 'conversation':
      return { field, op: 'has_open' };
    case 'created':
      return { field, op: 'within_last_days', value: 30 };
    case 'source':
      return { field, op: 'is', value: 'inbound' };
  }
}

const filled = (v: unknown) => v !== undefined && v !== null && String(v).trim() !== '';

/** Why a condition cannot be counted yet (null when it is complete). */
export function incomplete(c: Condition, attrs: AttributeDef[]): string | null {
  if (c.field === 'tags') return c.tags?.length ? null : 'Name at least one tag.';
  if (NO_VALUE.has(c.op)) return c.field === 'attribute' && !attrs.some((a) => a.key === c.key) ? 'Pick an attribute.' : null;
  if (c.field === 'attribute' && !attrs.some((a) => a.key === c.key)) return 'Pick an attribute.';
  if (Array.isArray(c.value)) return c.value.length && c.value.every(filled) ? null : 'Fill in every value.';
  return filled(c.value) ? null : 'Fill in a value.';
}

export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Local, readable time for ISO strings from the API. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "3 min ago", "yesterday", or a date: the list's "last seen" column. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'Never';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return 'Just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 2 * 86_400) return 'Yesterday';
  if (s < 30 * 86_400) return `${Math.floor(s / 86_400)} days ago`;
  return new Date(t).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export const count = (n: number): string => n.toLocaleString('en-US');

export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/** The name to show for a contact: its name, else its phone, else a placeholder. */
export const displayName = (c: Pick<Contact, 'name' | 'phone' | 'id'>): string => c.name?.trim() || c.phone || `Contact ${c.id}`;

/** What a consent entry's proof says, in one short line (never markup). */
export function proofSummary(proof: unknown): string {
  let p = proof;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p) as unknown;
    } catch {
      return p as string;
    }
  }
  if (p === null || p === undefined) return '';
  if (typeof p !== 'object') return String(p);
  const o = p as Record<string, unknown>;
  const parts: string[] = [];
  if (o.keyword) parts.push(`Message “${String(o.keyword)}”`);
  const row = o.row ?? o.line;
  if (o.filename) parts.push(`File ${String(o.filename)}${row ? `, row ${String(row)}` : ''}`);
  if (o.url) parts.push(String(o.url));
  if (o.note) parts.push(String(o.note));
  for (const [k, v] of Object.entries(o)) {
    if (['keyword', 'filename', 'row', 'line', 'url', 'note', 'importId', 'messageId', 'wamid'].includes(k)) continue;
    if (v === null || typeof v === 'object') continue;
    parts.push(`${k}: ${String(v)}`);
  }
  return parts.join(' · ');
}

/** Who recorded a consent entry: "user:5" → "Teammate #5", "api_token:3" → "API token #3". */
export function actorLabel(actor: ConsentEntry['actor']): string {
  if (!actor) return '';
  if (typeof actor === 'object') return actor.name || actor.label || (actor.id ? `User #${actor.id}` : '');
  const [kind, id] = actor.split(':');
  if (kind === 'user') return id ? `Teammate #${id}` : 'Teammate';
  if (kind === 'api_token') return id ? `API token #${id}` : 'API token';
  if (kind === 'system' || kind === 'contact' || kind === 'customer') return kind === 'system' ? 'System' : 'The customer';
  return actor;
}

export const IMPORT_TARGETS: [string, string][] = [
  ['phone', 'Phone'],
  ['name', 'Name'],
  ['email', 'Email'],
  ['tags', 'Tags'],
  ['consent', 'Consent'],
];

export const COUNTRIES: [string, string][] = [
  ['', 'None (numbers include the country code)'],
  ['US', 'United States (+1)'],
  ['GB', 'United Kingdom (+44)'],
  ['DE', 'Germany (+49)'],
  ['FR', 'France (+33)'],
  ['ES', 'Spain (+34)'],
  ['IT', 'Italy (+39)'],
  ['NL', 'Netherlands (+31)'],
  ['PT', 'Portugal (+351)'],
  ['BR', 'Brazil (+55)'],
  ['MX', 'Mexico (+52)'],
  ['AR', 'Argentina (+54)'],
  ['CO', 'Colombia (+57)'],
  ['IN', 'India (+91)'],
  ['ID', 'Indonesia (+62)'],
  ['NG', 'Nigeria (+234)'],
  ['ZA', 'South Africa (+27)'],
  ['TR', 'Türkiye (+90)'],
  ['AE', 'United Arab Emirates (+971)'],
  ['AU', 'Australia (+61)'],
];

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
  // The download has started from the URL; keep it a moment for slow browsers, then free it.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** The attribute types with the words the Fields view shows. */
export const ATTRIBUTE_TYPES: [AttributeType, string][] = [
  ['text', 'Text'],
  ['number', 'Number'],
  ['date', 'Date'],
  ['boolean', 'Yes / no'],
  ['list', 'List'],
];

export const attributeTypeLabel = (t: string): string => Object.fromEntries(ATTRIBUTE_TYPES)[t] ?? t;

/** The API's rule for attribute keys: lower_snake_case, starting with a letter, at most 64 characters. */
export const ATTRIBUTE_KEY = /^[a-z][a-z0-9_]*$/;

/** A key suggested for a label: "Shoe size (EU)" → "shoe_size_eu", "Größe" → "grosse"-like ASCII. */
export function suggestKey(label: string): string {
  const key = label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!key) return '';
  return (/^[a-z]/.test(key) ? key : `field_${key}`).slice(0, 64).replace(/_+$/, '');
}

/** List options as typed: one per line, or separated by commas when on one line; blanks dropped. */
export function parseOptions(text: string): string[] {
  const parts = text.includes('\n') ? text.split(/\r?\n/) : text.split(',');
  return parts.map((s) => s.trim()).filter(Boolean);
}

/** The first option listed twice (ignoring case), if any: the API refuses duplicates. */
export function duplicateOption(options: string[]): string | null {
  const seen = new Set<string>();
  for (const o of options) {
    const k = o.toLowerCase();
    if (seen.has(k)) return o;
    seen.add(k);
  }
  return null;
}

/** A STOP/START keyword and the language its reply is sent in. */
export interface ConsentKeyword {
  keyword: string;
  language: string;
}

/** GET/PUT /api/v1/consent/settings (backend/src/modules/consent/consent.schemas.ts). */
export interface ConsentSettings {
  optOutKeywords: ConsentKeyword[];
  optInKeywords: ConsentKeyword[];
  optOutReplies: Record<string, string>;
  optInReplies: Record<string, string>;
  /** True while the workspace has not saved its own settings. */
  isDefault?: boolean;
}

/** The API's rule for language codes (en, es, de, pt_BR…). */
export const LANGUAGE_CODE = /^[a-z]{2,3}([-_][A-Za-z]{2,4})?$/;

export const LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['es', 'Spanish'],
  ['de', 'German'],
  ['fr', 'French'],
  ['pt', 'Portuguese'],
  ['pt_BR', 'Portuguese (Brazil)'],
  ['it', 'Italian'],
  ['nl', 'Dutch'],
  ['tr', 'Turkish'],
  ['id', 'Indonesian'],
  ['hi', 'Hindi'],
  ['ar', 'Arabic'],
];

export const languageLabel = (code: string): string => Object.fromEntries(LANGUAGES)[code] ?? code;
