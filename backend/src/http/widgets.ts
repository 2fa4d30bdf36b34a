// Serves the built widget bundles (dist/w) with the cache rules of a CDN path, the console and
// admin shell pages rendered from the manifest, and, with DEMO on, a page that embeds widgets the
// way a site owner would (script tag + token endpoint played by this server).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';
import type { Models } from '../db/models.ts';
import type { EmbedIssuer } from '../modules/auth/index.ts';
import type { TenantsService } from '../modules/tenants/index.ts';
import type { TenantContext } from './context.ts';
import { AppError } from './errors.ts';
import { DEMO_SLUG } from '../bootstrap.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_DIST = path.join(ROOT, 'dist/w');
const DEMO_TTL_SECONDS = 600;

export interface WidgetsDeps {
  publicUrl: string;
  demo: boolean;
  /** Where the rollup build writes (dist/w); tests may point elsewhere. */
  distDir?: string;
  models: Models;
  tenants: TenantsService;
  embedIssuer: EmbedIssuer;
}

export interface ManifestEntry {
  file: string;
  imports: string[];
  css?: string[];
}

export type WidgetManifest = { version: string; polyfill?: string } & Record<string, ManifestEntry | string | undefined>;

const NOT_BUILT = 'The widget bundles are not built: run npm run build';

export function mountWidgets(app: Express, deps: WidgetsDeps): void {
  const dist = deps.distDir ?? DEFAULT_DIST;
  const manifest = manifestReader(path.join(dist, 'v1/manifest.json'));

  // Module scripts are fetched in CORS mode from the site owner's page: no credentials, any origin.
  app.use('/w', (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (!fs.existsSync(dist)) {
      res.status(503).setHeader('Cache-Control', 'no-store');
      res.json({ error: { code: 'widgets_not_built', message: NOT_BUILT }, requestId: req.id });
      return;
    }
    next();
  });
  app.use(
    '/w',
    express.static(dist, {
      index: false,
      redirect: false,
      dotfiles: 'deny',
      cacheControl: false,
      setHeaders: (res, file) => res.setHeader('Cache-Control', cacheControlFor(path.relative(dist, file))),
    }),
  );
  app.use('/w', (req) => {
    throw new AppError(404, 'not_found', `No widget file at ${req.originalUrl.split('?')[0]}.`);
  });

  const shell = (tag: string, entry: string, title: string) => (_req: Request, res: Response) => {
    const m = manifest();
    const body = `<${tag}></${tag}>`;
    const missing = !m
      ? NOT_BUILT
      : !isEntry(m[entry])
        ? `This build has no ${entry} bundle yet (widgets/src or admin/src); run npm run build once it exists.`
        : null;
    sendHtml(res, m && !missing ? 200 : 503, page({ title, head: m && !missing ? moduleTags(m, [entry]) : '', body, missing }));
  };
  const consolePage = shell('wa-console', 'console', 'WhatsApp Business console');
  const adminPage = shell('wa-admin-console', 'admin-console', 'Platform administration');
  app.get('/app', consolePage);
  app.get('/app/*splat', consolePage);
  app.get('/admin', adminPage);
  app.get('/admin/*splat', adminPage);

  if (!deps.demo) return;

  app.get('/demo/embed', (_req, res) => {
    // A strict CSP of the kind a careful site owner runs: scripts only from the loader's origin
    // (here, this server), no inline script; Lit's styles are constructable stylesheets. The inbox
    // shows media it fetched with its token from object URLs, hence blob: for images and media.
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    sendHtml(res, 200, demoPage(deps.publicUrl));
  });

  // Plays the site owner's backend: in real life their server asks ours for an embed token with
  // its API token (POST /api/v1/embed-tokens); here the platform mints it in-process. It needs no
  // sign-in, so it answers only fetches from our own page: browsers set Sec-Fetch-Site and a page
  // on another site cannot forge it. (A non-browser client can send any header; the endpoint only
  // exists with DEMO on.) The token's origin comes from PUBLIC_URL, never from the Host header.
  const demoOrigin = new URL(deps.publicUrl).origin;
  app.get('/demo/embed/token', async (req, res, next) => {
    try {
      res.setHeader('Cache-Control', 'no-store');
      const claimed = req.get('origin');
      if (req.get('sec-fetch-site') !== 'same-origin' || (claimed && claimed !== demoOrigin)) {
        throw new AppError(403, 'same_origin_only', 'The demo token endpoint only answers fetches from its own page.');
      }
      const tenant = await deps.tenants.find(DEMO_SLUG);
      if (!tenant) {
        throw new AppError(404, 'no_demo_tenant', 'There is no demo tenant: start with DEMO=1 on a fresh database.');
      }
      const ctx: TenantContext = {
        tenantId: tenant.id,
        role: 'admin',
        principal: {
          kind: 'api_token',
          userId: null,
          label: 'system:demo-embed',
          isSuperAdmin: false,
          tenantId: tenant.id,
          tokenRole: 'admin',
        },
        ip: req.ip ?? null,
      };
      // The page shows the audit log (audit.read), which only admins may read, so the token is an
      // admin one, but with no user: it never carries the identity of the super admin who is the
      // demo tenant's member.
      const issued = await deps.embedIssuer.issue(ctx, { origin: demoOrigin, role: 'admin', ttlSeconds: DEMO_TTL_SECONDS });
      res.json({ token: issued.token, expiresAt: issued.expiresAt });
    } catch (err) {
      next(err);
    }
  });
}

/** Cache rules of the CDN path: the v1 channel is short-lived, versioned files never change. */
export function cacheControlFor(rel: string): string {
  const p = rel.split(path.sep).join('/');
  if (p === 'v1/manifest.json') return 'public, max-age=60';
  if (p.startsWith('v1/')) return 'public, max-age=300';
  // A version's manifest can be rebuilt in development; the hashed files it names cannot change.
  if (p.endsWith('/manifest.json')) return 'public, max-age=60';
  return 'public, max-age=31536000, immutable';
}

function isEntry(v: unknown): v is ManifestEntry {
  return typeof v === 'object' && v !== null && typeof (v as ManifestEntry).file === 'string';
}

/** Reads the manifest again only when the file changes (rebuilds during `npm run dev`). */
function manifestReader(file: string): () => WidgetManifest | null {
  let cached: { mtimeMs: number; value: WidgetManifest } | null = null;
  return () => {
    try {
      const { mtimeMs } = fs.statSync(file);
      if (cached?.mtimeMs !== mtimeMs) {
        cached = { mtimeMs, value: JSON.parse(fs.readFileSync(file, 'utf8')) as WidgetManifest };
      }
      return cached.value;
    } catch {
      return null;
    }
  };
}

/** `<link rel="modulepreload">` for every chunk the entries import, then their module scripts. */
export function moduleTags(m: WidgetManifest, entries: string[]): string {
  const base = `/w/${encodeURIComponent(m.version)}/`;
  const preload = new Set<string>();
  const scripts: string[] = [];
  for (const name of entries) {
    const e = m[name];
    if (!isEntry(e)) continue;
    for (const dep of e.imports ?? []) preload.add(dep);
    for (const css of e.css ?? []) scripts.push(`<link rel="stylesheet" href="${esc(base + css)}">`);
    scripts.push(`<script type="module" src="${esc(base + e.file)}"></script>`);
  }
  return [...[...preload].map((f) => `<link rel="modulepreload" href="${esc(base + f)}">`), ...scripts].join('\n    ');
}

function page(p: { title: string; head: string; body: string; missing: string | null }): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>${esc(p.title)}</title>
    <link rel="icon" href="data:,">
    <style>
      :root { color-scheme: light dark; }
      html, body { min-height: 100%; margin: 0; }
      body > wa-console, body > wa-admin-console { display: block; min-height: 100vh; }
      .wa-missing { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 15vh auto; padding: 0 1.5rem; }
    </style>
    ${p.head}
  </head>
  <body>
    ${p.missing ? `<p class="wa-missing" role="alert">${esc(p.missing)}</p>` : p.body}
  </body>
</html>
`;
}

function demoPage(publicUrl: string): string {
  const loaderTag = '<script async src="/w/v1/loader.js" data-wa-token-endpoint="/demo/embed/token"></script>';
  const snippet = `<!-- 1. Anywhere in your page, once: -->
<script async src="${publicUrl}/w/v1/loader.js"
        data-wa-token-endpoint="/your-backend/wa-embed-token"></script>

<!-- 2. Where the widgets should appear: -->
<wa-team-members></wa-team-members>
<wa-audit-log></wa-audit-log>
<wa-inbox style="height: 720px"></wa-inbox>   <!-- the shared inbox; size it as you like -->

<!-- 3. On your server, /your-backend/wa-embed-token answers { token, expiresAt } by calling
        POST ${publicUrl}/api/v1/embed-tokens with your API token
        (origin = your site's origin, listed in the tenant's allowed origins; ttl up to 600 s). -->`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Maple &amp; Thread — Store admin</title>
    <link rel="icon" href="data:,">
    <style>
      body { margin: 0; font: 17px/1.6 Georgia, 'Times New Roman', serif; color: #3b2f2a; background: #faf6f0; }
      header { background: #3b2f2a; color: #faf6f0; padding: 1rem 2rem; display: flex; align-items: baseline; gap: 2rem; }
      header h1 { font: italic 700 1.6rem/1 'Palatino Linotype', Palatino, serif; margin: 0; letter-spacing: .02em; }
      header nav a { color: #e9c9a8; margin-right: 1.2rem; text-decoration: none; font-variant: small-caps; }
      main { max-width: 64rem; margin: 0 auto; padding: 2rem; }
      h2 { font-weight: 400; border-bottom: 2px solid #d8c3a5; padding-bottom: .3rem; }
      section.widget { background: #fff; border: 1px solid #e5d8c6; border-radius: 4px; padding: 1rem; margin: 1.5rem 0; }
      pre { background: #2d2420; color: #f3e6d3; padding: 1rem; overflow: auto; font: 13px/1.5 'Courier New', monospace; border-radius: 4px; }
      footer { text-align: center; font-size: .85rem; color: #8a766b; padding: 2rem; }
      section.widget.inbox { padding: 0; border: none; background: none; }
      wa-inbox { height: min(680px, 85vh); }
      @media (max-width: 600px) {
        header { padding: 1rem; gap: 1rem; flex-wrap: wrap; }
        main { padding: 1rem; }
        section.widget { padding: .75rem; }
      }
    </style>
    ${loaderTag}
  </head>
  <body>
    <header>
      <h1>Maple &amp; Thread</h1>
      <nav><a href="#">Orders</a><a href="#">Products</a><a href="#">Team</a></nav>
    </header>
    <main>
      <p>This page stands in for a merchant's own site: its own fonts, colours and header. The WhatsApp
      Business widgets below arrive through one script tag and a token endpoint on the merchant's server
      (played here by <code>/demo/embed/token</code>). Their styles stay inside their shadow roots.</p>
      <h2>Our team on WhatsApp</h2>
      <section class="widget"><wa-team-members></wa-team-members></section>
      <h2>Customer conversations</h2>
      <section class="widget inbox"><wa-inbox></wa-inbox></section>
      <h2>Recent activity</h2>
      <section class="widget"><wa-audit-log></wa-audit-log></section>
      <h2>Embed these on your own site</h2>
      <pre>${esc(snippet)}</pre>
    </main>
    <footer>Maple &amp; Thread · handmade since 1998</footer>
  </body>
</html>
`;
}

function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).setHeader('Cache-Control', 'no-cache');
  res.type('html').send(html);
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
