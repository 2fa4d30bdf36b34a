// Walks every route the app has registered and proves each role gets exactly what the permission
// matrix says — with a session and with an API token — and that no route escaped declaration.
import { expect } from 'chai';
import { startPlatform, type TestPlatform, type HttpClient } from '../helpers/platform.ts';
import { createSuperAdmin, createTenantGraph, PASSWORD, type TenantGraph } from '../factories/tenant-graph.ts';
import { MATRIX, PLATFORM_PERMISSIONS, type Permission, type Role } from '../../src/http/permissions.ts';
import type { RouteDef } from '../../src/http/route.ts';

type Caller = 'anonymous' | Role;
const CALLERS: Caller[] = ['anonymous', 'agent', 'manager', 'admin', 'super_admin'];

/** Infrastructure paths outside the declared API; all are intentionally public. */
const UNDECLARED_PUBLIC = new Set([
  'GET /healthz',
  'GET /app',
  'GET /app/*splat',
  'GET /admin',
  'GET /admin/*splat',
  'GET /demo/embed',
  'GET /demo/embed/token',
  // Meta's webhooks: authenticated by X-Hub-Signature-256, not by our credentials.
  'GET /webhooks/whatsapp',
  'POST /webhooks/whatsapp',
  'GET /webhooks/whatsapp/:channelId',
  'POST /webhooks/whatsapp/:channelId',
]);

function expectedAllowed(route: RouteDef, caller: Caller, kind: 'session' | 'api_token' | 'embed'): boolean {
  if (route.access === 'public') return true;
  if (caller === 'anonymous') return false;
  if (route.access === 'visitor') return false;
  if (route.principals && !route.principals.includes(kind)) return false;
  if (route.access === 'authenticated') return true;
  if (PLATFORM_PERMISSIONS.has(route.access as Permission)) return caller === 'super_admin' && kind === 'session';
  return MATRIX[caller].has(route.access as Permission);
}

function concretePath(path: string): string {
  return path.replace(/:name/g, 'no-such-secret').replace(/:[A-Za-z]+/g, '999999');
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function registeredRoutes(stack: Layer[], out: string[] = []): string[] {
  for (const layer of stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m.toUpperCase()} ${layer.route.path}`);
    } else if (layer.handle?.stack) {
      registeredRoutes(layer.handle.stack, out);
    }
  }
  return out;
}

describe('route × role matrix', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let g: TenantGraph;
  let callers: Record<Caller, HttpClient>;
  let tokens: Record<'agent' | 'manager' | 'admin', HttpClient>;

  before(async () => {
    tp = await startPlatform();
    g = await createTenantGraph(tp);
    const root = await createSuperAdmin(tp);
    root.client.tenant(g.tenantId);
    callers = {
      anonymous: tp.client().tenant(g.tenantId),
      agent: g.users.agent.client,
      manager: g.users.manager.client,
      admin: g.users.admin.client,
      super_admin: root.client,
    };
    tokens = {} as typeof tokens;
    for (const role of ['agent', 'manager', 'admin'] as const) {
      const res = await g.users.admin.client.post('/api/v1/api-tokens', { name: `matrix ${role}`, role });
      tokens[role] = tp.client().bearer(res.body.token);
    }
  });
  after(async () => tp.stop());

  it('every route registered in Express is declared with an access rule', () => {
    const app = tp.platform.app as unknown as { router: { stack: Layer[] } };
    const registered = registeredRoutes(app.router.stack);
    const declared = new Set(tp.platform.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    const undeclared = registered.filter((r) => !declared.has(r) && !UNDECLARED_PUBLIC.has(r));
    expect(undeclared, 'routes without a declared permission').to.deep.equal([]);
    expect(tp.platform.routes.length).to.be.greaterThan(15);
  });

  it('every declared permission exists in the matrix', () => {
    for (const r of tp.platform.routes) {
      if (r.access === 'public' || r.access === 'authenticated' || r.access === 'visitor') continue;
      expect(MATRIX.super_admin.has(r.access), `${r.method} ${r.path}`).to.equal(true);
    }
  });

  async function call(client: HttpClient, route: RouteDef) {
    const path = concretePath(route.path);
    return client.request(route.method.toUpperCase(), path, route.method === 'get' || route.method === 'delete' ? undefined : {});
  }

  async function freshSession(caller: Caller): Promise<HttpClient> {
    const email = caller === 'super_admin' ? null : g.users[caller as 'agent'].email;
    if (!email) return (await createSuperAdmin(tp)).client.tenant(g.tenantId);
    const c = tp.client().tenant(g.tenantId);
    await c.post('/api/v1/auth/login', { email, password: PASSWORD });
    return c;
  }

  it('sessions: each role gets exactly what the matrix says on every route', async () => {
    const mismatches: string[] = [];
    for (const route of tp.platform.routes) {
      for (const caller of CALLERS) {
        // Signing out would end the shared session, so it gets its own.
        const client = route.path.endsWith('/logout') && caller !== 'anonymous' ? await freshSession(caller) : callers[caller];
        const res = await call(client, route);
        const allowed = expectedAllowed(route, caller, 'session');
        const denied = res.status === 401 || res.status === 403;
        if (res.status >= 500) mismatches.push(`${caller} ${route.method} ${route.path}: ${res.status}`);
        else if (allowed === denied)
          mismatches.push(
            `${caller} ${route.method} ${route.path}: expected ${allowed ? 'allowed' : 'denied'}, got ${res.status} ${res.body?.error?.code ?? ''}`,
          );
        else if (!allowed) expect(res.status).to.equal(caller === 'anonymous' ? 401 : 403);
      }
    }
    expect(mismatches).to.deep.equal([]);
  });

  it('API tokens: each role gets exactly what the matrix says on every route', async () => {
    const mismatches: string[] = [];
    for (const route of tp.platform.routes) {
      if (route.path === '/api/v1/auth/login' || route.path === '/api/v1/auth/setup') continue;
      for (const role of ['agent', 'manager', 'admin'] as const) {
        const res = await call(tokens[role], route);
        const allowed = expectedAllowed(route, role, 'api_token');
        const denied = res.status === 401 || res.status === 403;
        if (res.status >= 500) mismatches.push(`token:${role} ${route.method} ${route.path}: ${res.status}`);
        else if (allowed === denied)
          mismatches.push(
            `token:${role} ${route.method} ${route.path}: expected ${allowed ? 'allowed' : 'denied'}, got ${res.status}`,
          );
      }
    }
    expect(mismatches).to.deep.equal([]);
  });

  it('embed tokens: each role gets exactly what the matrix says on every route, from the allowed origin', async () => {
    const origin = 'https://shop.example';
    const mismatches: string[] = [];
    for (const role of ['agent', 'manager', 'admin'] as const) {
      const minted = await g.users.admin.client.post('/api/v1/embed-tokens', { origin, role, userId: g.users[role].id });
      expect(minted.status, minted.text).to.equal(201);
      const widget = tp.client().bearer(minted.body.token).withHeaders({ origin });
      for (const route of tp.platform.routes) {
        if (route.path === '/api/v1/auth/login' || route.path === '/api/v1/auth/setup') continue;
        const res = await call(widget, route);
        const allowed = expectedAllowed(route, role, 'embed');
        const denied = res.status === 401 || res.status === 403;
        if (res.status >= 500) mismatches.push(`embed:${role} ${route.method} ${route.path}: ${res.status}`);
        else if (allowed === denied)
          mismatches.push(
            `embed:${role} ${route.method} ${route.path}: expected ${allowed ? 'allowed' : 'denied'}, got ${res.status}`,
          );
      }
    }
    expect(mismatches).to.deep.equal([]);
  });

  it('visitor sessions: a site visitor reaches public and visitor routes and nothing else', async () => {
    const origin = 'https://visitor.matrix.example';
    await g.users.admin.client.patch('/api/v1/tenant', { allowedOrigins: [origin] });
    const tenant = await g.users.admin.client.get('/api/v1/tenant');
    const started = await tp
      .client()
      .withHeaders({ origin })
      .post('/api/v1/visitor/sessions', { publishableKey: tenant.body.publishableKey });
    expect(started.status, JSON.stringify(started.body)).to.equal(201);
    const visitor = tp.client().bearer(started.body.token).withHeaders({ origin }).tenant(g.tenantId);
    const mismatches: string[] = [];
    for (const route of tp.platform.routes) {
      if (route.path === '/api/v1/auth/login' || route.path === '/api/v1/auth/setup') continue;
      // Rotating the key would end this very session; its own test covers it.
      if (route.path === '/api/v1/tenant/publishable-key') continue;
      const res = await call(visitor, route);
      const allowed = route.access === 'public' || route.access === 'visitor';
      const denied = res.status === 401 || res.status === 403;
      if (res.status >= 500) mismatches.push(`visitor ${route.method} ${route.path}: ${res.status}`);
      else if (allowed === denied) mismatches.push(`visitor ${route.method} ${route.path}: got ${res.status}`);
    }
    expect(mismatches).to.deep.equal([]);
  });
});
