// The script-tag loader in a real Chromium on the demo merchant page: it fetches only what the tags
// on the page need, picks up tags added later, and survives being pasted twice.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort, startPlatform, type TestPlatform } from '../helpers/platform.ts';
import { launchChromium } from '../helpers/chromium.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DIST = path.join(ROOT, 'dist/w');

type Entry = { file: string; imports: string[] };

// The tags on the demo merchant page.
const ON_PAGE = ['team-members', 'inbox', 'audit-log'];
type Manifest = { version: string } & Record<string, Entry | string>;

function ensureWidgetsBuilt(): void {
  if (fs.existsSync(path.join(DIST, 'v1/manifest.json')) && fs.existsSync(path.join(DIST, 'v1/loader.js'))) return;
  const rollup = createRequire(import.meta.url).resolve('rollup/dist/bin/rollup');
  const r = spawnSync(process.execPath, [rollup, '-c'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npx rollup -c failed:\n${r.stderr}`);
}

/** The files a set of entries pulls in: their own file and every static import, transitively. */
function filesFor(m: Manifest, names: string[]): Set<string> {
  const byFile = new Map(
    Object.values(m)
      .filter((v): v is Entry => typeof v === 'object')
      .map((e) => [e.file, e]),
  );
  const out = new Set<string>();
  const queue = names.map((n) => (m[n] as Entry).file);
  while (queue.length) {
    const f = queue.shift()!;
    if (out.has(f)) continue;
    out.add(f);
    queue.push(...(byFile.get(f)?.imports ?? []));
  }
  return new Set([...out].map((f) => `/w/${m.version}/${f}`));
}

describe('script-tag loader in Chromium', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let origin: string;
  let manifest: Manifest;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let requests: string[];
  const apiStatuses: string[] = [];

  const widgetRequests = () => requests.filter((p) => p.startsWith('/w/'));
  const count = (p: string) => requests.filter((r) => r === p).length;

  before(async () => {
    ensureWidgetsBuilt();
    manifest = JSON.parse(fs.readFileSync(path.join(DIST, 'v1/manifest.json'), 'utf8')) as Manifest;
    // The demo page's tags; the test is only meaningful when their bundles exist.
    for (const name of [...ON_PAGE, 'api-tokens']) {
      if (typeof manifest[name] !== 'object') throw new Error(`dist/w has no ${name} bundle: run npm run build`);
    }
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
    // Playwright gives the browser a fresh temporary profile of its own.
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    requests = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin === origin) requests.push(u.pathname);
    });
    page.on('response', (r) => {
      const u = new URL(r.url());
      if (u.origin === origin && u.pathname.startsWith('/api/')) apiStatuses.push(`${r.status()} ${u.pathname}`);
    });
    // What a site owner's inline snippet would do before the loader arrives (the demo page itself
    // carries no inline script, so it is injected the way a browser extension would).
    await page.addInitScript(() => {
      const w = window as any;
      w.__ready = [];
      window.addEventListener('wa:ready', (e) => w.__ready.push((e as CustomEvent).detail));
      w.WA =
        w.WA ||
        function (...args: unknown[]) {
          (w.WA.q = w.WA.q || []).push(args);
        };
      w.WA('config', { theme: 'dark' });
      w.WA('on', 'ready', (d: unknown) => (w.__readyByQueue = d));
    });
    await page.goto(`${origin}/demo/embed`);
    await page.waitForFunction(() => (window as any).__ready.length > 0, null, { timeout: 15_000 });
  });

  after(async () => {
    await browser?.close();
    await tp?.stop();
  });

  it('fetches the loader, the manifest and only the bundles of the tags on the page', async () => {
    const expected = new Set(['/w/v1/loader.js', '/w/v1/manifest.json', ...filesFor(manifest, ON_PAGE)]);
    expect(new Set(widgetRequests())).to.deep.equal(expected);
    for (const p of expected) expect(count(p), p).to.equal(1);
    const others = Object.keys(manifest).filter((k) => typeof manifest[k] === 'object' && !ON_PAGE.includes(k));
    for (const name of others) expect(requests, name).to.not.include(`/w/${manifest.version}/${(manifest[name] as Entry).file}`);
    expect(requests.some((p) => p.includes('webcomponents'))).to.equal(false);
  });

  it('defines the tags, fires wa:ready once, and replays the queued stub calls', async () => {
    const state = await page.evaluate(() => {
      const w = window as any;
      return {
        ready: w.__ready,
        byQueue: w.__readyByQueue,
        config: w.WA_CONFIG,
        defined: ['wa-team-members', 'wa-inbox', 'wa-audit-log', 'wa-api-tokens'].map((t) => Boolean(customElements.get(t))),
        realFunction: typeof w.WA === 'function' && !w.WA.q,
      };
    });
    expect(state.ready).to.have.length(1);
    expect(state.ready[0].loaded).to.have.members(ON_PAGE);
    expect(state.byQueue).to.deep.equal(state.ready[0]);
    expect(state.config).to.include({ baseUrl: origin, tokenEndpoint: '/demo/embed/token', theme: 'dark' });
    expect(state.defined).to.deep.equal([true, true, true, false]);
    expect(state.realFunction).to.equal(true);
  });

  it('loads exactly the bundle of a wa-* tag added later', async () => {
    const before = widgetRequests().length;
    await page.evaluate(() => {
      const el = document.createElement('section');
      el.innerHTML = '<div><wa-api-tokens></wa-api-tokens><wa-no-such-widget></wa-no-such-widget></div>';
      document.querySelector('main')!.append(el);
    });
    await page.waitForFunction(() => customElements.get('wa-api-tokens') !== undefined, null, { timeout: 10_000 });
    const added = widgetRequests().slice(before);
    const already = new Set(widgetRequests().slice(0, before));
    const expected = [...filesFor(manifest, ['api-tokens'])].filter((f) => !already.has(f));
    expect(added).to.have.members(expected);
    expect(added).to.include(`/w/${manifest.version}/${(manifest['api-tokens'] as Entry).file}`);
    // A second tag of a type already loaded fetches nothing.
    await page.evaluate(() => document.body.append(document.createElement('wa-team-members')));
    await page.waitForTimeout(300);
    expect(widgetRequests().length).to.equal(before + added.length);
  });

  it('does nothing more when the loader is pasted a second time', async () => {
    const before = widgetRequests().filter((p) => p !== '/w/v1/loader.js');
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const s = document.createElement('script');
          s.src = '/w/v1/loader.js';
          s.dataset.waTokenEndpoint = '/somewhere/else';
          s.onload = () => resolve();
          document.head.append(s);
        }),
    );
    await page.waitForTimeout(300);
    const after = widgetRequests().filter((p) => p !== '/w/v1/loader.js');
    expect(after).to.deep.equal(before);
    expect(count('/w/v1/manifest.json')).to.equal(1);
    const state = await page.evaluate(() => ({
      ready: (window as any).__ready.length,
      endpoint: (window as any).WA_CONFIG.tokenEndpoint,
    }));
    expect(state).to.deep.equal({ ready: 1, endpoint: '/demo/embed/token' });
  });

  it('loads the web-components polyfill before any widget bundle in a browser without Shadow DOM, then the widgets', async () => {
    const polyfill = `/w/${manifest.version}/${manifest.polyfill as string}`;
    expect(polyfill).to.match(/\/vendor\/webcomponents-bundle-[\w-]+\.js$/);
    const old = await browser.newContext();
    try {
      const p = await old.newPage();
      const seen: string[] = [];
      p.on('request', (r) => {
        const u = new URL(r.url());
        if (u.origin === origin && u.pathname.startsWith('/w/')) seen.push(u.pathname);
      });
      // An engine of the polyfill's era, as far as feature detection can tell.
      await p.addInitScript(() => {
        delete (Element.prototype as Partial<Element>).attachShadow;
        window.addEventListener('wa:ready', (e) => ((window as any).__readyDetail = (e as CustomEvent).detail));
      });
      await p.goto(`${origin}/demo/embed`);
      const ready = await p.waitForFunction(() => (window as any).__readyDetail, null, { timeout: 15_000 });
      const entry = `/w/${manifest.version}/${(manifest['team-members'] as Entry).file}`;
      expect(seen).to.include(polyfill);
      expect(seen.indexOf(polyfill)).to.be.lessThan(seen.indexOf(entry));
      // ...and the widgets still arrive on top of it.
      expect((await ready.jsonValue()).loaded).to.have.members(ON_PAGE);
    } finally {
      await old.close();
    }
  });

  // Browsers omit Origin on same-origin GETs; the server accepts Sec-Fetch-Site: same-origin instead.
  // The embed token carries no user: the inbox asks /auth/me and then leaves out what needs one
  // (presence, viewing), so every call it makes succeeds.
  it("lets the widgets call the API with the demo page's embed token", async () => {
    await page.waitForFunction(() => {
      const el = document.querySelector('wa-team-members');
      return el?.shadowRoot?.textContent?.includes('root@example.com');
    });
    await page.locator('wa-inbox wa-inbox-list').getByText('No conversations yet').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    for (const p of ['/api/v1/auth/me', '/api/v1/conversations', '/api/v1/inbox/agents']) {
      expect(apiStatuses, p).to.include(`200 ${p}`);
    }
    expect(apiStatuses.some((s) => s.endsWith('/inbox/presence') || s.endsWith('/activity'))).to.equal(false);
    expect(apiStatuses.filter((s) => !/^2\d\d /.test(s))).to.deep.equal([]);
  });

  // A visitor-facing widget on a merchant's own site: the page's real Origin is what the server checks.
  it("starts a visitor session from the tenant's publishable key on an allowed site only", async () => {
    const sites = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<{ server: http.Server; url: string }>((resolve) => {
            const server = http.createServer((_req, res) => res.end('<!doctype html><title>Merchant</title><p>Hello'));
            server.listen(0, '127.0.0.1', () => {
              const addr = server.address() as { port: number };
              resolve({ server, url: `http://localhost:${addr.port}` });
            });
          }),
      ),
    );
    const [allowed, foreign] = sites;
    try {
      const demo = await tp.platform.models.Tenant.findOne({ where: { slug: 'demo' } });
      expect(demo, 'the demo tenant').to.not.equal(null);
      await demo!.update({ allowedOrigins: [...demo!.allowedOrigins, allowed.url] });
      const visit = async (site: string) => {
        const p = await context.newPage();
        try {
          await p.goto(site);
          return await p.evaluate(
            async ({ api, key }) => {
              try {
                const s = await fetch(`${api}/api/v1/visitor/sessions`, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  body: JSON.stringify({ publishableKey: key }),
                });
                const started = await s.json();
                const me = await fetch(`${api}/api/v1/visitor/session`, {
                  headers: { authorization: `Bearer ${started.token}` },
                });
                return { status: s.status, me: me.status, name: (await me.json()).tenant?.name };
              } catch (e) {
                return { blocked: (e as Error).name };
              }
            },
            { api: origin, key: demo!.publishableKey },
          );
        } finally {
          await p.close();
        }
      };
      expect(await visit(allowed.url)).to.deep.equal({ status: 201, me: 200, name: demo!.name });
      // The browser itself refuses to hand the answer to a page the tenant does not allow.
      expect(await visit(foreign.url)).to.deep.equal({ blocked: 'TypeError' });
    } finally {
      for (const s of sites) s.server.close();
    }
  });
});
