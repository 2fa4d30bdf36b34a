// The one authorization middleware every route goes through: it resolves the tenant and the caller's
// role in it, then checks the route's permission against the matrix in permissions.ts.
import type { RequestHandler } from 'express';
import type { RouteDef } from './route.ts';
import type { Role, TenantRole } from './permissions.ts';
import { can, PLATFORM_PERMISSIONS } from './permissions.ts';
import { AppError, forbidden, unauthenticated } from './errors.ts';

export interface TenantSummary {
  id: number;
  status: 'active' | 'suspended';
}

export interface AuthorizeDeps {
  /** Finds a tenant by numeric id or slug. */
  findTenant(ref: string | number): Promise<TenantSummary | null>;
  /** The user's role in the tenant, or null when not a member. */
  roleOf(userId: number, tenantId: number): Promise<TenantRole | null>;
  /** Tenants the user belongs to (used when the caller did not say which one). */
  tenantsOf(userId: number): Promise<number[]>;
}

export const TENANT_HEADER = 'x-tenant-id';

export function authorize(def: Pick<RouteDef, 'access' | 'principals'>, deps: AuthorizeDeps): RequestHandler {
  return async (req, _res, next) => {
    try {
      const access = def.access;
      if (access === 'public') return next();
      const principal = req.ctx.principal;
      if (!principal) throw unauthenticated();
      if (def.principals && !def.principals.includes(principal.kind)) {
        throw new AppError(
          403,
          'wrong_credential_kind',
          `This endpoint does not accept ${principal.kind.replace('_', ' ')} credentials.`,
        );
      }
      // Visitor sessions reach visitor endpoints and nothing else; nobody else reaches those.
      if (access === 'visitor') {
        if (principal.kind !== 'visitor')
          throw new AppError(403, 'wrong_credential_kind', 'Only a visitor session may call this endpoint.');
        const t = principal.tenantId === null ? null : await deps.findTenant(principal.tenantId);
        if (!t) throw unauthenticated();
        if (t.status === 'suspended') throw new AppError(403, 'tenant_suspended', 'This workspace is suspended.');
        return next();
      }
      if (principal.kind === 'visitor')
        throw new AppError(403, 'visitor_not_allowed', 'A visitor session cannot call this endpoint.');
      if (access === 'authenticated') return next();

      if (PLATFORM_PERMISSIONS.has(access)) {
        if (principal.kind === 'session' && principal.isSuperAdmin) return next();
        throw forbidden('Only a platform super admin may do this.');
      }

      // Tenant-scoped permission: find the tenant and the caller's role in it.
      let tenantId: number;
      let role: Role;
      const header = req.get(TENANT_HEADER);
      if (principal.tenantId !== null && principal.tokenRole !== null) {
        tenantId = principal.tenantId;
        role = principal.tokenRole;
        if (header && header !== String(tenantId)) {
          const t = await deps.findTenant(header);
          if (!t || t.id !== tenantId) throw forbidden('This token belongs to another tenant.');
        }
      } else if (principal.userId !== null) {
        let ref: string | number | undefined = header;
        if (!ref) {
          const mine = await deps.tenantsOf(principal.userId);
          if (mine.length !== 1) {
            throw new AppError(400, 'tenant_required', 'Say which tenant with the X-Tenant-Id header (id or slug).');
          }
          ref = mine[0];
        }
        const t = await deps.findTenant(ref);
        if (!t) throw new AppError(404, 'tenant_not_found', 'No such tenant.');
        tenantId = t.id;
        const memberRole = await deps.roleOf(principal.userId, tenantId);
        if (memberRole) role = principal.isSuperAdmin ? 'super_admin' : memberRole;
        else if (principal.isSuperAdmin) role = 'super_admin';
        else throw new AppError(403, 'not_a_member', 'You are not a member of this tenant.');
      } else {
        throw unauthenticated();
      }

      const tenant = await deps.findTenant(tenantId);
      if (!tenant) throw new AppError(404, 'tenant_not_found', 'No such tenant.');
      if (tenant.status === 'suspended' && role !== 'super_admin') {
        throw new AppError(403, 'tenant_suspended', 'This tenant is suspended. Contact the platform operator.');
      }
      if (!can(role, access)) throw forbidden(`Your role (${role}) does not allow ${access}.`);
      req.ctx.tenant = { tenantId, role, principal, ip: req.ip ?? null };
      next();
    } catch (err) {
      next(err);
    }
  };
}
