// Visitor sessions for widgets that face a site's visitors (the chat bubble): the page presents the
// tenant's publishable key, and the server checks the browser's Origin against the tenant's
// allow-list before handing out a 15-minute token that reaches visitor endpoints only. The key is
// public by design; the Origin check (which page script cannot forge) is what protects it.
import crypto from 'node:crypto';
import { SignJWT, jwtVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { EncryptionService } from '../../security/encryption.ts';
import { AppError } from '../../http/errors.ts';
import type { Principal } from '../../http/context.ts';
import type { TenantsService } from '../tenants/index.ts';

const PURPOSE = 'visitor-token-v1';
export const VISITOR_TTL_SECONDS = 900;
const VISITOR_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** A short fingerprint of the publishable key, so rotating the key ends its sessions at once. */
const keyHash = (key: string) => crypto.createHash('sha256').update(key).digest('base64url').slice(0, 16);

export class VisitorSessions {
  readonly #enc: EncryptionService;
  readonly #tenants: TenantsService;
  constructor(enc: EncryptionService, tenants: TenantsService) {
    this.#enc = enc;
    this.#tenants = tenants;
  }

  async start(input: { publishableKey: string; visitorId?: string }, origin: string | undefined) {
    if (!origin) throw new AppError(403, 'origin_required', 'Visitor sessions are only for browsers on an allowed site.');
    const tenant = await this.#tenants.findByPublishableKey(input.publishableKey);
    // One answer for an unknown key and a disallowed origin: probing with keys reveals nothing.
    if (!tenant || !tenant.allowedOrigins.includes(origin)) {
      throw new AppError(403, 'origin_not_allowed', 'This site is not allowed to use this publishable key.');
    }
    if (tenant.status !== 'active') throw new AppError(403, 'tenant_suspended', 'This workspace is suspended.');
    // A returning visitor keeps their id (the browser remembers it), so a conversation can continue.
    const visitorId = input.visitorId && VISITOR_ID.test(input.visitorId) ? input.visitorId : crypto.randomUUID();
    const kid = this.#enc.primary.id;
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ tenant: tenant.id, origin, vid: visitorId, kh: keyHash(tenant.publishableKey) })
      .setProtectedHeader({ alg: 'HS256', kid })
      .setAudience('visitor')
      .setSubject(`visitor:${visitorId}`)
      .setIssuedAt(now)
      .setExpirationTime(now + VISITOR_TTL_SECONDS)
      .setJti(crypto.randomUUID())
      .sign(this.#enc.deriveKey(kid, PURPOSE));
    return {
      token,
      visitorId,
      expiresAt: new Date((now + VISITOR_TTL_SECONDS) * 1000).toISOString(),
      tenant: { name: tenant.name },
    };
  }

  /** True when the token claims to be a visitor token (the caller then uses verify, not the others). */
  static looksLikeVisitorToken(token: string): boolean {
    try {
      return decodeJwt(token).aud === 'visitor';
    } catch {
      return false;
    }
  }

  async verify(token: string, origin: string | undefined): Promise<Principal> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      kid = undefined;
    }
    if (!kid || !this.#enc.keyIds.includes(kid))
      throw new AppError(401, 'invalid_token', 'Visitor token signed with an unknown key.');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#enc.deriveKey(kid, PURPOSE), { audience: 'visitor', algorithms: ['HS256'] }));
    } catch {
      throw new AppError(401, 'invalid_token', 'Visitor session expired or invalid; start a new one.');
    }
    if (!origin || origin !== payload.origin)
      throw new AppError(401, 'origin_mismatch', 'This visitor session belongs to another site.');
    const tenant = await this.#tenants.find(Number(payload.tenant));
    if (!tenant || keyHash(tenant.publishableKey) !== payload.kh || !tenant.allowedOrigins.includes(origin)) {
      throw new AppError(401, 'invalid_token', 'This visitor session was revoked; start a new one.');
    }
    return {
      kind: 'visitor',
      userId: null,
      label: `visitor:${String(payload.vid)}`,
      isSuperAdmin: false,
      tenantId: tenant.id,
      tokenRole: null,
      visitorId: String(payload.vid),
      embedOrigin: origin,
    };
  }
}
