// Opaque random tokens (sessions, API tokens, setup links) are stored only as sha256 digests: they
// carry 256 bits of entropy, so a fast hash is enough and lookups stay a single indexed equality.
import crypto from 'node:crypto';

export function randomToken(prefix = ''): string {
  return `${prefix}${crypto.randomBytes(32).toString('base64url')}`;
}

export function sha256(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}
