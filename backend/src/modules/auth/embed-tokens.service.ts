// Short-lived signed embed tokens for widgets (JWT, HS256). The signing key is derived by HKDF from
// the current encryption key and named by its id (kid), so rotating ENCRYPTION_KEYS rotates it too.
import crypto from 'node:crypto';
import { SignJWT, jwtVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import type { EncryptionService } from '../../security/encryption.ts';
import type { TenantRole } from '../../http/permissions.ts';
import { isTenantRole } from '../../http/permissions.ts';

export const EMBED_MAX_TTL_SECONDS = 600;
const ISSUER = 'wa-platform';
const AUDIENCE = 'embed';
const PURPOSE = 'embed-token-v1';

export interface EmbedClaims {
  tenantId: number;
  userId: number | null;
  role: TenantRole;
  origin: string;
  jti: string;
  expiresAt: Date;
}

export class EmbedTokenError extends Error {}

export class EmbedTokenService {
  readonly #enc: EncryptionService;
  constructor(enc: EncryptionService) {
    this.#enc = enc;
  }

  async sign(claims: { tenantId: number; userId: number | null; role: TenantRole; origin: string; ttlSeconds: number }) {
    const ttl = Math.min(Math.max(Math.floor(claims.ttlSeconds), 30), EMBED_MAX_TTL_SECONDS);
    const kid = this.#enc.primary.id;
    const jti = crypto.randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ tenant: claims.tenantId, role: claims.role, origin: claims.origin })
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(claims.userId === null ? 'api' : String(claims.userId))
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .setJti(jti)
      .sign(this.#enc.deriveKey(kid, PURPOSE));
    return { token, jti, expiresAt: new Date((now + ttl) * 1000) };
  }

  async verify(token: string): Promise<EmbedClaims> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new EmbedTokenError('Malformed embed token.');
    }
    if (!kid || !this.#enc.keyIds.includes(kid)) throw new EmbedTokenError('Embed token signed with an unknown key.');
    try {
      const { payload } = await jwtVerify(token, this.#enc.deriveKey(kid, PURPOSE), {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        maxTokenAge: `${EMBED_MAX_TTL_SECONDS + 5}s`,
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      });
      const tenantId = payload.tenant;
      const role = payload.role;
      const origin = payload.origin;
      if (typeof tenantId !== 'number' || !isTenantRole(role) || typeof origin !== 'string') {
        throw new EmbedTokenError('Embed token is missing claims.');
      }
      return {
        tenantId,
        role,
        origin,
        userId: payload.sub === 'api' ? null : Number(payload.sub),
        jti: payload.jti!,
        expiresAt: new Date(payload.exp! * 1000),
      };
    } catch (err) {
      if (err instanceof EmbedTokenError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new EmbedTokenError('Embed token has expired.');
      throw new EmbedTokenError('Embed token is not valid.');
    }
  }
}

/** Normalises an origin (scheme://host[:port]) or returns null when the value is not one. */
export function normalizeOrigin(value: string): string | null {
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    if (u.pathname !== '/' || u.search || u.hash || u.username || u.password) return null;
    return u.origin;
  } catch {
    return null;
  }
}
