// Visitor sessions: a site visitor's browser trades the tenant's public publishable key for a short
// session, but only from a page on the tenant's allow-list, and the session reaches nothing else.
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';

const SITE = 'https://shop.example';

describe('visitor sessions (publishable key + origin allow-list)', () => {
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let keyA: string;
  let keyB: string;
  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    keyA = (await a.users.admin.client.get('/api/v1/tenant')).body.publishableKey;
    keyB = (await b.users.admin.client.get('/api/v1/tenant')).body.publishableKey;
  });
  after(async () => tp.stop());

  const start = (body: unknown, origin?: string) => tp.client().post('/api/v1/visitor/sessions', body, origin ? { origin } : {});

  it('gives every tenant its own publishable key, shown to its members', () => {
    expect(keyA).to.match(/^wpk_[A-Za-z0-9_-]{20,}$/);
    expect(keyB).to.match(/^wpk_/);
    expect(keyA).to.not.equal(keyB);
  });

  it('starts a 15-minute visitor session for a page on an allowed origin', async () => {
    const res = await start({ publishableKey: keyA }, SITE);
    expect(res.status, res.text).to.equal(201);
    expect(res.body.tenant.name).to.match(/^Alpha /);
    const lifetime = Date.parse(res.body.expiresAt) - Date.now();
    expect(lifetime).to.be.within(14 * 60_000, 15 * 60_000 + 1000);
    const me = await tp.client().bearer(res.body.token).get('/api/v1/visitor/session', { origin: SITE });
    expect(me.status, me.text).to.equal(200);
    expect(me.body).to.deep.include({ visitorId: res.body.visitorId, origin: SITE });
    expect(res.headers.get('access-control-allow-origin')).to.equal(SITE);
  });

  it('keeps the visitor id a returning browser brings, and replaces a malformed one', async () => {
    const first = await start({ publishableKey: keyA, visitorId: 'returning-visitor-123' }, SITE);
    expect(first.body.visitorId).to.equal('returning-visitor-123');
    const odd = await start({ publishableKey: keyA, visitorId: '<script>' }, SITE);
    expect(odd.status).to.equal(201);
    expect(odd.body.visitorId).to.not.equal('<script>');
  });

  it('refuses a page whose origin is not allowed, or no origin at all, the same way as an unknown key', async () => {
    const foreign = await start({ publishableKey: keyA }, 'https://evil.example');
    expect(foreign.status).to.equal(403);
    expect(foreign.body.error.code).to.equal('origin_not_allowed');
    const unknown = await start({ publishableKey: 'wpk_does_not_exist_at_all' }, SITE);
    expect(unknown.status).to.equal(403);
    expect(unknown.body.error).to.deep.equal(foreign.body.error);
    const server = await start({ publishableKey: keyA });
    expect(server.status).to.equal(403);
    expect(server.body.error.code).to.equal('origin_required');
  });

  it('explains a missing key with a 400, never a 500', async () => {
    const res = await start({}, SITE);
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('validation_failed');
    expect(res.text).to.include('publishableKey');
  });

  it('cannot be carried to another site', async () => {
    const { body } = await start({ publishableKey: keyA }, SITE);
    const res = await tp.client().bearer(body.token).get('/api/v1/visitor/session', { origin: 'https://other.example' });
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('origin_mismatch');
  });

  it("reaches nothing of the tenant's own API, in its tenant or another", async () => {
    const { body } = await start({ publishableKey: keyA }, SITE);
    const visitor = tp.client().bearer(body.token);
    const own = await visitor.get('/api/v1/tenant', { origin: SITE });
    expect(own.status).to.equal(403);
    expect(own.body.error.code).to.equal('visitor_not_allowed');
    const other = await visitor.get('/api/v1/tenant', { origin: SITE, 'x-tenant-id': String(b.tenantId) });
    expect(other.status).to.equal(403);
    expect((await visitor.post('/api/v1/realtime/ticket', {}, { origin: SITE })).status).to.equal(403);
    expect((await visitor.get('/api/v1/auth/me', { origin: SITE })).status).to.equal(403);
  });

  it('stays in its own tenant: the visitor endpoint names the tenant of the key, whatever header is sent', async () => {
    const { body } = await start({ publishableKey: keyB }, SITE);
    const me = await tp
      .client()
      .bearer(body.token)
      .get('/api/v1/visitor/session', { origin: SITE, 'x-tenant-id': String(a.tenantId) });
    expect(me.body.tenant.name).to.match(/^Beta /);
  });

  it('refuses members and API tokens on visitor endpoints', async () => {
    expect((await a.users.admin.client.get('/api/v1/visitor/session')).status).to.equal(403);
    expect((await tp.client().get('/api/v1/visitor/session')).status).to.equal(401);
  });

  it('ends every session of the old key when an admin rotates it, and audits the rotation', async () => {
    const { body } = await start({ publishableKey: keyA }, SITE);
    const visitor = tp.client().bearer(body.token);
    expect((await visitor.get('/api/v1/visitor/session', { origin: SITE })).status).to.equal(200);
    expect((await a.users.manager.client.post('/api/v1/tenant/publishable-key')).status).to.equal(403);
    const rotated = await a.users.admin.client.post('/api/v1/tenant/publishable-key');
    expect(rotated.status).to.equal(200);
    expect(rotated.body.publishableKey).to.not.equal(keyA);
    expect((await visitor.get('/api/v1/visitor/session', { origin: SITE })).status).to.equal(401);
    expect((await start({ publishableKey: keyA }, SITE)).status).to.equal(403);
    expect((await start({ publishableKey: rotated.body.publishableKey }, SITE)).status).to.equal(201);
    const audit = await a.users.admin.client.get('/api/v1/audit-logs?action=tenant.updated');
    expect(JSON.stringify(audit.body.items)).to.include('publishableKey');
    keyA = rotated.body.publishableKey;
  });

  it('ends sessions when the site is taken off the allow-list or the tenant is suspended', async () => {
    const { body } = await start({ publishableKey: keyB }, SITE);
    const visitor = tp.client().bearer(body.token);
    await b.users.admin.client.patch('/api/v1/tenant', { allowedOrigins: ['https://elsewhere.example'] });
    expect((await visitor.get('/api/v1/visitor/session', { origin: SITE })).status).to.equal(401);
    await b.users.admin.client.patch('/api/v1/tenant', { allowedOrigins: [SITE] });
    await tp.platform.models.Tenant.update({ status: 'suspended' }, { where: { id: b.tenantId } });
    const suspended = await start({ publishableKey: keyB }, SITE);
    expect(suspended.status).to.equal(403);
    expect(suspended.body.error.code).to.equal('tenant_suspended');
    expect((await visitor.get('/api/v1/visitor/session', { origin: SITE })).status).to.equal(403);
    await tp.platform.models.Tenant.update({ status: 'active' }, { where: { id: b.tenantId } });
  });
});
