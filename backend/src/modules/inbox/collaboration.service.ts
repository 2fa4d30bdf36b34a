// The shared inbox's collaboration rules: a conversation's status, snooze and priority; who holds it
// (agents take or drop their own, managers hand out to anyone in the tenant, audited and notified);
// labels, teams and canned responses; agents' presence and capacity; the tenant's inbox settings;
// who is viewing a conversation; and waking snoozed conversations. Every method takes the tenant
// context first, and every conversation goes through the agent-visibility rule (404 when hidden).
import { Op, UniqueConstraintError, col, fn, where as sqlWhere, type Sequelize } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError, forbidden, notFound } from '../../http/errors.ts';
import type { Logger } from '../../logger.ts';
import type { EventBus } from '../../realtime/index.ts';
import type { AuditService } from '../audit/index.ts';
import { inboxSettings, visibleConversation } from './access.ts';
import { ACTIVE_STATUSES, ONLINE_WINDOW_MS, RoundRobin, isOnline } from './assignment.ts';
import type { AgentVisibility, CannedResponseInstance, InboxAgentInstance, Presence } from './collaboration.models.ts';
import type { AssignInput, UpdateConversationInput } from './collaboration.schemas.ts';
import type { ConversationAttrs, ConversationInstance } from './conversation.model.ts';
import { customerName, serializeConversations } from './inbox.service.ts';
import { callerUserId, type NotificationsService } from './notifications.ts';
import type { ActivityKind, ViewerRegistry } from './viewers.ts';

/** `{{name}}` or `{{ contact.name }}`: letters, digits, _ and dots. */
const VARIABLE = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;
export const variablesOf = (text: string): string[] => [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1]))];
/** Filled by the server from the conversation, the caller and the tenant. */
export const SERVER_VARIABLES = ['contact.name', 'contact.phone', 'agent.name', 'business.name'] as const;

const WAKE_BATCH = 500;

export interface CollaborationDeps {
  models: Models;
  sequelize: Sequelize;
  audit: AuditService;
  bus: EventBus | null;
  logger: Logger;
  notifications: NotificationsService;
  viewers: ViewerRegistry;
}

function serializeCanned(c: CannedResponseInstance) {
  return { id: c.id, shortcode: c.shortcode, title: c.title, body: c.body, variables: variablesOf(c.body) };
}

export class CollaborationService {
  readonly #d: CollaborationDeps;
  readonly #roundRobin: RoundRobin;

  constructor(deps: CollaborationDeps) {
    this.#d = deps;
    this.#roundRobin = new RoundRobin({
      models: deps.models,
      sequelize: deps.sequelize,
      logger: deps.logger,
      onAssigned: async (conv, userId) => {
        await this.#notifyAssigned(conv, userId, null);
        await this.#conversationUpdated(conv.tenantId, Number(conv.id));
      },
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Conversations

  async #view(conv: ConversationInstance) {
    return (await serializeConversations(this.#d.models, [conv]))[0];
  }

  /** Status (snoozed needs a time in the future), snooze time and priority. */
  async update(ctx: TenantContext, id: number, input: UpdateConversationInput) {
    const conv = await visibleConversation(this.#d.models, ctx, id);
    const now = new Date();
    const patch: Partial<ConversationAttrs> = {};
    const until =
      input.snoozedUntil === undefined ? undefined : input.snoozedUntil === null ? null : new Date(input.snoozedUntil);
    if (input.status === 'snoozed' || (input.status === undefined && until)) {
      if (!until) {
        throw new AppError(400, 'snooze_time_required', 'Say until when to snooze: send snoozedUntil with status snoozed.');
      }
      if (until.getTime() <= now.getTime()) {
        throw new AppError(400, 'snooze_time_past', 'snoozedUntil must be in the future.');
      }
      Object.assign(patch, { status: 'snoozed', snoozedUntil: until });
    } else if (input.status !== undefined) {
      if (until) {
        throw new AppError(400, 'snooze_time_unexpected', "snoozedUntil only goes with status 'snoozed'.");
      }
      Object.assign(patch, { status: input.status, snoozedUntil: null });
    } else if (until === null && conv.status === 'snoozed') {
      // Clearing the snooze time wakes the conversation now.
      Object.assign(patch, { status: 'open', snoozedUntil: null });
    }
    if (input.priority !== undefined) patch.priority = input.priority;
    const changed = (Object.keys(patch) as (keyof ConversationAttrs)[]).some((k) => {
      const a = conv[k];
      const b = patch[k];
      return a instanceof Date || b instanceof Date ? (a as Date | null)?.getTime() !== (b as Date | null)?.getTime() : a !== b;
    });
    if (changed) {
      await conv.update(patch);
      await this.#conversationUpdated(ctx.tenantId, Number(conv.id));
    }
    return this.#view(conv);
  }

  /**
   * Agents may take a conversation or drop their own; managers and admins give it to any member of
   * the tenant and move it between teams. Every change is audited; the new holder is notified.
   */
  async assign(ctx: TenantContext, id: number, input: AssignInput) {
    const M = this.#d.models;
    const conv = await visibleConversation(M, ctx, id);
    const me = ctx.principal.userId;
    const to = input.assigneeUserId;
    const toTeam = input.teamId === undefined ? conv.teamId : input.teamId;
    if (ctx.role === 'agent') {
      const takes = to !== null && to === me;
      const drops = to === null && (conv.assigneeUserId === null || (me !== null && conv.assigneeUserId === me));
      if (!takes && !drops) {
        throw forbidden('Agents can assign a conversation only to themselves, or unassign themselves.');
      }
      if (toTeam !== conv.teamId) throw forbidden('Only managers and admins can move a conversation to another team.');
    }
    if (to !== null) {
      const member = await M.Membership.findOne({ where: { tenantId: ctx.tenantId, userId: to }, attributes: ['userId'] });
      if (!member) throw new AppError(400, 'not_a_member', `User ${to} is not a member of this workspace.`);
    }
    if (toTeam !== null && toTeam !== conv.teamId) {
      const team = await M.Team.findOne({ where: { id: toTeam, tenantId: ctx.tenantId }, attributes: ['id'] });
      if (!team) throw new AppError(400, 'unknown_team', `Team ${toTeam} does not exist in this workspace.`);
    }
    const from = conv.assigneeUserId;
    const fromTeam = conv.teamId;
    if (from === to && fromTeam === toTeam) return this.#view(conv);
    await conv.update({ assigneeUserId: to, teamId: toTeam });
    await this.#d.audit.inTenant(
      ctx,
      'conversation.assigned',
      { type: 'conversation', id: Number(conv.id) },
      { from, to, fromTeam, toTeam },
    );
    if (to !== null && to !== from && to !== me) await this.#notifyAssigned(conv, to, me);
    await this.#conversationUpdated(ctx.tenantId, Number(conv.id));
    return this.#view(conv);
  }

  /** Replaces the conversation's labels with these (all must be the tenant's). */
  async setLabels(ctx: TenantContext, id: number, labelIds: number[]) {
    const M = this.#d.models;
    const conv = await visibleConversation(M, ctx, id);
    const wanted = [...new Set(labelIds)];
    const found = wanted.length
      ? await M.Label.findAll({ where: { tenantId: ctx.tenantId, id: { [Op.in]: wanted } }, attributes: ['id'] })
      : [];
    const unknown = wanted.filter((l) => !found.some((f) => f.id === l));
    if (unknown.length) {
      throw new AppError(400, 'unknown_label', `No such label in this workspace: ${unknown.join(', ')}.`, { labelIds: unknown });
    }
    await this.#d.sequelize.transaction(async (transaction) => {
      await M.ConversationLabel.destroy({
        where: { tenantId: ctx.tenantId, conversationId: conv.id, ...(wanted.length ? { labelId: { [Op.notIn]: wanted } } : {}) },
        transaction,
      });
      const have = await M.ConversationLabel.findAll({
        where: { conversationId: conv.id },
        attributes: ['labelId'],
        transaction,
      });
      const add = wanted.filter((l) => !have.some((h) => h.labelId === l));
      if (add.length) {
        await M.ConversationLabel.bulkCreate(
          add.map((labelId) => ({ conversationId: conv.id, labelId, tenantId: ctx.tenantId })),
          { transaction, ignoreDuplicates: true },
        );
      }
    });
    await this.#conversationUpdated(ctx.tenantId, Number(conv.id));
    return this.#view(conv);
  }

  /** Reports the caller viewing, typing in or leaving a conversation; answers with the others there. */
  async activity(ctx: TenantContext, id: number, kind: ActivityKind) {
    const userId = callerUserId(ctx);
    const conv = await visibleConversation(this.#d.models, ctx, id);
    const user = await this.#d.models.User.findByPk(userId, { attributes: ['id', 'name', 'email'] });
    const viewers = await this.#d.viewers.report(ctx.tenantId, {
      conversationId: Number(conv.id),
      userId,
      name: user ? user.name || user.email : '',
      kind,
    });
    return { viewers };
  }

  /** Reopens snoozed conversations whose time has come (the 'inbox.wake-snoozed' job). */
  async wakeSnoozed(now = new Date()): Promise<number> {
    const M = this.#d.models;
    let woken = 0;
    for (;;) {
      const due = await M.Conversation.findAll({
        where: { status: 'snoozed', snoozedUntil: { [Op.lte]: now } },
        attributes: ['id', 'tenantId'],
        limit: WAKE_BATCH,
      });
      if (due.length === 0) break;
      const [n] = await M.Conversation.update(
        { status: 'open', snoozedUntil: null },
        { where: { id: { [Op.in]: due.map((c) => c.id) }, status: 'snoozed', snoozedUntil: { [Op.lte]: now } } },
      );
      woken += n;
      for (const c of due) await this.#conversationUpdated(c.tenantId, Number(c.id));
      if (due.length < WAKE_BATCH || n === 0) break;
    }
    return woken;
  }

  /** Round-robin for conversations a webhook batch created or reopened (after it committed). */
  async autoAssign(conversationIds: number[]): Promise<Map<number, number>> {
    if (conversationIds.length === 0) return new Map();
    return this.#roundRobin.assign(conversationIds);
  }

  async #notifyAssigned(conv: ConversationInstance, userId: number, actorUserId: number | null) {
    const who = (await customerName(this.#d.models, conv)) ?? (conv.waId ? `+${conv.waId}` : 'a customer');
    try {
      await this.#d.notifications.create({
        tenantId: conv.tenantId,
        userId,
        kind: 'assigned',
        conversationId: Number(conv.id),
        actorUserId,
        text: `Conversation with ${who}`,
      });
    } catch (err) {
      // The assignment stands; a lost notification must not undo it.
      this.#d.logger.warn(
        { err: { message: (err as Error).message }, conversationId: conv.id },
        'assignment notification failed',
      );
    }
  }

  async #conversationUpdated(tenantId: number, conversationId: number) {
    await this.#publish(tenantId, 'inbox', 'conversation.updated', { conversationId });
  }

  async #publish(tenantId: number, topic: string, type: string, data: Record<string, unknown>) {
    if (!this.#d.bus) return;
    try {
      await this.#d.bus.publish({ tenantId, topic, type, data });
    } catch (err) {
      // Real-time is best effort; clients reload over HTTP.
      this.#d.logger.warn({ err: { message: (err as Error).message } }, 'could not publish a realtime event');
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Labels

  async listLabels(ctx: TenantContext) {
    const rows = await this.#d.models.Label.findAll({ where: { tenantId: ctx.tenantId }, order: [['name', 'ASC']] });
    return { items: rows.map((l) => ({ id: l.id, name: l.name, color: l.color })) };
  }

  async createLabel(ctx: TenantContext, input: { name: string; color?: string }) {
    await this.#assertFreeName('Label', ctx.tenantId, input.name);
    const l = await this.#unique('label_exists', `A label named "${input.name}" already exists.`, () =>
      this.#d.models.Label.create({ tenantId: ctx.tenantId, name: input.name, ...(input.color ? { color: input.color } : {}) }),
    );
    return { id: l.id, name: l.name, color: l.color };
  }

  async updateLabel(ctx: TenantContext, id: number, input: { name?: string; color?: string }) {
    const l = await this.#d.models.Label.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!l) throw notFound('Label');
    if (input.name !== undefined) await this.#assertFreeName('Label', ctx.tenantId, input.name, l.id);
    await this.#unique('label_exists', `A label named "${input.name}" already exists.`, () => l.update(input));
    return { id: l.id, name: l.name, color: l.color };
  }

  async deleteLabel(ctx: TenantContext, id: number) {
    const M = this.#d.models;
    const l = await M.Label.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!l) throw notFound('Label');
    await this.#d.sequelize.transaction(async (transaction) => {
      await M.ConversationLabel.destroy({ where: { tenantId: ctx.tenantId, labelId: l.id }, transaction });
      await l.destroy({ transaction });
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Teams

  async listTeams(ctx: TenantContext) {
    const M = this.#d.models;
    const [teams, members] = await Promise.all([
      M.Team.findAll({ where: { tenantId: ctx.tenantId }, order: [['name', 'ASC']] }),
      M.TeamMember.findAll({ where: { tenantId: ctx.tenantId }, attributes: ['teamId', 'userId'] }),
    ]);
    return {
      items: teams.map((t) => ({
        id: t.id,
        name: t.name,
        assignment: t.assignment,
        memberIds: members
          .filter((m) => m.teamId === t.id)
          .map((m) => m.userId)
          .sort((a, b) => a - b),
      })),
    };
  }

  async #team(ctx: TenantContext, id: number) {
    const team = (await this.listTeams(ctx)).items.find((t) => t.id === id);
    if (!team) throw notFound('Team');
    return team;
  }

  async createTeam(ctx: TenantContext, input: { name: string; assignment: 'manual' | 'round_robin'; memberIds: number[] }) {
    const M = this.#d.models;
    const memberIds = await this.#assertMembers(ctx.tenantId, input.memberIds);
    await this.#assertFreeName('Team', ctx.tenantId, input.name);
    const team = await this.#unique('team_exists', `A team named "${input.name}" already exists.`, () =>
      this.#d.sequelize.transaction(async (transaction) => {
        const t = await M.Team.create(
          { tenantId: ctx.tenantId, name: input.name, assignment: input.assignment },
          { transaction },
        );
        if (memberIds.length) {
          await M.TeamMember.bulkCreate(
            memberIds.map((userId) => ({ teamId: t.id, userId, tenantId: ctx.tenantId })),
            { transaction },
          );
        }
        return t;
      }),
    );
    await this.#d.audit.inTenant(ctx, 'team.created', { type: 'team', id: team.id }, { name: team.name, memberIds });
    return this.#team(ctx, team.id);
  }

  async updateTeam(
    ctx: TenantContext,
    id: number,
    input: { name?: string; assignment?: 'manual' | 'round_robin'; memberIds?: number[] },
  ) {
    const M = this.#d.models;
    const team = await M.Team.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!team) throw notFound('Team');
    const memberIds = input.memberIds ? await this.#assertMembers(ctx.tenantId, input.memberIds) : undefined;
    if (input.name !== undefined) await this.#assertFreeName('Team', ctx.tenantId, input.name, team.id);
    await this.#unique('team_exists', `A team named "${input.name}" already exists.`, () =>
      this.#d.sequelize.transaction(async (transaction) => {
        const { name, assignment } = input;
        if (name !== undefined || assignment !== undefined) {
          await team.update({ ...(name !== undefined ? { name } : {}), ...(assignment ? { assignment } : {}) }, { transaction });
        }
        if (memberIds) {
          await M.TeamMember.destroy({ where: { teamId: team.id }, transaction });
          if (memberIds.length) {
            await M.TeamMember.bulkCreate(
              memberIds.map((userId) => ({ teamId: team.id, userId, tenantId: ctx.tenantId })),
              { transaction },
            );
          }
        }
      }),
    );
    await this.#d.audit.inTenant(ctx, 'team.updated', { type: 'team', id: team.id }, { ...input });
    return this.#team(ctx, team.id);
  }

  /** Deletes a team; its conversations keep their assignee and lose the team. */
  async deleteTeam(ctx: TenantContext, id: number) {
    const M = this.#d.models;
    const team = await M.Team.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!team) throw notFound('Team');
    await this.#d.sequelize.transaction(async (transaction) => {
      await M.Conversation.update({ teamId: null }, { where: { tenantId: ctx.tenantId, teamId: team.id }, transaction });
      await M.TeamMember.destroy({ where: { teamId: team.id }, transaction });
      await team.destroy({ transaction });
    });
    await this.#d.audit.inTenant(ctx, 'team.deleted', { type: 'team', id: team.id }, { name: team.name });
  }

  /** Every id must be a member of the tenant; returns them deduplicated and sorted. */
  async #assertMembers(tenantId: number, ids: number[]): Promise<number[]> {
    const wanted = [...new Set(ids)].sort((a, b) => a - b);
    if (wanted.length === 0) return wanted;
    const found = await this.#d.models.Membership.findAll({
      where: { tenantId, userId: { [Op.in]: wanted } },
      attributes: ['userId'],
    });
    const missing = wanted.filter((id) => !found.some((m) => m.userId === id));
    if (missing.length) {
      throw new AppError(400, 'not_a_member', `Not members of this workspace: ${missing.join(', ')}.`, { userIds: missing });
    }
    return wanted;
  }

  // -------------------------------------------------------------------------------------------------
  // Canned responses

  async listCanned(ctx: TenantContext, q: { q?: string }) {
    const rows = await this.#d.models.CannedResponse.findAll({
      where: { tenantId: ctx.tenantId },
      order: [['shortcode', 'ASC']],
      limit: 2000,
    });
    // A tenant has tens to hundreds of these: filtering here is simpler than portable LIKE escaping.
    const needle = q.q?.toLowerCase();
    const hits = needle ? rows.filter((c) => [c.shortcode, c.title, c.body].some((s) => s.toLowerCase().includes(needle))) : rows;
    return { items: hits.map(serializeCanned) };
  }

  async #canned(ctx: TenantContext, id: number) {
    const c = await this.#d.models.CannedResponse.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!c) throw notFound('Canned response');
    return c;
  }

  async #assertFreeShortcode(tenantId: number, shortcode: string, except?: number) {
    const taken = await this.#d.models.CannedResponse.findOne({
      where: { tenantId, shortcode, ...(except ? { id: { [Op.ne]: except } } : {}) },
      attributes: ['id'],
    });
    if (taken) throw new AppError(409, 'shortcode_taken', `The shortcode /${shortcode} is already used by another response.`);
  }

  async createCanned(ctx: TenantContext, input: { shortcode: string; title: string; body: string }) {
    await this.#assertFreeShortcode(ctx.tenantId, input.shortcode);
    const c = await this.#unique(
      'shortcode_taken',
      `The shortcode /${input.shortcode} is already used by another response.`,
      () => this.#d.models.CannedResponse.create({ tenantId: ctx.tenantId, ...input }),
    );
    return serializeCanned(c);
  }

  async updateCanned(ctx: TenantContext, id: number, input: { shortcode?: string; title?: string; body?: string }) {
    const c = await this.#canned(ctx, id);
    if (input.shortcode !== undefined) await this.#assertFreeShortcode(ctx.tenantId, input.shortcode, c.id);
    await this.#unique('shortcode_taken', `The shortcode /${input.shortcode} is already used by another response.`, () =>
      c.update(input),
    );
    return serializeCanned(c);
  }

  async deleteCanned(ctx: TenantContext, id: number) {
    await (await this.#canned(ctx, id)).destroy();
  }

  /**
   * Fills a canned response for a conversation: contact, agent and business variables from what the
   * server knows, the rest from `values`; whatever stays unknown is listed and left as `{{name}}`.
   */
  async renderCanned(ctx: TenantContext, id: number, input: { conversationId: number; values?: Record<string, string> }) {
    const M = this.#d.models;
    const canned = await this.#canned(ctx, id);
    const conv = await visibleConversation(M, ctx, input.conversationId);
    const [user, tenant, name] = await Promise.all([
      ctx.principal.userId ? M.User.findByPk(ctx.principal.userId, { attributes: ['id', 'name', 'email'] }) : null,
      M.Tenant.findByPk(ctx.tenantId, { attributes: ['id', 'name'] }),
      customerName(M, conv),
    ]);
    const known = new Map<string, string | null>([
      ['contact.name', name],
      ['contact.phone', conv.waId ? `+${conv.waId}` : null],
      ['agent.name', user ? user.name || user.email : null],
      ['business.name', tenant?.name ?? null],
    ]);
    const values = input.values ?? {};
    const missing = new Set<string>();
    const text = canned.body.replace(VARIABLE, (whole, name: string) => {
      const v = known.get(name) ?? (Object.hasOwn(values, name) ? values[name] : null);
      if (v === null || v === undefined || v === '') {
        missing.add(name);
        return whole;
      }
      return v;
    });
    return { text, missing: [...missing] };
  }

  // -------------------------------------------------------------------------------------------------
  // Presence, agents and settings

  /** The caller's heartbeat: stores presence and when it was last seen; announces a change. */
  async setPresence(ctx: TenantContext, status: Presence) {
    const userId = callerUserId(ctx);
    const M = this.#d.models;
    const now = new Date();
    let row = await M.InboxAgent.findOne({ where: { tenantId: ctx.tenantId, userId } });
    const before = row ? effectivePresence(row, now.getTime()) : 'offline';
    if (!row) {
      try {
        row = await M.InboxAgent.create({ tenantId: ctx.tenantId, userId, presence: status, lastSeenAt: now });
      } catch (err) {
        // Two first heartbeats at once (two tabs): the other one made the row.
        if (!(err instanceof UniqueConstraintError)) throw err;
        row = await M.InboxAgent.findOne({ where: { tenantId: ctx.tenantId, userId } });
        if (!row) throw err;
      }
    }
    await row.update({ presence: status, lastSeenAt: now });
    if (before !== status) await this.#publish(ctx.tenantId, 'inbox', 'agent.presence', { userId, presence: status });
    return { presence: status };
  }

  /** Members of the tenant as the inbox sees them: presence, capacity, open conversations, teams. */
  async listAgents(ctx: TenantContext, only?: number) {
    const M = this.#d.models;
    const memberWhere = { tenantId: ctx.tenantId, ...(only !== undefined ? { userId: only } : {}) };
    const [memberships, agents, counts, teams] = await Promise.all([
      M.Membership.findAll({ where: memberWhere, include: [{ model: M.User, as: 'user' }], order: [['id', 'ASC']] }),
      M.InboxAgent.findAll({ where: memberWhere }),
      M.Conversation.findAll({
        attributes: ['assigneeUserId', [fn('COUNT', col('id')), 'n']],
        where: {
          tenantId: ctx.tenantId,
          status: { [Op.in]: [...ACTIVE_STATUSES] },
          assigneeUserId: only !== undefined ? only : { [Op.ne]: null },
        },
        group: ['assigneeUserId'],
        raw: true,
      }) as unknown as Promise<{ assigneeUserId: number; n: number | string }[]>,
      M.TeamMember.findAll({ where: memberWhere, attributes: ['teamId', 'userId'] }),
    ]);
    const now = Date.now();
    const agentOf = new Map(agents.map((a) => [a.userId, a]));
    const openOf = new Map(counts.map((c) => [Number(c.assigneeUserId), Number(c.n)]));
    return {
      items: memberships.map((m) => {
        const user = (m as unknown as { user: { id: number; name: string; email: string } }).user;
        const a = agentOf.get(m.userId);
        return {
          id: m.userId,
          name: user.name || user.email,
          email: user.email,
          role: m.role,
          presence: a ? effectivePresence(a, now) : ('offline' as Presence),
          capacity: a?.capacity ?? null,
          openCount: openOf.get(m.userId) ?? 0,
          teamIds: teams
            .filter((t) => t.userId === m.userId)
            .map((t) => t.teamId)
            .sort((x, y) => x - y),
        };
      }),
    };
  }

  async setCapacity(ctx: TenantContext, userId: number, capacity: number | null) {
    const M = this.#d.models;
    const member = await M.Membership.findOne({ where: { tenantId: ctx.tenantId, userId }, attributes: ['userId'] });
    if (!member) throw notFound('Agent');
    const row = await M.InboxAgent.findOne({ where: { tenantId: ctx.tenantId, userId } });
    const from = row?.capacity ?? null;
    if (row) await row.update({ capacity });
    else {
      try {
        await M.InboxAgent.create({ tenantId: ctx.tenantId, userId, capacity });
      } catch (err) {
        if (!(err instanceof UniqueConstraintError)) throw err;
        await M.InboxAgent.update({ capacity }, { where: { tenantId: ctx.tenantId, userId } });
      }
    }
    if (from !== capacity) {
      await this.#d.audit.inTenant(ctx, 'inbox.capacity_changed', { type: 'user', id: userId }, { from, to: capacity });
    }
    return (await this.listAgents(ctx, userId)).items[0];
  }

  async getSettings(ctx: TenantContext) {
    return inboxSettings(this.#d.models, ctx.tenantId);
  }

  async updateSettings(ctx: TenantContext, input: { agentVisibility?: AgentVisibility; autoAssign?: boolean }) {
    const M = this.#d.models;
    const before = await inboxSettings(M, ctx.tenantId);
    const after = { ...before, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
    const row = await M.InboxSettings.findByPk(ctx.tenantId);
    if (row) await row.update(after);
    else {
      try {
        await M.InboxSettings.create({ tenantId: ctx.tenantId, ...after });
      } catch (err) {
        if (!(err instanceof UniqueConstraintError)) throw err;
        await M.InboxSettings.update(after, { where: { tenantId: ctx.tenantId } });
      }
    }
    if (before.agentVisibility !== after.agentVisibility || before.autoAssign !== after.autoAssign) {
      await this.#d.audit.inTenant(
        ctx,
        'inbox.settings_changed',
        { type: 'tenant', id: ctx.tenantId },
        { from: before, to: after },
      );
    }
    return inboxSettings(M, ctx.tenantId);
  }

  // -------------------------------------------------------------------------------------------------
  // Helpers

  /** Names are unique per tenant regardless of case (MySQL's collation already says so; SQLite not). */
  async #assertFreeName(what: 'Label' | 'Team', tenantId: number, name: string, except?: number) {
    const model = (what === 'Label' ? this.#d.models.Label : this.#d.models.Team) as Models['Label'];
    const clash = await model.findOne({
      where: {
        tenantId,
        [Op.and]: [sqlWhere(fn('LOWER', col('name')), name.toLowerCase())],
        ...(except ? { id: { [Op.ne]: except } } : {}),
      },
      attributes: ['id', 'name'],
    });
    if (clash) {
      throw new AppError(
        409,
        what === 'Label' ? 'label_exists' : 'team_exists',
        `A ${what.toLowerCase()} named "${clash.name}" already exists.`,
      );
    }
  }

  /** Turns a unique-index race (two creates at once) into the same 409 the pre-check gives. */
  async #unique<T>(code: string, message: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof UniqueConstraintError) throw new AppError(409, code, message);
      throw err;
    }
  }
}

/** What others see: online or away only while the heartbeat is fresh; offline otherwise. */
export function effectivePresence(a: Pick<InboxAgentInstance, 'presence' | 'lastSeenAt'>, now = Date.now()): Presence {
  if (a.presence === 'offline' || !a.lastSeenAt) return 'offline';
  if (a.presence === 'online') return isOnline(a, now) ? 'online' : 'offline';
  return now - a.lastSeenAt.getTime() <= ONLINE_WINDOW_MS ? 'away' : 'offline';
}
