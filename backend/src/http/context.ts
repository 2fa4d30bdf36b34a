// Who is calling and for which tenant, resolved once per request by authenticate() and authorize()
// and passed down to services explicitly.
import type { Role, TenantRole } from './permissions.ts';

/** `visitor`: an anonymous site visitor holding a visitor session from a publishable key. */
export type PrincipalKind = 'session' | 'api_token' | 'embed' | 'visitor';

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
  /** Stable per-browser id of an anonymous visitor (visitor principals only). */
  visitorId?: string;
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
