// Works out who is calling, from exactly one credential: the console's session cookie, an API token
// (`Authorization: Bearer wat_…`), a widget's embed token (a JWT bound to an origin) or a site visitor's
// session (a JWT from a publishable key, bound to an origin). A credential
// that is present but invalid is refused outright rather than treated as anonymous.
import type { RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import type { Principal } from './context.ts';
import { AppError } from './errors.ts';
import { SESSION_COOKIE, type AuthService } from '../modules/auth/auth.service.ts';
import { API_TOKEN_PREFIX, type ApiTokenService } from '../modules/auth/api-tokens.service.ts';
import { EmbedTokenError, type EmbedTokenService } from '../modules/auth/embed-tokens.service.ts';
import type { TenantRole } from './permissions.ts';
import { VisitorSessions } from '../modules/auth/visitor-sessions.ts';

export interface AuthenticateDeps {
  auth: AuthService;
  apiTokens: ApiTokenService;
  embedTokens: EmbedTokenService;
  visitors: VisitorSessions;
  roleOf(userId: number, tenantId: number): Promise<TenantRole | null>;
  publicOrigin: string;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function principalFromEmbedToken(
  deps: AuthenticateDeps,
  token: string,
  origin: string | undefined,
): Promise<Principal> {
  let claims;
  try {
    claims = await deps.embedTokens.verify(token);
  } catch (err) {
    if (err instanceof EmbedTokenError) throw new AppError(401, 'invalid_token', err.message);
    throw err;
  }
  if (!origin || origin !== claims.origin) {
    throw new AppError(401, 'origin_mismatch', 'This embed token was minted for another origin.');
  }
  let role = claims.role;
  if (claims.userId !== null) {
    // A member removed or demoted since the token was minted loses access at once.
    const current = await deps.roleOf(claims.userId, claims.tenantId);
    if (!current) throw new AppError(401, 'invalid_token', 'The user of this embed token is no longer a member.');
    if (rank(current) < rank(role)) role = current;
  }
  return {
    kind: 'embed',
    userId: claims.userId,
    label: claims.userId === null ? `embed:${claims.jti.slice(0, 8)}` : `embed:user:${claims.userId}`,
    isSuperAdmin: false,
    tenantId: claims.tenantId,
    tokenRole: role,
    embedOrigin: claims.origin,
  };
}

const rank = (r: TenantRole) => ({ agent: 1, manager: 2, admin: 3 })[r];

export async function principalFromBearer(deps: AuthenticateDeps, token: string, origin: string | undefined): Promise<Principal> {
  if (token.startsWith(API_TOKEN_PREFIX)) {
    const p = await deps.apiTokens.resolve(token);
    if (!p) throw new AppError(401, 'invalid_token', 'This API token is unknown, revoked or expired.');
    return p;
  }
  if (VisitorSessions.looksLikeVisitorToken(token)) return deps.visitors.verify(token, origin);
  return principalFromEmbedToken(deps, token, origin);
}

export function authenticate(deps: AuthenticateDeps): RequestHandler {
  return async (req, _res, next) => {
    req.ctx = { principal: null, tenant: null };
    try {
      const authz = req.get('authorization');
      if (authz) {
        const m = /^Bearer\s+(\S+)$/i.exec(authz);
        if (!m) throw new AppError(401, 'invalid_token', 'Use "Authorization: Bearer <token>".');
        // Browsers send no Origin on same-origin GETs; Sec-Fetch-Site (which page script cannot set)
        // then vouches that the page is one of ours.
        const origin = req.get('origin') ?? (req.get('sec-fetch-site') === 'same-origin' ? deps.publicOrigin : undefined);
        req.ctx.principal = await principalFromBearer(deps, m[1], origin);
        return next();
      }
      const cookies = parseCookie(req.get('cookie') ?? '');
      const sessionToken = cookies[SESSION_COOKIE];
      if (sessionToken) {
        const principal = await deps.auth.resolveSession(sessionToken);
        // An expired cookie is not an error by itself: public routes (sign-in) must still work.
        if (principal) {
          if (UNSAFE.has(req.method)) assertSameOrigin(req.get('origin'), req.get('sec-fetch-site'), deps.publicOrigin, req);
          req.ctx.principal = principal;
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Cookie sessions are for our own pages: a state change from another site is refused (CSRF). */
function assertSameOrigin(
  origin: string | undefined,
  fetchSite: string | undefined,
  publicOrigin: string,
  req: { protocol: string; get(h: string): string | undefined },
) {
  if (origin) {
    const own = `${req.protocol}://${req.get('host')}`;
    if (origin === publicOrigin || origin === own) return;
    throw new AppError(403, 'cross_site_request', 'Cross-site requests cannot use the console session.');
  }
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    throw new AppError(403, 'cross_site_request', 'Cross-site requests cannot use the console session.');
  }
}
