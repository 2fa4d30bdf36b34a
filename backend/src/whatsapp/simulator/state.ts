// The simulator's in-memory world: apps, businesses, WABAs, templates, phone numbers, tokens, customers,
// media and both directions of every conversation. Plain maps, no behaviour beyond look-ups, so the
// Graph routes, the control API and tests all read the same objects.

import type { MessageView } from './templates.ts';

export const THROUGHPUT_MPS = { STANDARD: 80, HIGH: 1000 } as const;
export type ThroughputLevel = keyof typeof THROUGHPUT_MPS;
export const QUALITY_RATINGS = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type QualityRating = (typeof QUALITY_RATINGS)[number];
export const MESSAGING_LIMITS = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'] as const;
export type MessagingLimit = (typeof MESSAGING_LIMITS)[number];
export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];
export const TEMPLATE_STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'LIMIT_EXCEEDED',
  'ARCHIVED',
] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];
export const WEBHOOK_FIELDS = [
  'messages',
  'message_template_status_update',
  'message_template_quality_update',
  'message_template_components_update',
  'template_category_update',
  'phone_number_quality_update',
  'phone_number_name_update',
  'account_update',
  'account_review_update',
  'account_alerts',
  'business_capability_update',
  'user_preferences',
  'security',
] as const;

export interface SimApp {
  id: string;
  name: string;
  secret: string;
  callbackUrl: string | null;
  verifyToken: string | null;
  /** Webhook fields this app subscribed to (App Dashboard → Webhooks). */
  fields: Set<string>;
}

export interface SimBusiness {
  id: string;
  name: string;
}

export interface WabaSubscription {
  appId: string;
  overrideCallbackUrl: string | null;
  verifyToken: string | null;
}

export interface SimWaba {
  id: string;
  name: string;
  businessId: string;
  currency: string;
  timezoneId: string;
  namespace: string;
  subscriptions: Map<string, WabaSubscription>;
}

export interface SimTemplate {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
  qualityScore: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  rejectedReason: string;
  createdAt: number;
}

/** Template components as Meta stores them (upper-case types). */
export interface TemplateComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' | string;
  format?: string;
  text?: string;
  example?: unknown;
  buttons?: TemplateButton[];
  [key: string]: unknown;
}

export interface TemplateButton {
  type: string;
  text?: string;
  url?: string;
  phone_number?: string;
  example?: unknown;
  [key: string]: unknown;
}

export interface BusinessProfile {
  about: string;
  address: string;
  description: string;
  email: string;
  websites: string[];
  vertical: string;
  profile_picture_url: string;
}

export interface SimPhoneNumber {
  id: string;
  wabaId: string;
  /** Digits only, as webhooks' `metadata.display_phone_number` carries it. */
  displayPhoneNumber: string;
  verifiedName: string;
  registered: boolean;
  pin: string | null;
  throughputLevel: ThroughputLevel;
  /** Overrides the level's messages-per-second (tests use small numbers). */
  mps: number | null;
  qualityRating: QualityRating;
  messagingLimit: MessagingLimit;
  status: string;
  codeVerificationStatus: string;
  nameStatus: string;
  overrideCallbackUrl: string | null;
  profile: BusinessProfile;
  /** Simulator-clock times of register/deregister calls, for the 133016 rate limit. */
  registrationCalls: number[];
}

export interface SimToken {
  value: string;
  appId: string;
  wabaIds: string[];
  /** Simulator-clock ms; 0 = never expires. */
  expiresAt: number;
  issuedAt: number;
  type: 'SYSTEM_USER' | 'USER';
  userId: string;
  scopes: string[];
  revoked: boolean;
}

export interface SignupCode {
  code: string;
  appId: string;
  wabaId: string;
  phoneNumberId: string;
  businessId: string;
  expiresAt: number;
  used: boolean;
}

export interface SimCustomer {
  /** The map key: wa_id, or the BSUID for customers who only ever appear by username. */
  key: string;
  waId: string | null;
  userId: string | null;
  name: string;
  username: string | null;
  /** A username user: webhooks omit `from` and `wa_id`. */
  hidePhone: boolean;
  /** Per business phone number id: simulator-clock ms of the last inbound message (the 24 h window). */
  lastInboundAt: Map<string, number>;
  /** Per business phone number id: when the customer arrived from a click-to-WhatsApp ad. */
  entryPointAt: Map<string, number>;
  marketingOptOut: boolean;
  /** Sends to this customer fail asynchronously with 131026. */
  unreachable: boolean;
}

export interface SimMedia {
  id: string;
  phoneNumberId: string;
  bytes: Buffer;
  mimeType: string;
  sha256: Buffer;
  fileSize: number;
  filename: string | null;
  origin: 'upload' | 'inbound' | 'link';
  createdAt: number;
  expiresAt: number;
}

export type OutboundStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusEvent {
  status: Exclude<OutboundStatus, 'accepted'>;
  at: number;
  errors?: unknown[];
}

export interface SimOutbound {
  direction: 'outbound';
  wamid: string;
  phoneNumberId: string;
  wabaId: string;
  customerKey: string;
  /** What the business put in `to`. */
  input: string;
  type: string;
  /** The request body as the business sent it. */
  payload: Record<string, unknown>;
  template: { id: string; name: string; language: string; category: TemplateCategory } | null;
  pricing: { billable: boolean; pricing_model: 'PMP'; category: string; type: string };
  bizOpaqueCallbackData: string | null;
  /** What the customer's phone shows. */
  view: MessageView;
  /** Sent to a BSUID: statuses carry recipient_user_id instead of recipient_id. */
  toUserId: boolean;
  createdAt: number;
  /** Arrival order across both directions (the clock may stand still in tests). */
  seq: number;
  status: OutboundStatus;
  statuses: StatusEvent[];
}

export interface SimInbound {
  direction: 'inbound';
  wamid: string;
  phoneNumberId: string;
  customerKey: string;
  type: string;
  /** The `messages[]` item exactly as the webhook carried it. */
  message: Record<string, unknown>;
  createdAt: number;
  seq: number;
  readAt: number | null;
}

/** A synchronous failure injected into POST /{phone-number-id}/messages (control.failSends). */
export interface SimSendFailure {
  /** null: sends from any number. */
  phoneNumberId: string | null;
  /** Recipient digits (or a BSUID); null: any recipient. */
  to: string | null;
  code: number;
  /** Sends still to fail; null: every send until cleared. */
  remaining: number | null;
}

export class SimState {
  readonly apps = new Map<string, SimApp>();
  readonly businesses = new Map<string, SimBusiness>();
  readonly wabas = new Map<string, SimWaba>();
  readonly templates = new Map<string, SimTemplate>();
  readonly phoneNumbers = new Map<string, SimPhoneNumber>();
  readonly tokens = new Map<string, SimToken>();
  readonly signupCodes = new Map<string, SignupCode>();
  readonly customers = new Map<string, SimCustomer>();
  readonly media = new Map<string, SimMedia>();
  readonly outbound = new Map<string, SimOutbound>();
  readonly inbound = new Map<string, SimInbound>();
  /** `${phoneNumberId}:${customerKey}` → simulator-clock ms until which the typing indicator shows. */
  readonly typingUntil = new Map<string, number>();
  /** `${phoneNumberId}:${customerKey}:${category}` → open conversation (for the `conversation` object). */
  readonly conversations = new Map<string, { id: string; expiresAt: number }>();
  /** Injected send failures, first match wins. */
  readonly sendFailures: SimSendFailure[] = [];

  readonly #clock: () => number;
  #offsetMs = 0;
  #seq = 0;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /** Simulator time in ms: the injected clock plus whatever the control API advanced it by. */
  now(): number {
    return this.#clock() + this.#offsetMs;
  }

  nextSeq(): number {
    return ++this.#seq;
  }

  advance(ms: number): number {
    this.#offsetMs += ms;
    return this.now();
  }

  clear(): void {
    for (const m of [
      this.apps,
      this.businesses,
      this.wabas,
      this.templates,
      this.phoneNumbers,
      this.tokens,
      this.signupCodes,
      this.customers,
      this.media,
      this.outbound,
      this.inbound,
      this.typingUntil,
      this.conversations,
    ])
      m.clear();
    this.#byId.clear();
    this.#indexedSize = -1;
    this.sendFailures.length = 0;
  }

  templatesOf(wabaId: string): SimTemplate[] {
    return [...this.templates.values()].filter((t) => t.wabaId === wabaId && t.status !== 'DELETED');
  }

  numbersOf(wabaId: string): SimPhoneNumber[] {
    return [...this.phoneNumbers.values()].filter((p) => p.wabaId === wabaId);
  }

  findCustomer(idOrWaId: string): SimCustomer | undefined {
    const direct = this.customers.get(idOrWaId);
    if (direct) return direct;
    // Every wa_id and BSUID, indexed (a campaign meets 100,000 new numbers; scanning for each is
    // quadratic). Rebuilt when customers were added or removed behind ensureCustomer's back.
    if (this.#indexedSize !== this.customers.size) {
      this.#byId.clear();
      for (const c of this.customers.values()) this.#index(c);
      this.#indexedSize = this.customers.size;
    }
    const c = this.#byId.get(idOrWaId);
    return c && (c.userId === idOrWaId || c.waId === idOrWaId) && this.customers.get(c.key) === c ? c : undefined;
  }

  readonly #byId = new Map<string, SimCustomer>();
  #indexedSize = -1;
  #index(c: SimCustomer): void {
    if (c.waId) this.#byId.set(c.waId, c);
    if (c.userId) this.#byId.set(c.userId, c);
  }

  /** The customer with this wa_id or BSUID, created on first sight the way WhatsApp knows every user. */
  ensureCustomer(input: { waId?: string | null; userId?: string | null; name?: string }): SimCustomer {
    const existing =
      (input.waId && this.findCustomer(input.waId)) || (input.userId && this.findCustomer(input.userId)) || undefined;
    if (existing) {
      if (input.name) existing.name = input.name;
      if (input.userId && !existing.userId) existing.userId = input.userId;
      if (input.waId && !existing.waId) existing.waId = input.waId;
      this.#index(existing);
      return existing;
    }
    const key = input.waId || input.userId;
    if (!key) throw new Error('A customer needs a wa_id or a user_id.');
    const customer: SimCustomer = {
      key,
      waId: input.waId || null,
      userId: input.userId || null,
      name: input.name ?? '',
      username: null,
      hidePhone: false,
      lastInboundAt: new Map(),
      entryPointAt: new Map(),
      marketingOptOut: false,
      unreachable: false,
    };
    this.customers.set(key, customer);
    if (this.#indexedSize === this.customers.size - 1) {
      this.#index(customer);
      this.#indexedSize = this.customers.size;
    }
    return customer;
  }

  /** Both directions of one conversation, oldest first. */
  conversation(phoneNumberId: string, customerKey: string): (SimInbound | SimOutbound)[] {
    const items: (SimInbound | SimOutbound)[] = [];
    for (const m of this.inbound.values()) if (m.phoneNumberId === phoneNumberId && m.customerKey === customerKey) items.push(m);
    for (const m of this.outbound.values()) if (m.phoneNumberId === phoneNumberId && m.customerKey === customerKey) items.push(m);
    return items.sort((a, b) => a.seq - b.seq);
  }
}

/** `15550783881` → `+1 555-078-3881` for NANP numbers; other numbers get a plain `+` prefix. */
export function formatDisplayNumber(digits: string): string {
  if (digits.length === 11 && digits.startsWith('1')) {
    return `+1 ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`;
  }
  return `+${digits}`;
}
