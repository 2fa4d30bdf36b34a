import { Op } from 'sequelize';
import type { Config } from '../../config.ts';
import type { Models } from '../../db/models.ts';
import type { Principal } from '../../http/context.ts';
import { AppError, unauthenticated } from '../../http/errors.ts';
import type { TenantRole } from '../../http/permissions.ts';
import { hashPassword, validatePasswordStrength, verifyPassword } from '../../security/passwords.ts';
import { randomToken, sha256 } from '../../security/tokens.ts';
import type { AuditService } from '../audit/index.ts';
import type { UserInstance } from '../users/user.model.ts';

export const SESSION_COOKIE = 'wa_session';
const SETUP_TTL_MS = 24 * 3600_000;

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export function userPrincipal(user: UserInstance, sessionId?: string): Principal {
  return {
    kind: 'session',
    userId: user.id,
    label: user.email,
    isSuperAdmin: user.isSuperAdmin,
    tenantId: null,
    tokenRole: null,
    sessionId,
  };
}

export class AuthService {
  readonly #models: Models;
  readonly #audit: AuditService;
  readonly #config: Pick<Config, 'login' | 'sessionTtlMs' | 'publicUrl'>;

  constructor(models: Models, audit: AuditService, config: Pick<Config, 'login' | 'sessionTtlMs' | 'publicUrl'>) {
    this.#models = models;
    this.#audit = audit;
    this.#config = config;
  }

  async login(email: string, password: string, client: ClientInfo) {
    const normalized = email.trim().toLowerCase();
    const user = await this.#models.User.findOne({ where: { email: normalized } });
    const now = new Date();
    if (user?.lockedUntil && user.lockedUntil > now) {
      await this.#audit.record({
        tenantId: null,
        actor: null,
        actorLabel: normalized,
        action: 'auth.login_failed',
        target: { type: 'user', id: user.id },
        ip: client.ip,
        meta: { reason: 'locked' },
      });
      const minutes = Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000);
      throw new AppError(
        423,
        'account_locked',
        `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      );
    }
    const ok = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !ok) {
      if (user) {
        const failures = user.failedLogins + 1;
        const lock = failures >= this.#config.login.maxFailures;
        await user.update({
          failedLogins: lock ? 0 : failures,
          lockedUntil: lock ? new Date(now.getTime() + this.#config.login.lockoutMs) : user.lockedUntil,
        });
        if (lock) {
          await this.#audit.record({
            tenantId: null,
            actor: null,
            actorLabel: normalized,
            action: 'auth.locked_out',
            target: { type: 'user', id: user.id },
            ip: client.ip,
            meta: { failures },
          });
        }
      }
      await this.#audit.record({
        tenantId: null,
        actor: null,
        actorLabel: normalized,
        action: 'auth.login_failed',
        target: user ? { type: 'user', id: user.id } : null,
        ip: client.ip,
        meta: { reason: 'bad_credentials' },
      });
      throw new AppError(401, 'invalid_credentials', 'Email or password is wrong.');
    }
    await user.update({ failedLogins: 0, lockedUntil: null, lastLoginAt: now });
    const token = randomToken();
    const session = await this.#models.Session.create({
      id: sha256(token),
      userId: user.id,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 255) ?? null,
      expiresAt: new Date(now.getTime() + this.#config.sessionTtlMs),
    });
    await this.#audit.record({
      tenantId: null,
      actor: userPrincipal(user, session.id),
      action: 'auth.login',
      target: { type: 'user', id: user.id },
      ip: client.ip,
    });
    return { token, expiresAt: session.expiresAt, user };
  }

  /** Resolves a session cookie; sliding expiry renews a session that is past half its lifetime. */
  async resolveSession(token: string): Promise<Principal | null> {
    const session = await this.#models.Session.findByPk(sha256(token));
    if (!session) return null;
    const now = Date.now();
    if (session.expiresAt.getTime() <= now) {
      await session.destroy();
      return null;
    }
    const user = await this.#models.User.findByPk(session.userId);
    if (!user) return null;
    if (session.expiresAt.getTime() - now < this.#config.sessionTtlMs / 2) {
      await session.update({ expiresAt: new Date(now + this.#config.sessionTtlMs) });
    }
    return userPrincipal(user, session.id);
  }

  async logout(principal: Principal, ip: string | null) {
    if (principal.sessionId) await this.#models.Session.destroy({ where: { id: principal.sessionId } });
    await this.#audit.record({ tenantId: null, actor: principal, action: 'auth.logout', ip });
  }

  async changePassword(principal: Principal, current: string, next: string, ip: string | null) {
    if (principal.userId === null) throw unauthenticated();
    const user = await this.#models.User.findByPk(principal.userId);
    if (!user || !(await verifyPassword(current, user.passwordHash))) {
      throw new AppError(400, 'wrong_password', 'The current password is wrong.');
    }
    const weak = validatePasswordStrength(next);
    if (weak) throw new AppError(400, 'weak_password', weak);
    await user.update({ passwordHash: await hashPassword(next) });
    // Other devices signed in with the old password are signed out.
    await this.#models.Session.destroy({ where: { userId: user.id, id: { [Op.ne]: principal.sessionId ?? '' } } });
    await this.#audit.record({
      tenantId: null,
      actor: principal,
      action: 'auth.password_changed',
      target: { type: 'user', id: user.id },
      ip,
    });
  }

  async me(principal: Principal) {
    if (principal.userId === null) {
      return { user: null, principal: { kind: principal.kind, label: principal.label }, memberships: [] };
    }
    const user = await this.#models.User.findByPk(principal.userId);
    if (!user) throw unauthenticated();
    const memberships = await this.#models.Membership.findAll({
      where: principal.tenantId ? { userId: user.id, tenantId: principal.tenantId } : { userId: user.id },
      include: [{ model: this.#models.Tenant, as: 'tenant' }],
      order: [['tenantId', 'ASC']],
    });
    return {
      user: { id: user.id, email: user.email, name: user.name, isSuperAdmin: user.isSuperAdmin },
      principal: { kind: principal.kind, label: principal.label },
      memberships: memberships.map((m) => {
        const t = (m as unknown as { tenant: { id: number; name: string; slug: string; status: string } }).tenant;
        return {
          tenantId: m.tenantId,
          role: m.role as TenantRole,
          tenant: { id: t.id, name: t.name, slug: t.slug, status: t.status },
        };
      }),
    };
  }

  async purgeExpiredSessions(): Promise<number> {
    return this.#models.Session.destroy({ where: { expiresAt: { [Op.lte]: new Date() } } });
  }

  // --- first start -------------------------------------------------------------------------

  async createSetupToken(): Promise<string> {
    const token = randomToken();
    await this.#models.SetupToken.create({ tokenHash: sha256(token), expiresAt: new Date(Date.now() + SETUP_TTL_MS) });
    return `${this.#config.publicUrl}/setup#token=${token}`;
  }

  async completeSetup(input: { token: string; email: string; password: string; name: string }, client: ClientInfo) {
    const row = await this.#models.SetupToken.findOne({ where: { tokenHash: sha256(input.token) } });
    if (!row || row.usedAt || row.expiresAt.getTime() < Date.now()) {
      throw new AppError(
        400,
        'invalid_setup_token',
        'This setup link is invalid, used or expired. While no super admin exists, every server start prints a new one.',
      );
    }
    if (await this.#models.User.count({ where: { isSuperAdmin: true } })) {
      throw new AppError(409, 'already_set_up', 'A super admin already exists. Sign in instead.');
    }
    const weak = validatePasswordStrength(input.password);
    if (weak) throw new AppError(400, 'weak_password', weak);
    // Mark used first, conditionally, so two racing requests cannot both create an admin.
    const [claimed] = await this.#models.SetupToken.update({ usedAt: new Date() }, { where: { id: row.id, usedAt: null } });
    if (claimed !== 1) throw new AppError(400, 'invalid_setup_token', 'This setup link was already used.');
    const email = input.email.trim().toLowerCase();
    const existing = await this.#models.User.findOne({ where: { email } });
    const passwordHash = await hashPassword(input.password);
    const user = existing
      ? await existing.update({ isSuperAdmin: true, passwordHash, name: input.name || existing.name })
      : await this.#models.User.create({ email, name: input.name, passwordHash, isSuperAdmin: true });
    // A newcomer who set up through the link should find the demo tenant in their own list.
    const demo = await this.#models.Tenant.findOne({ where: { slug: 'demo' } });
    if (demo && (await this.#models.Membership.count({ where: { tenantId: demo.id } })) === 0) {
      await this.#models.Membership.create({ tenantId: demo.id, userId: user.id, role: 'admin' });
    }
    await this.#audit.record({
      tenantId: null,
      actor: userPrincipal(user),
      action: 'setup.completed',
      target: { type: 'user', id: user.id },
      ip: client.ip,
    });
    return user;
  }
}
