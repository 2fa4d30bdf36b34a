// The shared inbox's read side: conversation lists with filters and keyset pagination (stable and
// fast however many conversations a tenant has), a conversation's messages newest first, and
// marking a conversation read. Every query filters by the caller's tenant.
import { Op, type WhereOptions } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { visibilityWhere, visibleConversation } from './access.ts';
import type { WaMessageInstance } from '../channels/wa-message.model.ts';
import type { ConversationAttrs, ConversationInstance, ConversationStatus } from './conversation.model.ts';

const encode = (at: Date, id: number) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
function decode(cursor: string): { at: Date; id: number } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  const n = Number(id);
  if (Number.isNaN(at.getTime()) || !Number.isSafeInteger(n)) {
    throw new AppError(400, 'invalid_cursor', 'This cursor is not valid; start again from the first page.');
  }
  return { at, id: n };
}

export function serializeConversation(c: ConversationInstance, now = new Date()) {
  return {
    id: Number(c.id),
    channelId: c.channelId,
    customer: { waId: c.waId, userId: c.userId, name: c.profileName },
    status: c.status,
    unreadCount: c.unreadCount,
    lastMessageAt: c.lastMessageAt.toISOString(),
    preview: c.preview,
    window: { open: Boolean(c.windowExpiresAt && c.windowExpiresAt > now), expiresAt: c.windowExpiresAt?.toISOString() ?? null },
  };
}

function parseObject(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function serializeMessage(m: WaMessageInstance) {
  const content = parseObject(m.payload);
  return {
    id: Number(m.id),
    wamid: m.wamid,
    direction: m.direction,
    type: m.type,
    status: m.status,
    statusAt: m.statusAt?.toISOString() ?? null,
    error: m.errorCode || m.errorTitle ? { code: m.errorCode, reason: m.errorTitle } : null,
    occurredAt: m.occurredAt.toISOString(),
    content,
  };
}

export class InboxService {
  readonly #models: Models;
  constructor(models: Models) {
    this.#models = models;
  }

  async list(
    ctx: TenantContext,
    q: {
      status?: ConversationStatus;
      unread?: 'true' | 'false';
      window?: 'open' | 'closed';
      channel?: number;
      limit: number;
      cursor?: string;
    },
  ) {
    const now = new Date();
    const and: WhereOptions<ConversationAttrs>[] = [{ tenantId: ctx.tenantId }];
    const visible = await visibilityWhere(this.#models, ctx);
    if (visible) and.push(visible);
    if (q.status) and.push({ status: q.status });
    if (q.channel) and.push({ channelId: q.channel });
    if (q.unread === 'true') and.push({ unreadCount: { [Op.gt]: 0 } });
    if (q.unread === 'false') and.push({ unreadCount: 0 });
    if (q.window === 'open') and.push({ windowExpiresAt: { [Op.gt]: now } });
    if (q.window === 'closed') and.push({ [Op.or]: [{ windowExpiresAt: null }, { windowExpiresAt: { [Op.lte]: now } }] });
    if (q.cursor) {
      const c = decode(q.cursor);
      and.push({ [Op.or]: [{ lastMessageAt: { [Op.lt]: c.at } }, { lastMessageAt: c.at, id: { [Op.lt]: c.id } }] });
    }
    const rows = await this.#models.Conversation.findAll({
      where: { [Op.and]: and },
      order: [
        ['lastMessageAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((c) => serializeConversation(c, now)),
      nextCursor: rows.length > q.limit && last ? encode(last.lastMessageAt, Number(last.id)) : null,
    };
  }

  async #own(ctx: TenantContext, id: number) {
    return visibleConversation(this.#models, ctx, id);
  }

  async get(ctx: TenantContext, id: number) {
    return serializeConversation(await this.#own(ctx, id));
  }

  async messages(ctx: TenantContext, id: number, q: { limit: number; before?: string }) {
    const conv = await this.#own(ctx, id);
    const and: WhereOptions[] = [{ tenantId: ctx.tenantId, conversationId: conv.id }];
    if (q.before) {
      const c = decode(q.before);
      and.push({ [Op.or]: [{ occurredAt: { [Op.lt]: c.at } }, { occurredAt: c.at, id: { [Op.lt]: c.id } }] });
    }
    const rows = await this.#models.WaMessage.findAll({
      where: { [Op.and]: and },
      order: [
        ['occurredAt', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map(serializeMessage),
      nextCursor: rows.length > q.limit && last ? encode(last.occurredAt, Number(last.id)) : null,
    };
  }

  async markRead(ctx: TenantContext, id: number) {
    const conv = await this.#own(ctx, id);
    await conv.update({ unreadCount: 0 });
    return serializeConversation(conv);
  }
}
