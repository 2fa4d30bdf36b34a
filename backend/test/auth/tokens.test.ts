import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';
import { sha256 } from '../../src/security/tokens.ts';

describe('API tokens', () => {
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
  });
  after(async () => tp.stop());

  it('shows the token once and stores only its hash', async () => {
    const res = await a.users.admin.client.post('/api/v1/api-tokens', { name: 'CRM sync', role: 'manager' });
    expect(res.status).to.equal(201);
    expect(res.body.token).to.match(/^wat_/);
    const list = await a.users.admin.client.get('/api/v1/api-tokens');
    expect(list.text).to.not.include(res.body.token);
    expect(list.body.items[0]).to.include({ name: 'CRM sync', role: 'manager', prefix: res.body.token.slice(0, 10) });
    const row = await tp.platform.models.ApiToken.findByPk(res.body.id);
    expect(row!.tokenHash).to.equal(sha256(res.body.token));
    expect(JSON.stringify(row!.toJSON())).to.not.include(res.body.token);
  });

  it('acts with the role it was given, in its own tenant only', async () => {
    const { body } = await a.users.admin.client.post('/api/v1/api-tokens', { name: 'agent bot', role: 'agent' });
    const api = tp.client().bearer(body.token);
    expect((await api.get('/api/v1/tenant')).body.id).to.equal(a.tenantId);
    expect((await api.get('/api/v1/members')).status).to.equal(403);
    const cross = await api.get('/api/v1/tenant', { 'x-tenant-id': String(b.tenantId) });
    expect(cross.status).to.equal(403);
  });

  it('cannot be created above the creator’s role', async () => {
    const { body } = await a.users.admin.client.post('/api/v1/api-tokens', { name: 'mgr', role: 'manager' });
    // A manager token cannot manage tokens at all; an admin session cannot exceed admin.
    const res = await tp.client().bearer(body.token).post('/api/v1/api-tokens', { name: 'escalate', role: 'admin' });
    expect(res.status).to.equal(403);
  });

  it('stops working the moment it is revoked, and revocation is audited', async () => {
    const { body } = await a.users.admin.client.post('/api/v1/api-tokens', { name: 'temp', role: 'admin' });
    const api = tp.client().bearer(body.token);
    expect((await api.get('/api/v1/tenant')).status).to.equal(200);
    expect((await a.users.admin.client.delete(`/api/v1/api-tokens/${body.id}`)).status).to.equal(200);
    const after = await api.get('/api/v1/tenant');
    expect(after.status).to.equal(401);
    expect(after.body.error.code).to.equal('invalid_token');
    const audit = await a.users.admin.client.get('/api/v1/audit-logs?action=api_token.revoked');
    expect(audit.body.items.map((e: { target: { id: string } }) => e.target.id)).to.include(String(body.id));
  });

  it('expired tokens are refused', async () => {
    const { body } = await a.users.admin.client.post('/api/v1/api-tokens', { name: 'short', role: 'agent', expiresInDays: 1 });
    await tp.platform.models.ApiToken.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { id: body.id } });
    expect((await tp.client().bearer(body.token).get('/api/v1/tenant')).status).to.equal(401);
  });

  it("cannot revoke another tenant's token", async () => {
    const { body } = await b.users.admin.client.post('/api/v1/api-tokens', { name: 'beta', role: 'agent' });
    expect((await a.users.admin.client.delete(`/api/v1/api-tokens/${body.id}`)).status).to.equal(404);
    expect((await tp.client().bearer(body.token).get('/api/v1/tenant')).status).to.equal(200);
  });

  it('rejects garbage bearer tokens with 401, never 500', async () => {
    for (const t of ['wat_nope', 'not-a-jwt', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.']) {
      const res = await tp.client().bearer(t).get('/api/v1/tenant');
      expect(res.status, t).to.equal(401);
    }
    const res = await tp.client().get('/api/v1/tenant', { authorization: 'Basic Zm9vOmJhcg==' });
    expect(res.status).to.equal(401);
  });
});

describe('embed tokens for widgets', () => {
  let tp: TestPlatform;
  let a: TenantGraph;
  let b: TenantGraph;
  let apiToken: string;
  before(async () => {
    tp = await startPlatform();
    a = await createTenantGraph(tp, 'Alpha');
    b = await createTenantGraph(tp, 'Beta');
    apiToken = (await a.users.admin.client.post('/api/v1/api-tokens', { name: 'site backend', role: 'admin' })).body.token;
  });
  after(async () => tp.stop());

  const mint = (body: Record<string, unknown>) => tp.client().bearer(apiToken).post('/api/v1/embed-tokens', body);

  it('mints a ≤10-minute token bound to an allowed origin, user and role', async () => {
    const res = await mint({ origin: 'https://shop.example', userId: a.users.agent.id });
    expect(res.status).to.equal(201);
    expect(res.body.role).to.equal('agent');
    const ttl = new Date(res.body.expiresAt).getTime() - Date.now();
    expect(ttl).to.be.within(590_000, 600_000);
    const widget = tp.client().bearer(res.body.token);
    const ok = await widget.get('/api/v1/tenant', { origin: 'https://shop.example' });
    expect(ok.status).to.equal(200);
    expect(ok.body.id).to.equal(a.tenantId);
    expect(ok.headers.get('access-control-allow-origin')).to.equal('https://shop.example');
    expect((await widget.get('/api/v1/members', { origin: 'https://shop.example' })).status).to.equal(403);
  });

  it('is refused from any other origin', async () => {
    const { body } = await mint({ origin: 'https://shop.example' });
    const widget = tp.client().bearer(body.token);
    const res = await widget.get('/api/v1/tenant', { origin: 'https://evil.example' });
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('origin_mismatch');
    expect((await widget.get('/api/v1/tenant')).status).to.equal(401);
    // "same-origin" vouches only for our own origin, never for the one the token names.
    expect((await widget.get('/api/v1/tenant', { 'sec-fetch-site': 'same-origin' })).status).to.equal(401);
  });

  it('only for origins on the tenant allow-list, and never longer than 10 minutes', async () => {
    const res = await mint({ origin: 'https://not-allowed.example' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('origin_not_allowed');
    expect((await mint({ origin: 'https://shop.example', ttlSeconds: 3600 })).status).to.equal(400);
    expect((await mint({ origin: 'javascript:alert(1)' })).status).to.equal(400);
  });

  it('cannot carry a role above the user’s own, and follows a later demotion', async () => {
    expect((await mint({ origin: 'https://shop.example', userId: a.users.agent.id, role: 'admin' })).status).to.equal(403);
    const { body } = await mint({ origin: 'https://shop.example', userId: a.users.manager.id });
    expect(body.role).to.equal('manager');
    const widget = tp.client().bearer(body.token);
    expect((await widget.get('/api/v1/members', { origin: 'https://shop.example' })).status).to.equal(200);
    await a.users.admin.client.patch(`/api/v1/members/${a.users.manager.id}`, { role: 'agent' });
    expect((await widget.get('/api/v1/members', { origin: 'https://shop.example' })).status).to.equal(403);
    await a.users.admin.client.patch(`/api/v1/members/${a.users.manager.id}`, { role: 'manager' });
  });

  it("cannot name another tenant's user, and a token of tenant A never reads tenant B", async () => {
    expect((await mint({ origin: 'https://shop.example', userId: b.users.agent.id })).status).to.equal(404);
    const { body } = await mint({ origin: 'https://shop.example' });
    const res = await tp
      .client()
      .bearer(body.token)
      .get('/api/v1/tenant', { origin: 'https://shop.example', 'x-tenant-id': String(b.tenantId) });
    expect(res.status).to.equal(403);
  });

  it('an embed token cannot mint embed tokens or API tokens', async () => {
    const { body } = await mint({ origin: 'https://shop.example' });
    const widget = tp.client().bearer(body.token);
    expect(
      (await widget.post('/api/v1/embed-tokens', { origin: 'https://shop.example' }, { origin: 'https://shop.example' })).status,
    ).to.equal(403);
    expect(
      (await widget.post('/api/v1/api-tokens', { name: 'x', role: 'agent' }, { origin: 'https://shop.example' })).status,
    ).to.equal(403);
  });

  it('a tampered or expired token is refused', async () => {
    const { body } = await mint({ origin: 'https://shop.example', ttlSeconds: 30, role: 'agent' });
    const [h, p, s] = body.token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.role = 'admin';
    const forged = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
    expect((await tp.client().bearer(forged).get('/api/v1/tenant', { origin: 'https://shop.example' })).status).to.equal(401);
    expect((await tp.client().bearer(body.token).get('/api/v1/tenant', { origin: 'https://shop.example' })).status).to.equal(200);
    const { SignJWT } = await import('jose');
    // An expired token, correctly signed, is refused with a clear message.
    const key = tp.platform.encryption.deriveKey('test1', 'embed-token-v1');
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ tenant: a.tenantId, role: 'agent', origin: 'https://shop.example' })
      .setProtectedHeader({ alg: 'HS256', kid: 'test1' })
      .setIssuer('wa-platform')
      .setAudience('embed')
      .setSubject('api')
      .setIssuedAt(now - 700)
      .setExpirationTime(now - 100)
      .setJti('x')
      .sign(key);
    const res = await tp.client().bearer(expired).get('/api/v1/tenant', { origin: 'https://shop.example' });
    expect(res.status).to.equal(401);
    expect(res.body.error.message).to.match(/expired/);
  });

  it('a suspended tenant’s tokens stop working', async () => {
    const c = await createTenantGraph(tp, 'Gamma');
    const token = (await c.users.admin.client.post('/api/v1/api-tokens', { name: 't', role: 'agent' })).body.token;
    await tp.platform.services.tenants.setStatus(
      { kind: 'session', userId: null, label: 'test', isSuperAdmin: true, tenantId: null, tokenRole: null },
      c.tenantId,
      'suspended',
      null,
    );
    const res = await tp.client().bearer(token).get('/api/v1/tenant');
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('tenant_suspended');
    expect((await c.users.admin.client.get('/api/v1/tenant')).status).to.equal(403);
  });
});
