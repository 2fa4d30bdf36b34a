// Prints one JSON line with the gzip sizes of the widget bundles and checks them against budgets:
// the loader, the shared chunk (Lit + widgets/src/shared) and each entry on top of that shared chunk
// (its own file plus any chunk it pulls in besides lit/shared). Exits 1 when a budget is broken.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const DIST = path.join(ROOT, 'dist/w');
const OUT = path.join(DIST, version);
const BUDGETS = { loader: 3072, sharedChunk: 25600, entry: 40960 } as const;

type Manifest = { version: string } & Record<string, { file: string; imports?: string[] } | string>;

// `npm run size` builds first (the presize script); run directly, this builds only when nothing is built.
if (!fs.existsSync(path.join(OUT, 'manifest.json')) || !fs.existsSync(path.join(DIST, 'v1/loader.js'))) {
  // Rollup's own output goes to stderr so stdout stays one JSON line.
  const rollup = createRequire(import.meta.url).resolve('rollup/dist/bin/rollup');
  const r = spawnSync(process.execPath, [rollup, '-c'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const gz = (file: string) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const manifest = JSON.parse(fs.readFileSync(path.join(OUT, 'manifest.json'), 'utf8')) as Manifest;
const entries = Object.entries(manifest).filter(
  (e): e is [string, { file: string; imports?: string[] }] => typeof e[1] === 'object',
);

const isCommon = (file: string) => /^chunks\/(lit|shared)-[^/]+\.js$/.test(file);
// From the manifest, not the directory: earlier builds' files stay in dist on purpose.
const common = [...new Set(entries.flatMap(([, e]) => e.imports ?? []))].filter(isCommon);
const lit = common.filter((f) => f.startsWith('chunks/lit-')).reduce((n, f) => n + gz(path.join(OUT, f)), 0);
const shared = common.filter((f) => f.startsWith('chunks/shared-')).reduce((n, f) => n + gz(path.join(OUT, f)), 0);

// Imports of an entry listed in the manifest are direct ones; follow entries it imports too.
const byFile = new Map(entries.map(([, e]) => [e.file, e]));
const sizes: Record<string, number> = {};
for (const [name, entry] of entries) {
  const files = new Set<string>([entry.file]);
  const queue = [...(entry.imports ?? [])];
  while (queue.length) {
    const f = queue.shift()!;
    if (isCommon(f) || files.has(f)) continue;
    files.add(f);
    queue.push(...(byFile.get(f)?.imports ?? []));
  }
  sizes[name] = [...files].reduce((n, f) => n + gz(path.join(OUT, f)), 0);
}

const loader = gz(path.join(DIST, 'v1/loader.js'));
const over = [
  ...(loader > BUDGETS.loader ? ['loader'] : []),
  ...(lit + shared > BUDGETS.sharedChunk ? ['sharedChunk'] : []),
  ...Object.entries(sizes)
    .filter(([, n]) => n > BUDGETS.entry)
    .map(([name]) => name),
];
const report = {
  version,
  loader,
  sharedChunk: lit + shared,
  lit,
  shared,
  entries: sizes,
  budgets: BUDGETS,
  over,
  ok: over.length === 0,
};
process.stdout.write(JSON.stringify(report) + '\n');
process.exit(report.ok ? 0 : 1);
