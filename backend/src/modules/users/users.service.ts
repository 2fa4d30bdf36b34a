import { Op, type WhereOptions } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { TenantRole } from '../../http/permissions.ts';
import { hashPassword } from '../../security/passwords.ts';
import type { AuditService } from '../audit/index.ts';
import { assertCanGrant } from '../auth/api-tokens.service.ts';
import type { UserAttrs, UserInstance } from './user.model.ts';
import type { MembershipInstance } from './membership.model.ts';

function serializeMember(m: MembershipInstance, u: UserInstance) {
  return {
    userId: u.id,
    email: u.email,
    name: u.name,
    role: m.role,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
  };
}

export class UsersService {
  readonly #models: Models;
  readonly #audit: AuditService;
  constructor(models: Models, audit: AuditService) {
    this.#models = models;
    this.#audit = audit;
  }

  async roleOf(userId: number, tenantId: number): Promise<TenantRole | null> {
    const m = await this.#models.Membership.findOne({ where: { userId, tenantId }, attributes: ['role'] });
    return m?.role ?? null;
  }

  async tenantsOf(userId: number): Promise<number[]> {
    const rows = await this.#models.Membership.findAll({ where: { userId }, attributes: ['tenantId'] });
    return rows.map((r) => r.tenantId);
  }

  async listMembers(ctx: TenantContext) {
    const rows = await this.#models.Membership.findAll({
      where: { tenantId: ctx.tenantId },
      include: [{ model: this.#models.User, as: 'user' }],
      order: [['id', 'ASC']],
    });
    return { items: rows.map((m) => serializeMember(m, (m as unknown as { user: UserInstance }).user)) };
  }

  /** Adds an existing user to the tenant, or creates the user (a password is then required). */
  async addMember(ctx: TenantContext, input: { email: string; name: string; role: TenantRole; password?: string }) {
    assertCanGrant(ctx, input.role);
    const email = input.email.trim().toLowerCase();
    let user = await this.#models.User.findOne({ where: { email } });
    if (!user) {
      if (!input.password)
        throw new AppError(400, 'password_required', 'This person has no account yet: set an initial password for them.');
      user = await this.#models.User.create({ email, name: input.name, passwordHash: await hashPassword(input.password) });
      await this.#audit.inTenant(ctx, 'user.created', { type: 'user', id: user.id });
    }
    const existing = await this.#models.Membership.findOne({ where: { tenantId: ctx.tenantId, userId: user.id } });
    if (existing) throw new AppError(409, 'already_member', `${email} is already a member (${existing.role}).`);
    const m = await this.#models.Membership.create({ tenantId: ctx.tenantId, userId: user.id, role: input.role });
    await this.#audit.inTenant(ctx, 'member.added', { type: 'user', id: user.id }, { role: input.role });
    return serializeMember(m, user);
  }

  async changeRole(ctx: TenantContext, userId: number, role: TenantRole) {
    const m = await this.#membership(ctx, userId);
    assertCanGrant(ctx, role);
    assertCanGrant(ctx, m.role);
    const from = m.role;
    if (from === role) return serializeMember(m, (await this.#models.User.findByPk(userId))!);
    if (from === 'admin') await this.#assertNotLastAdmin(ctx.tenantId);
    await m.update({ role });
    await this.#audit.inTenant(ctx, 'member.role_changed', { type: 'user', id: userId }, { from, to: role });
    return serializeMember(m, (await this.#models.User.findByPk(userId))!);
  }

  async removeMember(ctx: TenantContext, userId: number) {
    const m = await this.#membership(ctx, userId);
    assertCanGrant(ctx, m.role);
    if (m.role === 'admin') await this.#assertNotLastAdmin(ctx.tenantId);
    await m.destroy();
    await this.#audit.inTenant(ctx, 'member.removed', { type: 'user', id: userId }, { role: m.role });
  }

  async #membership(ctx: TenantContext, userId: number) {
    const m = await this.#models.Membership.findOne({ where: { tenantId: ctx.tenantId, userId } });
    if (!m) throw notFound('Member');
    return m;
  }

  async #assertNotLastAdmin(tenantId: number) {
    const admins = await this.#models.Membership.count({ where: { tenantId, role: 'admin' } });
    if (admins <= 1) throw new AppError(409, 'last_admin', 'A tenant needs at least one admin: promote someone else first.');
  }

  // --- platform operator -----------------------------------------------------------------------

  async listUsers(q: { q?: string; limit: number; before?: number }) {
    const where: WhereOptions<UserAttrs> = {};
    if (q.before) Object.assign(where, { id: { [Op.lt]: q.before } });
    if (q.q) Object.assign(where, { [Op.or]: [{ email: { [Op.like]: `%${q.q}%` } }, { name: { [Op.like]: `%${q.q}%` } }] });
    const rows = await this.#models.User.findAll({
      where,
      include: [{ model: this.#models.Membership, as: 'memberships' }],
      order: [['id', 'DESC']],
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit).map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      isSuperAdmin: u.isSuperAdmin,
      lockedUntil: u.lockedUntil && u.lockedUntil > new Date() ? u.lockedUntil.toISOString() : null,
      lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
      memberships: ((u as unknown as { memberships: MembershipInstance[] }).memberships ?? []).map((m) => ({
        tenantId: m.tenantId,
        role: m.role,
      })),
    }));
    return { items, nextBefore: rows.length > q.limit ? items[items.length - 1].id : null };
  }
}
