// A member's inbox notifications: @mentions in private notes and conversations assigned to them.
// Each one is a row (so it survives a closed tab) and an event on the member's own `user:<id>` topic,
// which only that member may subscribe to.
import { Op, type WhereOptions } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import type { NotificationAttrs, NotificationInstance } from './collaboration.models.ts';

export const NOTIFICATION_KINDS = ['mention', 'assigned'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

const TEXT_MAX = 255;
const clip = (s: string | null | undefined) => (s ? (s.length > TEXT_MAX ? `${s.slice(0, TEXT_MAX - 1)}…` : s) : null);

/** The realtime topic only this user may subscribe to. */
export const userTopic = (userId: number) => `user:${userId}`;

/** Notifications belong to a person: API tokens (no user) get a clear 400 rather than someone else's. */
export function callerUserId(ctx: TenantContext): number {
  const id = ctx.principal.userId;
  if (!id) throw new AppError(400, 'user_required', 'This needs a signed-in user; API tokens have none.');
  return id;
}

export interface MentionNotice {
  conversationId: number;
  messageId: number;
  userIds: number[];
  text: string;
}

export interface NotificationsDeps {
  models: Models;
  bus: EventBus | null;
  logger: Logger;
}

export class NotificationsService {
  readonly #d: NotificationsDeps;

  constructor(deps: NotificationsDeps) {
    this.#d = deps;
  }

  /** The caller's notifications, newest first. */
  async list(ctx: TenantContext, q: { unread?: 'true' | 'false'; limit: number; before?: number }) {
    const userId = callerUserId(ctx);
    const where: WhereOptions<NotificationAttrs>[] = [{ tenantId: ctx.tenantId, userId }];
    if (q.unread === 'true') where.push({ readAt: null });
    if (q.unread === 'false') where.push({ readAt: { [Op.ne]: null } });
    if (q.before !== undefined) where.push({ id: { [Op.lt]: q.before } });
    const rows = await this.#d.models.Notification.findAll({
      where: { [Op.and]: where },
      order: [['id', 'DESC']],
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const actorIds = [...new Set(page.map((n) => n.actorUserId).filter((v): v is number => v !== null))];
    const actors = actorIds.length
      ? await this.#d.models.User.findAll({ where: { id: { [Op.in]: actorIds } }, attributes: ['id', 'name', 'email'] })
      : [];
    const names = new Map(actors.map((u) => [u.id, u.name || u.email]));
    const unread = await this.#d.models.Notification.count({ where: { tenantId: ctx.tenantId, userId, readAt: null } });
    return {
      items: page.map((n) => serialize(n, names)),
      unread,
      nextBefore: rows.length > q.limit && page.length ? Number(page[page.length - 1].id) : null,
    };
  }

  /** Marks the caller's notifications read: the given ids, or all of them. */
  async markRead(ctx: TenantContext, ids?: number[]) {
    const userId = callerUserId(ctx);
    const where: WhereOptions<NotificationAttrs> = { tenantId: ctx.tenantId, userId, readAt: null };
    if (ids) Object.assign(where, { id: { [Op.in]: ids } });
    const [updated] = await this.#d.models.Notification.update({ readAt: new Date() }, { where });
    return { updated };
  }

  /**
   * Tells members mentioned in a private note. Only members of the tenant are told, never the
   * author; returns the ids that were notified.
   */
  async notifyMentions(ctx: TenantContext, input: MentionNotice): Promise<number[]> {
    const wanted = [...new Set(input.userIds.filter((id) => Number.isSafeInteger(id) && id > 0))];
    if (wanted.length === 0) return [];
    const members = await this.#d.models.Membership.findAll({
      where: { tenantId: ctx.tenantId, userId: { [Op.in]: wanted } },
      attributes: ['userId'],
    });
    const ids = [...new Set(members.map((m) => m.userId))].filter((id) => id !== ctx.principal.userId).sort((a, b) => a - b);
    for (const userId of ids) {
      await this.create({
        tenantId: ctx.tenantId,
        userId,
        kind: 'mention',
        conversationId: input.conversationId,
        messageId: input.messageId,
        actorUserId: ctx.principal.userId,
        text: input.text,
      });
    }
    return ids;
  }

  /** Stores one notification and announces it on the recipient's own topic (best effort). */
  async create(n: {
    tenantId: number;
    userId: number;
    kind: NotificationKind;
    conversationId: number | null;
    messageId?: number | null;
    actorUserId: number | null;
    text: string | null;
  }) {
    const row = await this.#d.models.Notification.create({
      tenantId: n.tenantId,
      userId: n.userId,
      kind: n.kind,
      conversationId: n.conversationId,
      messageId: n.messageId ?? null,
      actorUserId: n.actorUserId,
      text: clip(n.text),
    });
    if (this.#d.bus) {
      try {
        await this.#d.bus.publish({
          tenantId: n.tenantId,
          topic: userTopic(n.userId),
          type: 'notification.created',
          data: { id: Number(row.id), kind: n.kind, conversationId: n.conversationId },
        });
      } catch (err) {
        this.#d.logger.warn({ err: { message: (err as Error).message } }, 'could not publish a notification event');
      }
    }
    return row;
  }
}

function serialize(n: NotificationInstance, names: ReadonlyMap<number, string>) {
  return {
    id: Number(n.id),
    kind: n.kind,
    conversationId: n.conversationId === null ? null : Number(n.conversationId),
    messageId: n.messageId === null ? null : Number(n.messageId),
    actor: n.actorUserId !== null ? { id: n.actorUserId, name: names.get(n.actorUserId) ?? null } : null,
    text: n.text,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}
