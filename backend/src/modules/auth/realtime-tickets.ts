// Single-use, 30-second tickets for opening the WebSocket: the browser never puts a bearer token in a
// URL. The ticket is a signed JWT (so any instance can check it) and its id is remembered until expiry.
import crypto from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { EncryptionService } from '../../security/encryption.ts';
import type { Role } from '../../http/permissions.ts';

const PURPOSE = 'realtime-ticket-v1';
const TTL_SECONDS = 30;

export interface TicketClaims {
  tenantId: number;
  userId: number | null;
  role: Role;
  kind: string;
}

export class RealtimeTickets {
  readonly #enc: EncryptionService;
  readonly #used = new Map<string, number>();
  constructor(enc: EncryptionService) {
    this.#enc = enc;
  }

  async issue(claims: TicketClaims) {
    const kid = this.#enc.primary.id;
    const now = Math.floor(Date.now() / 1000);
    const ticket = await new SignJWT({ tenant: claims.tenantId, role: claims.role, kind: claims.kind })
      .setProtectedHeader({ alg: 'HS256', kid })
      .setAudience('realtime')
      .setSubject(claims.userId === null ? 'api' : String(claims.userId))
      .setIssuedAt(now)
      .setExpirationTime(now + TTL_SECONDS)
      .setJti(crypto.randomUUID())
      .sign(this.#enc.deriveKey(kid, PURPOSE));
    return { ticket, expiresAt: new Date((now + TTL_SECONDS) * 1000) };
  }

  async redeem(ticket: string): Promise<TicketClaims | null> {
    try {
      const [h] = ticket.split('.');
      const { kid } = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { kid?: string };
      if (!kid || !this.#enc.keyIds.includes(kid)) return null;
      const { payload } = await jwtVerify(ticket, this.#enc.deriveKey(kid, PURPOSE), {
        audience: 'realtime',
        algorithms: ['HS256'],
      });
      const jti = payload.jti!;
      this.#sweep();
      if (this.#used.has(jti)) return null;
      this.#used.set(jti, payload.exp! * 1000);
      return {
        tenantId: payload.tenant as number,
        role: payload.role as Role,
        kind: String(payload.kind),
        userId: payload.sub === 'api' ? null : Number(payload.sub),
      };
    } catch {
      return null;
    }
  }

  #sweep() {
    const now = Date.now();
    for (const [jti, exp] of this.#used) if (exp < now) this.#used.delete(jti);
  }
}
