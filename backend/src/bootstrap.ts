// First start with an empty database: create the super admin from ADMIN_EMAIL/ADMIN_PASSWORD, or
// announce a one-time setup link; with DEMO on, also create a demo tenant to look around in.
import type { Config } from './config.ts';
import type { Models } from './db/models.ts';
import type { Logger } from './logger.ts';
import { hashPassword } from './security/passwords.ts';
import type { AuditService } from './modules/audit/index.ts';
import type { AuthService } from './modules/auth/index.ts';
import type { TenantsService } from './modules/tenants/index.ts';
import type { UsersService } from './modules/users/index.ts';

export interface BootstrapDeps {
  config: Readonly<Config>;
  models: Models;
  auth: AuthService;
  tenants: TenantsService;
  users: UsersService;
  audit: AuditService;
  logger: Logger;
  announce: (message: string) => void;
}

export const DEMO_SLUG = 'demo';

export async function bootstrap(d: BootstrapDeps): Promise<void> {
  const { models, config } = d;
  const firstStart = (await models.Tenant.count()) === 0 && (await models.User.count()) === 0;
  let superAdminId: number | null = null;

  const superAdmins = await models.User.count({ where: { isSuperAdmin: true } });
  if (superAdmins === 0) {
    if (config.admin) {
      const existing = await models.User.findOne({ where: { email: config.admin.email } });
      const passwordHash = await hashPassword(config.admin.password);
      const user = existing
        ? await existing.update({ isSuperAdmin: true, passwordHash })
        : await models.User.create({ email: config.admin.email, name: 'Administrator', passwordHash, isSuperAdmin: true });
      superAdminId = user.id;
      await d.audit.record({
        tenantId: null,
        actor: 'system',
        action: 'user.created',
        target: { type: 'user', id: user.id },
        meta: { superAdmin: true, from: 'ADMIN_EMAIL' },
      });
      d.logger.info({ userId: user.id }, 'super admin created from ADMIN_EMAIL');
    } else {
      const url = await d.auth.createSetupToken();
      d.announce(
        [
          '',
          '┌──────────────────────────────────────────────────────────────────────',
          '│ No super admin exists yet. Open this one-time link (valid 24 h) to create one:',
          `│ ${url}`,
          '│ Or set ADMIN_EMAIL and ADMIN_PASSWORD and restart.',
          '└──────────────────────────────────────────────────────────────────────',
          '',
        ].join('\n'),
      );
      d.logger.warn('no super admin yet: a one-time setup link was printed to the console');
    }
  }

  if (config.demo && firstStart) {
    const tenant = await d.tenants.create('system', { name: 'Demo Shop', slug: DEMO_SLUG, plan: 'free' });
    await tenant.update({ allowedOrigins: [new URL(config.publicUrl).origin] });
    if (superAdminId !== null) {
      await models.Membership.create({ tenantId: tenant.id, userId: superAdminId, role: 'admin' });
    }
    d.logger.info({ tenantId: tenant.id, slug: DEMO_SLUG }, 'demo tenant created');
  }
}
