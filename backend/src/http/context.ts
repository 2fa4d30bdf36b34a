// Who is calling and for which tenant, resolved once per request by authenticate() and authorize()
// and passed down to services explicitly.
import type { Role, TenantRole } from './permissions.ts';

export type PrincipalKind = 'session' | 'api_token' | 'embed';

export interface Principal {
  kind: PrincipalKind;
  userId: number | null;
  label: string;
  isSuperAdmin: boolean;
  /** Token principals are bound to one tenant and one role; session principals are not. */
  tenantId: number | null;
  tokenRole: TenantRole | null;
  sessionId?: string;
  apiTokenId?: number;
  embedOrigin?: string;
}

/** What every tenant-scoped service method receives first. */
export interface TenantContext {
  tenantId: number;
  role: Role;
  principal: Principal;
  ip: string | null;
}

export interface RequestContext {
  principal: Principal | null;
  tenant: TenantContext | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    ctx: RequestContext;
  }
}
