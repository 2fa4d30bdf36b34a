// The widget bundles as a CDN would serve them (cache rules, CORS), the shell pages rendered from the
// manifest, and the demo embed page with its token endpoint, all through HTTP on the real server.
import fs from 'node:fs';
import http, { type Server } from 'node:http';
import os from 'node:os';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import express from 'express';
import { mountWidgets } from '../../src/http/widgets.ts';
import { HttpClient, freePort, startPlatform, type TestPlatform } from '../helpers/platform.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DIST = path.join(ROOT, 'dist/w');

/** `npm test` builds first (pretest); a single test file run on its own builds here if needed. */
export function ensureWidgetsBuilt(): void {
  if (fs.existsSync(path.join(DIST, 'v1/manifest.json')) && fs.existsSync(path.join(DIST, 'v1/loader.js'))) return;
  const rollup = createRequire(import.meta.url).resolve('rollup/dist/bin/rollup');
  const r = spawnSync(process.execPath, [rollup, '-c'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npx rollup -c failed:\n${r.stderr}`);
}

type Manifest = { version: string } & Record<string, { file: string; imports: string[] } | string>;
const readManifest = () => JSON.parse(fs.readFileSync(path.join(DIST, 'v1/manifest.json'), 'utf8')) as Manifest;
const entryOf = (m: Manifest, name: string) => m[name] as { file: string; imports: string[] } | undefined;

describe('widget bundles and pages', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let manifest: Manifest;

  before(async () => {
    ensureWidgetsBuilt();
    manifest = readManifest();
    tp = await startPlatform();
  });
  after(async () => tp?.stop());

  it('serves the loader on the v1 channel for five minutes, to any origin', async () => {
    const res = await tp.client().get('/w/v1/loader.js', { origin: 'https://shop.example' });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/javascript/);
    expect(res.headers.get('cache-control')).to.equal('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).to.equal('*');
  });

  it('serves the manifest for one minute, naming each entry with its hashed file and imports', async () => {
    const res = await tp.client().get('/w/v1/manifest.json');
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('public, max-age=60');
    expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(res.body.version).to.equal(version);
    const entries = Object.entries(res.body).filter(([, v]) => typeof v === 'object');
    expect(entries.length).to.be.greaterThan(0);
    for (const [name, e] of entries as [string, any][]) {
      expect(e.file).to.match(new RegExp(`^${name}-[A-Za-z0-9_-]+\\.js$`));
      expect(e.imports).to.be.an('array');
      for (const dep of e.imports) expect(fs.existsSync(path.join(DIST, version, dep)), dep).to.equal(true);
    }
    expect(res.body.polyfill).to.match(/^vendor\/webcomponents-bundle-[\w-]+\.js$/);
  });

  it('serves versioned files as immutable for a year, with CORS *', async () => {
    const [, first] = Object.entries(manifest).find(([, v]) => typeof v === 'object') as [
      string,
      { file: string; imports: string[] },
    ];
    for (const file of [first.file, ...first.imports, manifest.polyfill as string]) {
      const res = await tp.client().get(`/w/${manifest.version}/${file}`, { origin: 'https://shop.example' });
      expect(res.status, file).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
      expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    }
    expect(first.imports.some((f) => /^chunks\/lit-[\w-]+\.js$/.test(f))).to.equal(true);
  });

  it('answers a missing bundle with a JSON 404', async () => {
    for (const p of [`/w/${manifest.version}/nope-123.js`, '/w/v1/nope.js', '/w/9.9.9/x.js']) {
      const res = await tp.client().get(p);
      expect(res.status, p).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
      expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    }
  });

  it('renders the console shell on /app and its deep links with the hashed module from the manifest', async () => {
    for (const p of ['/app', '/app/settings/team']) {
      const res = await tp.client().get(p);
      const console = entryOf(manifest, 'console');
      expect(res.headers.get('content-type')).to.match(/text\/html/);
      expect(res.text).to.contain('<meta name="viewport"');
      expect(res.text).to.contain('color-scheme');
      expect(res.text).to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      expect(res.headers.get('content-security-policy')).to.contain("script-src 'self'");
      if (!console) {
        expect(res.status).to.equal(503);
        expect(res.text).to.contain('no console bundle');
        continue;
      }
      expect(res.status).to.equal(200);
      expect(res.text).to.contain('<wa-console></wa-console>');
      expect(res.text).to.contain(`<script type="module" src="/w/${manifest.version}/${console.file}"></script>`);
      for (const dep of console.imports)
        expect(res.text).to.contain(`<link rel="modulepreload" href="/w/${manifest.version}/${dep}">`);
      const js = await tp.client().get(`/w/${manifest.version}/${console.file}`);
      expect(js.status).to.equal(200);
    }
  });

  it('renders the admin shell on /admin and its deep links', async () => {
    for (const p of ['/admin', '/admin/tenants/3']) {
      const res = await tp.client().get(p);
      const admin = entryOf(manifest, 'admin-console');
      expect(res.text).to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/);
      if (!admin) {
        expect(res.status).to.equal(503);
        continue;
      }
      expect(res.status).to.equal(200);
      expect(res.text).to.contain('<wa-admin-console></wa-admin-console>');
      expect(res.text).to.contain(`src="/w/${manifest.version}/${admin.file}"`);
    }
  });

  it('has no demo pages when DEMO is off', async () => {
    expect((await tp.client().get('/demo/embed')).status).to.equal(404);
    expect((await tp.client().get('/demo/embed/token')).status).to.equal(404);
  });

  it('keeps the loader within 3 KB gzipped', () => {
    const size = zlib.gzipSync(fs.readFileSync(path.join(DIST, 'v1/loader.js')), { level: 9 }).length;
    expect(size).to.be.at.most(3072);
  });
});

describe('demo embed page', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let origin: string;
  // The platform listens on the port chosen here (PUBLIC_URL must name it), not on tp.url's.
  const client = () => new HttpClient(origin);

  before(async () => {
    ensureWidgetsBuilt();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    tp = await startPlatform({
      env: {
        DEMO: '1',
        PORT: String(port),
        PUBLIC_URL: origin,
        ADMIN_EMAIL: 'root@example.com',
        ADMIN_PASSWORD: 'a long enough password',
      },
    });
  });
  after(async () => tp?.stop());

  it('looks like a merchant page carrying only the paste-able loader tag and widget tags', async () => {
    const res = await client().get('/demo/embed');
    expect(res.status).to.equal(200);
    const scripts = res.text.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts).to.deep.equal(['<script async src="/w/v1/loader.js" data-wa-token-endpoint="/demo/embed/token">']);
    expect(res.text).to.contain('<wa-team-members></wa-team-members>');
    expect(res.text).to.contain('<wa-audit-log></wa-audit-log>');
    expect(res.text).to.contain('<pre>');
    expect(res.text).to.not.contain('type="module"');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).to.contain("script-src 'self'");
    expect(csp).to.not.contain("unsafe-inline'; script"); // styles may be inline, scripts never
    expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))).to.not.contain('unsafe');
  });

  const sameOrigin = { 'sec-fetch-site': 'same-origin' };

  it('mints a 10-minute embed token for the demo tenant that works from the page origin only', async () => {
    const res = await client().get('/demo/embed/token', sameOrigin);
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const ttl = new Date(res.body.expiresAt).getTime() - Date.now();
    expect(ttl).to.be.within(590_000, 600_000);
    const widget = client().bearer(res.body.token);
    const ok = await widget.get('/api/v1/tenant', { origin });
    expect(ok.status).to.equal(200);
    expect(ok.body.slug).to.equal('demo');
    const claims = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString());
    // The demo tenant's only member is the super admin: the token is an admin one with no user.
    expect(claims).to.include({ origin, role: 'admin', sub: 'api' });
    expect((await widget.get('/api/v1/audit-logs', { origin })).status).to.equal(200);
    expect((await widget.get('/api/v1/members', { origin })).status).to.equal(200);
    expect((await widget.get('/api/admin/tenants', { origin })).status).to.equal(403);
    expect((await widget.get('/api/v1/tenant', { origin: 'https://evil.example' })).status).to.equal(401);
  });

  it('binds the token to the public URL whatever Host header the request forges', async () => {
    // fetch() always sends the real Host, so this goes through node:http to forge it.
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.get(`${origin}/demo/embed/token`, { headers: { ...sameOrigin, host: 'evil.example' } }, (r) => {
        let text = '';
        r.setEncoding('utf8').on('data', (c: string) => (text += c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, text })).on('error', reject);
      });
      req.on('error', reject);
    });
    expect(res.status, res.text).to.equal(200);
    const { token } = JSON.parse(res.text) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims.origin).to.equal(origin);
  });

  it('answers only fetches from its own page', async () => {
    const cases: Record<string, string>[] = [
      {}, // curl, or anything else that is not a browser fetch from our page
      { 'sec-fetch-site': 'none' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { ...sameOrigin, origin: 'https://evil.example' },
    ];
    for (const headers of cases) {
      const res = await client().get('/demo/embed/token', headers);
      expect(res.status, JSON.stringify(headers)).to.equal(403);
      expect(res.body.error.code).to.equal('same_origin_only');
      expect(res.body.error.message).to.be.a('string');
      expect(res.body).to.not.have.property('token');
    }
  });
});

describe('widget serving before the first build', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const app = express();
    mountWidgets(app, {
      publicUrl: 'http://127.0.0.1',
      demo: false,
      distDir: path.join(os.tmpdir(), `wa-no-dist-${process.pid}`),
      models: {} as any,
      tenants: {} as any,
      embedIssuer: {} as any,
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server?.close());

  it('says to run npm run build instead of serving 404s', async () => {
    const res = await new HttpClient(base).get('/w/v1/loader.js');
    expect(res.status).to.equal(503);
    expect(res.body.error.message).to.contain('run npm run build');
    const page = await new HttpClient(base).get('/app/inbox');
    expect(page.status).to.equal(503);
    expect(page.text).to.contain('run npm run build');
  });
});

describe('demo embed token without a member', () => {
  let tp: TestPlatform;
  let origin: string;
  before(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    tp = await startPlatform({ env: { DEMO: '1', PORT: String(port), PUBLIC_URL: origin } });
  });
  after(async () => tp?.stop());

  it('falls back to an admin-role token with no user when the demo tenant has no admin yet', async () => {
    const res = await new HttpClient(origin).get('/demo/embed/token', { 'sec-fetch-site': 'same-origin' });
    expect(res.status).to.equal(200);
    const claims = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString());
    expect(claims).to.include({ origin, role: 'admin', sub: 'api' });
    expect((await new HttpClient(origin).bearer(res.body.token).get('/api/v1/tenant', { origin })).status).to.equal(200);
  });
});
