import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createSuperAdmin, createTenantGraph, PASSWORD, type TenantGraph } from '../factories/tenant-graph.ts';

// SQLite reports a trigger's RAISE as a constraint error; the trigger's message is on the driver error.
const dbMessage = (e: unknown) => String((e as { parent?: { message?: string } })?.parent?.message ?? e);

describe('audit log', () => {
  let tp: TestPlatform;
  let g: TenantGraph;
  let other: TenantGraph;
  before(async () => {
    tp = await startPlatform();
    g = await createTenantGraph(tp);
    other = await createTenantGraph(tp, 'Other');
  });
  after(async () => tp.stop());

  const actions = async (tenantId?: number) =>
    (await tp.platform.models.AuditLog.findAll({ where: tenantId ? { tenantId } : {}, order: [['id', 'ASC']] })).map(
      (r) => r.action,
    );

  it('records sign-ins and failed sign-ins with the address they came from', async () => {
    await tp.client().post('/api/v1/auth/login', { email: g.users.agent.email, password: 'definitely wrong' });
    const failed = await tp.platform.models.AuditLog.findOne({
      where: { action: 'auth.login_failed', actorLabel: g.users.agent.email },
    });
    expect(failed!.ip).to.match(/127\.0\.0\.1/);
    const ok = await tp.platform.models.AuditLog.findOne({ where: { action: 'auth.login', actorId: g.users.agent.id } });
    expect(ok!.actorType).to.equal('user');
  });

  it('records role changes, tokens, credential changes and tenant suspension', async () => {
    const admin = g.users.admin.client;
    await admin.patch(`/api/v1/members/${g.users.agent.id}`, { role: 'manager' });
    const t = await admin.post('/api/v1/api-tokens', { name: 'audit me', role: 'agent' });
    await admin.delete(`/api/v1/api-tokens/${t.body.id}`);
    await admin.put('/api/v1/credentials/shopify-token', { value: 'shpat_secret_value' });
    const root = await createSuperAdmin(tp);
    await root.client.post(`/api/admin/tenants/${other.tenantId}/suspend`, { reason: 'unpaid' });

    expect(await actions(g.tenantId)).to.include.members([
      'member.role_changed',
      'api_token.created',
      'api_token.revoked',
      'credential.set',
    ]);
    expect(await actions(other.tenantId)).to.include('tenant.suspended');

    const page = await admin.get('/api/v1/audit-logs?action=member.role_changed');
    const entry = page.body.items[0];
    expect(entry.actor).to.deep.include({ type: 'user', id: g.users.admin.id, label: g.users.admin.email });
    expect(entry.target).to.deep.equal({ type: 'user', id: String(g.users.agent.id) });
    expect(entry.meta).to.deep.equal({ from: 'agent', to: 'manager' });
    expect(entry.createdAt).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.stringify(await admin.get('/api/v1/audit-logs'))).to.not.include('shpat_secret_value');
  });

  it('super admins read every tenant’s entries; tenant admins only their own; others not at all', async () => {
    const root = await createSuperAdmin(tp);
    const all = await root.client.get('/api/admin/audit-logs?limit=200');
    const tenants = new Set(all.body.items.map((e: { tenantId: number | null }) => e.tenantId));
    expect(tenants.has(g.tenantId)).to.equal(true);
    expect(tenants.has(other.tenantId)).to.equal(true);
    const filtered = await root.client.get(`/api/admin/audit-logs?tenantId=${other.tenantId}`);
    for (const e of filtered.body.items) expect(e.tenantId).to.equal(other.tenantId);
    expect((await g.users.admin.client.get('/api/admin/audit-logs')).status).to.equal(403);
    expect((await g.users.manager.client.get('/api/v1/audit-logs')).status).to.equal(403);
  });

  it('pages newest first with a cursor', async () => {
    const c = tp.client();
    for (let i = 0; i < 3; i++) await c.post('/api/v1/auth/login', { email: g.users.admin.email, password: PASSWORD });
    const first = await g.users.admin.client.get('/api/v1/audit-logs?limit=2');
    expect(first.body.items).to.have.length(2);
    expect(first.body.items[0].id).to.be.greaterThan(first.body.items[1].id);
    const second = await g.users.admin.client.get(`/api/v1/audit-logs?limit=2&before=${first.body.nextBefore}`);
    expect(second.body.items[0].id).to.be.lessThan(first.body.items[1].id);
  });

  it('is append-only, even for SQL that bypasses the application', async () => {
    const row = await tp.platform.models.AuditLog.findOne();
    const original = row!.action;
    let err: unknown = null;
    try {
      await tp.platform.sequelize.query(`UPDATE audit_logs SET action = 'forged' WHERE id = ${row!.id}`);
    } catch (e) {
      err = e;
    }
    expect(dbMessage(err)).to.match(/append-only/);
    err = null;
    try {
      await tp.platform.sequelize.query(`DELETE FROM audit_logs WHERE id = ${row!.id}`);
    } catch (e) {
      err = e;
    }
    expect(dbMessage(err)).to.match(/append-only/);
    let hookErr: unknown = null;
    try {
      await row!.update({ action: 'forged' });
    } catch (e) {
      hookErr = e;
    }
    expect(String(hookErr)).to.match(/append-only/);
    expect((await tp.platform.models.AuditLog.findByPk(row!.id))!.action).to.equal(original);
  });
});
