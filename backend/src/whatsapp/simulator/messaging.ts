// POST /{phone-number-id}/messages behind the HTTP layer: validation, the policy engine (registration,
// 24 h window, throughput, pair rate), acceptance, and the sent → delivered → read (or failed) status
// webhooks with PMP pricing; plus mark-as-read and the typing indicator.
import { DAY_MS, unixSeconds, type SimContext } from './context.ts';
import { ASYNC_DETAILS, graphError, TITLES, webhookError, type WebhookErrorItem } from './errors.ts';
import { conversationId, wamid } from './ids.ts';
import { fetchLinkedMedia, liveMedia, mimeFitsType } from './media.ts';
import {
  headerMedia,
  MEDIA_TYPES,
  validateMarkRead,
  validateMessage,
  type ContactCard,
  type InteractiveContent,
  type LocationContent,
  type MediaContent,
  type ReactionContent,
  type TemplateContent,
  type TextContent,
  type ValidMessage,
} from './message-schemas.ts';
import { THROUGHPUT_MPS, type SimCustomer, type SimOutbound, type SimPhoneNumber, type StatusEvent } from './state.ts';
import { checkTemplateSend, type MessageView } from './templates.ts';

const BSUID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]+$/;
const RANK: Record<string, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

export function windowOpen(ctx: SimContext, phoneNumberId: string, customer: SimCustomer): boolean {
  const last = customer.lastInboundAt.get(phoneNumberId);
  return last !== undefined && ctx.state.now() - last < DAY_MS;
}

/** Keeps the timestamps inside the window and returns the live list. */
function recent(log: Map<string, number[]>, key: string, since: number): number[] {
  const list = (log.get(key) ?? []).filter((t) => t > since);
  log.set(key, list);
  return list;
}

function requireRegistered(phone: SimPhoneNumber): void {
  if (!phone.registered)
    throw graphError(
      133010,
      'Account not registered: register the phone number (POST /{phone-number-id}/register) before sending.',
    );
}

/** `+1 (650) 555-1234` → `16505551234`; a BSUID stays as it is. */
export function recipientKey(to: string): string {
  return BSUID.test(to) ? to : to.replace(/[\s()+.-]/g, '');
}

// Titles for codes the simulator never raises on its own, so injected failures read like Meta's.
const INJECTED_TITLES: Record<number, string> = {
  4: 'Too many API calls',
  368: 'Temporarily blocked for policies violations',
  131031: 'Business Account locked',
  131042: 'Business eligibility payment issue',
  131048: 'Spam rate limit hit',
  131049: 'Meta chose not to deliver',
  131057: 'Account in maintenance mode',
};

/** Throws the Graph error of the first injected failure that matches this send (control.failSends). */
function injectedFailure(ctx: SimContext, phone: SimPhoneNumber, to: string): void {
  const list = ctx.state.sendFailures;
  const key = recipientKey(to);
  const rule = list.find((f) => (f.phoneNumberId === null || f.phoneNumberId === phone.id) && (f.to === null || f.to === key));
  if (!rule) return;
  if (rule.remaining !== null && --rule.remaining <= 0) list.splice(list.indexOf(rule), 1);
  if (rule.code === 190)
    throw graphError(190, '', { message: 'Invalid OAuth access token - Cannot parse access token', errorData: false });
  const title = TITLES[rule.code] ?? INJECTED_TITLES[rule.code] ?? 'Error';
  throw graphError(rule.code, ASYNC_DETAILS[rule.code] ?? `${title} (failure injected by the simulator).`, {
    message: `(#${rule.code}) ${title}`,
  });
}

function resolveRecipient(ctx: SimContext, to: string): { customer: SimCustomer; byUserId: boolean } {
  if (BSUID.test(to)) {
    const customer = [...ctx.state.customers.values()].find((c) => c.userId === to);
    if (!customer) throw graphError(131009, `Param to is not a known WhatsApp user id (${to}).`);
    return { customer, byUserId: true };
  }
  const digits = to.replace(/[\s()+.-]/g, '');
  if (!/^\d{6,15}$/.test(digits))
    throw graphError(131009, 'Param to must be a phone number in international format (digits, optional +).');
  return { customer: ctx.state.ensureCustomer({ waId: digits }), byUserId: false };
}

function checkMediaId(ctx: SimContext, phone: SimPhoneNumber, id: string, type: string): void {
  const media = liveMedia(ctx.state, id);
  const owner = media && ctx.state.phoneNumbers.get(media.phoneNumberId);
  if (!media || !owner || owner.wabaId !== phone.wabaId)
    throw graphError(131053, `Media upload error: media id ${id} does not exist or has expired.`);
  if (!mimeFitsType(media.mimeType, type))
    throw graphError(131053, `Media upload error: media ${id} is ${media.mimeType}, which can not be sent as ${type}.`);
}

/** What the phone shows for a non-template message (templates render in templates.ts). */
function viewOf(v: ValidMessage): MessageView {
  switch (v.type) {
    case 'text':
      return { kind: 'text', body: (v.content as TextContent).body };
    case 'location': {
      const c = v.content as LocationContent;
      return {
        kind: 'location',
        location: { latitude: Number(c.latitude), longitude: Number(c.longitude), name: c.name, address: c.address },
      };
    }
    case 'contacts':
      return { kind: 'contacts', body: (v.content as ContactCard[]).map((k) => k.name.formatted_name).join(', ') };
    case 'reaction': {
      const c = v.content as ReactionContent;
      return { kind: 'reaction', body: c.emoji, header: c.message_id };
    }
    case 'interactive':
      return interactiveView(v.content as InteractiveContent);
    default: {
      const c = v.content as MediaContent;
      return { kind: v.type, body: c.caption, media: { kind: v.type, mediaId: c.id, link: c.link, filename: c.filename } };
    }
  }
}

function interactiveView(c: InteractiveContent): MessageView {
  const view: MessageView = { kind: `interactive.${c.type}`, body: c.body?.text, footer: c.footer?.text };
  const media = headerMedia(c.header);
  if (c.header?.type === 'text') view.header = c.header.text;
  else if (c.header && media) view.media = { kind: c.header.type, mediaId: media.id, link: media.link, filename: media.filename };
  const a = c.action;
  const p = a.parameters ?? {};
  switch (c.type) {
    case 'button':
      view.buttons = (a.buttons ?? []).map((b) => ({ kind: 'reply', id: b.reply.id, title: b.reply.title }));
      break;
    case 'list':
      view.listButton = a.button;
      view.buttons = (a.sections ?? []).flatMap((s) =>
        (s.rows ?? []).map((r) => ({ kind: 'list_row' as const, id: r.id, title: r.title, description: r.description })),
      );
      break;
    case 'cta_url':
      view.buttons = [{ kind: 'url', title: p.display_text ?? '', url: p.url }];
      break;
    case 'flow':
      view.buttons = [{ kind: 'flow', title: p.flow_cta ?? '', id: p.flow_token ?? p.flow_id }];
      break;
    case 'location_request_message':
      view.buttons = [{ kind: 'send_location', title: 'Send location' }];
      break;
    case 'product':
      view.buttons = [{ kind: 'catalog', title: `View ${a.product_retailer_id}`, id: a.product_retailer_id }];
      break;
    case 'product_list':
      view.buttons = (a.sections ?? []).flatMap((s) =>
        (s.product_items ?? []).map((i) => ({
          kind: 'catalog' as const,
          title: i.product_retailer_id,
          id: i.product_retailer_id,
        })),
      );
      break;
    case 'catalog_message':
      view.buttons = [{ kind: 'catalog', title: 'View catalog' }];
      break;
  }
  return view;
}

function pricingFor(
  ctx: SimContext,
  phone: SimPhoneNumber,
  customer: SimCustomer,
  templateCategory: string | null,
): SimOutbound['pricing'] {
  const entry = customer.entryPointAt.get(phone.id);
  if (entry !== undefined && ctx.state.now() - entry < 3 * DAY_MS) {
    return { billable: false, pricing_model: 'PMP', category: 'referral_conversion', type: 'free_entry_point' };
  }
  const category = templateCategory ? templateCategory.toLowerCase() : 'service';
  const free = category === 'service' || (category === 'utility' && windowOpen(ctx, phone.id, customer));
  return { billable: !free, pricing_model: 'PMP', category, type: free ? 'free_customer_service' : 'regular' };
}

/** Handles one POST /{phone-number-id}/messages body; returns the JSON to answer or throws a GraphError. */
export function sendMessage(ctx: SimContext, phone: SimPhoneNumber, raw: unknown): Record<string, unknown> {
  const { state } = ctx;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw graphError(100, 'The request body must be a JSON object.');
  const body = raw as Record<string, unknown>;
  if (body.messaging_product === undefined) throw graphError(100, 'The parameter messaging_product is required.');
  if (body.messaging_product !== 'whatsapp') throw graphError(100, "Param messaging_product must be 'whatsapp'.");
  if (body.status !== undefined) return markRead(ctx, phone, body);

  const v = validateMessage(body);
  requireRegistered(phone);
  injectedFailure(ctx, phone, v.to);
  const { customer, byUserId } = resolveRecipient(ctx, v.to);

  let view: MessageView;
  let template: SimOutbound['template'] = null;
  if (v.type === 'template') {
    const c = v.content as TemplateContent;
    const found = state.templatesOf(phone.wabaId).find((t) => t.name === c.name && t.language === c.language.code);
    if (!found || ['PENDING', 'REJECTED', 'IN_APPEAL', 'PENDING_DELETION', 'ARCHIVED'].includes(found.status))
      throw graphError(132001, `template name (${c.name}) does not exist in ${c.language.code} or is not approved`);
    if (found.status === 'PAUSED') throw graphError(132015, `Template ${c.name} is paused because of low quality.`);
    if (found.status === 'DISABLED' || found.status === 'LIMIT_EXCEEDED')
      throw graphError(132016, `Template ${c.name} has been disabled.`);
    const checked = checkTemplateSend(found, c);
    for (const id of checked.mediaIds) checkMediaId(ctx, phone, id, checked.view.media?.kind ?? 'document');
    view = checked.view;
    template = { id: found.id, name: found.name, language: found.language, category: found.category };
  } else {
    const mediaId = (MEDIA_TYPES as readonly string[]).includes(v.type) ? (v.content as MediaContent).id : undefined;
    if (mediaId) checkMediaId(ctx, phone, mediaId, v.type);
    const header = v.type === 'interactive' ? (v.content as InteractiveContent).header : undefined;
    const headerId = headerMedia(header)?.id;
    if (header && headerId) checkMediaId(ctx, phone, headerId, header.type);
    view = viewOf(v);
  }

  const now = state.now();
  const mps = phone.mps ?? THROUGHPUT_MPS[phone.throughputLevel];
  const sends = recent(ctx.throughputLog, phone.id, now - 1000);
  if (sends.length >= mps)
    throw graphError(130429, `Rate limit hit: more than ${mps} messages per second from this phone number. Retry with back-off.`);
  sends.push(now);

  if (!template && !windowOpen(ctx, phone.id, customer)) throw graphError(131047, ASYNC_DETAILS[131047]);

  const pair = recent(ctx.pairLog, `${phone.id}:${customer.key}`, now - ctx.settings.pairRate.windowMs);
  if (pair.length >= ctx.settings.pairRate.limit)
    throw graphError(
      131056,
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    );
  pair.push(now);

  const msg: SimOutbound = {
    direction: 'outbound',
    wamid: wamid(),
    phoneNumberId: phone.id,
    wabaId: phone.wabaId,
    customerKey: customer.key,
    input: v.to,
    type: v.type,
    payload: body,
    template,
    pricing: pricingFor(ctx, phone, customer, template?.category ?? null),
    bizOpaqueCallbackData: v.bizOpaqueCallbackData,
    view,
    toUserId: byUserId,
    createdAt: now,
    seq: state.nextSeq(),
    status: 'accepted',
    statuses: [],
  };
  state.outbound.set(msg.wamid, msg);
  state.typingUntil.delete(`${phone.id}:${customer.key}`);
  scheduleStatuses(ctx, msg, linksOf(v));

  const contact: Record<string, string> = { input: v.to };
  if (customer.waId && !(byUserId && customer.hidePhone)) contact.wa_id = customer.waId;
  if (byUserId && customer.userId) contact.user_id = customer.userId;
  return {
    messaging_product: 'whatsapp',
    contacts: [contact],
    messages: [template ? { id: msg.wamid, message_status: 'accepted' } : { id: msg.wamid }],
  };
}

/** Every `link` Meta would have to download before the message can go out. */
function linksOf(v: ValidMessage): { link: string; type: string }[] {
  if ((MEDIA_TYPES as readonly string[]).includes(v.type)) {
    const link = (v.content as MediaContent).link;
    return link ? [{ link, type: v.type }] : [];
  }
  if (v.type === 'interactive') {
    const header = (v.content as InteractiveContent).header;
    const link = headerMedia(header)?.link;
    return header && link ? [{ link, type: header.type }] : [];
  }
  if (v.type === 'template') {
    for (const comp of (v.content as TemplateContent).components ?? []) {
      if (comp.type !== 'header') continue;
      for (const p of comp.parameters ?? []) {
        // A text parameter is a string, whose (legacy) String.prototype.link is not a media link.
        const media = p[p.type];
        const link = media && typeof media === 'object' ? (media as MediaContent).link : undefined;
        if (link && p.type !== 'location') return [{ link, type: p.type }];
      }
    }
  }
  return [];
}

function markRead(ctx: SimContext, phone: SimPhoneNumber, body: Record<string, unknown>): Record<string, unknown> {
  const { messageId, typing } = validateMarkRead(body);
  requireRegistered(phone);
  const inbound = ctx.state.inbound.get(messageId);
  if (!inbound || inbound.phoneNumberId !== phone.id)
    throw graphError(100, `Param message_id (${messageId}) is not a message this number received.`);
  const now = ctx.state.now();
  // Reading one message marks everything before it in the thread read too.
  for (const m of ctx.state.inbound.values()) {
    if (m.phoneNumberId === phone.id && m.customerKey === inbound.customerKey && m.seq <= inbound.seq && m.readAt === null)
      m.readAt = now;
  }
  if (typing) ctx.state.typingUntil.set(`${phone.id}:${inbound.customerKey}`, now + 25_000);
  return { success: true };
}

function scheduleStatuses(ctx: SimContext, msg: SimOutbound, links: { link: string; type: string }[]): void {
  const { scheduler, state, settings } = ctx;
  const customer = state.customers.get(msg.customerKey);
  let failure: WebhookErrorItem | null = null;
  if (customer?.unreachable) failure = webhookError(131026, ASYNC_DETAILS[131026]);
  else if (msg.template?.category === 'MARKETING' && customer?.marketingOptOut)
    failure = webhookError(131050, ASYNC_DETAILS[131050]);

  const timing = settings.status;
  scheduler.later(timing.sent, async () => {
    if (!failure && settings.fetchMediaLinks) {
      for (const { link, type } of links) {
        const fetched = await fetchLinkedMedia(ctx.fetch, state, msg.phoneNumberId, link, type, scheduler.signal);
        if (typeof fetched === 'string') {
          failure = webhookError(131053, fetched);
          break;
        }
        if (msg.view.media?.link === link) msg.view.media.mediaId = fetched.id;
      }
    }
    if (failure) {
      emitStatus(ctx, msg, 'failed', [failure]);
      return;
    }
    if (ctx.emitter.faults.outOfOrder) {
      scheduler.later(timing.delivered + (timing.autoRead ? timing.read : 0), () => {
        for (const s of timing.autoRead ? (['read', 'delivered', 'sent'] as const) : (['delivered', 'sent'] as const))
          emitStatus(ctx, msg, s);
      });
      return;
    }
    emitStatus(ctx, msg, 'sent');
    scheduler.later(timing.delivered, () => {
      emitStatus(ctx, msg, 'delivered');
      if (settings.status.autoRead) scheduler.later(timing.read, () => emitStatus(ctx, msg, 'read'));
    });
  });
}

/** Emits read statuses for delivered messages the customer has now seen (the phone page, autoRead off). */
export function customerReads(ctx: SimContext, phoneNumberId: string, customerKey: string): number {
  let n = 0;
  for (const m of ctx.state.outbound.values()) {
    if (m.phoneNumberId === phoneNumberId && m.customerKey === customerKey && m.status === 'delivered') {
      emitStatus(ctx, m, 'read');
      n++;
    }
  }
  return n;
}

export function emitStatus(ctx: SimContext, msg: SimOutbound, status: StatusEvent['status'], errors?: WebhookErrorItem[]): void {
  const { state } = ctx;
  const phone = state.phoneNumbers.get(msg.phoneNumberId);
  const customer = state.customers.get(msg.customerKey);
  if (!phone || !customer) return;
  // A status happens once; the phone page reading early must not repeat the scheduled `read`.
  if (msg.statuses.some((s) => s.status === status)) return;
  const now = state.now();
  const item: Record<string, unknown> = { id: msg.wamid, status, timestamp: unixSeconds(now) };
  if (msg.toUserId) item.recipient_user_id = customer.userId;
  else item.recipient_id = customer.waId;
  if (msg.bizOpaqueCallbackData !== null) item.biz_opaque_callback_data = msg.bizOpaqueCallbackData;
  if (errors) {
    item.errors = errors;
  } else {
    const first = !msg.statuses.some((s) => s.status !== 'failed');
    const key = `${phone.id}:${customer.key}:${msg.pricing.category}`;
    let conv = state.conversations.get(key);
    if (!conv || conv.expiresAt <= now) state.conversations.set(key, (conv = { id: conversationId(), expiresAt: now + DAY_MS }));
    item.conversation = {
      id: conv.id,
      ...(first ? { expiration_timestamp: unixSeconds(conv.expiresAt) } : {}),
      origin: { type: msg.pricing.category },
    };
    item.pricing = { ...msg.pricing };
  }
  msg.statuses.push({ status, at: now, ...(errors ? { errors } : {}) });
  if (RANK[status] > RANK[msg.status]) msg.status = status;
  ctx.emitter.emit({
    wabaId: msg.wabaId,
    phoneNumberId: phone.id,
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: phone.displayPhoneNumber, phone_number_id: phone.id },
      statuses: [item],
    },
  });
}
