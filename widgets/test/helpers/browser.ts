// Browser harness for widget tests: esbuild bundles the real widget sources, a local HTTP server on
// 127.0.0.1 serves them with a fixture page and fake API routes (the page really fetches), and the
// system Chromium runs them through playwright-core. Tests stay ordinary mocha + chai in Node.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type * as SharedExports from '../../src/shared/index.ts';
import { launchChromium } from '../../../backend/test/helpers/chromium.ts';

declare global {
  interface Window {
    /** The fixture page's merged exports of every loaded entry (shared exports by default). */
    wa: typeof SharedExports & Record<string, unknown>;
    waReady?: boolean;
  }
}

const widgetsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sharedDir = join(widgetsDir, 'src/shared');

/** What every page loads unless told otherwise: the shared exports and the tag registrations. */
export const defaultEntries = [join(sharedDir, 'index.ts'), join(sharedDir, 'elements.ts')];

export interface FakeRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/things?page=2`. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw request body ('' when none). */
  body: string;
  /** The body parsed as JSON (undefined when empty or not JSON). */
  json: unknown;
  /** Values of `:name` segments when the route key has them. */
  params: Record<string, string>;
  /** The raw request body as bytes (uploads). */
  raw: Buffer;
}

export interface FakeResponse {
  status?: number;
  /** Objects and arrays are sent as JSON; strings and bytes (Buffer) as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A fake API route. Keys are `'METHOD /path'` or `'/path'` (any method); the query string is not
 * part of the match. Handlers may be async, which lets a test hold a response back (abort tests).
 */
export type RouteHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface OpenPageOptions {
  /** Markup placed in `<body>` before the bundle loads (elements upgrade when it does). */
  html?: string;
  routes?: Record<string, RouteHandler>;
  /** Source files to bundle and load; defaults to `defaultEntries`. */
  entries?: string[];
}

export interface OpenedPage {
  page: Page;
  /** The fixture page's URL, e.g. `http://127.0.0.1:43121/`. */
  url: string;
  /** The HTTP server, for tests that attach more (a `ws` server on its `upgrade` event). */
  server: Server;
  /** Every request the server saw, in order. */
  requests: FakeRequest[];
  /** Text of `console.error` messages and failed resource loads in the page. */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections in the page; any of them fails the test. */
  pageErrors: Error[];
  close(): Promise<void>;
}

const bundles = new Map<string, Promise<string>>();

/**
 * Builds the entries (ESM, bundled, es2022, inline source maps, Lit's development build) into a temp
 * directory and returns it. Code splitting keeps one copy of Lit and of the shared modules when a
 * page loads several entries. Output mirrors the source tree below `widgets/`, so
 * `widgets/src/shared/index.ts` is served at `/bundle/src/shared/index.js` (see `bundleUrl`).
 * Results are cached per entry list for the whole mocha run.
 */
export function bundle(entries: string[]): Promise<string> {
  const key = [...entries]
    .map((e) => resolve(e))
    .sort()
    .join('\n');
  let pending = bundles.get(key);
  if (!pending) {
    pending = (async () => {
      const outdir = await mkdtemp(join(tmpdir(), 'wa-widgets-'));
      tempDirs.push(outdir);
      await build({
        entryPoints: entries.map((e) => resolve(e)),
        outdir,
        outbase: widgetsDir,
        bundle: true,
        splitting: true,
        format: 'esm',
        target: 'es2022',
        sourcemap: 'inline',
        conditions: ['development'],
        logLevel: 'silent',
      });
      return outdir;
    })();
    bundles.set(key, pending);
  }
  return pending;
}

/** The URL path at which a bundled source file is served. */
export function bundleUrl(entry: string): string {
  const rel = relative(widgetsDir, resolve(entry)).split(sep).join('/');
  return `/bundle/${rel.replace(/\.ts$/, '.js')}`;
}

let browser: Browser | null = null;
let launching: Promise<Browser> | null = null;
const tempDirs: string[] = [];
const openPages = new Set<OpenedPage>();

async function getBrowser(): Promise<Browser> {
  if (browser?.isConnected()) return browser;
  launching ??= launchChromium()
    .then((b) => (browser = b))
    .finally(() => (launching = null));
  return launching;
}

/** Closes the shared Chromium (the `useBrowser()` hooks call it after each test file). */
export async function closeBrowser(): Promise<void> {
  for (const p of [...openPages]) await p.close();
  const b = browser;
  browser = null;
  await b?.close();
}

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.html': 'text/html; charset=utf-8',
};

function fixtureHtml(entries: string[], body: string): string {
  const imports = entries.map((e, i) => `import * as m${i} from '${bundleUrl(e)}';`).join('\n');
  const merged = entries.map((_, i) => `...m${i}`).join(', ');
  // Static imports only: the load event waits for them, so page.goto() returns with every tag
  // defined and the exports on window.wa for page.evaluate().
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>widget test</title></head>
<body>
<div id="root">${body}</div>
<script type="module">
${imports}
window.wa = { ${merged} };
window.waReady = true;
</script>
</body>
</html>`;
}

function matchRoute(
  routes: Record<string, RouteHandler>,
  method: string,
  path: string,
): { handler: RouteHandler; params: Record<string, string> } | undefined {
  const exact = routes[`${method} ${path}`] ?? routes[path];
  if (exact) return { handler: exact, params: {} };
  // Keys with `:name` segments match any value there, e.g. 'GET /api/v1/conversations/:id'.
  for (const [key, handler] of Object.entries(routes)) {
    if (!key.includes('/:')) continue;
    const [m, pattern] = key.includes(' ') ? key.split(' ', 2) : [null, key];
    if (m && m !== method) continue;
    const want = pattern.split('/');
    const got = path.split('/');
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    if (
      want.every((seg, i) => (seg.startsWith(':') ? ((params[seg.slice(1)] = decodeURIComponent(got[i])), true) : seg === got[i]))
    ) {
      return { handler, params };
    }
  }
  return undefined;
}

/**
 * Starts a local server for one test (fixture page at `/`, bundle under `/bundle/`, fake API
 * routes) and opens it in a new browser context of the shared Chromium. Page errors are recorded;
 * `useBrowser()` fails the test that produced one.
 */
export async function openPage(options: OpenPageOptions = {}): Promise<OpenedPage> {
  const entries = options.entries ?? defaultEntries;
  const routes = options.routes ?? {};
  const [outdir, b] = await Promise.all([bundle(entries), getBrowser()]);
  const requests: FakeRequest[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = body ? JSON.parse(body) : undefined;
        } catch {
          json = undefined;
        }
        // The browser asks for it on its own; answering keeps it out of the logs and `requests`.
        if (url.pathname === '/favicon.ico') {
          res.writeHead(204).end();
          return;
        }
        const fake: FakeRequest = {
          method: req.method ?? 'GET',
          url: url.pathname + url.search,
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
          json,
          params: {},
          raw: Buffer.concat(chunks),
        };
        requests.push(fake);
        try {
          if (url.pathname === '/' && fake.method === 'GET') {
            res.writeHead(200, { 'content-type': MIME['.html'], 'cache-control': 'no-store' });
            res.end(fixtureHtml(entries, options.html ?? ''));
            return;
          }
          if (url.pathname.startsWith('/bundle/')) {
            const file = resolve(outdir, '.' + url.pathname.slice('/bundle'.length));
            if (!file.startsWith(outdir + sep)) throw Object.assign(new Error('outside bundle'), { status: 403 });
            const data = await readFile(file);
            res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
            res.end(data);
            return;
          }
          const matched = matchRoute(routes, fake.method, url.pathname);
          if (!matched) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                error: { code: 'route_not_found', message: `No fake route for ${fake.method} ${url.pathname}.` },
              }),
            );
            return;
          }
          fake.params = matched.params;
          const out = await matched.handler(fake);
          if (res.destroyed) return;
          const bytes = Buffer.isBuffer(out.body) || out.body instanceof Uint8Array;
          const isJson = out.body !== undefined && typeof out.body !== 'string' && !bytes;
          const headers: Record<string, string> = { ...(isJson ? { 'content-type': 'application/json' } : {}), ...out.headers };
          res.writeHead(out.status ?? 200, headers);
          if (bytes) res.end(out.body as Uint8Array);
          else res.end(out.body === undefined ? undefined : isJson ? JSON.stringify(out.body) : String(out.body));
        } catch (err) {
          const status =
            (err as { status?: number; code?: string }).code === 'ENOENT' ? 404 : ((err as { status?: number }).status ?? 500);
          if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
          res.end(String((err as Error).message));
        }
      })();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;

  const context = await b.newContext();
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: Error[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(err));

  let closed = false;
  const opened: OpenedPage = {
    page,
    url,
    server,
    requests,
    consoleErrors,
    pageErrors,
    async close() {
      if (closed) return;
      closed = true;
      openPages.delete(opened);
      await context.close().catch(() => {});
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
  openPages.add(opened);
  await page.goto(url);
  await page.waitForFunction(() => window.waReady === true);
  return opened;
}

/**
 * Replaces `#root`'s content with `html` and waits until every custom element in it has rendered.
 * Returns nothing; query the result with `page.locator()` (it pierces open shadow roots).
 */
export async function mount(page: Page, html: string): Promise<void> {
  await page.evaluate(async (markup) => {
    const root = document.getElementById('root')!;
    root.innerHTML = markup;
    const pending: Promise<unknown>[] = [];
    for (const el of root.querySelectorAll('*')) {
      const name = el.localName;
      if (!name.includes('-')) continue;
      await customElements.whenDefined(name);
      const done = (el as Element & { updateComplete?: Promise<unknown> }).updateComplete;
      if (done) pending.push(done);
    }
    await Promise.all(pending);
  }, html);
}

/**
 * The text content of an element's shadow root (falling back to its light DOM), whitespace
 * collapsed. `selector` is a light-DOM CSS selector, e.g. `wa-error-state`.
 */
export async function shadowText(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => {
    const text = (el.shadowRoot ?? el).textContent ?? '';
    return text.replace(/\s+/g, ' ').trim();
  });
}

/**
 * Registers the per-file browser lifecycle in the calling `describe`: after each test its pages are
 * closed and any uncaught page error fails that test; after the file, Chromium is closed.
 */
export function useBrowser(): void {
  afterEach(async function () {
    const errors: string[] = [];
    for (const p of [...openPages]) {
      errors.push(...p.pageErrors.map((e) => e.stack ?? e.message));
      await p.close();
    }
    // Failing the test (not the hook) keeps mocha running the remaining tests of the file.
    if (errors.length && this.currentTest?.state !== 'failed') {
      (this.test as unknown as { error(err: Error): void }).error(
        new Error(`Uncaught error(s) in the page:\n${errors.join('\n---\n')}`),
      );
    }
  });
  after(async () => {
    await closeBrowser();
  });
}

// Synchronous on purpose: mocha runs with `exit: true`, so only the 'exit' event is sure to fire.
process.once('exit', () => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Polls `check` (in Node) until it returns a truthy value or `timeout` ms pass. */
export async function waitFor<T>(check: () => T | Promise<T>, timeout = 5000, message = 'condition'): Promise<T> {
  const until = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out after ${timeout} ms waiting for ${message}`);
    await delay(20);
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}
