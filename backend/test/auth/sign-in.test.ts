import { expect } from 'chai';
import { startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { createTenantGraph, PASSWORD, type TenantGraph } from '../factories/tenant-graph.ts';

describe('signing in to the console', () => {
  let tp: TestPlatform;
  let g: TenantGraph;
  before(async () => {
    tp = await startPlatform({ env: { LOGIN_MAX_FAILURES: '3' } });
    g = await createTenantGraph(tp);
  });
  after(async () => tp.stop());

  it('sets an HttpOnly, SameSite session cookie and tells who I am', async () => {
    const c = tp.client();
    const res = await c.post('/api/v1/auth/login', { email: g.users.manager.email.toUpperCase(), password: PASSWORD });
    expect(res.status).to.equal(200);
    const cookie = res.headers.getSetCookie().find((h) => h.startsWith('wa_session='))!;
    expect(cookie).to.match(/HttpOnly/i);
    expect(cookie).to.match(/SameSite=Lax/i);
    expect(res.body.user.email).to.equal(g.users.manager.email);
    expect(res.body.memberships).to.deep.include({
      tenantId: g.tenantId,
      role: 'manager',
      tenant: res.body.memberships[0].tenant,
    });
    const me = await c.get('/api/v1/auth/me');
    expect(me.status).to.equal(200);
    expect(me.body.user.id).to.equal(g.users.manager.id);
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const a = await tp.client().post('/api/v1/auth/login', { email: g.users.agent.email, password: 'not the password!!' });
    const b = await tp.client().post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'not the password!!' });
    expect(a.status).to.equal(401);
    expect(b.status).to.equal(401);
    expect(a.body.error).to.deep.equal(b.body.error);
    expect(a.body.error.code).to.equal('invalid_credentials');
  });

  it('locks the account after repeated failures, even for the right password', async () => {
    const email = g.users.admin.email;
    for (let i = 0; i < 3; i++) {
      const r = await tp.client().post('/api/v1/auth/login', { email, password: `wrong password ${i}` });
      expect(r.status).to.equal(401);
    }
    const locked = await tp.client().post('/api/v1/auth/login', { email, password: PASSWORD });
    expect(locked.status).to.equal(423);
    expect(locked.body.error.code).to.equal('account_locked');
    expect(locked.body.error.message).to.match(/Try again in \d+ minute/);
    const actions = (await tp.platform.models.AuditLog.findAll({ where: { actorLabel: email } })).map((r) => r.action);
    expect(actions).to.include('auth.locked_out');
    expect(actions.filter((a) => a === 'auth.login_failed').length).to.be.at.least(4);
    // The lock expires: pretend the lockout window has passed.
    await tp.platform.models.User.update({ lockedUntil: new Date(Date.now() - 1000) }, { where: { email } });
    const again = await tp.client().post('/api/v1/auth/login', { email, password: PASSWORD });
    expect(again.status).to.equal(200);
  });

  it('signs out: the cookie stops working', async () => {
    const c = tp.client();
    await c.post('/api/v1/auth/login', { email: g.users.agent.email, password: PASSWORD });
    const saved = c.cookie;
    expect((await c.post('/api/v1/auth/logout')).status).to.equal(204);
    c.cookie = saved;
    expect((await c.get('/api/v1/auth/me')).status).to.equal(401);
  });

  it('changing the password signs out the other sessions', async () => {
    const email = g.users.agent.email;
    const laptop = tp.client();
    const phone = tp.client();
    await laptop.post('/api/v1/auth/login', { email, password: PASSWORD });
    await phone.post('/api/v1/auth/login', { email, password: PASSWORD });
    const weak = await laptop.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(weak.status).to.equal(400);
    const res = await laptop.post('/api/v1/auth/password', {
      currentPassword: PASSWORD,
      newPassword: 'a much longer new password',
    });
    expect(res.status).to.equal(204);
    expect((await laptop.get('/api/v1/auth/me')).status).to.equal(200);
    expect((await phone.get('/api/v1/auth/me')).status).to.equal(401);
    const audit = await tp.platform.models.AuditLog.findOne({
      where: { action: 'auth.password_changed', targetId: String(g.users.agent.id) },
    });
    expect(audit).to.not.equal(null);
    // put it back for other tests
    await laptop.post('/api/v1/auth/password', { currentPassword: 'a much longer new password', newPassword: PASSWORD });
  });

  it('refuses a state change sent with the session cookie from another site', async () => {
    const res = await g.users.admin.client.patch('/api/v1/tenant', { name: 'Evil' }, { origin: 'https://evil.example' });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('cross_site_request');
  });

  it('asks which tenant when a user belongs to several and did not say', async () => {
    const other = await tp.platform.models.Tenant.create({ name: 'Second', slug: `second-${Date.now()}` });
    await tp.platform.models.Membership.create({ tenantId: other.id, userId: g.users.manager.id, role: 'agent' });
    const c = tp.client();
    await c.post('/api/v1/auth/login', { email: g.users.manager.email, password: PASSWORD });
    const res = await c.get('/api/v1/tenant');
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('tenant_required');
    const bySlug = await c.get('/api/v1/tenant', { 'x-tenant-id': other.slug });
    expect(bySlug.status).to.equal(200);
    expect(bySlug.body.id).to.equal(other.id);
  });
});

describe('login rate limit', () => {
  let tp: TestPlatform;
  before(async () => {
    tp = await startPlatform({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '5' } });
  });
  after(async () => tp.stop());

  it('answers 429 with a clear message once an address tries too often', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await tp.client().post('/api/v1/auth/login', { email: 'x@example.com', password: 'whatever password' })).status,
      );
    }
    expect(statuses.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).to.deep.equal([429, 429]);
    const res = await tp.client().post('/api/v1/auth/login', { email: 'x@example.com', password: 'whatever password' });
    expect(res.body.error.code).to.equal('rate_limited');
  });
});

describe('login rate limit across instances (Redis)', () => {
  it('counts attempts from one address on every instance together', async function () {
    if (!process.env.REDIS_URL) return this.skip();
    const { Redis } = await import('ioredis');
    const redis = new Redis(process.env.REDIS_URL);
    const stale = await redis.keys('wa:rl:login:*');
    if (stale.length) await redis.del(...stale);
    await redis.quit();
    const env = { REDIS_URL: process.env.REDIS_URL, LOGIN_RATE_LIMIT_PER_MINUTE: '3' };
    const one = await startPlatform({ env });
    const two = await startPlatform({ db: one.db, env });
    try {
      const attempt = (tp: TestPlatform) =>
        tp.client().post('/api/v1/auth/login', { email: 'x@example.com', password: 'whatever password' });
      const statuses = [
        (await attempt(one)).status,
        (await attempt(two)).status,
        (await attempt(one)).status,
        (await attempt(two)).status,
      ];
      expect(statuses).to.deep.equal([401, 401, 401, 429]);
    } finally {
      await two.platform.stop();
      await one.stop();
    }
  });
});
