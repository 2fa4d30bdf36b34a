// Tenant A can neither read nor change tenant B's data, for every tenant-owned table.
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { TENANT_OWNED_TABLES } from '../../src/db/models.ts';

describe('tenant isolation', () => {
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
  });
  after(async () => tp.stop());

  it('lists every model that carries a tenant id (so a new one cannot skip these tests)', () => {
    // webhook_events is the platform's raw ingress: its tenant is known only after routing.
    const PLATFORM_LEVEL = new Set(['webhook_events']);
    const withTenant = Object.values(tp.platform.models)
      .filter((m) => 'tenantId' in (m as typeof tp.platform.models.Channel).getAttributes())
      .map((m) => m.getTableName() as string)
      .filter((t) => !PLATFORM_LEVEL.has(t))
      .sort();
    expect(withTenant).to.deep.equal([...TENANT_OWNED_TABLES].sort());
  });

  // A new tenant-owned table must be added here together with its isolation test. The inbox's
  // tables are covered in test/inbox (collaboration, sending, media) and blobs below; the CRM's in
  // test/contacts, the consent registry's in test/consent and the campaigns' in test/campaigns.
  it('covers every tenant-owned table', () => {
    expect([...TENANT_OWNED_TABLES].sort()).to.deep.equal([
      'api_tokens',
      'audit_logs',
      'blobs',
      'campaign_recipients',
      'campaigns',
      'canned_responses',
      'channels',
      'consent_entries',
      'consent_settings',
      'contact_attribute_values',
      'contact_attributes',
      'contact_import_errors',
      'contact_imports',
      'contact_notes',
      'contact_tags',
      'contacts',
      'conversation_labels',
      'conversations',
      'credentials',
      'inbox_agents',
      'inbox_settings',
      'labels',
      'memberships',
      'notifications',
      'segments',
      'tags',
      'team_members',
      'teams',
      'wa_messages',
      'wa_status_events',
    ]);
  });

  it('memberships: members of B are invisible and untouchable from A', async () => {
    const list = await a.users.admin.client.get('/api/v1/members');
    const ids = list.body.items.map((m: { userId: number }) => m.userId);
    expect(ids).to.not.include(b.users.agent.id);
    expect((await a.users.admin.client.patch(`/api/v1/members/${b.users.agent.id}`, { role: 'admin' })).status).to.equal(404);
    expect((await a.users.admin.client.delete(`/api/v1/members/${b.users.agent.id}`)).status).to.equal(404);
    const still = await tp.platform.models.Membership.findOne({ where: { tenantId: b.tenantId, userId: b.users.agent.id } });
    expect(still!.role).to.equal('agent');
  });

  it('a user of A cannot switch into B with the tenant header', async () => {
    const res = await a.users.admin.client.get('/api/v1/tenant', { 'x-tenant-id': String(b.tenantId) });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('not_a_member');
  });

  it('api tokens: B’s tokens are not listed or revocable by A', async () => {
    const created = await b.users.admin.client.post('/api/v1/api-tokens', { name: 'beta only', role: 'agent' });
    const list = await a.users.admin.client.get('/api/v1/api-tokens');
    expect(list.body.items.map((t: { id: number }) => t.id)).to.not.include(created.body.id);
    expect((await a.users.admin.client.delete(`/api/v1/api-tokens/${created.body.id}`)).status).to.equal(404);
  });

  it('credentials: same name in two tenants stays separate', async () => {
    await a.users.admin.client.put('/api/v1/credentials/app-secret', { value: 'alpha-secret-value' });
    await b.users.admin.client.put('/api/v1/credentials/app-secret', { value: 'beta-secret-value' });
    expect(await tp.platform.services.credentials.reveal(a.tenantId, 'app-secret')).to.equal('alpha-secret-value');
    expect(await tp.platform.services.credentials.reveal(b.tenantId, 'app-secret')).to.equal('beta-secret-value');
    await a.users.admin.client.delete('/api/v1/credentials/app-secret');
    expect(await tp.platform.services.credentials.reveal(b.tenantId, 'app-secret')).to.equal('beta-secret-value');
    await b.users.admin.client.put('/api/v1/credentials/beta-only', { value: 'x-secret' });
    expect((await a.users.admin.client.delete('/api/v1/credentials/beta-only')).status).to.equal(404);
    const list = await a.users.admin.client.get('/api/v1/credentials');
    expect(list.body.items.map((c: { name: string }) => c.name)).to.not.include('beta-only');
  });

  it("audit logs: A's admin sees only A's entries", async () => {
    await b.users.admin.client.patch('/api/v1/tenant', { name: 'Beta renamed' });
    const res = await a.users.admin.client.get('/api/v1/audit-logs?limit=200');
    expect(res.status).to.equal(200);
    for (const e of res.body.items) expect(e.tenantId).to.equal(a.tenantId);
    const bEntries = await tp.platform.models.AuditLog.count({ where: { tenantId: b.tenantId } });
    expect(bEntries).to.be.greaterThan(0);
  });

  it("channels: B's numbers are not listed, readable, usable or disconnectable from A", async () => {
    const ch = await tp.platform.models.Channel.create({
      tenantId: b.tenantId,
      name: 'Beta support',
      kind: 'manual',
      phoneNumberId: '5550000000001',
      wabaId: '5550000000002',
      accessTokenEnc: tp.platform.encryption.encrypt('EAAG-beta-token', 'channels.access_token'),
      verifyToken: 'beta-verify-token',
    });
    const list = await a.users.admin.client.get('/api/v1/channels');
    expect(list.body.items.map((c: { id: number }) => c.id)).to.not.include(ch.id);
    expect((await a.users.admin.client.get(`/api/v1/channels/${ch.id}`)).status).to.equal(404);
    expect((await a.users.admin.client.post(`/api/v1/channels/${ch.id}/disconnect`)).status).to.equal(404);
    expect(
      (await a.users.admin.client.post(`/api/v1/channels/${ch.id}/test-message`, { to: '+15550001111', text: 'hi' })).status,
    ).to.equal(404);
    const mine = await b.users.admin.client.get('/api/v1/channels');
    expect(mine.body.items.map((c: { id: number }) => c.id)).to.include(ch.id);
    // Nobody ever sees the token, not even the owner's admin.
    expect(mine.text).to.not.contain('EAAG-beta-token');
    await ch.reload();
    expect(ch.status).to.equal('active');
  });

  it("blobs: B's stored files cannot be downloaded from A", async () => {
    const res = await fetch(`${tp.url}/api/v1/media`, {
      method: 'POST',
      headers: { ...b.users.agent.client.headers, cookie: b.users.agent.client.cookie!, 'content-type': 'application/pdf' },
      body: '%PDF-1.4 beta only',
    });
    expect(res.status).to.equal(201);
    const { id } = (await res.json()) as { id: number };
    expect((await a.users.admin.client.get(`/api/v1/media/${id}`)).status).to.equal(404);
    const own = await b.users.agent.client.get(`/api/v1/media/${id}`);
    expect(own.status).to.equal(200);
    expect(own.text).to.equal('%PDF-1.4 beta only');
    const row = await tp.platform.models.Blob.findByPk(id);
    expect(row!.tenantId).to.equal(b.tenantId);
  });
});
