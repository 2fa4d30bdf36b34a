// The shared inbox's data as the API returns it (see the inbox contract), plus the small pure helpers
// every part of the widget formats it with. Fields the server may not send yet are optional.

export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export type Priority = 'none' | 'low' | 'medium' | 'high' | 'urgent';
export type Presence = 'online' | 'away' | 'offline';

export interface Ref {
  id: number;
  name: string;
}

export interface Label {
  id: number;
  name: string;
  color: string;
}

export interface Conversation {
  id: number;
  channelId: number;
  /** `name` is the contact's CRM name, else the WhatsApp profile name (`profileName`). */
  customer: { waId: string | null; userId: string | null; name: string | null; profileName?: string | null };
  status: ConversationStatus;
  priority?: Priority;
  assignee?: Ref | null;
  team?: Ref | null;
  labels?: Label[];
  snoozedUntil?: string | null;
  unreadCount: number;
  lastMessageAt: string;
  preview: string | null;
  window: { open: boolean; expiresAt: string | null };
}

export type MessageStatus = 'received' | 'pending' | 'accepted' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export interface Media {
  id: number | null;
  mime: string;
  size: number | null;
  filename: string | null;
  state: 'pending' | 'stored' | 'failed';
  url: string | null;
}

export interface Message {
  id: number;
  wamid: string | null;
  direction: 'in' | 'out';
  type: string;
  status: MessageStatus;
  statusAt?: string | null;
  error: { code: number | null; reason: string | null; hint?: string | null } | null;
  occurredAt: string;
  content: Record<string, unknown>;
  text?: string | null;
  note?: boolean;
  sender?: Ref | null;
  /** `id` is null when the quoted message is not stored here (older than the inbox). */
  replyTo?: { id: number | null; wamid: string | null; text: string | null } | null;
  media?: Media | null;
  clientRef?: string | null;
  /** The campaign it went out in (it joins the thread when the customer replies). */
  campaign?: { id: number; name: string } | null;
  /** Client-side only: an optimistic message not confirmed by the server yet. */
  local?: { state: 'sending' | 'failed' | 'held'; error?: string; payload: Record<string, unknown>; previewUrl?: string };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One answer of GET /messages/search: the message and the conversation it is in. */
export interface SearchHit {
  message: Message;
  conversation: Conversation;
}

/** Message search as the inbox holds it; the list renders it in place of the conversations. */
export interface Search {
  q: string;
  state: 'loading' | 'ready' | 'error';
  items: SearchHit[];
  error?: unknown;
}

/** One of the caller's notifications (GET /notifications): an @mention in a note, or an assignment. */
export interface InboxNotification {
  id: number;
  kind: 'mention' | 'assigned' | (string & {});
  conversationId: number | null;
  messageId: number | null;
  /** Who did it; null when the system did (automatic assignment). */
  actor: { id: number; name: string | null } | null;
  /** The note (mentions) or "Conversation with …" (assignments). */
  text: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface Agent {
  id: number;
  name: string;
  email?: string;
  role?: string;
  presence?: Presence;
  capacity?: number | null;
  openCount?: number;
  teamIds?: number[];
}

export interface Team {
  id: number;
  name: string;
  assignment?: string;
  memberIds?: number[];
}

export interface CannedResponse {
  id: number;
  shortcode: string;
  title: string;
  body: string;
  variables?: string[];
}

export interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: { type: string; text: string; url?: string; phone_number?: string }[];
}

export interface Template {
  name: string;
  language: string;
  category?: string;
  status?: string;
  components: TemplateComponent[];
}

export interface Filters {
  status: ConversationStatus;
  assignee: 'me' | 'none' | 'all';
  team: string;
  label: string;
  unread: boolean;
  window: '' | 'open' | 'closed';
}

export const DEFAULT_FILTERS: Filters = { status: 'open', assignee: 'all', team: '', label: '', unread: false, window: '' };

/** A body for POST /conversations/:id/messages (without the common fields). */
export type SendBody = Record<string, unknown> & { type: string };

/** What a composer hands the inbox to send: the body, and how the optimistic bubble should look. */
export interface SendRequest {
  body: SendBody;
  text: string | null;
  note?: boolean;
  media?: Media | null;
  previewUrl?: string;
  content?: Record<string, unknown>;
}

export function customerName(c: Pick<Conversation, 'customer'>): string {
  return c.customer.name || phone(c.customer.waId) || 'Unknown customer';
}

/** `447700900123` → `+447700900123`. */
export function phone(waId: string | null | undefined): string {
  if (!waId) return '';
  return /^\d+$/.test(waId) ? `+${waId}` : waId;
}

export function initials(name: string | null | undefined): string {
  const parts = (name ?? '')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (parts.length === 0) return '?';
  return (parts[0][0] + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

/** A stable hue per name, for avatar backgrounds (dark enough for white text in both themes). */
export function hue(name: string | null | undefined): number {
  let h = 0;
  for (const ch of name ?? '') h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

/** Short relative time for list rows: `now`, `5m`, `3h`, `Yesterday`, `Mon`, `12 Mar`. */
export function shortTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return 'now';
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  const d = new Date(t);
  const today = new Date(now);
  if (s < 86_400 && d.getDate() === today.getDate()) return `${Math.floor(s / 3600)}h`;
  const days = dayDiff(t, now);
  if (days === 1) return 'Yesterday';
  if (days < 7) return d.toLocaleDateString(undefined, { weekday: 'short' });
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

/** Whole calendar days between two instants, in local time. */
export function dayDiff(a: number, b: number): number {
  const da = new Date(a);
  const db = new Date(b);
  const ua = Date.UTC(da.getFullYear(), da.getMonth(), da.getDate());
  const ub = Date.UTC(db.getFullYear(), db.getMonth(), db.getDate());
  return Math.round((ub - ua) / 86_400_000);
}

export function dayLabel(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  const days = dayDiff(t, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const d = new Date(t);
  return d.toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(d.getFullYear() !== new Date(now).getFullYear() ? { year: 'numeric' } : {}),
  });
}

export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Milliseconds left in the customer service window (0 when closed). */
export function windowLeft(c: Pick<Conversation, 'window'>, now = Date.now()): number {
  if (!c.window.open || !c.window.expiresAt) return 0;
  return Math.max(0, Date.parse(c.window.expiresAt) - now);
}

/** `23 h 5 min`, `45 min`, `30 s`. */
export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** The window closes within two hours: worth a warning in the list. */
export const WINDOW_WARNING_MS = 2 * 3600_000;

export function fileSize(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The message type a file is sent as, from its MIME type (WhatsApp's own families). */
export function mediaTypeOf(mime: string): 'image' | 'video' | 'audio' | 'document' | 'sticker' {
  if (mime === 'image/webp') return 'sticker';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}

/** crypto.randomUUID needs a secure context; plain-http embeds fall back to getRandomValues. */
export function uuid(): string {
  if (typeof globalThis.crypto?.randomUUID === 'function') {
    try {
      return crypto.randomUUID();
    } catch {
      /* not a secure context */
    }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

export { obj, str };

/** The readable text of a message: the server's `text`, else what the raw WhatsApp object holds. */
export function messageText(m: Message): string | null {
  if (m.text) return m.text;
  const c = m.content;
  const own = obj(c[m.type]);
  return (
    str(obj(c.text).body) ??
    str(own.caption) ??
    str(obj(obj(c.interactive).body).text) ??
    str(obj(c.button).text) ??
    str(c.body) ??
    null
  );
}

/** One line for quotes and previews. */
export function summary(m: Message): string {
  const t = messageText(m);
  if (t) return t;
  const what: Record<string, string> = {
    image: 'Photo',
    video: 'Video',
    audio: 'Voice message',
    document: m.media?.filename ?? 'Document',
    sticker: 'Sticker',
    location: 'Location',
    contacts: 'Contact card',
    template: 'Template message',
    interactive: 'Interactive message',
  };
  return what[m.type] ?? 'Message';
}

/** `{{1}}`-style variables of a template text, in order of first appearance. */
export function templateVars(text: string | undefined): string[] {
  const out: string[] = [];
  for (const m of (text ?? '').matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (all, k: string) => values[k] || all);
}

/** Local filter check, so a conversation that stops matching after an update leaves the list. */
export function matches(c: Conversation, f: Filters, myId: number | null): boolean {
  if (c.status !== f.status) return false;
  if (f.assignee === 'none' && c.assignee) return false;
  if (f.assignee === 'me' && myId !== null && c.assignee?.id !== myId) return false;
  if (f.team === 'none' && c.team) return false;
  if (f.team && f.team !== 'none' && c.team !== undefined && String(c.team?.id) !== f.team) return false;
  if (f.label && c.labels && !c.labels.some((l) => String(l.id) === f.label)) return false;
  if (f.unread && c.unreadCount === 0) return false;
  if (f.window === 'open' && !c.window.open) return false;
  if (f.window === 'closed' && c.window.open) return false;
  return true;
}

/** Newest activity first, then the higher id: the order the list endpoint pages in. */
export function byActivity(a: Conversation, b: Conversation): number {
  return Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt) || b.id - a.id;
}

/**
 * Oldest first. WhatsApp stamps incoming messages to the second while ours carry milliseconds, so
 * within one second the order of arrival (the id) decides; messages not confirmed yet come last.
 */
export function byTime(a: Message, b: Message): number {
  const d = Math.floor(Date.parse(a.occurredAt) / 1000) - Math.floor(Date.parse(b.occurredAt) / 1000);
  if (d) return d;
  const ka = a.local ? Number.MAX_SAFE_INTEGER : a.id;
  const kb = b.local ? Number.MAX_SAFE_INTEGER : b.id;
  return ka - kb;
}

export function isTextField(el: EventTarget | null | undefined): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  const tag = el.localName;
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag !== 'input') return false;
  const type = (el as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'range', 'color'].includes(type);
}
