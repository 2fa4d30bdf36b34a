// Identifier shapes that look like Meta's: numeric Graph ids, `wamid.` message ids, EAA… tokens and
// fbtrace ids. Everything is random so nothing in the product can depend on an order or a pattern.
import crypto from 'node:crypto';

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomChars(length: number, alphabet = ALPHANUM): string {
  const bytes = crypto.randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** A 15–16 digit Graph object id that never starts with 0. */
export function graphId(digits = 15 + crypto.randomInt(2)): string {
  return String(1 + crypto.randomInt(9)) + randomChars(digits - 1, '0123456789');
}

export function wamid(): string {
  return 'wamid.' + crypto.randomBytes(24 + crypto.randomInt(17)).toString('base64');
}

export function accessToken(): string {
  return 'EAA' + randomChars(180);
}

export function appSecret(): string {
  return crypto.randomBytes(16).toString('hex');
}

export function signupCode(): string {
  return 'AQ' + randomChars(120, ALPHANUM + '-_');
}

export function fbtraceId(): string {
  return randomChars(11) + '-' + randomChars(11);
}

export function bsuid(country = 'US'): string {
  return `${country}.${randomChars(20, '0123456789')}`;
}

export function conversationId(): string {
  return crypto.randomBytes(16).toString('hex');
}

export function clientId(): string {
  return crypto.randomUUID();
}
