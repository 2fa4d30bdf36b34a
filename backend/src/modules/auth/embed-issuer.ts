import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import type { TenantRole } from '../../http/permissions.ts';
import type { AuditService } from '../audit/index.ts';
import { assertCanGrant, rankOf } from './api-tokens.service.ts';
import { normalizeOrigin, type EmbedTokenService } from './embed-tokens.service.ts';

/** Mints embed tokens for the caller's tenant, never above the caller's role or the user's own role. */
export class EmbedIssuer {
  readonly #models: Models;
  readonly #tokens: EmbedTokenService;
  readonly #audit: AuditService;
  constructor(models: Models, tokens: EmbedTokenService, audit: AuditService) {
    this.#models = models;
    this.#tokens = tokens;
    this.#audit = audit;
  }

  async issue(ctx: TenantContext, input: { origin: string; role?: TenantRole; userId?: number; ttlSeconds: number }) {
    if (ctx.principal.kind === 'embed') {
      throw new AppError(403, 'wrong_credential_kind', 'An embed token cannot mint other embed tokens.');
    }
    const origin = normalizeOrigin(input.origin);
    if (!origin)
      throw new AppError(
        400,
        'invalid_origin',
        'origin must look like https://shop.example.com (scheme, host and optional port only).',
      );
    const tenant = await this.#models.Tenant.findByPk(ctx.tenantId);
    if (!tenant?.allowedOrigins.includes(origin)) {
      throw new AppError(
        422,
        'origin_not_allowed',
        `${origin} is not in this tenant's allowed origins. An admin can add it in the tenant settings.`,
      );
    }
    const userId = input.userId ?? (ctx.principal.kind === 'session' ? ctx.principal.userId : null);
    let role: TenantRole = input.role ?? (rankOf(ctx.role) >= 3 ? 'admin' : ctx.role === 'manager' ? 'manager' : 'agent');
    assertCanGrant(ctx, role);
    if (userId !== null) {
      const m = await this.#models.Membership.findOne({ where: { tenantId: ctx.tenantId, userId } });
      if (!m) throw new AppError(404, 'not_found', 'That user is not a member of this tenant.');
      if (input.role === undefined) role = m.role;
      else if (rankOf(m.role) < rankOf(role))
        throw new AppError(403, 'role_too_high', `That user's role is ${m.role}; the token cannot carry ${role}.`);
    }
    const { token, expiresAt, jti } = await this.#tokens.sign({
      tenantId: ctx.tenantId,
      userId,
      role,
      origin,
      ttlSeconds: input.ttlSeconds,
    });
    await this.#audit.record({
      tenantId: ctx.tenantId,
      actor: ctx.principal,
      action: 'embed_token.created',
      target: userId ? { type: 'user', id: userId } : null,
      ip: ctx.ip,
      meta: { origin, role, jti },
    });
    return { token, expiresAt: expiresAt.toISOString(), role, origin };
  }
}
