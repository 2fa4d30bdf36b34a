import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createSuperAdmin, createTenantGraph } from '../factories/tenant-graph.ts';

describe('super-admin console API', () => {
  let tp: TestPlatform;
  before(async () => {
    tp = await startPlatform();
  });
  after(async () => tp.stop());

  it('creates a tenant with its first admin, who can then sign in and work', async () => {
    const root = await createSuperAdmin(tp);
    const res = await root.client.post('/api/admin/tenants', {
      name: 'Café Olé',
      plan: 'pro',
      admin: { email: 'owner@cafe.example', name: 'Owner', password: 'cafe password 123' },
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ name: 'Café Olé', slug: 'cafe-ole', status: 'active', plan: 'pro' });
    const owner = tp.client();
    const login = await owner.post('/api/v1/auth/login', { email: 'owner@cafe.example', password: 'cafe password 123' });
    expect(login.body.memberships[0]).to.deep.include({ role: 'admin', tenantId: res.body.id });
    expect((await owner.get('/api/v1/members')).body.items).to.have.length(1);
  });

  it('suspends and resumes a tenant; members are shut out meanwhile', async () => {
    const root = await createSuperAdmin(tp);
    const g = await createTenantGraph(tp);
    const s = await root.client.post(`/api/admin/tenants/${g.tenantId}/suspend`, { reason: 'chargeback' });
    expect(s.body.status).to.equal('suspended');
    const blocked = await g.users.agent.client.get('/api/v1/tenant');
    expect(blocked.status).to.equal(403);
    expect(blocked.body.error.code).to.equal('tenant_suspended');
    const listed = await root.client.get('/api/admin/tenants?status=suspended');
    expect(listed.body.items.map((t: { id: number }) => t.id)).to.include(g.tenantId);
    await root.client.post(`/api/admin/tenants/${g.tenantId}/resume`, {});
    expect((await g.users.agent.client.get('/api/v1/tenant')).status).to.equal(200);
  });

  it('lists users across tenants with their memberships', async () => {
    const root = await createSuperAdmin(tp);
    const g = await createTenantGraph(tp);
    const res = await root.client.get(`/api/admin/users?q=${encodeURIComponent(g.users.manager.email)}`);
    expect(res.body.items).to.have.length(1);
    expect(res.body.items[0].memberships).to.deep.equal([{ tenantId: g.tenantId, role: 'manager' }]);
  });

  it('a tenant admin cannot reach the platform endpoints', async () => {
    const g = await createTenantGraph(tp);
    for (const path of ['/api/admin/tenants', '/api/admin/users', '/api/admin/audit-logs']) {
      expect((await g.users.admin.client.get(path)).status).to.equal(403);
    }
  });
});

describe('team members', () => {
  let tp: TestPlatform;
  before(async () => {
    tp = await startPlatform();
  });
  after(async () => tp.stop());

  it('admins add members and change roles; the last admin cannot be demoted or removed', async () => {
    const g = await createTenantGraph(tp);
    const admin = g.users.admin.client;
    const needsPw = await admin.post('/api/v1/members', { email: 'new@example.com', role: 'agent' });
    expect(needsPw.status).to.equal(400);
    expect(needsPw.body.error.code).to.equal('password_required');
    const added = await admin.post('/api/v1/members', { email: 'new@example.com', role: 'agent', password: 'a good password 1' });
    expect(added.status).to.equal(201);
    expect((await admin.post('/api/v1/members', { email: 'NEW@example.com', role: 'agent' })).status).to.equal(409);
    const demote = await admin.patch(`/api/v1/members/${g.users.admin.id}`, { role: 'agent' });
    expect(demote.status).to.equal(409);
    expect(demote.body.error.code).to.equal('last_admin');
    expect((await admin.delete(`/api/v1/members/${g.users.admin.id}`)).status).to.equal(409);
    expect((await admin.delete(`/api/v1/members/${added.body.userId}`)).status).to.equal(204);
    expect(
      (
        await g.users.manager.client.post('/api/v1/members', {
          email: 'x@example.com',
          role: 'agent',
          password: 'a good password 1',
        })
      ).status,
    ).to.equal(403);
  });
});
