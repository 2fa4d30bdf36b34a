// The control API: everything a test, the demo tenant or the simulated phone does to the simulated world
// that Meta's API cannot (seed tenants, make customers talk, flip faults, approve templates, move the
// clock). The HTTP routes under /_sim/ are a thin JSON skin over these methods.
import crypto from 'node:crypto';
import type { PairRate, SimContext, StatusTiming } from './context.ts';
import { accessToken, appSecret, graphId, signupCode } from './ids.ts';
import { ControlError, customerSays, type CustomerMessageInput, type InboundResult } from './inbound.ts';
import { customerReads, recipientKey, windowOpen } from './messaging.ts';
import {
  MESSAGING_LIMITS,
  QUALITY_RATINGS,
  TEMPLATE_STATUSES,
  THROUGHPUT_MPS,
  WEBHOOK_FIELDS,
  type MessagingLimit,
  type QualityRating,
  type SimApp,
  type SimCustomer,
  type SimPhoneNumber,
  type SimSendFailure,
  type SimTemplate,
  type SimWaba,
  type TemplateStatus,
  type ThroughputLevel,
} from './state.ts';
import { seedTemplateDrafts, type MessageView } from './templates.ts';
import type { Delivery, Faults } from './webhooks.ts';

export interface SeedInput {
  /** Reuse an existing app (one partner app, many tenant WABAs) instead of creating one. */
  appId?: string;
  appName?: string;
  appSecret?: string;
  /** Where webhooks go; null/omitted = nowhere until set (deliveries are logged as undeliverable). */
  callbackUrl?: string | null;
  verifyToken?: string;
  /** Webhook fields the app subscribes to; default: all. */
  fields?: string[];
  businessName?: string;
  wabaName?: string;
  /** Digits, e.g. 15550783881; default: a random +1 555 number. */
  displayPhoneNumber?: string;
  verifiedName?: string;
  /** Default true: the number is ready to send. */
  registered?: boolean;
  pin?: string | null;
  throughputLevel?: ThroughputLevel;
  mps?: number | null;
  /** Subscribe the app to the WABA (POST subscribed_apps). Default true. */
  subscribe?: boolean;
  /** A fixed token value (handy for a dev .env); default: a random EAA… token. */
  accessToken?: string;
  /** Default: never expires. */
  tokenExpiresInMs?: number;
  /** Create the approved sample templates (hello_world, order_update, spring_sale, …). Default true. */
  templates?: boolean;
  customers?: CustomerInput[];
  /**
   * Fixed ids, to restore a number the product already knows after a restart (the simulator keeps
   * its state in memory only). Default: fresh ids.
   */
  wabaId?: string;
  phoneNumberId?: string;
}

export interface SeedResult {
  appId: string;
  appSecret: string;
  verifyToken: string;
  businessId: string;
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  accessToken: string;
  templates: { id: string; name: string; language: string; category: string; status: string }[];
  customers: string[];
}

export interface CustomerInput {
  waId?: string;
  userId?: string;
  name?: string;
  username?: string | null;
  hidePhone?: boolean;
  marketingOptOut?: boolean;
  unreachable?: boolean;
  /** With marketingOptOut: also emit the `user_preferences` webhook from this number. */
  phoneNumberId?: string;
  /** Per phone number id: when the customer last wrote (simulator-clock ms), null to close the window. */
  lastInboundAt?: Record<string, number | null>;
}

export interface PhoneSettingsInput {
  throughputLevel?: ThroughputLevel;
  mps?: number | null;
  qualityRating?: QualityRating;
  messagingLimit?: MessagingLimit;
  registered?: boolean;
  status?: string;
  verifiedName?: string;
}

export interface SignupInput {
  appId: string;
  businessName?: string;
  verifiedName?: string;
  displayPhoneNumber?: string;
}

export interface SignupResult {
  code: string;
  businessId: string;
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

export interface SentMessage {
  wamid: string;
  phoneNumberId: string;
  customer: string;
  to: string;
  type: string;
  payload: Record<string, unknown>;
  view: MessageView;
  template: { id: string; name: string; language: string; category: string } | null;
  pricing: Record<string, unknown>;
  bizOpaqueCallbackData: string | null;
  status: string;
  statuses: { status: string; at: number; errors?: unknown[] }[];
  createdAt: number;
}

export interface ConversationItem {
  direction: 'inbound' | 'outbound';
  wamid: string;
  type: string;
  at: number;
  /** Outbound: what the phone shows. */
  view?: MessageView;
  status?: string;
  /** Inbound: the webhook message item. */
  message?: Record<string, unknown>;
  readByBusiness?: boolean;
}

function randomDisplayNumber(taken: Set<string>): string {
  for (;;) {
    const n = '1555' + String(Math.floor(Math.random() * 1e7)).padStart(7, '0');
    if (!taken.has(n)) return n;
  }
}

export class SimulatorControl {
  readonly #ctx: SimContext;
  readonly #defaults: { status: StatusTiming; pairRate: PairRate };

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    this.#defaults = { status: { ...ctx.settings.status }, pairRate: { ...ctx.settings.pairRate } };
  }

  // ---- Building the world ----

  createApp(
    input: {
      id?: string;
      name?: string;
      secret?: string;
      callbackUrl?: string | null;
      verifyToken?: string;
      fields?: string[];
    } = {},
  ): SimApp {
    const id = input.id ?? graphId();
    if (this.#ctx.state.apps.has(id)) throw new ControlError(`App ${id} already exists.`, 409);
    const app: SimApp = {
      id,
      name: input.name ?? 'Simulated App',
      secret: input.secret ?? appSecret(),
      callbackUrl: input.callbackUrl ?? null,
      verifyToken: input.verifyToken ?? 'simulator-verify-token',
      fields: new Set(input.fields ?? WEBHOOK_FIELDS),
    };
    this.#ctx.state.apps.set(id, app);
    return app;
  }

  setCallback(appId: string, input: { url: string | null; verifyToken?: string; fields?: string[] }): SimApp {
    const app = this.#app(appId);
    app.callbackUrl = input.url;
    if (input.verifyToken !== undefined) app.verifyToken = input.verifyToken;
    if (input.fields) app.fields = new Set(input.fields);
    return app;
  }

  createWaba(
    input: { id?: string; appId?: string; businessId?: string; businessName?: string; name?: string; subscribe?: boolean } = {},
  ): SimWaba {
    const { state } = this.#ctx;
    let businessId = input.businessId;
    if (!businessId || !state.businesses.has(businessId)) {
      businessId = businessId ?? graphId();
      state.businesses.set(businessId, { id: businessId, name: input.businessName ?? 'Simulated Business' });
    }
    if (input.id && state.wabas.has(input.id)) throw new ControlError(`WABA ${input.id} already exists.`, 409);
    const waba: SimWaba = {
      id: input.id ?? graphId(),
      name: input.name ?? input.businessName ?? 'Simulated WABA',
      businessId,
      currency: 'USD',
      timezoneId: '1',
      namespace: crypto.randomUUID().replace(/-/g, '_'),
      subscriptions: new Map(),
    };
    state.wabas.set(waba.id, waba);
    if (input.appId && input.subscribe !== false) {
      this.#app(input.appId);
      waba.subscriptions.set(input.appId, { appId: input.appId, overrideCallbackUrl: null, verifyToken: null });
    }
    return waba;
  }

  createPhoneNumber(input: {
    id?: string;
    wabaId: string;
    displayPhoneNumber?: string;
    verifiedName?: string;
    registered?: boolean;
    pin?: string | null;
    throughputLevel?: ThroughputLevel;
    mps?: number | null;
  }): SimPhoneNumber {
    const { state } = this.#ctx;
    if (!state.wabas.has(input.wabaId)) throw new ControlError(`Unknown WABA ${input.wabaId}.`, 404);
    const taken = new Set([...state.phoneNumbers.values()].map((p) => p.displayPhoneNumber));
    const digits = input.displayPhoneNumber?.replace(/\D/g, '') || randomDisplayNumber(taken);
    if (taken.has(digits)) throw new ControlError(`Display number ${digits} is already in use.`, 409);
    const registered = input.registered ?? true;
    if (input.id && state.phoneNumbers.has(input.id)) throw new ControlError(`Phone number ${input.id} already exists.`, 409);
    const phone: SimPhoneNumber = {
      id: input.id ?? graphId(),
      wabaId: input.wabaId,
      displayPhoneNumber: digits,
      verifiedName: input.verifiedName ?? 'Simulated Business',
      registered,
      pin: input.pin === undefined ? (registered ? '000000' : null) : input.pin,
      throughputLevel: input.throughputLevel ?? 'STANDARD',
      mps: input.mps ?? null,
      qualityRating: 'GREEN',
      messagingLimit: 'TIER_2K',
      status: registered ? 'CONNECTED' : 'PENDING',
      codeVerificationStatus: 'VERIFIED',
      nameStatus: 'APPROVED',
      overrideCallbackUrl: null,
      profile: {
        about: 'Hello from the simulator',
        address: '',
        description: '',
        email: '',
        websites: [],
        vertical: 'OTHER',
        profile_picture_url: '',
      },
      registrationCalls: [],
    };
    state.phoneNumbers.set(phone.id, phone);
    return phone;
  }

  createToken(input: {
    appId: string;
    wabaIds: string[];
    value?: string;
    expiresInMs?: number;
    type?: 'SYSTEM_USER' | 'USER';
  }): string {
    const { state } = this.#ctx;
    this.#app(input.appId);
    const value = input.value ?? accessToken();
    const now = state.now();
    state.tokens.set(value, {
      value,
      appId: input.appId,
      wabaIds: [...input.wabaIds],
      expiresAt: input.expiresInMs ? now + input.expiresInMs : 0,
      issuedAt: now,
      type: input.type ?? 'SYSTEM_USER',
      userId: graphId(),
      scopes: ['business_management', 'whatsapp_business_management', 'whatsapp_business_messaging'],
      revoked: false,
    });
    return value;
  }

  createTemplate(
    wabaId: string,
    draft: ReturnType<typeof seedTemplateDrafts>[number],
    status: TemplateStatus = 'APPROVED',
  ): SimTemplate {
    const { state } = this.#ctx;
    if (!state.wabas.has(wabaId)) throw new ControlError(`Unknown WABA ${wabaId}.`, 404);
    const t: SimTemplate = {
      id: graphId(15),
      wabaId,
      ...structuredClone(draft),
      status,
      qualityScore: status === 'APPROVED' ? 'GREEN' : 'UNKNOWN',
      rejectedReason: 'NONE',
      createdAt: state.now(),
    };
    state.templates.set(t.id, t);
    return t;
  }

  /** One ready tenant: app (or reuse), business, WABA, registered number, token, approved templates. */
  seed(input: SeedInput = {}): SeedResult {
    const { state } = this.#ctx;
    const app =
      input.appId && state.apps.has(input.appId)
        ? state.apps.get(input.appId)!
        : this.createApp({
            id: input.appId,
            name: input.appName,
            secret: input.appSecret,
            callbackUrl: input.callbackUrl,
            verifyToken: input.verifyToken,
            fields: input.fields,
          });
    if (input.callbackUrl !== undefined && app.callbackUrl !== input.callbackUrl) app.callbackUrl = input.callbackUrl;
    const waba = this.createWaba({
      id: input.wabaId,
      appId: app.id,
      businessName: input.businessName ?? 'Lucky Shrub',
      name: input.wabaName,
      subscribe: input.subscribe,
    });
    const phone = this.createPhoneNumber({
      id: input.phoneNumberId,
      wabaId: waba.id,
      displayPhoneNumber: input.displayPhoneNumber,
      verifiedName: input.verifiedName ?? input.businessName ?? 'Lucky Shrub',
      registered: input.registered,
      pin: input.pin,
      throughputLevel: input.throughputLevel,
      mps: input.mps,
    });
    const token = this.createToken({
      appId: app.id,
      wabaIds: [waba.id],
      value: input.accessToken,
      expiresInMs: input.tokenExpiresInMs,
    });
    const templates = input.templates === false ? [] : seedTemplateDrafts().map((d) => this.createTemplate(waba.id, d));
    const customers = (input.customers ?? [{ waId: '16505551234', name: 'Sheena Nelson' }]).map(
      (c) => this.upsertCustomer(c).key,
    );
    return {
      appId: app.id,
      appSecret: app.secret,
      verifyToken: app.verifyToken ?? '',
      businessId: waba.businessId,
      wabaId: waba.id,
      phoneNumberId: phone.id,
      displayPhoneNumber: phone.displayPhoneNumber,
      accessToken: token,
      templates: templates.map((t) => ({ id: t.id, name: t.name, language: t.language, category: t.category, status: t.status })),
      customers,
    };
  }

  /**
   * The Embedded Signup stand-in: a new business, WABA and (unregistered) number shared with the app,
   * and a one-time code that /oauth/access_token exchanges for a business token. Emits PARTNER_ADDED.
   */
  createSignupCode(input: SignupInput): SignupResult {
    const { state, settings, emitter } = this.#ctx;
    const app = this.#app(input.appId);
    const waba = this.createWaba({ businessName: input.businessName ?? 'New Business', subscribe: false });
    const phone = this.createPhoneNumber({
      wabaId: waba.id,
      displayPhoneNumber: input.displayPhoneNumber,
      verifiedName: input.verifiedName ?? input.businessName ?? 'New Business',
      registered: false,
    });
    const code = signupCode();
    state.signupCodes.set(code, {
      code,
      appId: app.id,
      wabaId: waba.id,
      phoneNumberId: phone.id,
      businessId: waba.businessId,
      expiresAt: state.now() + settings.signupCodeTtlMs,
      used: false,
    });
    emitter.emit({
      wabaId: waba.id,
      field: 'account_update',
      appIds: [app.id],
      value: { event: 'PARTNER_ADDED', waba_info: { waba_id: waba.id, owner_business_id: waba.businessId } },
    });
    return {
      code,
      businessId: waba.businessId,
      wabaId: waba.id,
      phoneNumberId: phone.id,
      displayPhoneNumber: phone.displayPhoneNumber,
    };
  }

  // ---- Customers ----

  upsertCustomer(input: CustomerInput): SimCustomer {
    const { state, emitter } = this.#ctx;
    if (!input.waId && !input.userId) throw new ControlError('waId or userId is required.');
    if (input.waId && !/^\d{6,15}$/.test(input.waId)) throw new ControlError('waId must be digits only.');
    const c = state.ensureCustomer({ waId: input.waId, userId: input.userId, name: input.name });
    if (input.username !== undefined) c.username = input.username;
    if (input.hidePhone !== undefined) c.hidePhone = input.hidePhone;
    if (input.unreachable !== undefined) c.unreachable = input.unreachable;
    for (const [pnid, at] of Object.entries(input.lastInboundAt ?? {})) {
      if (at === null) c.lastInboundAt.delete(pnid);
      else c.lastInboundAt.set(pnid, at);
    }
    if (input.marketingOptOut !== undefined && input.marketingOptOut !== c.marketingOptOut) {
      c.marketingOptOut = input.marketingOptOut;
      const phone = input.phoneNumberId ? state.phoneNumbers.get(input.phoneNumberId) : undefined;
      if (phone) {
        emitter.emit({
          wabaId: phone.wabaId,
          phoneNumberId: phone.id,
          field: 'user_preferences',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: phone.displayPhoneNumber, phone_number_id: phone.id },
            contacts: [{ profile: { name: c.name }, ...(c.waId ? { wa_id: c.waId } : {}) }],
            user_preferences: [
              {
                ...(c.waId ? { wa_id: c.waId } : {}),
                detail: c.marketingOptOut
                  ? 'User requested to stop marketing messages'
                  : 'User requested to resume marketing messages',
                category: 'marketing_messages',
                value: c.marketingOptOut ? 'stop' : 'resume',
                timestamp: Math.floor(state.now() / 1000),
              },
            ],
          },
        });
      }
    }
    return c;
  }

  /** A customer sends a message to a business number; the signed webhook follows asynchronously. */
  customerSays(input: CustomerMessageInput): InboundResult {
    return customerSays(this.#ctx, input);
  }

  /** The customer opens the chat: delivered messages become read (for when autoRead is off). */
  customerReads(input: { phoneNumberId: string; customer: string }): number {
    const c = this.#customer(input.customer);
    return customerReads(this.#ctx, input.phoneNumberId, c.key);
  }

  // ---- Looking ----

  sentMessages(filter: { phoneNumberId?: string; customer?: string } = {}): SentMessage[] {
    const { state } = this.#ctx;
    const key = filter.customer ? state.findCustomer(filter.customer)?.key : undefined;
    if (filter.customer && !key) return [];
    return [...state.outbound.values()]
      .filter((m) => (!filter.phoneNumberId || m.phoneNumberId === filter.phoneNumberId) && (!key || m.customerKey === key))
      .sort((a, b) => a.seq - b.seq)
      .map((m) => ({
        wamid: m.wamid,
        phoneNumberId: m.phoneNumberId,
        customer: m.customerKey,
        to: m.input,
        type: m.type,
        payload: m.payload,
        view: m.view,
        template: m.template,
        pricing: m.pricing,
        bizOpaqueCallbackData: m.bizOpaqueCallbackData,
        status: m.status,
        statuses: m.statuses.map((s) => ({ ...s })),
        createdAt: m.createdAt,
      }));
  }

  conversation(input: { phoneNumberId: string; customer: string }): {
    customer: { key: string; waId: string | null; userId: string | null; name: string };
    windowOpen: boolean;
    typing: boolean;
    items: ConversationItem[];
  } {
    const { state } = this.#ctx;
    const c = this.#customer(input.customer);
    const items = state.conversation(input.phoneNumberId, c.key).map((m): ConversationItem =>
      m.direction === 'outbound'
        ? { direction: 'outbound', wamid: m.wamid, type: m.type, at: m.createdAt, view: m.view, status: m.status }
        : {
            direction: 'inbound',
            wamid: m.wamid,
            type: m.type,
            at: m.createdAt,
            message: m.message,
            readByBusiness: m.readAt !== null,
          },
    );
    return {
      customer: { key: c.key, waId: c.waId, userId: c.userId, name: c.name },
      windowOpen: windowOpen(this.#ctx, input.phoneNumberId, c),
      typing: (state.typingUntil.get(`${input.phoneNumberId}:${c.key}`) ?? 0) > state.now(),
      items,
    };
  }

  /** The world without secrets (the /_sim/state route serves this unauthenticated). */
  snapshot(): Record<string, unknown> {
    const { state } = this.#ctx;
    return {
      now: state.now(),
      apps: [...state.apps.values()].map((a) => ({ id: a.id, name: a.name, callbackUrl: a.callbackUrl, fields: [...a.fields] })),
      wabas: [...state.wabas.values()].map((w) => ({
        id: w.id,
        name: w.name,
        businessId: w.businessId,
        subscribedApps: [...w.subscriptions.keys()],
      })),
      phoneNumbers: [...state.phoneNumbers.values()].map((p) => ({
        id: p.id,
        wabaId: p.wabaId,
        displayPhoneNumber: p.displayPhoneNumber,
        verifiedName: p.verifiedName,
        registered: p.registered,
        throughputLevel: p.throughputLevel,
        mps: p.mps ?? THROUGHPUT_MPS[p.throughputLevel],
        qualityRating: p.qualityRating,
        messagingLimit: p.messagingLimit,
        status: p.status,
      })),
      templates: [...state.templates.values()].map((t) => ({
        id: t.id,
        wabaId: t.wabaId,
        name: t.name,
        language: t.language,
        category: t.category,
        status: t.status,
      })),
      customers: [...state.customers.values()].map((c) => ({
        key: c.key,
        waId: c.waId,
        userId: c.userId,
        name: c.name,
        username: c.username,
        hidePhone: c.hidePhone,
        marketingOptOut: c.marketingOptOut,
        unreachable: c.unreachable,
        lastInboundAt: Object.fromEntries(c.lastInboundAt),
      })),
      faults: this.#ctx.emitter.faults,
      settings: this.#ctx.settings,
    };
  }

  deliveries(): Delivery[] {
    return this.#ctx.emitter.deliveries();
  }

  // ---- Behaviour ----

  faults(): Faults {
    return this.#ctx.emitter.faults;
  }

  setFaults(patch: Partial<Faults>): Faults {
    return this.#ctx.emitter.setFaults(patch);
  }

  /**
   * Makes sends fail synchronously with this Graph error code (HTTP status as Meta answers it), before
   * anything is accepted. Optionally only from one number and/or to one recipient; `count` sends, or
   * every matching send until clearSendFailures().
   */
  failSends(input: { phoneNumberId?: string | null; to?: string | null; code: number; count?: number | null }): SimSendFailure {
    const code = Number(input.code);
    if (!Number.isInteger(code) || code < 0) throw new ControlError('code must be a Graph error code.');
    const count = input.count ?? null;
    if (count !== null && (!Number.isInteger(count) || count < 1)) throw new ControlError('count must be a positive integer.');
    if (input.phoneNumberId && !this.#ctx.state.phoneNumbers.has(input.phoneNumberId))
      throw new ControlError(`Unknown phone number id ${input.phoneNumberId}.`, 404);
    const rule: SimSendFailure = {
      phoneNumberId: input.phoneNumberId || null,
      to: input.to ? recipientKey(input.to) : null,
      code,
      remaining: count,
    };
    this.#ctx.state.sendFailures.push(rule);
    return { ...rule };
  }

  /** The injected send failures still active. */
  sendFailures(): SimSendFailure[] {
    return this.#ctx.state.sendFailures.map((f) => ({ ...f }));
  }

  clearSendFailures(): void {
    this.#ctx.state.sendFailures.length = 0;
  }

  setStatusTiming(patch: Partial<StatusTiming>): StatusTiming {
    const s = this.#ctx.settings.status;
    for (const key of ['sent', 'delivered', 'read'] as const) {
      const v = patch[key];
      if (v !== undefined) {
        if (typeof v !== 'number' || v < 0) throw new ControlError(`${key} must be a delay in ms (>= 0).`);
        s[key] = v;
      }
    }
    if (typeof patch.autoRead === 'boolean') s.autoRead = patch.autoRead;
    return { ...s };
  }

  setPairRate(patch: Partial<PairRate>): PairRate {
    const p = this.#ctx.settings.pairRate;
    if (patch.limit !== undefined) p.limit = Math.max(1, Math.floor(patch.limit));
    if (patch.windowMs !== undefined) p.windowMs = Math.max(1, Math.floor(patch.windowMs));
    return { ...p };
  }

  setPhoneNumber(phoneNumberId: string, input: PhoneSettingsInput): SimPhoneNumber {
    const phone = this.#ctx.state.phoneNumbers.get(phoneNumberId);
    if (!phone) throw new ControlError(`Unknown phone number id ${phoneNumberId}.`, 404);
    const event = (name: string, extra: Record<string, unknown> = {}) =>
      this.#ctx.emitter.emit({
        wabaId: phone.wabaId,
        field: 'phone_number_quality_update',
        value: { display_phone_number: phone.displayPhoneNumber, event: name, current_limit: phone.messagingLimit, ...extra },
      });
    if (input.throughputLevel !== undefined) {
      if (!(input.throughputLevel in THROUGHPUT_MPS)) throw new ControlError('throughputLevel must be STANDARD or HIGH.');
      const upgraded = input.throughputLevel === 'HIGH' && phone.throughputLevel !== 'HIGH';
      phone.throughputLevel = input.throughputLevel;
      if (upgraded) event('THROUGHPUT_UPGRADE');
    }
    if (input.mps !== undefined) phone.mps = input.mps === null ? null : Math.max(1, input.mps);
    if (input.messagingLimit !== undefined) {
      if (!MESSAGING_LIMITS.includes(input.messagingLimit))
        throw new ControlError(`messagingLimit must be one of ${MESSAGING_LIMITS.join(', ')}.`);
      const old = phone.messagingLimit;
      phone.messagingLimit = input.messagingLimit;
      const delta = MESSAGING_LIMITS.indexOf(input.messagingLimit) - MESSAGING_LIMITS.indexOf(old);
      if (delta) event(delta > 0 ? 'UPGRADE' : 'DOWNGRADE', { old_limit: old });
    }
    if (input.qualityRating !== undefined) {
      if (!QUALITY_RATINGS.includes(input.qualityRating))
        throw new ControlError(`qualityRating must be one of ${QUALITY_RATINGS.join(', ')}.`);
      const was = phone.qualityRating;
      phone.qualityRating = input.qualityRating;
      if (input.qualityRating === 'RED' && was !== 'RED') event('FLAGGED');
      else if (was === 'RED' && input.qualityRating !== 'RED') event('UNFLAGGED');
    }
    if (input.registered !== undefined) phone.registered = input.registered;
    if (input.status !== undefined) phone.status = input.status;
    if (input.verifiedName !== undefined) phone.verifiedName = input.verifiedName;
    return phone;
  }

  /** Moves a template through review; emits `message_template_status_update` to subscribed apps. */
  setTemplateStatus(
    templateId: string,
    status: TemplateStatus,
    opts: { reason?: string; recommendation?: string } = {},
  ): SimTemplate {
    const t = this.#ctx.state.templates.get(templateId);
    if (!t) throw new ControlError(`Unknown template ${templateId}.`, 404);
    if (!TEMPLATE_STATUSES.includes(status)) throw new ControlError(`status must be one of ${TEMPLATE_STATUSES.join(', ')}.`);
    t.status = status;
    const value: Record<string, unknown> = {
      event: status,
      message_template_id: Number(t.id),
      message_template_name: t.name,
      message_template_language: t.language,
      reason: 'NONE',
      message_template_category: t.category,
    };
    if (status === 'APPROVED') t.qualityScore = 'GREEN';
    if (status === 'REJECTED') {
      t.rejectedReason = opts.reason ?? 'INVALID_FORMAT';
      value.reason = t.rejectedReason;
      value.rejection_info = {
        reason: t.rejectedReason,
        recommendation: opts.recommendation ?? 'Check the template guidelines and submit again.',
      };
    }
    if (status === 'PAUSED') {
      t.qualityScore = 'RED';
      value.other_info = {
        title: 'FIRST_PAUSE',
        description: opts.reason ?? 'Your template was paused for 3 hours because of low quality.',
      };
    }
    if (status === 'DISABLED') value.reason = opts.reason ?? 'LOW_QUALITY';
    this.#ctx.emitter.emit({ wabaId: t.wabaId, field: 'message_template_status_update', value });
    return t;
  }

  /** The token now reads as expired (190 / subcode 463). */
  expireToken(value: string): void {
    const t = this.#ctx.state.tokens.get(value);
    if (!t) throw new ControlError('Unknown token.', 404);
    t.expiresAt = this.#ctx.state.now();
  }

  now(): number {
    return this.#ctx.state.now();
  }

  /** Moves the simulator clock forward (windows, token and URL expiry, rate windows all follow it). */
  advanceClock(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new ControlError('ms must be a non-negative number.');
    return this.#ctx.state.advance(ms);
  }

  /** Resolves when no status or webhook attempt is pending (retries included). */
  whenIdle(timeoutMs?: number): Promise<void> {
    return this.#ctx.scheduler.whenIdle(timeoutMs);
  }

  /** Forgets everything: state, timers, delivery log, faults and runtime settings. */
  reset(): void {
    const ctx = this.#ctx;
    ctx.scheduler.cancelAll();
    ctx.emitter.reset();
    ctx.state.clear();
    ctx.throughputLog.clear();
    ctx.pairLog.clear();
    Object.assign(ctx.settings.status, this.#defaults.status);
    Object.assign(ctx.settings.pairRate, this.#defaults.pairRate);
  }

  #app(id: string): SimApp {
    const app = this.#ctx.state.apps.get(id);
    if (!app) throw new ControlError(`Unknown app ${id}.`, 404);
    return app;
  }

  #customer(idOrWaId: string): SimCustomer {
    const c = this.#ctx.state.findCustomer(idOrWaId);
    if (!c) throw new ControlError(`Unknown customer ${idOrWaId}.`, 404);
    return c;
  }
}
