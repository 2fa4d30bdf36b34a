// Customers talking to a business: turns a compact description (`{type:'text', text:'hi'}`) into the
// exact `messages[]` webhook item of Meta's payload, stores inbound media so the product can download
// it, opens the 24 h window and emits the signed webhook.
import { unixSeconds, type SimContext } from './context.ts';
import { webhookError } from './errors.ts';
import { wamid } from './ids.ts';
import { INBOUND_TTL_MS, storeMedia } from './media.ts';
import type { SimCustomer, SimInbound, SimOutbound, SimPhoneNumber } from './state.ts';

/** A problem with control input (HTTP control routes answer 400 with it). */
export class ControlError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = 'ControlError';
    this.status = status;
  }
}

export interface InboundMediaInput {
  /** Bytes, or base64 text (the HTTP control API). Defaults to a tiny sample of the right kind. */
  data?: Buffer | string;
  mimeType?: string;
  filename?: string;
}

export interface Referral {
  sourceUrl?: string;
  sourceId?: string;
  sourceType?: 'ad' | 'post';
  headline?: string;
  body?: string;
  mediaType?: 'image' | 'video';
  imageUrl?: string;
  videoUrl?: string;
  thumbnailUrl?: string;
  ctwaClid?: string;
  welcomeMessage?: string;
}

export interface CustomerMessageCommon {
  phoneNumberId: string;
  /** The customer's wa_id (digits). Optional for username users identified by `userId`. */
  from?: string;
  /** Profile name; remembered for later messages. */
  name?: string;
  /** Business-scoped user id (BSUID), e.g. `US.13491208655302741918`. */
  userId?: string;
  username?: string;
  /** The customer uses a username: the webhook omits `from` and `wa_id`. */
  hidePhone?: boolean;
  context?: {
    /** wamid of the message being quoted. */
    replyTo?: string;
    forwarded?: boolean;
    frequentlyForwarded?: boolean;
    referredProduct?: { catalogId: string; productRetailerId: string };
  };
  /** The customer came from a click-to-WhatsApp ad (true = a default ad). */
  referral?: true | Referral;
}

export type CustomerMessageInput = CustomerMessageCommon &
  (
    | { type: 'text'; text: string }
    | { type: 'image' | 'video'; caption?: string; media?: InboundMediaInput }
    | { type: 'document'; caption?: string; filename?: string; media?: InboundMediaInput }
    | { type: 'sticker'; animated?: boolean; media?: InboundMediaInput }
    | { type: 'audio'; voice?: boolean; media?: InboundMediaInput }
    | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string; url?: string }
    | { type: 'contacts'; contacts: Record<string, unknown>[] }
    | { type: 'button_reply'; id: string; title: string }
    | { type: 'list_reply'; id: string; title: string; description?: string }
    | { type: 'nfm_reply'; name?: 'flow' | 'address_message'; body?: string; response: Record<string, unknown> | string }
    | { type: 'button'; text: string; payload?: string }
    | { type: 'reaction'; messageId: string; emoji?: string }
    | {
        type: 'order';
        catalogId: string;
        text?: string;
        items: { productRetailerId: string; quantity: number; itemPrice: number; currency: string }[];
      }
    | {
        type: 'system';
        systemType?: 'user_changed_number' | 'customer_identity_changed' | 'user_changed_user_id';
        body?: string;
        newWaId?: string;
        newUserId?: string;
        identity?: string;
      }
    | { type: 'request_welcome' }
    | { type: 'unsupported'; unsupportedType?: string }
  );

export const INBOUND_TYPES = [
  'text',
  'image',
  'video',
  'document',
  'sticker',
  'audio',
  'location',
  'contacts',
  'button_reply',
  'list_reply',
  'nfm_reply',
  'button',
  'reaction',
  'order',
  'system',
  'request_welcome',
  'unsupported',
] as const;

export interface InboundResult {
  wamid: string;
  customer: string;
  mediaId: string | null;
  /** The `messages[]` item as the webhook carries it. */
  message: Record<string, unknown>;
}

// Tiny but genuine files, so a product that inspects or thumbnails media does not choke.
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const SAMPLES: Record<string, { mimeType: string; data: () => Buffer; filename?: string }> = {
  image: { mimeType: 'image/png', data: () => Buffer.from(PNG_1PX, 'base64') },
  video: {
    mimeType: 'video/mp4',
    data: () => Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(12)]),
  },
  audio: { mimeType: 'audio/ogg; codecs=opus', data: () => Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]) },
  document: {
    mimeType: 'application/pdf',
    filename: 'document.pdf',
    data: () =>
      Buffer.from(
        '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
      ),
  },
  sticker: {
    mimeType: 'image/webp',
    data: () => Buffer.concat([Buffer.from('RIFF'), Buffer.from([26, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.alloc(14)]),
  },
};

function need(value: unknown, what: string): void {
  if (value === undefined || value === null || value === '') throw new ControlError(`${what} is required.`);
}

function lastOutbound(
  ctx: SimContext,
  phone: SimPhoneNumber,
  customer: SimCustomer,
  pick: (m: SimOutbound) => boolean,
): SimOutbound | undefined {
  return ctx.state
    .conversation(phone.id, customer.key)
    .filter((m): m is SimOutbound => m.direction === 'outbound' && pick(m))
    .pop();
}

function referralJson(r: true | Referral): Record<string, unknown> {
  const x = r === true ? {} : r;
  const mediaType = x.mediaType ?? 'image';
  return {
    source_url: x.sourceUrl ?? 'https://fb.me/3cr4Wqqkk',
    source_id: x.sourceId ?? '120210000000000001',
    source_type: x.sourceType ?? 'ad',
    headline: x.headline ?? 'Spring sale',
    body: x.body ?? 'Message us for 25% off',
    media_type: mediaType,
    ...(mediaType === 'image'
      ? { image_url: x.imageUrl ?? 'https://scontent.xx.fbcdn.net/ad-image.jpg' }
      : {
          video_url: x.videoUrl ?? 'https://video.xx.fbcdn.net/ad-video.mp4',
          thumbnail_url: x.thumbnailUrl ?? 'https://scontent.xx.fbcdn.net/thumb.jpg',
        }),
    ctwa_clid:
      x.ctwaClid ?? 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a',
    ...(x.welcomeMessage ? { welcome_message: { text: x.welcomeMessage } } : {}),
  };
}

/** Builds, records and emits one inbound message; throws ControlError on bad input. */
export function customerSays(ctx: SimContext, input: CustomerMessageInput): InboundResult {
  const { state } = ctx;
  need(input.phoneNumberId, 'phoneNumberId');
  const phone = state.phoneNumbers.get(input.phoneNumberId);
  if (!phone) throw new ControlError(`Unknown phone number id ${input.phoneNumberId}.`, 404);
  if (!phone.registered) throw new ControlError(`Phone number ${phone.id} is not registered, so it receives nothing.`, 409);
  if (!input.from && !input.userId) throw new ControlError('from (wa_id) or userId is required.');
  if (input.from && !/^\d{6,15}$/.test(input.from)) throw new ControlError('from must be the wa_id: digits only, no +.');
  if (!(INBOUND_TYPES as readonly string[]).includes(input.type))
    throw new ControlError(`type must be one of ${INBOUND_TYPES.join(', ')}.`);

  const customer = state.ensureCustomer({ waId: input.from ?? null, userId: input.userId ?? null, name: input.name });
  if (input.username !== undefined) customer.username = input.username;
  if (input.hidePhone !== undefined) customer.hidePhone = input.hidePhone;
  if (customer.hidePhone && !customer.userId)
    throw new ControlError('A customer who hides their phone number needs a userId (BSUID).');
  if (!customer.name) customer.name = input.name ?? `Customer ${customer.key.slice(-4)}`;

  const now = state.now();
  const id = wamid();
  const message: Record<string, unknown> = {};
  if (customer.waId && !customer.hidePhone) message.from = customer.waId;
  if (customer.userId) message.from_user_id = customer.userId;
  message.id = id;
  message.timestamp = unixSeconds(now);
  let mediaId: string | null = null;
  let webhookType: string = input.type;

  switch (input.type) {
    case 'text':
      need(input.text, 'text');
      message.text = { body: input.text };
      break;
    case 'image':
    case 'video':
    case 'document':
    case 'sticker':
    case 'audio': {
      const sample = SAMPLES[input.type];
      const m = input.media ?? {};
      const bytes = m.data === undefined ? sample.data() : typeof m.data === 'string' ? Buffer.from(m.data, 'base64') : m.data;
      const mimeType = m.mimeType ?? sample.mimeType;
      const filename =
        input.type === 'document' ? (input.filename ?? m.filename ?? sample.filename ?? 'document') : (m.filename ?? null);
      const stored = storeMedia(state, { phoneNumberId: phone.id, bytes, mimeType, filename, origin: 'inbound' });
      stored.expiresAt = now + INBOUND_TTL_MS;
      mediaId = stored.id;
      const obj: Record<string, unknown> = {};
      if ('caption' in input && input.caption) obj.caption = input.caption;
      if (input.type === 'document') obj.filename = filename;
      obj.mime_type = mimeType;
      obj.sha256 = stored.sha256.toString('base64');
      obj.id = stored.id;
      if (input.type === 'sticker') obj.animated = input.animated ?? false;
      if (input.type === 'audio') obj.voice = input.voice ?? false;
      message[input.type] = obj;
      break;
    }
    case 'location':
      need(input.latitude, 'latitude');
      need(input.longitude, 'longitude');
      message.location = {
        latitude: input.latitude,
        longitude: input.longitude,
        ...(input.name ? { name: input.name } : {}),
        ...(input.address ? { address: input.address } : {}),
        ...(input.url ? { url: input.url } : {}),
      };
      break;
    case 'contacts':
      if (!Array.isArray(input.contacts) || !input.contacts.length)
        throw new ControlError('contacts must be a non-empty array of contact cards.');
      message.contacts = input.contacts;
      break;
    case 'button_reply':
    case 'list_reply':
    case 'nfm_reply': {
      webhookType = 'interactive';
      let reply: Record<string, unknown>;
      if (input.type === 'nfm_reply') {
        need(input.response, 'response');
        reply = {
          name: input.name ?? 'flow',
          body: input.body ?? 'Sent',
          response_json: typeof input.response === 'string' ? input.response : JSON.stringify(input.response),
        };
      } else {
        need(input.id, 'id');
        need(input.title, 'title');
        reply = {
          id: input.id,
          title: input.title,
          ...(input.type === 'list_reply' && input.description ? { description: input.description } : {}),
        };
      }
      message.interactive = { type: input.type, [input.type]: reply };
      break;
    }
    case 'button':
      need(input.text, 'text');
      message.button = { payload: input.payload ?? input.text, text: input.text };
      break;
    case 'reaction':
      need(input.messageId, 'messageId');
      message.reaction = { message_id: input.messageId, ...(input.emoji ? { emoji: input.emoji } : {}) };
      break;
    case 'order':
      need(input.catalogId, 'catalogId');
      if (!Array.isArray(input.items) || !input.items.length) throw new ControlError('items must list at least one product.');
      message.order = {
        catalog_id: input.catalogId,
        ...(input.text ? { text: input.text } : {}),
        product_items: input.items.map((i) => ({
          product_retailer_id: i.productRetailerId,
          quantity: i.quantity,
          item_price: i.itemPrice,
          currency: i.currency,
        })),
      };
      break;
    case 'system': {
      const systemType = input.systemType ?? 'user_changed_number';
      const system: Record<string, unknown> = { body: input.body ?? '', type: systemType };
      if (systemType === 'user_changed_number') {
        need(input.newWaId, 'newWaId');
        system.body ||= `${customer.name} changed from ${customer.waId ?? ''} to ${input.newWaId}`;
        system.wa_id = input.newWaId;
      } else if (systemType === 'customer_identity_changed') {
        system.body ||= `${customer.name}'s security code changed.`;
        system.identity = input.identity ?? 'acwGqkRk2mk=';
      } else {
        need(input.newUserId, 'newUserId');
        system.body ||= `${customer.name} changed their user id.`;
        system.user_id = input.newUserId;
      }
      message.system = system;
      break;
    }
    case 'request_welcome':
      break;
    case 'unsupported':
      message.unsupported = { type: input.unsupportedType ?? 'poll' };
      message.errors = [webhookError(131051, 'Message type is currently not supported.')];
      break;
  }
  message.type = webhookType;

  // Replies to buttons quote the message that had them, as WhatsApp does.
  const ctxIn = input.context ?? {};
  let quoted = ctxIn.replyTo;
  if (!quoted && (input.type === 'button_reply' || input.type === 'list_reply' || input.type === 'nfm_reply'))
    quoted = lastOutbound(ctx, phone, customer, (m) => m.type === 'interactive')?.wamid;
  if (!quoted && input.type === 'button') quoted = lastOutbound(ctx, phone, customer, (m) => m.type === 'template')?.wamid;
  const context: Record<string, unknown> = {};
  if (quoted || ctxIn.referredProduct) {
    context.from = phone.displayPhoneNumber;
    context.id = quoted ?? lastOutbound(ctx, phone, customer, () => true)?.wamid ?? wamid();
  }
  if (ctxIn.forwarded) context.forwarded = true;
  if (ctxIn.frequentlyForwarded) context.frequently_forwarded = true;
  if (ctxIn.referredProduct)
    context.referred_product = {
      catalog_id: ctxIn.referredProduct.catalogId,
      product_retailer_id: ctxIn.referredProduct.productRetailerId,
    };
  if (Object.keys(context).length) message.context = context;
  if (input.referral) {
    message.referral = referralJson(input.referral);
    customer.entryPointAt.set(phone.id, now);
  }

  // Any message the customer sends (not a system notice) opens or refreshes the service window.
  if (input.type !== 'system') customer.lastInboundAt.set(phone.id, now);

  const record: SimInbound = {
    direction: 'inbound',
    wamid: id,
    phoneNumberId: phone.id,
    customerKey: customer.key,
    type: webhookType,
    message,
    createdAt: now,
    seq: state.nextSeq(),
    readAt: null,
  };
  state.inbound.set(id, record);

  const contact: Record<string, unknown> = {
    profile: { name: customer.name, ...(customer.username ? { username: customer.username } : {}) },
  };
  if (customer.waId && !customer.hidePhone) contact.wa_id = customer.waId;
  if (customer.userId) contact.user_id = customer.userId;
  ctx.emitter.emit({
    wabaId: phone.wabaId,
    phoneNumberId: phone.id,
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: phone.displayPhoneNumber, phone_number_id: phone.id },
      contacts: [contact],
      messages: [message],
    },
  });
  return { wamid: id, customer: customer.key, mediaId, message };
}
