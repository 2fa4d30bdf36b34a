// Bad input anywhere gets a clear 4xx with a stable code, never a 500; the edge adds request ids,
// security headers and CORS only for allowed origins.
import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createSuperAdmin, createTenantGraph, type TenantGraph } from '../factories/tenant-graph.ts';

describe('HTTP edge', () => {
  let tp: TestPlatform;
  let g: TenantGraph;
  before(async () => {
    tp = await startPlatform({ env: { BODY_LIMIT: '20kb' } });
    g = await createTenantGraph(tp);
  });
  after(async () => tp.stop());

  it('reports health: dialect, migrations and jobs', async () => {
    const res = await tp.client().get('/healthz');
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('ok');
    expect(res.body.db).to.deep.equal({ dialect: process.env.DATABASE_URL?.startsWith('mysql') ? 'mysql' : 'sqlite', ok: true });
    expect(res.body.migrations.pending).to.deep.equal([]);
    expect(res.body.migrations.applied).to.be.at.least(2);
    expect(res.body.jobs).to.have.property('backend');
    expect(res.body.node).to.match(/^v2[4-9]\./);
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await g.users.admin.client.request('PATCH', '/api/v1/tenant', '{"name": ', {});
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('malformed_json');
    expect(res.body.requestId).to.be.a('string');
  });

  it('refuses a JSON body carrying a NUL character with a 400 that says so', async () => {
    const res = await g.users.admin.client.post('/api/v1/contacts', { phone: '+4915112345678', name: 'Ana\u0000' });
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.contain('NUL');
    expect((await g.users.admin.client.get('/api/v1/contacts')).body.items).to.have.length(0);
  });

  it('answers wrong types with 400 and says which field', async () => {
    const res = await g.users.admin.client.post('/api/v1/api-tokens', { name: 42, role: 'owner' });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('validation_failed');
    expect(res.body.error.message).to.match(/name/);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include.members(['name', 'role']);
  });

  it('answers oversized bodies with 413', async () => {
    const res = await g.users.admin.client.put('/api/v1/credentials/big', { value: 'x'.repeat(30_000) });
    expect(res.status).to.equal(413);
    expect(res.body.error.code).to.equal('payload_too_large');
  });

  it('answers unknown ids, bad ids and unknown routes with 4xx', async () => {
    expect((await g.users.admin.client.delete('/api/v1/api-tokens/424242')).status).to.equal(404);
    const bad = await g.users.admin.client.delete('/api/v1/api-tokens/abc');
    expect(bad.status).to.equal(400);
    expect((await g.users.admin.client.patch('/api/v1/members/-1', { role: 'agent' })).status).to.equal(400);
    const nope = await tp.client().get('/api/v1/does-not-exist');
    expect(nope.status).to.equal(404);
    expect(nope.body.error.code).to.equal('route_not_found');
    expect((await g.users.admin.client.get('/api/v1/tenant', { 'x-tenant-id': 'no-such-tenant' })).status).to.equal(404);
    const root = await createSuperAdmin(tp);
    expect((await root.client.post('/api/admin/tenants/999999/suspend', {})).status).to.equal(404);
    expect((await root.client.get('/api/admin/tenants?limit=abc')).status).to.equal(400);
    expect((await root.client.post('/api/admin/tenants', { name: 'Dup', slug: g.slug })).status).to.equal(409);
  });

  it('never answers 500 to hostile input on any route', async () => {
    const bodies = ['[]', 'null', '"str"', '{"__proto__":{"x":1}}', '{"email":{"$gt":""},"password":[]}'];
    for (const route of tp.platform.routes) {
      if (route.method === 'get' || route.method === 'delete') continue;
      for (const body of bodies) {
        const res = await g.users.admin.client.request(route.method.toUpperCase(), route.path.replace(/:[a-zA-Z]+/g, 'x'), body);
        expect(res.status, `${route.method} ${route.path} ${body}`).to.be.within(200, 499);
      }
    }
  });

  it('never answers 500 to hostile query strings and headers on list routes', async () => {
    // Fresh callers: the hostile-body test above may have signed the shared graph's users out.
    const root = await createSuperAdmin(tp);
    const admin = (await createTenantGraph(tp, 'Hostile')).users.admin.client;
    expect((await admin.get('/api/v1/tenant')).status).to.equal(200);
    expect((await root.client.get('/api/admin/users')).status).to.equal(200);
    const callers = { 'super admin': root.client, 'tenant admin': admin };
    const lists = tp.platform.routes.filter((r) => r.method === 'get' && r.query && !r.path.includes(':'));
    const paths = lists.map((r) => r.path);
    expect(paths).to.include.members(['/api/admin/users', '/api/admin/tenants', '/api/v1/audit-logs', '/api/admin/audit-logs']);
    const nul = '%00';
    const cases: { path: string; headers?: Record<string, string> }[] = [
      // ~400 digits: Number() gives Infinity, which must be a 404, not an SQL error.
      { path: '/api/v1/tenant', headers: { 'x-tenant-id': '9'.repeat(400) } },
      { path: '/api/v1/audit-logs', headers: { 'x-tenant-id': `1${'0'.repeat(20)}` } },
      { path: '/api/v1/members', headers: { 'x-tenant-id': 'NOT A SLUG!' } },
    ];
    for (const r of lists) {
      const keys = Object.keys((r.query as unknown as { shape?: Record<string, unknown> }).shape ?? {});
      for (const k of keys) {
        cases.push({ path: `${r.path}?${k}=${nul}`, headers: {} });
        cases.push({ path: `${r.path}?${k}=a${nul}b%01`, headers: {} });
      }
      for (const q of ['limit=abc', 'before=-1', 'limit=1e309', 'before=1e309', 'limit=-0', `before=${'9'.repeat(400)}`]) {
        cases.push({ path: `${r.path}?${q}` });
      }
    }
    for (const [who, client] of Object.entries(callers)) {
      for (const c of cases) {
        const res = await client.get(c.path, c.headers);
        expect(res.status, `${who}: GET ${c.path} ${JSON.stringify(c.headers ?? {}).slice(0, 80)}`).to.be.within(200, 499);
        if (res.status >= 400) expect(res.body.error.code, `${who}: GET ${c.path}`).to.be.a('string');
      }
    }
    // The specific answers: an impossible tenant id is simply not found; control characters are a 400.
    const huge = await admin.get('/api/v1/tenant', { 'x-tenant-id': '9'.repeat(400) });
    expect(huge.status).to.equal(404);
    expect(huge.body.error.code).to.equal('tenant_not_found');
    const q = await root.client.get(`/api/admin/users?q=${nul}`);
    expect(q.status).to.equal(400);
    expect(q.body.error.code).to.equal('validation_failed');
    expect(q.body.error.message).to.contain('Remove control characters.');
    for (const p of [`/api/admin/tenants?q=x${nul}`, `/api/admin/audit-logs?action=${nul}`]) {
      expect((await root.client.get(p)).status, p).to.equal(400);
    }
    expect((await admin.get(`/api/v1/audit-logs?action=a${nul}`)).status).to.equal(400);
  });

  it('adds a request id (or keeps a sane incoming one) and security headers', async () => {
    const a = await tp.client().get('/healthz');
    expect(a.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const b = await tp.client().get('/healthz', { 'x-request-id': 'trace-123' });
    expect(b.headers.get('x-request-id')).to.equal('trace-123');
    const c = await tp.client().get('/healthz', { 'x-request-id': 'bad id with spaces' });
    expect(c.headers.get('x-request-id')).to.not.equal('bad id with spaces');
    expect(a.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(a.headers.get('content-security-policy')).to.include("default-src 'self'");
    expect(a.headers.get('x-powered-by')).to.equal(null);
  });

  it('answers CORS preflights only for allowed origins and never with credentials', async () => {
    const ok = await tp.client().request('OPTIONS', '/api/v1/tenant', undefined, {
      origin: 'https://shop.example',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    });
    expect(ok.headers.get('access-control-allow-origin')).to.equal('https://shop.example');
    expect(ok.headers.get('access-control-allow-credentials')).to.equal(null);
    const evil = await tp.client().request('OPTIONS', '/api/v1/tenant', undefined, {
      origin: 'https://evil.example',
      'access-control-request-method': 'GET',
    });
    expect(evil.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await tp.client().get('/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.equal('3.1.0');
    const op = res.body.paths['/api/v1/api-tokens'].post;
    expect(op['x-permission']).to.equal('api_tokens.manage');
    const schema = op.requestBody.content['application/json'].schema;
    expect(schema.properties.role.enum).to.deep.equal(['admin', 'manager', 'agent']);
    expect(res.body.paths['/api/v1/members/{userId}'].patch.parameters[0]).to.include({ in: 'path', name: 'userId' });
    expect(Object.keys(res.body.paths).length).to.be.at.least(12);
  });
});
