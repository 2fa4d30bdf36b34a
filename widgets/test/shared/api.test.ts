import { expect } from 'chai';
import { openPage, useBrowser } from '../helpers/browser.ts';

/** An unsigned JWT-shaped token; the bridge only reads `iat` and `exp` to schedule refreshes. */
function fakeJwt(n: number, ttlSeconds = 600, ageSeconds?: number): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const iat = ageSeconds === undefined ? {} : { iat: now - ageSeconds };
  return `${b64({ alg: 'none' })}.${b64({ sub: `user-${n}`, n, ...iat, exp: now + ttlSeconds })}.sig`;
}

describe('ApiClient and the host bridges in the browser', function () {
  useBrowser();

  it("surfaces the server's error status, code, message and request id", async function () {
    const { page } = await openPage({
      routes: {
        'POST /api/v1/campaigns': () => ({
          status: 422,
          headers: { 'x-request-id': 'req-abc' },
          body: { error: { code: 'template_not_approved', message: 'Pick an approved template.' }, requestId: 'req-abc' },
        }),
      },
    });
    const err = await page.evaluate(async () => {
      const client = new window.wa.ApiClient({ baseUrl: location.origin });
      try {
        await client.post('/api/v1/campaigns', { name: 'x' });
        return null;
      } catch (e) {
        const a = e as InstanceType<typeof window.wa.ApiError>;
        return {
          isApiError: e instanceof window.wa.ApiError,
          status: a.status,
          code: a.code,
          message: a.message,
          requestId: a.requestId,
        };
      }
    });
    expect(err).to.deep.equal({
      isApiError: true,
      status: 422,
      code: 'template_not_approved',
      message: 'Pick an approved template.',
      requestId: 'req-abc',
    });
  });

  it('takes the request id from the body when a cross-origin response hides the header', async function () {
    const { page } = await openPage({
      routes: {
        '/api/v1/things': () => ({
          status: 500,
          body: { error: { code: 'internal_error', message: 'Something went wrong on our side.' }, requestId: 'req-body' },
        }),
      },
    });
    const requestId = await page.evaluate(() =>
      new window.wa.ApiClient({ baseUrl: location.origin })
        .get('/api/v1/things')
        .catch((e: { requestId: string }) => e.requestId),
    );
    expect(requestId).to.equal('req-body');
  });

  it('aborts a request in flight when its AbortSignal fires', async function () {
    let release: () => void = () => {};
    const { page } = await openPage({
      routes: {
        // Held until the test ends, like a slow server; the abort must not wait for it.
        '/api/v1/slow': () => new Promise((ok) => (release = () => ok({ body: { late: true } }))),
      },
    });
    const outcome = await page.evaluate(async () => {
      const client = new window.wa.ApiClient({ baseUrl: location.origin });
      const ctrl = new AbortController();
      const started = performance.now();
      setTimeout(() => ctrl.abort(), 100);
      try {
        await client.get('/api/v1/slow', { signal: ctrl.signal });
        return { name: 'resolved', ms: performance.now() - started };
      } catch (e) {
        return { name: (e as Error).name, ms: performance.now() - started };
      }
    });
    release();
    expect(outcome.name).to.equal('AbortError');
    expect(outcome.ms).to.be.lessThan(2000);
  });

  it('ScriptBridge fetches its token from the token endpoint, and on a 401 refreshes it and retries once', async function () {
    let minted = 0;
    const tokens: string[] = [];
    const { page, requests } = await openPage({
      routes: {
        'GET /embed-token': () => {
          const token = fakeJwt(++minted);
          tokens.push(token);
          return { body: { token, expiresAt: new Date(Date.now() + 600_000).toISOString() } };
        },
        'GET /api/v1/conversations': (req) => {
          // The first token "expired" on the server side (revoked, clock skew): only the second works.
          if (req.headers.authorization === `Bearer ${tokens[1]}`) return { body: { items: ['c1'] } };
          return { status: 401, body: { error: { code: 'token_expired', message: 'Sign in again.' } } };
        },
      },
    });
    const result = await page.evaluate(() => {
      const bridge = new window.wa.ScriptBridge({ baseUrl: location.origin, tokenEndpoint: '/embed-token' });
      return bridge.api.get<{ items: string[] }>('/api/v1/conversations');
    });
    expect(result).to.deep.equal({ items: ['c1'] });
    const seen = requests.filter((r) => r.path !== '/' && !r.path.startsWith('/bundle/'));
    expect(seen.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
      'GET /embed-token',
      'GET /api/v1/conversations',
      'GET /embed-token',
      'GET /api/v1/conversations',
    ]);
    expect(seen[1].headers.authorization).to.equal(`Bearer ${tokens[0]}`);
    expect(seen[3].headers.authorization).to.equal(`Bearer ${tokens[1]}`);
  });

  it('uploads raw bytes with progress (renewing a refused token) and fetches bytes as a blob', async function () {
    let minted = 0;
    const tokens: string[] = [];
    const refuseFirst = (req: { headers: Record<string, unknown> }) =>
      req.headers.authorization !== `Bearer ${tokens.at(-1)}` || minted < 2;
    const { page, requests } = await openPage({
      routes: {
        'GET /embed-token': () => {
          const token = fakeJwt(++minted);
          tokens.push(token);
          return { body: { token } };
        },
        'POST /api/v1/media': (req) =>
          refuseFirst(req)
            ? { status: 401, body: { error: { code: 'token_expired', message: 'Sign in again.' } } }
            : { status: 201, body: { id: 5, mime: req.headers['content-type'], size: req.raw.length, filename: 'a b.png' } },
        'GET /api/v1/media/5': () => ({ body: Buffer.from([1, 2, 3]), headers: { 'content-type': 'image/png' } }),
        'GET /api/v1/media/6': () => ({ status: 404, body: { error: { code: 'not_found', message: 'No such media.' } } }),
      },
    });
    const out = await page.evaluate(async () => {
      const bridge = new window.wa.ScriptBridge({ baseUrl: location.origin, tokenEndpoint: '/embed-token' });
      const progress: number[] = [];
      const file = new File([new Uint8Array(2048)], 'a b.png', { type: 'image/png' });
      const up = await bridge.api.upload('/api/v1/media', file, { filename: file.name, onProgress: (f) => progress.push(f) });
      const blob = await bridge.api.blob('/api/v1/media/5');
      const missing = await bridge.api.blob('/api/v1/media/6').catch((e: { status: number; code: string }) => [e.status, e.code]);
      return { up, progress, type: blob.type, bytes: [...new Uint8Array(await blob.arrayBuffer())], missing };
    });
    expect(out.up).to.deep.equal({ id: 5, mime: 'image/png', size: 2048, filename: 'a b.png' });
    expect(out.progress.at(-1)).to.equal(1);
    expect(out).to.deep.include({ type: 'image/png', bytes: [1, 2, 3], missing: [404, 'not_found'] });
    const uploads = requests.filter((r) => r.path === '/api/v1/media');
    expect(uploads).to.have.length(2);
    expect(uploads[1].headers['x-filename']).to.equal('a%20b.png');
    expect(uploads[1].headers.authorization).to.equal(`Bearer ${tokens[1]}`);
  });

  it('ScriptBridge gives up after one retry when the fresh token is refused too', async function () {
    let minted = 0;
    const { page, requests } = await openPage({
      routes: {
        'GET /embed-token': () => ({ body: { token: fakeJwt(++minted) } }),
        'GET /api/v1/conversations': () => ({
          status: 401,
          body: { error: { code: 'unauthorized', message: 'Not signed in.' } },
        }),
      },
    });
    const err = await page.evaluate(() =>
      new window.wa.ScriptBridge({ baseUrl: location.origin, tokenEndpoint: '/embed-token' }).api
        .get('/api/v1/conversations')
        .then(
          () => null,
          (e: { status: number; code: string }) => ({ status: e.status, code: e.code }),
        ),
    );
    expect(err).to.deep.equal({ status: 401, code: 'unauthorized' });
    expect(requests.filter((r) => r.path === '/api/v1/conversations')).to.have.length(2);
    expect(minted).to.equal(2);
  });

  it('ScriptBridge with a publishable key starts a visitor session, remembers the visitor, and renews on a 401', async function () {
    let started = 0;
    const bodies: unknown[] = [];
    const tokens: string[] = [];
    const { page, requests } = await openPage({
      routes: {
        'POST /api/v1/visitor/sessions': (req) => {
          bodies.push(req.json);
          const token = fakeJwt(++started, 900);
          tokens.push(token);
          const asked = (req.json as { visitorId?: string }).visitorId;
          return { status: 201, body: { token, visitorId: asked ?? 'visitor-0001', expiresAt: '', tenant: { name: 'Shop' } } };
        },
        'GET /api/v1/visitor/session': (req) => {
          if (req.headers.authorization === `Bearer ${tokens[0]}`) return { body: { visitorId: 'visitor-0001' } };
          return { status: 401, body: { error: { code: 'invalid_token', message: 'This visitor session was revoked.' } } };
        },
      },
    });
    const first = await page.evaluate(async () => {
      const bridge = new window.wa.ScriptBridge({ baseUrl: location.origin, publishableKey: 'wpk_test_key_123456' });
      const me = await bridge.api.get('/api/v1/visitor/session');
      return { me, visitorId: bridge.visitorId, stored: localStorage.getItem('wa-visitor-id') };
    });
    expect(first).to.deep.equal({ me: { visitorId: 'visitor-0001' }, visitorId: 'visitor-0001', stored: 'visitor-0001' });
    expect(bodies[0]).to.deep.equal({ publishableKey: 'wpk_test_key_123456' });
    const sessionCall = requests.find((r) => r.path === '/api/v1/visitor/sessions')!;
    expect(sessionCall.headers.cookie, 'no cookies go with a visitor session request').to.equal(undefined);

    // A later page view (a new bridge) brings the remembered visitor id; a revoked session is renewed once.
    const second = await page.evaluate(() =>
      new window.wa.ScriptBridge({ baseUrl: location.origin, publishableKey: 'wpk_test_key_123456' }).api
        .get('/api/v1/visitor/session')
        .then(
          () => 'ok',
          (e: { code: string }) => e.code,
        ),
    );
    expect(second).to.equal('invalid_token');
    expect(bodies.slice(1)).to.deep.equal([
      { publishableKey: 'wpk_test_key_123456', visitorId: 'visitor-0001' },
      { publishableKey: 'wpk_test_key_123456', visitorId: 'visitor-0001' },
    ]);
  });

  it("ScriptBridge reports a refused publishable key with the server's code and message", async function () {
    const { page } = await openPage({
      routes: {
        'POST /api/v1/visitor/sessions': () => ({
          status: 403,
          body: {
            error: { code: 'origin_not_allowed', message: 'This site is not allowed to use this publishable key.' },
            requestId: 'r-1',
          },
        }),
      },
    });
    const err = await page.evaluate(() =>
      new window.wa.ScriptBridge({ baseUrl: location.origin, publishableKey: 'wpk_wrong_site_0000' }).api
        .get('/api/v1/visitor/session')
        .then(
          () => null,
          (e: { name: string; status: number; code: string; message: string; requestId: string }) => ({
            name: e.name,
            status: e.status,
            code: e.code,
            message: e.message,
            requestId: e.requestId,
          }),
        ),
    );
    expect(err).to.deep.equal({
      name: 'ApiError',
      status: 403,
      code: 'origin_not_allowed',
      message: 'This site is not allowed to use this publishable key.',
      requestId: 'r-1',
    });
  });
  it('ScriptBridge built for a tenant sends that tenant with every API call', async function () {
    const { page, requests } = await openPage({
      routes: {
        'GET /embed-token': () => ({ body: { token: fakeJwt(1) } }),
        'GET /api/v1/members': () => ({ body: { items: [] } }),
      },
    });
    await page.evaluate(() =>
      new window.wa.ScriptBridge({ baseUrl: location.origin, tokenEndpoint: '/embed-token', tenant: 'acme' }).api.get(
        '/api/v1/members',
      ),
    );
    const call = requests.find((r) => r.path === '/api/v1/members')!;
    expect(call.headers['x-tenant-id']).to.equal('acme');
  });

  it('ScriptBridge renews a token when 20 % of its own lifetime is left, not at a fixed two minutes', async function () {
    let minted = 0;
    const { page, requests } = await openPage({
      routes: {
        'GET /embed-token': () => ({ body: { token: fakeJwt(++minted, 3600, 0) } }),
        'GET /api/v1/things': () => ({ body: {} }),
      },
    });
    const calls = (token: string) =>
      page.evaluate(async (t) => {
        const bridge = new window.wa.ScriptBridge({ baseUrl: location.origin, tokenEndpoint: '/embed-token', token: t });
        await bridge.api.get('/api/v1/things');
        await bridge.api.get('/api/v1/things');
      }, token);
    // A one-minute token with 30 s left: still well within its lifetime, so no endpoint round trip.
    await calls(fakeJwt(100, 30, 30));
    expect(minted).to.equal(0);
    // A one-hour token with 5 minutes left: renewed once, then the fresh token is reused.
    await calls(fakeJwt(101, 300, 3300));
    expect(minted).to.equal(1);
    const sent = requests.filter((r) => r.path === '/api/v1/things').map((r) => r.headers.authorization);
    expect(sent).to.have.length(4);
    expect(sent[2]).to.equal(sent[3]).and.not.equal(sent[0]);
  });

  it('ScriptBridge explains a token endpoint that answers without a token', async function () {
    const { page } = await openPage({
      routes: {
        'GET /embed-token': () => ({ body: { jwt: 'not-what-we-asked-for' } }),
        'GET /api/v1/things': () => ({ body: {} }),
      },
    });
    const err = await page.evaluate(() =>
      new window.wa.ScriptBridge({ baseUrl: location.origin, tokenEndpoint: '/embed-token' }).api.get('/api/v1/things').then(
        () => null,
        (e: Error & { code: string }) => ({ isApiError: e instanceof window.wa.ApiError, code: e.code, message: e.message }),
      ),
    );
    expect(err).to.deep.equal({
      isApiError: true,
      code: 'token_endpoint_invalid',
      message: 'The token endpoint /embed-token must answer JSON of the form { "token": "…" }.',
    });
  });

  it('ShopifyBridge sends the App Bridge session token and asks for the Polaris look', async function () {
    const { page, requests } = await openPage({ routes: { 'GET /api/v1/things': () => ({ body: { ok: true } }) } });
    const out = await page.evaluate(async () => {
      const bridge = new window.wa.ShopifyBridge({ baseUrl: location.origin, idToken: async () => 'shopify-session-token' });
      return { kind: bridge.kind, look: bridge.look, body: await bridge.api.get('/api/v1/things') };
    });
    expect(out).to.deep.equal({ kind: 'shopify', look: 'polaris', body: { ok: true } });
    expect(requests.find((r) => r.path === '/api/v1/things')!.headers.authorization).to.equal('Bearer shopify-session-token');
  });

  it('HubSpotBridge sends its embed token, asks for the Canvas look, and renews the token when refused', async function () {
    const { page, requests } = await openPage({
      routes: {
        'GET /api/v1/things': (req) =>
          req.headers.authorization === 'Bearer hubspot-2'
            ? { body: { ok: true } }
            : { status: 401, body: { error: { code: 'token_expired', message: 'Expired.' } } },
      },
    });
    const out = await page.evaluate(async () => {
      const bridge = new window.wa.HubSpotBridge({
        baseUrl: location.origin,
        token: 'hubspot-1',
        refreshToken: async () => 'hubspot-2',
      });
      return { kind: bridge.kind, look: bridge.look, body: await bridge.api.get('/api/v1/things') };
    });
    expect(out).to.deep.equal({ kind: 'hubspot', look: 'canvas', body: { ok: true } });
    const sent = requests.filter((r) => r.path === '/api/v1/things').map((r) => r.headers.authorization);
    expect(sent).to.deep.equal(['Bearer hubspot-1', 'Bearer hubspot-2']);
  });
});
