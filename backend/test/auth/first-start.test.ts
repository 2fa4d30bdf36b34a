import { expect } from 'chai';
import { startPlatform } from '../helpers/platform.ts';

describe('first start', () => {
  it('announces a one-time setup link that creates the super admin once', async () => {
    const tp = await startPlatform({ env: { DEMO: '1' } });
    try {
      const text = tp.announced.join('\n');
      const m = /\/setup#token=([A-Za-z0-9_-]+)/.exec(text);
      expect(m, 'setup link announced').to.not.equal(null);
      const token = m![1];
      expect(tp.logs.join('')).to.not.include(token);
      const page = await tp.client().get('/setup/');
      expect(page.status).to.equal(200);
      expect(page.text).to.include('<form');
      const weak = await tp.client().post('/api/v1/auth/setup', { token, email: 'owner@example.com', password: 'short' });
      expect(weak.status).to.equal(400);
      const ok = await tp
        .client()
        .post('/api/v1/auth/setup', { token, email: 'owner@example.com', password: 'a long enough password', name: 'Owner' });
      expect(ok.status).to.equal(201);
      const again = await tp
        .client()
        .post('/api/v1/auth/setup', { token, email: 'other@example.com', password: 'a long enough password' });
      expect(again.status).to.equal(400);
      expect(again.body.error.code).to.equal('invalid_setup_token');
      const c = tp.client();
      const login = await c.post('/api/v1/auth/login', { email: 'owner@example.com', password: 'a long enough password' });
      expect(login.status).to.equal(200);
      expect(login.body.user.isSuperAdmin).to.equal(true);
      // The newcomer finds the demo tenant in their own list.
      expect(
        login.body.memberships.map((m: { tenant: { slug: string }; role: string }) => [m.tenant.slug, m.role]),
      ).to.deep.equal([['demo', 'admin']]);
      expect((await c.get('/api/admin/tenants')).status).to.equal(200);
    } finally {
      await tp.stop();
    }
  });

  it('creates the super admin from ADMIN_EMAIL/ADMIN_PASSWORD and a demo tenant with DEMO=1', async () => {
    const tp = await startPlatform({ env: { ADMIN_EMAIL: 'Root@Example.com', ADMIN_PASSWORD: 'root password 123', DEMO: '1' } });
    try {
      // No setup link is announced (only where to chat with the built-in WhatsApp simulator).
      expect(tp.announced.filter((m) => !m.includes('/simulator/_sim/phone'))).to.deep.equal([]);
      const c = tp.client();
      const login = await c.post('/api/v1/auth/login', { email: 'root@example.com', password: 'root password 123' });
      expect(login.status).to.equal(200);
      expect(login.body.user.isSuperAdmin).to.equal(true);
      expect(login.body.memberships.map((m: { tenant: { slug: string } }) => m.tenant.slug)).to.deep.equal(['demo']);
      const tenant = await c.get('/api/v1/tenant', { 'x-tenant-id': 'demo' });
      expect(tenant.status).to.equal(200);
      expect(tenant.body.name).to.equal('Demo Shop');
      expect(tp.logs.join('')).to.not.include('root password 123');
    } finally {
      await tp.stop();
    }
  });

  it('does not recreate the demo tenant or reset the admin on the next start', async () => {
    const first = await startPlatform({
      env: { ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'root password 123', DEMO: '1' },
    });
    await first.platform.stop();
    const second = await startPlatform({
      db: first.db,
      env: { ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'another password 456', DEMO: '1' },
    });
    try {
      expect(await second.platform.models.Tenant.count()).to.equal(1);
      const old = await second.client().post('/api/v1/auth/login', { email: 'root@example.com', password: 'root password 123' });
      expect(old.status).to.equal(200);
    } finally {
      await second.platform.stop();
      await first.db.cleanup();
    }
  });
});
