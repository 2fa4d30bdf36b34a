// Which conversations a caller may see, in one place. Managers and admins see every conversation
// of their tenant; an agent sees what the tenant's setting allows: everything, or only what is
// assigned to them, to one of their teams, and (optionally) what nobody holds yet. Lists, the
// conversation, its messages, sending and assignment all ask here.
import { Op, type WhereOptions } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import type { AgentVisibility } from './collaboration.models.ts';
import type { ConversationAttrs, ConversationInstance } from './conversation.model.ts';

export async function inboxSettings(models: Models, tenantId: number) {
  const s = await models.InboxSettings.findByPk(tenantId);
  return {
    agentVisibility: (s?.agentVisibility ?? 'mine_team_unassigned') as AgentVisibility,
    autoAssign: s?.autoAssign ?? false,
  };
}

export async function teamIdsOf(models: Models, tenantId: number, userId: number): Promise<number[]> {
  const rows = await models.TeamMember.findAll({ where: { tenantId, userId }, attributes: ['teamId'] });
  return rows.map((r) => r.teamId);
}

/** The extra WHERE an agent's queries carry; null when the caller sees the whole tenant. */
export async function visibilityWhere(models: Models, ctx: TenantContext): Promise<WhereOptions<ConversationAttrs> | null> {
  if (ctx.role !== 'agent') return null;
  const { agentVisibility } = await inboxSettings(models, ctx.tenantId);
  if (agentVisibility === 'all') return null;
  const userId = ctx.principal.userId;
  const teams = userId ? await teamIdsOf(models, ctx.tenantId, userId) : [];
  const or: WhereOptions<ConversationAttrs>[] = [];
  if (userId) or.push({ assigneeUserId: userId });
  if (agentVisibility !== 'mine' && teams.length) {
    // A team's conversation nobody holds yet, or held by a teammate.
    or.push({ teamId: { [Op.in]: teams } });
  }
  if (agentVisibility === 'mine_team_unassigned') or.push({ assigneeUserId: null, teamId: null });
  if (agentVisibility === 'mine_team_unassigned' && teams.length) or.push({ assigneeUserId: null, teamId: { [Op.in]: teams } });
  return or.length ? { [Op.or]: or } : { id: -1 };
}

/** The conversation if the caller may see it; a 404 otherwise (never revealing it exists). */
export async function visibleConversation(models: Models, ctx: TenantContext, id: number): Promise<ConversationInstance> {
  const extra = await visibilityWhere(models, ctx);
  const where: WhereOptions<ConversationAttrs> = extra
    ? { [Op.and]: [{ id, tenantId: ctx.tenantId }, extra] }
    : { id, tenantId: ctx.tenantId };
  const c = await models.Conversation.findOne({ where });
  if (!c) throw notFound('Conversation');
  return c;
}
