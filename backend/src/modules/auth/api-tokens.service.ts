import type { Models } from '../../db/models.ts';
import type { Principal, TenantContext } from '../../http/context.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { ROLE_RANK, type Role, type TenantRole } from '../../http/permissions.ts';
import { randomToken, sha256 } from '../../security/tokens.ts';
import type { AuditService } from '../audit/index.ts';
import type { ApiTokenInstance } from './api-token.model.ts';

export const API_TOKEN_PREFIX = 'wat_';

export function rankOf(role: Role): number {
  return role === 'super_admin' ? ROLE_RANK.admin : ROLE_RANK[role];
}

export function assertCanGrant(ctx: TenantContext, role: TenantRole) {
  if (ROLE_RANK[role] > rankOf(ctx.role)) {
    throw new AppError(403, 'role_too_high', `You cannot grant the ${role} role: it is above your own.`);
  }
}

export function serializeApiToken(t: ApiTokenInstance) {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    prefix: t.prefix,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

export class ApiTokenService {
  readonly #models: Models;
  readonly #audit: AuditService;
  constructor(models: Models, audit: AuditService) {
    this.#models = models;
    this.#audit = audit;
  }

  async create(ctx: TenantContext, input: { name: string; role: TenantRole; expiresInDays?: number | null }) {
    assertCanGrant(ctx, input.role);
    const token = randomToken(API_TOKEN_PREFIX);
    const row = await this.#models.ApiToken.create({
      tenantId: ctx.tenantId,
      name: input.name,
      role: input.role,
      tokenHash: sha256(token),
      prefix: token.slice(0, 10),
      createdBy: ctx.principal.userId,
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86400_000) : null,
    });
    await this.#audit.inTenant(ctx, 'api_token.created', { type: 'api_token', id: row.id }, { name: row.name, role: row.role });
    // The only time the token is ever returned.
    return { ...serializeApiToken(row), token };
  }

  async list(ctx: TenantContext) {
    const rows = await this.#models.ApiToken.findAll({ where: { tenantId: ctx.tenantId }, order: [['id', 'DESC']] });
    return { items: rows.map(serializeApiToken) };
  }

  async revoke(ctx: TenantContext, id: number) {
    const row = await this.#models.ApiToken.findOne({ where: { id, tenantId: ctx.tenantId } });
    if (!row) throw notFound('API token');
    if (!row.revokedAt) {
      await row.update({ revokedAt: new Date() });
      await this.#audit.inTenant(ctx, 'api_token.revoked', { type: 'api_token', id: row.id }, { name: row.name });
    }
    return serializeApiToken(row);
  }

  async resolve(token: string): Promise<Principal | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    const row = await this.#models.ApiToken.findOne({ where: { tokenHash: sha256(token) } });
    if (!row || row.revokedAt) return null;
    const now = Date.now();
    if (row.expiresAt && row.expiresAt.getTime() <= now) return null;
    // Last-used is informative; writing it at most once a minute keeps hot API paths read-only.
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > 60_000) {
      await this.#models.ApiToken.update({ lastUsedAt: new Date(now) }, { where: { id: row.id } });
    }
    return {
      kind: 'api_token',
      userId: null,
      label: `token:${row.name}`,
      isSuperAdmin: false,
      tenantId: row.tenantId,
      tokenRole: row.role,
      apiTokenId: row.id,
    };
  }
}
