// The shared inbox's write side: agents send every kind of message (text, private notes, media,
// templates, buttons and lists, reactions, replies) into a conversation, retry what WhatsApp refused,
// and search what was said; inbound media is copied into our own store by a job.
//
// A send is stored before it goes out ('pending' under a local placeholder id), so a crash or a
// timeout never loses what the agent wrote, and the same clientRef never sends twice. WhatsApp's
// answer then fills in the real wamid — merging the placeholder row the status webhook may already
// have created for it — or marks the message failed with a reason in plain words.
import crypto from 'node:crypto';
import { Op, Transaction, UniqueConstraintError, type Sequelize, type WhereOptions } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import {
  GraphApiError,
  InvalidRequestError,
  MediaDownloadError,
  type GraphClient,
  type MessageTemplate,
  type OutgoingMessage,
} from '../../whatsapp/index.ts';
import { buildTemplateComponents, headerMediaFormat, type TemplateValues } from '../../whatsapp/template-params.ts';
import type { ChannelInstance } from '../channels/channel.model.ts';
import type { ChannelsService } from '../channels/channels.service.ts';
import type { ConsentService } from '../consent/consent.service.ts';
import { assertWindowOpen, serviceWindow } from '../channels/service-window.ts';
import type { WaMessageAttrs, WaMessageInstance } from '../channels/wa-message.model.ts';
import { STATUS_RANK } from '../channels/webhook-processor.ts';
import type { MediaService } from '../media/media.service.ts';
import { BlobTooLargeError } from '../media/blob-store.ts';
import { MEDIA_LIMITS, baseMime, formatBytes, isMediaKind, mimeFitsKind, type MediaKind } from '../media/media-types.ts';
import { visibilityWhere, visibleConversation } from './access.ts';
import type { ConversationAttrs, ConversationInstance } from './conversation.model.ts';
import { previewOf } from './conversations.ts';
import { serializeConversations } from './inbox.service.ts';
import { OUTCOME_UNKNOWN_REASON, parseMedia, type MediaState } from './message-content.ts';
import { LOCAL_WAMID, serializeMessage, serializeMessages } from './messages.serialize.ts';
import type { InteractiveInput, SendMessageInput, TemplateInput } from './messages.schemas.ts';

export const DOWNLOAD_MEDIA_JOB = 'inbox.download-media';
const TEMPLATE_CACHE_MS = 60_000;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function parseObject(json: string): Json {
  try {
    return obj(JSON.parse(json));
  } catch {
    return {};
  }
}

export interface MentionInput {
  conversationId: number;
  messageId: number;
  userIds: number[];
  text: string;
}

export interface MessagesDeps {
  models: Models;
  sequelize: Sequelize;
  channels: Pick<ChannelsService, 'graphFor'>;
  media: MediaService;
  bus: EventBus | null;
  logger: Logger;
  /** Tells users mentioned in a private note (the collaboration module's notifications). */
  notifyMentions?: (ctx: TenantContext, input: MentionInput) => Promise<unknown>;
  /** Queues a background job (jobs.now). */
  enqueue?: (name: string, data: Json) => Promise<unknown>;
  /** The consent registry's guard: no marketing template reaches an opted-out contact. */
  consent?: Pick<ConsentService, 'assertMarketingAllowedFor'>;
}

/** Template categories that are not marketing (anything else, or an unknown one, is treated as marketing). */
const NON_MARKETING = new Set(['UTILITY', 'AUTHENTICATION']);

/** What a send stores before anything goes to WhatsApp. */
interface Draft {
  type: string;
  payload: Json;
  bodyText: string | null;
  media: MediaState | null;
  replyToWamid: string | null;
}

export class MessagesService {
  readonly #d: MessagesDeps;
  readonly #templates = new Map<number, { at: number; items: MessageTemplate[] }>();

  constructor(deps: MessagesDeps) {
    this.#d = deps;
  }

  // -------------------------------------------------------------------------------------------------
  // Sending

  async send(ctx: TenantContext, conversationId: number, input: SendMessageInput) {
    const M = this.#d.models;
    const conv = await visibleConversation(M, ctx, conversationId);
    if (input.clientRef) {
      const existing = await M.WaMessage.findOne({ where: { conversationId: conv.id, clientRef: input.clientRef } });
      if (existing) return { message: await serializeMessage(M, existing), created: false };
    }
    const isNote = input.type === 'note';
    const channel = await this.#channel(ctx, conv.channelId);
    if (!isNote) {
      if (channel.status !== 'active')
        throw new AppError(409, 'channel_disconnected', 'This WhatsApp number is disconnected; an admin must reconnect it.');
      if (input.type !== 'reaction' && input.afterMessageId !== undefined && !input.force) {
        await this.#checkCollision(ctx, conv, input.afterMessageId);
      }
      // Templates are the one thing WhatsApp allows outside the customer service window.
      if (input.type !== 'template') assertWindowOpen(await this.#window(conv));
      else await this.#assertTemplateAllowed(conv, channel, input.template.name, input.template.language);
    }
    const draft = await this.#draft(ctx, conv, channel, input);
    const now = new Date();
    let row: WaMessageInstance;
    try {
      row = await M.WaMessage.create({
        tenantId: conv.tenantId,
        channelId: conv.channelId,
        conversationId: conv.id,
        wamid: `${isNote ? 'note' : 'local'}:${crypto.randomUUID()}`,
        direction: 'out',
        waId: conv.waId,
        userId: conv.userId,
        type: draft.type,
        payload: JSON.stringify(draft.payload),
        status: isNote ? 'sent' : 'pending',
        statusAt: now,
        occurredAt: now,
        senderUserId: ctx.principal.userId,
        isNote,
        replyToWamid: draft.replyToWamid,
        media: draft.media ? JSON.stringify(draft.media) : null,
        mediaBlobId: draft.media?.blobId ?? null,
        bodyText: draft.bodyText,
        clientRef: input.clientRef ?? null,
      });
    } catch (err) {
      // The same clientRef raced in twice: the other request stored it first.
      if (err instanceof UniqueConstraintError && input.clientRef) {
        const existing = await M.WaMessage.findOne({ where: { conversationId: conv.id, clientRef: input.clientRef } });
        if (existing) return { message: await serializeMessage(M, existing), created: false };
      }
      throw err;
    }

    if (isNote) {
      await this.#mention(ctx, conv, row, input.mentions ?? [], input.text);
    } else {
      const graph = this.#d.channels.graphFor(channel);
      if (await this.#deliver(graph, row, channel, conv)) await this.#markCustomerRead(graph, channel, conv);
      if (row.occurredAt >= conv.lastMessageAt) {
        await conv.update({ lastMessageAt: row.occurredAt, preview: this.#preview(row) });
      }
    }
    await this.#publish(conv.tenantId, 'message.created', { conversationId: Number(conv.id), messageId: Number(row.id) });
    if (!isNote) await this.#publish(conv.tenantId, 'conversation.updated', { conversationId: Number(conv.id) });
    return { message: await serializeMessage(M, row), created: true };
  }

  /** Sends a failed outbound message again, under the same row (it gets a new wamid). */
  async retry(ctx: TenantContext, messageId: number) {
    const M = this.#d.models;
    const row = await M.WaMessage.findOne({ where: { id: messageId, tenantId: ctx.tenantId } });
    if (!row || row.conversationId === null) throw notFound('Message');
    const conv = await visibleConversation(M, ctx, Number(row.conversationId));
    if (row.direction !== 'out' || row.isNote || row.status !== 'failed') {
      throw new AppError(409, 'not_retryable', 'Only an outbound message that failed can be retried.', { status: row.status });
    }
    const channel = await this.#channel(ctx, conv.channelId);
    if (channel.status !== 'active')
      throw new AppError(409, 'channel_disconnected', 'This WhatsApp number is disconnected; an admin must reconnect it.');
    if (row.type !== 'template') assertWindowOpen(await this.#window(conv));
    else {
      const t = obj(parseObject(row.payload).template);
      await this.#assertTemplateAllowed(conv, channel, String(t.name ?? ''), String(obj(t.language).code ?? ''));
    }
    // Claimed with a conditional update: of two retries racing, one sends.
    const [claimed] = await M.WaMessage.update(
      { status: 'pending', statusAt: new Date(), errorCode: null, errorTitle: null },
      { where: { id: row.id, status: 'failed' } },
    );
    if (claimed === 0) throw new AppError(409, 'not_retryable', 'This message is already being retried.');
    await row.reload();
    const graph = this.#d.channels.graphFor(channel);
    if (await this.#deliver(graph, row, channel, conv)) await this.#markCustomerRead(graph, channel, conv);
    await this.#publish(conv.tenantId, 'message.status', {
      conversationId: Number(conv.id),
      messageId: Number(row.id),
      status: row.status,
    });
    await this.#publish(conv.tenantId, 'conversation.updated', { conversationId: Number(conv.id) });
    return serializeMessage(M, row);
  }

  async #channel(ctx: TenantContext, id: number): Promise<ChannelInstance> {
    const channel = await this.#d.models.Channel.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!channel) throw notFound('Channel');
    return channel;
  }

  /**
   * A marketing template (or one whose category we cannot tell, because the approved list could not
   * be loaded or does not hold it) never goes to a contact who opted out: 409 contact_opted_out.
   */
  async #assertTemplateAllowed(conv: ConversationInstance, channel: ChannelInstance, name: string, language: string) {
    if (!this.#d.consent) return;
    let category: string | null = null;
    try {
      category = (await this.#templateList(channel)).find((x) => x.name === name && x.language === language)?.category ?? null;
    } catch (err) {
      this.#d.logger.warn({ err: { message: (err as Error).message }, channelId: channel.id }, 'template list unavailable');
    }
    if (category && NON_MARKETING.has(category.toUpperCase())) return;
    await this.#d.consent.assertMarketingAllowedFor(conv);
  }

  #window(conv: ConversationInstance) {
    return serviceWindow(this.#d.models, {
      tenantId: conv.tenantId,
      channelId: conv.channelId,
      waId: conv.waId ?? conv.customerKey,
    });
  }

  /** 409 when a colleague sent the customer something the composer had not seen yet. */
  async #checkCollision(ctx: TenantContext, conv: ConversationInstance, afterMessageId: number) {
    const me = ctx.principal.userId;
    const newer = await this.#d.models.WaMessage.findOne({
      where: {
        conversationId: conv.id,
        direction: 'out',
        isNote: false,
        id: { [Op.gt]: afterMessageId },
        senderUserId: me === null ? { [Op.ne]: null } : { [Op.and]: [{ [Op.ne]: null }, { [Op.ne]: me }] },
      },
      order: [['id', 'DESC']],
    });
    if (!newer) return;
    const message = await serializeMessage(this.#d.models, newer);
    const by = message.sender ?? { id: newer.senderUserId!, name: '' };
    throw new AppError(
      409,
      'reply_collision',
      `${by.name || 'A colleague'} replied to this customer while you were writing. Read it, then send with force: true if yours still fits.`,
      { message, by },
    );
  }

  /** Turns the request into the WhatsApp message object and what we keep beside it. */
  async #draft(
    ctx: TenantContext,
    conv: ConversationInstance,
    channel: ChannelInstance,
    input: SendMessageInput,
  ): Promise<Draft> {
    let replyToWamid: string | null = null;
    if (input.replyToMessageId !== undefined) {
      replyToWamid = (await this.#target(conv, input.replyToMessageId, 'quote')).wamid;
    }
    const context = replyToWamid && input.type !== 'note' ? { context: { message_id: replyToWamid } } : {};
    switch (input.type) {
      case 'text':
        return {
          type: 'text',
          payload: { type: 'text', text: { body: input.text }, ...context },
          bodyText: input.text,
          media: null,
          replyToWamid,
        };
      case 'note':
        return {
          type: 'text',
          payload: { type: 'text', text: { body: input.text } },
          bodyText: input.text,
          media: null,
          replyToWamid,
        };
      case 'image':
      case 'video':
      case 'audio':
      case 'document':
      case 'sticker': {
        const blob = await this.#d.media.find(ctx.tenantId, input.mediaId);
        this.#assertMediaFits(blob.mime, Number(blob.size), input.type);
        const caption = 'caption' in input && typeof input.caption === 'string' && input.caption ? input.caption : undefined;
        const filename = input.type === 'document' ? this.#d.media.downloadName(blob) : undefined;
        return {
          type: input.type,
          payload: {
            type: input.type,
            [input.type]: { ...(caption ? { caption } : {}), ...(filename ? { filename } : {}) },
            ...context,
          },
          bodyText: caption ?? (input.type === 'document' ? (filename ?? null) : null),
          media: this.#mediaOf(blob),
          replyToWamid,
        };
      }
      case 'template':
        return this.#withContext(await this.#templateDraft(ctx, channel, input.template), context, replyToWamid);
      case 'interactive':
        return {
          type: 'interactive',
          payload: { type: 'interactive', interactive: interactiveContent(input.interactive), ...context },
          bodyText: input.interactive.body,
          media: null,
          replyToWamid,
        };
      case 'reaction': {
        const target = await this.#target(conv, input.messageId, 'react to');
        return {
          type: 'reaction',
          payload: { type: 'reaction', reaction: { message_id: target.wamid, emoji: input.emoji } },
          bodyText: input.emoji || null,
          media: null,
          // Kept so the thread can show what the reaction is on.
          replyToWamid: target.wamid,
        };
      }
    }
  }

  #withContext(d: Omit<Draft, 'replyToWamid'>, context: Json, replyToWamid: string | null): Draft {
    return { ...d, payload: { ...d.payload, ...context }, replyToWamid };
  }

  /** A message of this conversation that WhatsApp knows (it has a real wamid). */
  async #target(conv: ConversationInstance, id: number, doing: string) {
    const m = await this.#d.models.WaMessage.findOne({ where: { id, conversationId: conv.id, tenantId: conv.tenantId } });
    if (!m) throw new AppError(400, 'message_not_in_conversation', `Message ${id} is not in this conversation.`);
    if (m.isNote || LOCAL_WAMID.test(m.wamid)) {
      throw new AppError(400, 'message_not_on_whatsapp', `You can only ${doing} a message that went through WhatsApp.`);
    }
    return m;
  }

  #assertMediaFits(mime: string, size: number, type: MediaKind) {
    if (!mimeFitsKind(mime, type)) {
      throw new AppError(
        400,
        'media_type_mismatch',
        `A ${mime} file cannot be sent as ${type === 'image' ? 'an' : 'a'} ${type}; WhatsApp takes ${MEDIA_LIMITS[type].mimeTypes.join(', ')}${type === 'document' ? '' : ' (or send it as a document)'}.`,
      );
    }
    const max = MEDIA_LIMITS[type].maxBytes;
    if (size > max) throw new AppError(413, 'media_too_large', `${MEDIA_LIMITS[type].label} may be at most ${formatBytes(max)}.`);
  }

  #mediaOf(blob: { id: number; mime: string; size: number; filename: string | null; sha256: string }): MediaState {
    return {
      blobId: Number(blob.id),
      mime: blob.mime,
      size: Number(blob.size),
      filename: blob.filename,
      sha256: blob.sha256,
      state: 'stored',
      error: null,
    };
  }

  /** Template components from the picker's parameters, shaped by the approved template when we know it. */
  async #templateDraft(ctx: TenantContext, channel: ChannelInstance, t: TemplateInput): Promise<Omit<Draft, 'replyToWamid'>> {
    let def: MessageTemplate | undefined;
    try {
      def = (await this.#templateList(channel)).find((x) => x.name === t.name && x.language === t.language);
    } catch (err) {
      // Without the definition the positional shape still works; WhatsApp checks the rest.
      this.#d.logger.warn({ err: { message: (err as Error).message }, channelId: channel.id }, 'template list unavailable');
    }
    let media: MediaState | null = null;
    let headerMedia: TemplateValues['headerMedia'] = null;
    if (t.headerMediaId !== undefined) {
      const blob = await this.#d.media.find(ctx.tenantId, t.headerMediaId);
      const format =
        headerMediaFormat(def) ??
        (mimeFitsKind(blob.mime, 'image') ? 'image' : mimeFitsKind(blob.mime, 'video') ? 'video' : 'document');
      this.#assertMediaFits(blob.mime, Number(blob.size), format);
      headerMedia = format === 'document' ? { format, id: '', filename: this.#d.media.downloadName(blob) } : { format, id: '' };
      media = this.#mediaOf(blob);
    }
    const { components, bodyText } = buildTemplateComponents(def, {
      headerMedia,
      headerParams: t.headerParams,
      bodyParams: t.bodyParams,
      buttonParams: t.buttonParams,
    });
    // The words the customer reads, for search and the thread; the name when we cannot render it.
    return {
      type: 'template',
      payload: {
        type: 'template',
        template: { name: t.name, language: { code: t.language }, ...(components.length ? { components } : {}) },
      },
      bodyText: bodyText ?? `[${t.name}]`,
      media,
    };
  }

  /**
   * Uploads the attachment (if any), sends, and stores the outcome on the row. True when WhatsApp
   * accepted the message; a refusal is stored as 'failed' with its code and reason, never thrown.
   */
  async #deliver(
    graph: GraphClient,
    row: WaMessageInstance,
    channel: ChannelInstance,
    conv: ConversationInstance,
  ): Promise<boolean> {
    const content = parseObject(row.payload);
    const type = row.type;
    const media = parseMedia(row.media);
    let sent: { wamid: string };
    try {
      if (media?.blobId != null) {
        const blob = await this.#d.media.find(row.tenantId, media.blobId);
        const source = await this.#d.media.uploadSource(blob);
        const uploaded = await graph.uploadMedia(channel.phoneNumberId, {
          ...source,
          mimeType: blob.mime,
          filename: this.#d.media.downloadName(blob),
        });
        setUploadedMediaId(type, content, uploaded.id);
      }
      const message = {
        to: conv.waId ?? conv.userId ?? conv.customerKey,
        type,
        [type]: content[type],
        ...(row.replyToWamid && type !== 'reaction' ? { replyTo: row.replyToWamid } : {}),
      } as unknown as OutgoingMessage;
      sent = await graph.send(channel.phoneNumberId, message);
    } catch (err) {
      const failure = this.#failureOf(err, row);
      await this.#d.models.WaMessage.update(
        { status: 'failed', statusAt: new Date(), payload: JSON.stringify(content), ...failure },
        { where: { id: row.id } },
      );
      await row.reload();
      return false;
    }
    // It went out: whatever happens now, the row must never read 'failed' (a retry would send twice).
    await this.#attachWamid(row, sent.wamid, JSON.stringify(content));
    return true;
  }

  #failureOf(err: unknown, row: WaMessageInstance): Pick<WaMessageAttrs, 'errorCode' | 'errorTitle'> {
    if (err instanceof GraphApiError) {
      if (err.outcomeUnknown) return { errorCode: null, errorTitle: OUTCOME_UNKNOWN_REASON };
      if (err.kind === 'network' || err.kind === 'http' || err.kind === 'timeout') {
        return { errorCode: err.code, errorTitle: 'WhatsApp could not be reached. Retry in a moment.' };
      }
      return { errorCode: err.code, errorTitle: (err.details || err.message).slice(0, 500) };
    }
    if (err instanceof InvalidRequestError) return { errorCode: null, errorTitle: err.message.slice(0, 500) };
    if (err instanceof AppError && err.status === 404) {
      return { errorCode: null, errorTitle: 'The attached file is no longer stored.' };
    }
    this.#d.logger.error({ err, messageId: row.id }, 'sending a message failed unexpectedly');
    return { errorCode: null, errorTitle: 'The message could not be sent.' };
  }

  /**
   * Gives the row its real wamid. The status webhook can beat WhatsApp's answer to us, in which case
   * the processor stored a placeholder row under that wamid: its status, pricing and error move onto
   * our row and the placeholder goes, in one transaction.
   */
  async #attachWamid(row: WaMessageInstance, wamid: string, payload: string) {
    const M = this.#d.models;
    for (let attempt = 0; ; attempt++) {
      try {
        // IMMEDIATE on SQLite: this transaction reads before it writes, and a deferred one could not
        // upgrade its lock while the webhook processor writes (MySQL ignores the type).
        await this.#d.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
          const placeholder = await M.WaMessage.findOne({
            where: { channelId: row.channelId, wamid, id: { [Op.ne]: row.id } },
            transaction,
          });
          const values: Partial<WaMessageAttrs> = {
            wamid,
            status: 'accepted',
            statusAt: new Date(),
            payload,
            errorCode: null,
            errorTitle: null,
          };
          if (placeholder) {
            if (placeholder.type !== 'unknown' || placeholder.conversationId !== null) {
              throw new Error(`wamid ${wamid} already belongs to message ${placeholder.id}`);
            }
            if ((STATUS_RANK[placeholder.status] ?? 0) > STATUS_RANK.accepted) {
              Object.assign(values, {
                status: placeholder.status,
                statusAt: placeholder.statusAt,
                errorCode: placeholder.errorCode,
                errorTitle: placeholder.errorTitle,
              });
            }
            if (placeholder.pricing) values.pricing = placeholder.pricing;
            if (placeholder.bizOpaqueCallbackData) values.bizOpaqueCallbackData = placeholder.bizOpaqueCallbackData;
            await placeholder.destroy({ transaction });
          }
          await M.WaMessage.update(values, { where: { id: row.id }, transaction });
        });
        break;
      } catch (err) {
        // The placeholder was inserted between our look and our update: look again.
        if (err instanceof UniqueConstraintError && attempt < 3) continue;
        throw err;
      }
    }
    await row.reload();
  }

  /** Marks the customer's latest message read on WhatsApp (blue ticks), once; best effort. */
  async #markCustomerRead(graph: GraphClient, channel: ChannelInstance, conv: ConversationInstance) {
    const M = this.#d.models;
    const last = await M.WaMessage.findOne({
      where: { conversationId: conv.id, direction: 'in' },
      order: [
        ['occurredAt', 'DESC'],
        ['id', 'DESC'],
      ],
    });
    if (!last || last.status === 'read') return;
    try {
      await graph.markAsRead(channel.phoneNumberId, last.wamid);
      // WhatsApp marks everything before it read too.
      await M.WaMessage.update(
        { status: 'read', statusAt: new Date() },
        { where: { conversationId: conv.id, direction: 'in', status: 'received', occurredAt: { [Op.lte]: last.occurredAt } } },
      );
    } catch (err) {
      this.#d.logger.warn({ err: { message: (err as Error).message }, conversationId: conv.id }, 'could not mark as read');
    }
  }

  #preview(row: WaMessageInstance): string {
    const text = row.bodyText ?? previewOf(row.type, parseObject(row.payload));
    return text.length > 250 ? `${text.slice(0, 249)}…` : text;
  }

  /** Mentioned users hear of the note (the notifications module checks they are members). */
  async #mention(ctx: TenantContext, conv: ConversationInstance, row: WaMessageInstance, userIds: number[], text: string) {
    if (userIds.length === 0 || !this.#d.notifyMentions) return;
    try {
      await this.#d.notifyMentions(ctx, { conversationId: Number(conv.id), messageId: Number(row.id), userIds, text });
    } catch (err) {
      // The note is stored; a lost notification must not turn it into an error.
      this.#d.logger.warn({ err: { message: (err as Error).message }, messageId: row.id }, 'mention notifications failed');
    }
  }

  async #publish(tenantId: number, type: string, data: Json) {
    if (!this.#d.bus) return;
    try {
      await this.#d.bus.publish({ tenantId, topic: 'inbox', type, data });
    } catch (err) {
      this.#d.logger.warn({ err: { message: (err as Error).message } }, 'could not publish a realtime event');
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Search and templates

  /** Messages whose words contain `q`, newest first, in conversations the caller may see. */
  async search(ctx: TenantContext, q: { q: string; limit: number }) {
    const M = this.#d.models;
    const seq = this.#d.sequelize;
    const visible = await visibilityWhere(M, ctx);
    // LIKE with an explicit escape character (SQLite has no default one), so % and _ match themselves.
    const pattern = `%${q.q.replace(/[!%_]/g, (c) => `!${c}`)}%`;
    const qi = seq.getQueryInterface();
    const like = seq.literal(
      `${qi.quoteIdentifier('WaMessage')}.${qi.quoteIdentifier('body_text')} LIKE ${seq.escape(pattern)} ESCAPE '!'`,
    );
    const convWhere: WhereOptions<ConversationAttrs> = visible
      ? { [Op.and]: [{ tenantId: ctx.tenantId }, visible] }
      : { tenantId: ctx.tenantId };
    const rows = await M.WaMessage.findAll({
      where: { [Op.and]: [{ tenantId: ctx.tenantId }, like] },
      include: [{ model: M.Conversation, as: 'conversation', required: true, where: convWhere }],
      order: [
        ['occurredAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: q.limit,
    });
    const convs = new Map<number, ConversationInstance>();
    for (const r of rows) {
      const c = (r as WaMessageInstance & { conversation: ConversationInstance }).conversation;
      convs.set(Number(c.id), c);
    }
    const [messages, conversations] = await Promise.all([
      serializeMessages(M, rows),
      serializeConversations(M, [...convs.values()]),
    ]);
    const byId = new Map(conversations.map((c) => [c.id, c]));
    return {
      items: rows.map((r, i) => ({ message: messages[i], conversation: byId.get(Number(r.conversationId))! })),
    };
  }

  /** A number's approved templates (cached for a minute); campaigns read them through here too. */
  approvedTemplates(channel: ChannelInstance): Promise<MessageTemplate[]> {
    return this.#templateList(channel);
  }

  async #templateList(channel: ChannelInstance): Promise<MessageTemplate[]> {
    const hit = this.#templates.get(channel.id);
    if (hit && Date.now() - hit.at < TEMPLATE_CACHE_MS) return hit.items;
    const items = (await this.#d.channels.graphFor(channel).listTemplates(channel.wabaId, { status: 'APPROVED' })).filter(
      (t) => t.status === 'APPROVED',
    );
    this.#templates.set(channel.id, { at: Date.now(), items });
    return items;
  }

  /** Approved templates of a number, for the composer's picker (cached for a minute). */
  async templates(ctx: TenantContext, channelId: number) {
    const channel = await this.#channel(ctx, channelId);
    let list: MessageTemplate[];
    try {
      list = await this.#templateList(channel);
    } catch (err) {
      const said = err instanceof GraphApiError ? ` (WhatsApp said: ${err.message})` : '';
      throw new AppError(
        502,
        'templates_unavailable',
        `The templates could not be loaded from WhatsApp${said}. Try again in a minute.`,
      );
    }
    return {
      items: list.map((t) => ({
        name: t.name,
        language: t.language,
        category: t.category,
        status: t.status,
        parameterFormat: t.parameter_format ?? null,
        components: (t.components ?? []) as Json[],
      })),
    };
  }

  // -------------------------------------------------------------------------------------------------
  // Inbound media

  /** Queues the download of inbound media messages (called after the webhook batch commits). */
  async enqueueMediaDownloads(messageIds: number[]) {
    if (!this.#d.enqueue) return;
    for (const messageId of messageIds) {
      try {
        await this.#d.enqueue(DOWNLOAD_MEDIA_JOB, { messageId });
      } catch (err) {
        this.#d.logger.error({ err, messageId }, 'could not queue a media download');
      }
    }
  }

  /**
   * Copies an inbound file from WhatsApp into our store (the download URL lives minutes, the media
   * id a week). Throws to be retried while attempts remain and the failure may pass; otherwise the
   * message's media ends 'failed' with the reason.
   */
  async downloadInboundMedia(messageId: number, attempt: { n: number; of: number }) {
    const M = this.#d.models;
    const m = await M.WaMessage.findByPk(messageId);
    const media = m ? parseMedia(m.media) : null;
    if (!m || !media || media.state !== 'pending' || m.direction !== 'in' || !isMediaKind(m.type)) return;
    const type = m.type;
    const limit = MEDIA_LIMITS[type];
    const item = obj(parseObject(m.payload)[type]);
    const finish = async (next: MediaState) => {
      await M.WaMessage.update({ media: JSON.stringify(next), mediaBlobId: next.blobId }, { where: { id: m.id } });
      if (m.conversationId !== null) {
        await this.#publish(m.tenantId, 'message.updated', { conversationId: Number(m.conversationId), messageId: Number(m.id) });
      }
    };
    const fail = (error: string) => finish({ ...media, state: 'failed', error });

    const graphId = str(item.id);
    if (!graphId) return fail('WhatsApp sent no file with this message.');
    if (media.mime && !limit.mimeTypes.includes(baseMime(media.mime))) {
      return fail(`WhatsApp does not allow ${media.mime} files as ${type} messages, so the file was not downloaded.`);
    }
    const channel = await M.Channel.findByPk(m.channelId);
    if (!channel) return fail('The number this arrived on is no longer connected.');
    try {
      const download = await this.#d.channels.graphFor(channel).downloadMedia(graphId, {
        maxBytes: limit.maxBytes,
        allowedMimeTypes: [...limit.mimeTypes],
        phoneNumberId: channel.phoneNumberId,
        ...(media.sha256 ? { sha256: media.sha256 } : {}),
      });
      const blob = await this.#d.media.saveStream(m.tenantId, download.stream, {
        mime: download.mimeType || media.mime || 'application/octet-stream',
        filename: media.filename,
        maxBytes: limit.maxBytes,
      });
      await finish({ ...this.#mediaOf(blob), filename: media.filename });
    } catch (err) {
      const permanent =
        err instanceof MediaDownloadError ||
        err instanceof BlobTooLargeError ||
        err instanceof AppError ||
        (err instanceof GraphApiError && !err.retryable);
      if (!permanent && attempt.n < attempt.of) throw err;
      this.#d.logger.warn({ err: { message: (err as Error).message }, messageId, attempt: attempt.n }, 'media download failed');
      await fail(downloadFailure(err, type, limit));
    }
  }
}

function downloadFailure(err: unknown, type: MediaKind, limit: (typeof MEDIA_LIMITS)[MediaKind]): string {
  if (err instanceof MediaDownloadError) {
    switch (err.reason) {
      case 'too_large':
        return `The file is larger than WhatsApp allows for ${type} messages (${formatBytes(limit.maxBytes)}), so it was not kept.`;
      case 'mime_type':
        return `The file's type (${err.mimeType ?? 'unknown'}) is not one WhatsApp allows for ${type} messages, so it was not kept.`;
      case 'sha256_mismatch':
        return 'The downloaded file did not match its checksum, so it was not kept.';
      case 'untrusted_url':
        return 'WhatsApp pointed the download at an unexpected address, so it was not fetched.';
    }
  }
  if (err instanceof BlobTooLargeError) {
    return `The file is larger than WhatsApp allows for ${type} messages (${formatBytes(limit.maxBytes)}), so it was not kept.`;
  }
  if (err instanceof AppError) return err.message;
  if (err instanceof GraphApiError) return `WhatsApp would not hand over the file: ${err.details || err.message}`;
  return 'The file could not be downloaded from WhatsApp.';
}

/** Puts the id of the just-uploaded file where the message object expects it. */
function setUploadedMediaId(type: string, content: Json, id: string) {
  if (isMediaKind(type)) {
    content[type] = { ...obj(content[type]), id };
    return;
  }
  if (type === 'template') {
    for (const c of (obj(content.template).components ?? []) as Json[]) {
      if (c.type !== 'header') continue;
      for (const p of (c.parameters ?? []) as Json[]) {
        const kind = String(p.type);
        if (kind === 'image' || kind === 'video' || kind === 'document') p[kind] = { ...obj(p[kind]), id };
      }
    }
  }
}

function interactiveContent(i: InteractiveInput): Json {
  const common = {
    ...(i.header ? { header: { type: 'text', text: i.header } } : {}),
    body: { text: i.body },
    ...(i.footer ? { footer: { text: i.footer } } : {}),
  };
  if (i.kind === 'buttons') {
    return {
      type: 'button',
      ...common,
      action: { buttons: i.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
    };
  }
  return {
    type: 'list',
    ...common,
    action: {
      button: i.button,
      sections: i.sections.map((s) => ({
        ...(s.title ? { title: s.title } : {}),
        rows: s.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })),
      })),
    },
  };
}
