// Builds the browser bundles.
// 1. Every widget and shell (auto-discovered: widgets/src/<name>/<name>.ts and admin/src/admin-console.ts)
//    becomes an ES-module entry under dist/w/<version>/, with Lit in one shared `lit` chunk and
//    widgets/src/shared/** in a `shared` chunk, hashed names, minified, source maps, plus manifest.json
//    (copied to dist/w/v1/manifest.json, the channel the loader reads) and the web-components polyfill
//    under vendor/ with a hashed name too (manifest.polyfill; loaded only by browsers that need it).
//    Files of earlier builds are left in place: a page still holding the previous manifest (the
//    channel caches it for a minute) keeps finding the files it names.
// 2. The script-tag loader, an IIFE at dist/w/v1/loader.js (the stable URL site owners paste).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

const require = createRequire(import.meta.url);
const ROOT = path.dirname(new URL(import.meta.url).pathname);
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const OUT = path.join(ROOT, 'dist/w', version);
const CHANNEL = path.join(ROOT, 'dist/w/v1');
const WIDGETS = path.join(ROOT, 'widgets/src');
const NOT_ENTRIES = new Set(['shared', 'loader']);

/** Entry name → source file, found again on every (re)build so new widgets appear in watch mode. */
export function discoverEntries() {
  const entries = {};
  if (fs.existsSync(WIDGETS)) {
    for (const d of fs.readdirSync(WIDGETS, { withFileTypes: true })) {
      if (!d.isDirectory() || NOT_ENTRIES.has(d.name) || !/^[a-z][a-z0-9-]*$/.test(d.name)) continue;
      const file = path.join(WIDGETS, d.name, `${d.name}.ts`);
      if (fs.existsSync(file)) entries[d.name] = file;
    }
  }
  const adminConsole = path.join(ROOT, 'admin/src/admin-console.ts');
  if (fs.existsSync(adminConsole)) entries['admin-console'] = adminConsole;
  // With no entry yet, still build the shared foundations so the pipeline is exercised.
  if (Object.keys(entries).length === 0) entries.shared = path.join(WIDGETS, 'shared/index.ts');
  return entries;
}

const LIT = /[\\/]node_modules[\\/](lit|lit-html|lit-element|@lit)[\\/]/;
const SHARED = path.join(WIDGETS, 'shared') + path.sep;

function widgetsPlugin() {
  return {
    name: 'wa-widgets',
    options(opts) {
      return { ...opts, input: discoverEntries() };
    },
    buildStart() {
      // A new widget folder (or entry file) triggers a rebuild in watch mode.
      if (this.meta.watchMode) {
        this.addWatchFile(WIDGETS);
        for (const d of fs.readdirSync(WIDGETS)) this.addWatchFile(path.join(WIDGETS, d));
      }
    },
    generateBundle(_opts, bundle) {
      const manifest = { version };
      for (const f of Object.values(bundle)) {
        if (f.type !== 'chunk' || !f.isEntry) continue;
        // Lit keeps styles in JS; a stylesheet an entry references as an emitted asset is listed too.
        const css = (f.referencedFiles ?? []).filter((r) => r.endsWith('.css'));
        manifest[f.name] = { file: f.fileName, imports: f.imports, ...(css.length ? { css } : {}) };
      }
      // The polyfill is named by its content hash like everything else, since /w/<version>/ is served immutable.
      const polyfill = this.emitFile({
        type: 'asset',
        name: 'webcomponents-bundle.js',
        source: fs.readFileSync(require.resolve('@webcomponents/webcomponentsjs/webcomponents-bundle.js')),
      });
      manifest.polyfill = this.getFileName(polyfill);
      this.emitFile({ type: 'asset', fileName: 'manifest.json', source: JSON.stringify(manifest, null, 2) + '\n' });
    },
    writeBundle() {
      // Publish the manifest on the v1 channel.
      fs.mkdirSync(CHANNEL, { recursive: true });
      fs.copyFileSync(path.join(OUT, 'manifest.json'), path.join(CHANNEL, 'manifest.json'));
    },
  };
}

const minify = (target) =>
  esbuild({
    target,
    minify: true,
    tsconfig: 'tsconfig.json',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
  });

export default [
  {
    input: {},
    output: {
      dir: OUT,
      format: 'es',
      sourcemap: true,
      entryFileNames: '[name]-[hash].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      assetFileNames: (asset) =>
        asset.names?.includes('webcomponents-bundle.js') ? 'vendor/[name]-[hash][extname]' : 'assets/[name]-[hash][extname]',
      manualChunks(id) {
        if (LIT.test(id)) return 'lit';
        if (id.startsWith(SHARED)) return 'shared';
        return undefined;
      },
    },
    plugins: [widgetsPlugin(), nodeResolve({ browser: true, exportConditions: ['production'] }), minify('es2022')],
    watch: { clearScreen: false },
  },
  {
    input: path.join(WIDGETS, 'loader/loader.ts'),
    output: { file: path.join(CHANNEL, 'loader.js'), format: 'iife', sourcemap: true },
    // es2018 so that old engines (the ones needing the polyfill) can still parse the loader.
    plugins: [minify('es2018')],
    watch: { clearScreen: false },
  },
];
