// The script-tag loader (dist/w/v1/loader.js, an IIFE a site owner pastes once). It reads its own
// data- attributes into window.WA_CONFIG, replays calls queued on the `WA(...)` stub, fetches the
// v1 manifest and adds `<script type="module">` elements for only the bundles of the `wa-*` tags on
// the page, now and later. No `import()`: the engines that need the web-components polyfill cannot
// parse it, and the whole loader would die with it. It runs on someone else's page, so it never
// throws there: every failure ends in a console.warn.
//
//   <script async src="https://wa.example.com/w/v1/loader.js" data-wa-token-endpoint="/wa-token"></script>
//   <wa-team-members></wa-team-members>
//   <script>WA = window.WA || function () { (WA.q = WA.q || []).push(arguments); }; WA('on', 'ready', fn);</script>

interface Config {
  baseUrl: string;
  token?: string | null;
  tokenEndpoint?: string | null;
  publishableKey?: string | null;
  tenant?: string | number | null;
  theme?: 'light' | 'dark' | 'auto';
  [key: string]: unknown;
}

type Entry = { file: string; imports?: string[] };
type Manifest = { version: string; polyfill?: string } & Record<string, Entry | string | undefined>;
type Listener = (detail: unknown) => void;
type WAFunction = ((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[]; loaded?: string[]; version?: string };

interface LoaderWindow {
  __waLoaded?: boolean;
  WA?: WAFunction;
  WA_CONFIG?: Config;
}

const LOADER_PATH = '/w/v1/loader.js';
const w = window as unknown as LoaderWindow;
const warn = (...args: unknown[]) => console.warn('[wa]', ...args);

function main(): void {
  if (w.__waLoaded) return;
  w.__waLoaded = true;

  const script = (document.currentScript ?? document.querySelector(`script[src*="${LOADER_PATH}"]`)) as HTMLScriptElement | null;
  const src = new URL(script?.src || LOADER_PATH, location.href);
  const ds = script?.dataset ?? {};
  const cfg: Config = { ...w.WA_CONFIG, baseUrl: src.origin };
  if (ds.waToken) cfg.token = ds.waToken;
  if (ds.waTokenEndpoint) cfg.tokenEndpoint = ds.waTokenEndpoint;
  if (ds.waPublishableKey) cfg.publishableKey = ds.waPublishableKey;
  if (ds.waTenant) cfg.tenant = ds.waTenant;
  if (ds.waTheme) cfg.theme = ds.waTheme as Config['theme'];
  w.WA_CONFIG = cfg;

  const listeners: Record<string, Listener[]> = {};
  const requested = new Set<string>();
  let readyDetail: unknown = null;

  const call = (fn: Listener, detail: unknown) => {
    try {
      fn(detail);
    } catch (err) {
      warn(err);
    }
  };

  const WA: WAFunction = (cmd, a, b) => {
    if (cmd === 'config') Object.assign(cfg, a);
    else if (cmd === 'on' && typeof b === 'function') {
      if (a === 'ready' && readyDetail) call(b as Listener, readyDetail);
      else (listeners[a as string] ??= []).push(b as Listener);
    } else if (cmd === 'off') listeners[a as string] = (listeners[a as string] ?? []).filter((f) => f !== b);
    else warn(`unknown command ${String(cmd)}`);
  };
  WA.loaded = [];

  // Queued calls run before anything loads, so WA('config', …) reaches the first widget.
  const queue = w.WA?.q ?? [];
  w.WA = WA;
  for (const args of Array.from(queue)) {
    try {
      WA(...Array.from(args));
    } catch (err) {
      warn(err);
    }
  }

  const emit = (name: string, detail: unknown) => {
    for (const fn of listeners[name] ?? []) call(fn, detail);
    window.dispatchEvent(new CustomEvent(`wa:${name}`, { detail }));
  };

  // One element per URL, however many tags or entries ask for it.
  const scripts: Record<string, Promise<void>> = {};
  const addScript = (url: string, module?: boolean) =>
    (scripts[url] ??= new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      if (module) s.type = 'module';
      s.src = url;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.appendChild(s);
    }));

  const start = async () => {
    if (!('noModule' in HTMLScriptElement.prototype)) throw new Error('this browser cannot run the widgets');
    const res = await fetch(new URL('/w/v1/manifest.json', src), { credentials: 'omit' });
    if (!res.ok) throw new Error(`manifest answered ${res.status}`);
    const manifest = (await res.json()) as Manifest;
    const base = new URL(`/w/${manifest.version}/`, src);
    WA.version = manifest.version;

    // Before any bundle: they define their elements as they run.
    const needsPolyfill =
      !('customElements' in window) ||
      !('attachShadow' in Element.prototype) ||
      !('content' in document.createElement('template'));
    if (needsPolyfill && manifest.polyfill) await addScript(new URL(manifest.polyfill, base).href);

    const names = Object.keys(manifest).filter((k) => typeof manifest[k] === 'object');
    const selector = names.map((n) => `wa-${n}`).join(',');
    const preloaded = new Set<string>();

    const load = (name: string): Promise<unknown> | undefined => {
      const entry = manifest[name] as Entry;
      const tag = `wa-${name}`;
      if (requested.has(name) || customElements.get(tag)) return;
      requested.add(name);
      for (const dep of entry.imports ?? []) {
        const href = new URL(dep, base).href;
        if (preloaded.has(href)) continue;
        preloaded.add(href);
        const link = document.createElement('link');
        link.rel = 'modulepreload';
        link.href = href;
        document.head.appendChild(link);
      }
      // `load` fires once the module graph has run; a bundle that threw still fires it, so the wait
      // for the definition is bounded.
      return addScript(new URL(entry.file, base).href, true)
        .then(() =>
          customElements.get(tag)
            ? undefined
            : Promise.race([
                customElements.whenDefined(tag),
                new Promise((_, reject) => setTimeout(() => reject(new Error(`${tag} was not defined`)), 10_000)),
              ]),
        )
        .then(
          () => {
            WA.loaded!.push(name);
            emit('loaded', { name });
          },
          (err: unknown) => warn(`could not load ${tag}`, err),
        );
    };

    const scan = (root: ParentNode & Node): Promise<unknown>[] => {
      const found: Element[] = [];
      if (root instanceof Element && root.matches(selector)) found.push(root);
      found.push(...Array.from(root.querySelectorAll(selector)));
      const pending: Promise<unknown>[] = [];
      for (const el of found) {
        const p = load(el.localName.slice(3));
        if (p) pending.push(p);
      }
      return pending;
    };

    if (selector) {
      new MutationObserver((records) => {
        for (const r of records) for (const n of Array.from(r.addedNodes)) if (n.nodeType === 1) scan(n as Element);
      }).observe(document.documentElement, { childList: true, subtree: true });
    }
    await Promise.all(selector ? scan(document) : []);
    readyDetail = { version: manifest.version, loaded: [...WA.loaded!] };
    emit('ready', readyDetail);
  };

  start().catch(warn);
}

try {
  main();
} catch (err) {
  warn(err);
}
