// The shared inbox's read side: conversation lists with filters and keyset pagination (stable and
// fast however many conversations a tenant has), a conversation's messages newest first, and
// marking a conversation read. Every query filters by the caller's tenant.
import { Op, literal, type WhereOptions } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import type { EventBus } from '../../realtime/index.ts';
import { AppError } from '../../http/errors.ts';
import { visibilityWhere, visibleConversation } from './access.ts';
import { serializeMessages } from './messages.serialize.ts';
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

/** Names and labels a page of conversations refers to, loaded once for the whole page. */
export interface ConversationRelations {
  users: ReadonlyMap<number, string>;
  teams: ReadonlyMap<number, string>;
  labels: ReadonlyMap<number, { id: number; name: string; color: string }[]>;
  /** The CRM name of each linked contact (by contact id), where it has one. */
  contacts: ReadonlyMap<number, string>;
}
const NO_RELATIONS: ConversationRelations = { users: new Map(), teams: new Map(), labels: new Map(), contacts: new Map() };

/** One query per kind (assignees, teams, label links, labels), however many conversations. */
export async function loadRelations(models: Models, rows: ConversationInstance[]): Promise<ConversationRelations> {
  if (rows.length === 0) return NO_RELATIONS;
  const tenantId = rows[0].tenantId;
  const userIds = [...new Set(rows.map((c) => c.assigneeUserId).filter((v): v is number => v !== null))];
  const teamIds = [...new Set(rows.map((c) => c.teamId).filter((v): v is number => v !== null))];
  const contactIds = [
    ...new Set(
      rows
        .map((c) => c.contactId)
        .filter((v): v is number => v !== null)
        .map(Number),
    ),
  ];
  const [users, teams, links, contacts] = await Promise.all([
    userIds.length ? models.User.findAll({ where: { id: { [Op.in]: userIds } }, attributes: ['id', 'name', 'email'] }) : [],
    teamIds.length ? models.Team.findAll({ where: { tenantId, id: { [Op.in]: teamIds } }, attributes: ['id', 'name'] }) : [],
    models.ConversationLabel.findAll({
      where: { tenantId, conversationId: { [Op.in]: rows.map((c) => c.id) } },
      attributes: ['conversationId', 'labelId'],
    }),
    contactIds.length
      ? models.Contact.findAll({ where: { tenantId, id: { [Op.in]: contactIds } }, attributes: ['id', 'name'] })
      : [],
  ]);
  const labelIds = [...new Set(links.map((l) => l.labelId))];
  const labelRows = labelIds.length
    ? await models.Label.findAll({ where: { tenantId, id: { [Op.in]: labelIds } }, attributes: ['id', 'name', 'color'] })
    : [];
  const labelById = new Map(labelRows.map((l) => [l.id, { id: l.id, name: l.name, color: l.color }]));
  const labels = new Map<number, { id: number; name: string; color: string }[]>();
  for (const link of links) {
    const label = labelById.get(link.labelId);
    if (!label) continue;
    const id = Number(link.conversationId);
    labels.set(id, [...(labels.get(id) ?? []), label]);
  }
  for (const list of labels.values()) list.sort((x, y) => x.name.localeCompare(y.name));
  return {
    users: new Map(users.map((u) => [u.id, u.name || u.email])),
    teams: new Map(teams.map((t) => [t.id, t.name])),
    labels,
    contacts: new Map(contacts.filter((c) => c.name?.trim()).map((c) => [Number(c.id), c.name!.trim()])),
  };
}

/**
 * The Conversation object. Names and labels come from `related` (see loadRelations); without it the
 * assignee and team carry their ids with a null name and labels are empty — use
 * serializeConversations for anything an agent sees.
 */
export function serializeConversation(c: ConversationInstance, now = new Date(), related: ConversationRelations = NO_RELATIONS) {
  const id = Number(c.id);
  return {
    id,
    channelId: c.channelId,
    // The name the business gave the contact wins over the one the customer set on WhatsApp.
    customer: {
      waId: c.waId,
      userId: c.userId,
      name: (c.contactId !== null ? related.contacts.get(Number(c.contactId)) : undefined) ?? c.profileName,
      profileName: c.profileName,
    },
    status: c.status,
    priority: c.priority,
    assignee: c.assigneeUserId !== null ? { id: c.assigneeUserId, name: related.users.get(c.assigneeUserId) ?? null } : null,
    team: c.teamId !== null ? { id: c.teamId, name: related.teams.get(c.teamId) ?? null } : null,
    labels: related.labels.get(id) ?? [],
    snoozedUntil: c.snoozedUntil?.toISOString() ?? null,
    unreadCount: c.unreadCount,
    lastMessageAt: c.lastMessageAt.toISOString(),
    preview: c.preview,
    window: { open: Boolean(c.windowExpiresAt && c.windowExpiresAt > now), expiresAt: c.windowExpiresAt?.toISOString() ?? null },
  };
}

/** The customer's name as agents see it: the linked contact's CRM name, else their WhatsApp profile name. */
export async function customerName(models: Models, c: ConversationInstance): Promise<string | null> {
  if (c.contactId === null) return c.profileName;
  const contact = await models.Contact.findOne({ where: { tenantId: c.tenantId, id: c.contactId }, attributes: ['name'] });
  return contact?.name?.trim() || c.profileName;
}

/** A page of conversations with assignee and team names and labels, in a constant number of queries. */
export async function serializeConversations(models: Models, rows: ConversationInstance[], now = new Date()) {
  const related = await loadRelations(models, rows);
  return rows.map((c) => serializeConversation(c, now, related));
}

export type ConversationView = ReturnType<typeof serializeConversation>;

export class InboxService {
  readonly #models: Models;
  readonly #bus: EventBus | null;
  constructor(models: Models, bus: EventBus | null = null) {
    this.#models = models;
    this.#bus = bus;
  }

  async list(
    ctx: TenantContext,
    q: {
      status?: ConversationStatus;
      unread?: 'true' | 'false';
      window?: 'open' | 'closed';
      channel?: number;
      assignee?: string;
      team?: string;
      label?: number;
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
    if (q.assignee === 'me') {
      if (!ctx.principal.userId)
        throw new AppError(400, 'user_required', 'assignee=me needs a signed-in user; API tokens have none.');
      and.push({ assigneeUserId: ctx.principal.userId });
    } else if (q.assignee === 'none') and.push({ assigneeUserId: null });
    else if (q.assignee) and.push({ assigneeUserId: Number(q.assignee) });
    if (q.team === 'none') and.push({ teamId: null });
    else if (q.team) and.push({ teamId: Number(q.team) });
    if (q.label !== undefined) {
      // A subquery on the (label_id, conversation_id) index keeps the keyset walk on conversations.
      and.push({
        id: {
          [Op.in]: literal(
            `(SELECT conversation_id FROM conversation_labels WHERE label_id = ${Number(q.label)} AND tenant_id = ${Number(ctx.tenantId)})`,
          ),
        },
      });
    }
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
      items: await serializeConversations(this.#models, page, now),
      nextCursor: rows.length > q.limit && last ? encode(last.lastMessageAt, Number(last.id)) : null,
    };
  }

  async #own(ctx: TenantContext, id: number) {
    return visibleConversation(this.#models, ctx, id);
  }

  async get(ctx: TenantContext, id: number) {
    return (await serializeConversations(this.#models, [await this.#own(ctx, id)]))[0];
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
      items: await serializeMessages(this.#models, page),
      nextCursor: rows.length > q.limit && last ? encode(last.occurredAt, Number(last.id)) : null,
    };
  }

  async markRead(ctx: TenantContext, id: number) {
    const conv = await this.#own(ctx, id);
    const was = conv.unreadCount;
    await conv.update({ unreadCount: 0 });
    if (was > 0 && this.#bus) {
      // Other agents' lists show the new count; realtime is best effort.
      await this.#bus
        .publish({
          tenantId: ctx.tenantId,
          topic: 'inbox',
          type: 'conversation.updated',
          data: { conversationId: Number(conv.id) },
        })
        .catch(() => undefined);
    }
    return (await serializeConversations(this.#models, [conv]))[0];
  }
}
