import { Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import type { Models } from '../../db/models.ts';
import type { Principal, TenantContext } from '../../http/context.ts';
import { AppError, conflict, notFound } from '../../http/errors.ts';
import type { AuditService } from '../audit/index.ts';
import { normalizeOrigin } from '../auth/index.ts';
import { newPublishableKey, type TenantAttrs, type TenantInstance } from './tenant.model.ts';
import { SLUG_MAX, SLUG_PATTERN } from './tenants.schemas.ts';

export function serializeTenant(t: TenantInstance) {
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    status: t.status,
    plan: t.plan,
    allowedOrigins: t.allowedOrigins,
    publishableKey: t.publishableKey,
    suspendedAt: t.suspendedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  };
}

export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return s.length >= 2 ? s : `tenant-${s}`;
}

export class TenantsService {
  readonly #models: Models;
  readonly #audit: AuditService;
  #originCache: { at: number; origins: Set<string> } | null = null;

  constructor(models: Models, audit: AuditService) {
    this.#models = models;
    this.#audit = audit;
  }

  /** A tenant by id or slug; a ref that can be neither (huge number, stray characters) finds nothing. */
  async find(ref: string | number): Promise<TenantInstance | null> {
    const s = String(ref);
    if (/^\d+$/.test(s)) {
      const id = Number(s);
      if (Number.isSafeInteger(id)) return this.#models.Tenant.findByPk(id);
    }
    if (s.length > SLUG_MAX || !SLUG_PATTERN.test(s)) return null;
    return this.#models.Tenant.findOne({ where: { slug: s } });
  }

  async get(ctx: TenantContext) {
    const t = await this.#models.Tenant.findByPk(ctx.tenantId);
    if (!t) throw notFound('Tenant');
    return serializeTenant(t);
  }

  async update(ctx: TenantContext, input: { name?: string; allowedOrigins?: string[] }) {
    const t = await this.#models.Tenant.findByPk(ctx.tenantId);
    if (!t) throw notFound('Tenant');
    const changes: Partial<TenantAttrs> = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.allowedOrigins !== undefined) {
      const origins: string[] = [];
      for (const o of input.allowedOrigins) {
        const n = normalizeOrigin(o);
        if (!n) throw new AppError(400, 'invalid_origin', `"${o}" is not an origin; use https://host[:port] with no path.`);
        if (!origins.includes(n)) origins.push(n);
      }
      changes.allowedOrigins = origins;
    }
    await t.update(changes);
    this.#originCache = null;
    await this.#audit.record({
      tenantId: t.id,
      actor: ctx.principal,
      action: 'tenant.updated',
      target: { type: 'tenant', id: t.id },
      ip: ctx.ip,
      meta: { fields: Object.keys(changes) },
    });
    return serializeTenant(t);
  }

  /** Replaces the publishable key; widgets pasted with the old one stop getting visitor sessions. */
  async rotatePublishableKey(ctx: TenantContext) {
    const t = await this.#models.Tenant.findByPk(ctx.tenantId);
    if (!t) throw notFound('Tenant');
    await t.update({ publishableKey: newPublishableKey() });
    await this.#audit.inTenant(ctx, 'tenant.updated', { type: 'tenant', id: t.id }, { fields: ['publishableKey'] });
    return serializeTenant(t);
  }

  async findByPublishableKey(key: string): Promise<TenantInstance | null> {
    return this.#models.Tenant.findOne({ where: { publishableKey: key } });
  }

  /** Every origin some active tenant allows (used to answer CORS preflights), cached briefly. */
  async allowedOrigins(): Promise<Set<string>> {
    if (this.#originCache && Date.now() - this.#originCache.at < 30_000) return this.#originCache.origins;
    const rows = await this.#models.Tenant.findAll({ where: { status: 'active' }, attributes: ['id', 'allowedOrigins'] });
    const origins = new Set(rows.flatMap((r) => r.allowedOrigins));
    this.#originCache = { at: Date.now(), origins };
    return origins;
  }

  // --- platform operator -----------------------------------------------------------------------

  async list(q: { status?: 'active' | 'suspended'; q?: string; limit: number; before?: number }) {
    const where: WhereOptions<TenantAttrs> = {};
    if (q.status) Object.assign(where, { status: q.status });
    if (q.before) Object.assign(where, { id: { [Op.lt]: q.before } });
    if (q.q) Object.assign(where, { [Op.or]: [{ name: { [Op.like]: `%${q.q}%` } }, { slug: { [Op.like]: `%${q.q}%` } }] });
    const rows = await this.#models.Tenant.findAll({ where, order: [['id', 'DESC']], limit: q.limit + 1 });
    const items = rows.slice(0, q.limit).map(serializeTenant);
    return { items, nextBefore: rows.length > q.limit ? items[items.length - 1].id : null };
  }

  async create(actor: Principal | 'system', input: { name: string; slug?: string; plan: string }, ip: string | null = null) {
    const slug = input.slug ?? slugify(input.name);
    try {
      const t = await this.#models.Tenant.create({ name: input.name, slug, plan: input.plan });
      await this.#audit.record({
        tenantId: t.id,
        actor,
        action: 'tenant.created',
        target: { type: 'tenant', id: t.id },
        ip,
        meta: { slug },
      });
      return t;
    } catch (err) {
      if (err instanceof UniqueConstraintError) throw conflict(`The slug "${slug}" is taken; choose another.`);
      throw err;
    }
  }

  async setStatus(actor: Principal, id: number, status: 'active' | 'suspended', ip: string | null, reason?: string) {
    const t = await this.#models.Tenant.findByPk(id);
    if (!t) throw notFound('Tenant');
    if (t.status !== status) {
      await t.update({ status, suspendedAt: status === 'suspended' ? new Date() : null });
      this.#originCache = null;
      await this.#audit.record({
        tenantId: t.id,
        actor,
        action: status === 'suspended' ? 'tenant.suspended' : 'tenant.resumed',
        target: { type: 'tenant', id: t.id },
        ip,
        meta: reason ? { reason } : undefined,
      });
    }
    return serializeTenant(t);
  }
}
