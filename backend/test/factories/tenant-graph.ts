// Builds a tenant with one user per role (and a super admin), signed in through the real login
// endpoint, so tests start from what a real team looks like.
import crypto from 'node:crypto';
import type { TestPlatform, HttpClient } from '../helpers/platform.ts';
import { hashPassword } from '../../src/security/passwords.ts';
import type { TenantRole } from '../../src/http/permissions.ts';

export const PASSWORD = 'correct horse battery staple';
let passwordHash: string | null = null;

export interface TenantGraph {
  tenantId: number;
  slug: string;
  users: Record<TenantRole, { id: number; email: string; client: HttpClient }>;
}

export async function createTenantGraph(tp: TestPlatform, name = 'Shop'): Promise<TenantGraph> {
  const { models } = tp.platform;
  passwordHash ??= await hashPassword(PASSWORD);
  const suffix = crypto.randomBytes(4).toString('hex');
  const tenant = await models.Tenant.create({
    name: `${name} ${suffix}`,
    slug: `${name.toLowerCase()}-${suffix}`,
    allowedOrigins: ['https://shop.example'],
  });
  const users = {} as TenantGraph['users'];
  for (const role of ['admin', 'manager', 'agent'] as const) {
    const email = `${role}-${suffix}@example.com`;
    const user = await models.User.create({ email, name: `${role} ${suffix}`, passwordHash });
    await models.Membership.create({ tenantId: tenant.id, userId: user.id, role });
    const client = tp.client();
    const res = await client.post('/api/v1/auth/login', { email, password: PASSWORD });
    if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${res.text}`);
    client.tenant(tenant.id);
    users[role] = { id: user.id, email, client };
  }
  return { tenantId: tenant.id, slug: tenant.slug, users };
}

export async function createSuperAdmin(tp: TestPlatform): Promise<{ id: number; email: string; client: HttpClient }> {
  passwordHash ??= await hashPassword(PASSWORD);
  const email = `root-${crypto.randomBytes(4).toString('hex')}@example.com`;
  const user = await tp.platform.models.User.create({ email, name: 'Root', passwordHash, isSuperAdmin: true });
  const client = tp.client();
  const res = await client.post('/api/v1/auth/login', { email, password: PASSWORD });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return { id: user.id, email, client };
}
