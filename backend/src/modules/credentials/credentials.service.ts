import type { Models } from '../../db/models.ts';
import type { TenantContext } from '../../http/context.ts';
import { notFound } from '../../http/errors.ts';
import type { EncryptionService } from '../../security/encryption.ts';
import type { AuditService } from '../audit/index.ts';
import type { CredentialInstance } from './credential.model.ts';

export const CREDENTIAL_CONTEXT = 'credentials.ciphertext';

// Responses say only that a secret is configured: the value never leaves the server.
function serialize(c: CredentialInstance) {
  return {
    name: c.name,
    configured: true as const,
    keyId: c.keyId,
    updatedBy: c.updatedBy,
    updatedAt: c.updatedAt.toISOString(),
  };
}

export class CredentialsService {
  readonly #models: Models;
  readonly #enc: EncryptionService;
  readonly #audit: AuditService;
  constructor(models: Models, enc: EncryptionService, audit: AuditService) {
    this.#models = models;
    this.#enc = enc;
    this.#audit = audit;
  }

  async list(ctx: TenantContext) {
    const rows = await this.#models.Credential.findAll({ where: { tenantId: ctx.tenantId }, order: [['name', 'ASC']] });
    return { items: rows.map(serialize) };
  }

  async set(ctx: TenantContext, name: string, value: string) {
    const ciphertext = this.#enc.encrypt(value, CREDENTIAL_CONTEXT);
    const keyId = this.#enc.primary.id;
    const existing = await this.#models.Credential.findOne({ where: { tenantId: ctx.tenantId, name } });
    const row = existing
      ? await existing.update({ ciphertext, keyId, updatedBy: ctx.principal.userId })
      : await this.#models.Credential.create({
          tenantId: ctx.tenantId,
          name,
          ciphertext,
          keyId,
          updatedBy: ctx.principal.userId,
        });
    await this.#audit.inTenant(ctx, 'credential.set', { type: 'credential', id: name }, { replaced: Boolean(existing) });
    return serialize(row);
  }

  async remove(ctx: TenantContext, name: string) {
    const row = await this.#models.Credential.findOne({ where: { tenantId: ctx.tenantId, name } });
    if (!row) throw notFound('Credential');
    await row.destroy();
    await this.#audit.inTenant(ctx, 'credential.deleted', { type: 'credential', id: name });
  }

  /** For server-side use by other modules (e.g. calling the Graph API); never exposed over HTTP. */
  async reveal(tenantId: number, name: string): Promise<string | null> {
    const row = await this.#models.Credential.findOne({ where: { tenantId, name } });
    return row ? this.#enc.decrypt(row.ciphertext, CREDENTIAL_CONTEXT) : null;
  }
}
