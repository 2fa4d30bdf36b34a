// Secrets at rest: AES-256-GCM with a random 96-bit nonce per value, the key id stored inside the
// envelope so several keys can coexist while old ones are rotated out (see cli/rotate-keys.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.ts';

const VERSION = 'v1';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export class EncryptionError extends Error {}

export class EncryptionService {
  readonly primary: EncryptionKey;
  readonly #keys: Map<string, Buffer>;

  /** keys[0] is the primary (used for new values); the others only decrypt. */
  constructor(keys: EncryptionKey[]) {
    if (keys.length === 0) throw new EncryptionError('At least one encryption key is required');
    this.primary = keys[0];
    this.#keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** `context` is authenticated but not stored: a value copied to another column will not decrypt. */
  encrypt(plaintext: string, context: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.primary.key, iv);
    cipher.setAAD(Buffer.from(`${VERSION}:${this.primary.id}:${context}`));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.primary.id, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join(':');
  }

  decrypt(envelope: string, context: string): string {
    const parts = envelope.split(':');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new EncryptionError('Not an encrypted value');
    const [, keyId, iv, tag, ct] = parts;
    const key = this.#keys.get(keyId);
    if (!key) throw new EncryptionError(`Encryption key "${keyId}" is not configured (was it rotated out too early?)`);
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(`${VERSION}:${keyId}:${context}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new EncryptionError('Encrypted value failed authentication');
    }
  }

  keyIdOf(envelope: string): string {
    return envelope.split(':')[1] ?? '';
  }

  /** Derives a purpose-bound subkey (HKDF) so one configured key can safely serve several uses. */
  deriveKey(keyId: string, purpose: string): Uint8Array {
    const key = this.#keys.get(keyId);
    if (!key) throw new EncryptionError(`Encryption key "${keyId}" is not configured`);
    return new Uint8Array(crypto.hkdfSync('sha256', key, Buffer.alloc(0), Buffer.from(purpose), 32));
  }
}

/** Parses `ENCRYPTION_KEYS`: comma-separated `id:base64key` pairs, primary first, 32-byte keys. */
export function parseKeys(spec: string): EncryptionKey[] {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf(':');
      if (i <= 0) throw new EncryptionError('ENCRYPTION_KEYS entries must look like id:base64key');
      const id = pair.slice(0, i);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
        throw new EncryptionError(`Encryption key id "${id}" must be 1–32 letters, digits, - or _`);
      const key = Buffer.from(pair.slice(i + 1), 'base64');
      if (key.length !== 32) throw new EncryptionError(`Encryption key "${id}" must be 32 bytes (base64), got ${key.length}`);
      return { id, key };
    });
  if (keys.length === 0) throw new EncryptionError('ENCRYPTION_KEYS is empty');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new EncryptionError('ENCRYPTION_KEYS has duplicate ids');
  return keys;
}

export function generateKeySpec(id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`): string {
  return `${id}:${crypto.randomBytes(32).toString('base64')}`;
}

/**
 * Keys come from ENCRYPTION_KEYS. On the embedded default (no keys configured) one is generated once
 * into data/encryption.key with a warning, so a newcomer's secrets are still encrypted at rest.
 */
export function loadEncryption(opts: { spec: string | null; dataDir: string; logger: Logger }): EncryptionService {
  if (opts.spec) return new EncryptionService(parseKeys(opts.spec));
  const file = path.join(opts.dataDir, 'encryption.key');
  let spec: string;
  if (fs.existsSync(file)) {
    spec = fs.readFileSync(file, 'utf8').trim();
  } else {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    spec = generateKeySpec();
    fs.writeFileSync(file, `${spec}\n`, { mode: 0o600 });
  }
  opts.logger.warn(
    { file },
    'ENCRYPTION_KEYS is not set: using a key generated into the data directory. Set ENCRYPTION_KEYS (and back it up) before running in production or on several instances.',
  );
  return new EncryptionService(parseKeys(spec));
}
