import { Op, type WhereOptions } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { Principal, TenantContext } from '../../http/context.ts';
import type { AuditLogAttrs, AuditLogInstance } from './audit-log.model.ts';

export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.locked_out',
  'auth.logout',
  'auth.password_changed',
  'setup.completed',
  'member.added',
  'member.role_changed',
  'member.removed',
  'api_token.created',
  'api_token.revoked',
  'embed_token.created',
  'credential.set',
  'credential.deleted',
  'tenant.created',
  'tenant.updated',
  'tenant.suspended',
  'tenant.resumed',
  'user.created',
  'encryption.keys_rotated',
  'channel.connected',
  'channel.reconnected',
  'channel.disconnected',
  'conversation.assigned',
  'inbox.settings_changed',
  'inbox.capacity_changed',
  'team.created',
  'team.updated',
  'team.deleted',
  'contact.created',
  'contact.merged',
  'contact.deleted',
  'contacts.exported',
  'contacts.imported',
  'segment.created',
  'segment.deleted',
  'consent.recorded',
  'consent.settings_changed',
  'campaign.created',
  'campaign.updated',
  'campaign.deleted',
  'campaign.launched',
  'campaign.scheduled',
  'campaign.paused',
  'campaign.resumed',
  'campaign.cancelled',
  'campaign.exported',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  tenantId: number | null;
  actor: Principal | null | 'system';
  /** Used when there is no principal yet (a failed login names the email that was tried). */
  actorLabel?: string;
  action: AuditAction;
  target?: { type: string; id: string | number } | null;
  ip?: string | null;
  meta?: Record<string, unknown>;
}

export interface AuditQuery {
  limit: number;
  before?: number;
  action?: string;
  tenantId?: number;
}

export function serializeAudit(row: AuditLogInstance) {
  return {
    id: Number(row.id),
    tenantId: row.tenantId,
    actor: { type: row.actorType, id: row.actorId, label: row.actorLabel },
    action: row.action,
    target: row.targetType ? { type: row.targetType, id: row.targetId } : null,
    ip: row.ip,
    meta: row.meta,
    createdAt: row.createdAt.toISOString(),
  };
}

export class AuditService {
  readonly #models: Models;
  constructor(models: Models) {
    this.#models = models;
  }

  async record(entry: AuditEntry): Promise<void> {
    const actor = entry.actor;
    let actorType: AuditLogAttrs['actorType'] = 'anonymous';
    let actorId: number | null = null;
    let label: string | null = entry.actorLabel ?? null;
    if (actor === 'system') {
      actorType = 'system';
      label = label ?? 'system';
    } else if (actor) {
      actorType = actor.kind === 'session' ? 'user' : actor.kind;
      actorId = actor.kind === 'api_token' ? (actor.apiTokenId ?? null) : actor.userId;
      label = actor.label;
    }
    await this.#models.AuditLog.create({
      tenantId: entry.tenantId,
      actorType,
      actorId,
      actorLabel: label,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target ? String(entry.target.id) : null,
      ip: entry.ip ?? null,
      meta: entry.meta ?? null,
    });
  }

  /** Records an action taken inside a tenant by the caller of the current request. */
  inTenant(ctx: TenantContext, action: AuditAction, target: AuditEntry['target'], meta?: Record<string, unknown>): Promise<void> {
    return this.record({ tenantId: ctx.tenantId, actor: ctx.principal, action, target, ip: ctx.ip, meta });
  }

  /** Newest first, keyset-paginated by id; `tenantId` undefined means all tenants (super admin). */
  async list(q: AuditQuery) {
    const where: WhereOptions<AuditLogAttrs> = {};
    if (q.tenantId !== undefined) Object.assign(where, { tenantId: q.tenantId });
    if (q.before !== undefined) Object.assign(where, { id: { [Op.lt]: q.before } });
    if (q.action) Object.assign(where, { action: q.action });
    const rows = await this.#models.AuditLog.findAll({ where, order: [['id', 'DESC']], limit: q.limit + 1 });
    const page = rows.slice(0, q.limit).map(serializeAudit);
    return { items: page, nextBefore: rows.length > q.limit ? page[page.length - 1].id : null };
  }
}
